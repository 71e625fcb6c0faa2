"""Messaging: outbox, rendering, policy, inbound handling and providers."""
