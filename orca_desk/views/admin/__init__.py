"""Administration screens: locations, chairs, providers, appointment types, staff users."""
