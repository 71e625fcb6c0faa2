"""The clinic: its reference data, what a new clinic starts with, its settings, the setup wizard."""
