"""Settings screens: clinic, messaging policy, providers, message templates."""
