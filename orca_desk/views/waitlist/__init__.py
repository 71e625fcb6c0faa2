"""The Waitlist screen and its entry dialog."""
