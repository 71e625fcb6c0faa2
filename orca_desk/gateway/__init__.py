"""Patient-link gateway (WSGI): confirm/decline/call-back links, waitlist offers, unsubscribe, iCal feeds."""

from orca_desk.gateway.app import GatewayApp, IcalFeed, make_app
from orca_desk.gateway.handlers import LinkHandler, LinkOutcome, LinkPrompt, default_handlers

__all__ = [
    "GatewayApp",
    "IcalFeed",
    "LinkHandler",
    "LinkOutcome",
    "LinkPrompt",
    "default_handlers",
    "make_app",
]
