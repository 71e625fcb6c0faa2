"""Online self-scheduling pages for families (/book) on the gateway."""

from __future__ import annotations

from orca_desk.gateway.booking_site.site import BOOK_PREFIX, BookingSite

__all__ = ["BOOK_PREFIX", "BookingSite"]
