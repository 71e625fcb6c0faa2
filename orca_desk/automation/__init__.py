"""Automation: APScheduler wiring, leader lease and job functions."""
