"""Tests of developer tools (the fake provider server)."""
