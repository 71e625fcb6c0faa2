"""Backups: back up and restore the database, by hand and every day."""
