"""Feature screens."""
