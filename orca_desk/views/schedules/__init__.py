"""Schedules: provider hours, exceptions, blocks, and find-next-opening."""
