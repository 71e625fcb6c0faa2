"""Developer and demo tools (fake provider server)."""
