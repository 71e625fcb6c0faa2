"""Exporting: patients and appointments as CSV, appointments as iCalendar."""
