"""Messaging screens: Outbox and the Messages inbox."""
