"""Automation runtime: leader election, idempotent job functions and their APScheduler wiring (Qt-free)."""
