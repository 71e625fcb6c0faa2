"""Calendar screens: day view, booking and appointment actions."""
