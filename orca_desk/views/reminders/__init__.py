"""Reminders: sequence editor with a timeline and live preview, analytics, and the call list."""
