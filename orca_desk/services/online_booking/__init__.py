"""Online self-scheduling for families (/book): settings, live openings, holds, phone codes, booking."""

from __future__ import annotations

from orca_desk.services.online_booking.family import (
    BOOKED_ONLINE,
    CONSENT_SOURCE,
    BookedView,
    Confirmation,
    FamilyDetails,
    booked_view,
    clinic_name,
    confirm,
    match_or_create,
    parse_details,
    send_code,
)
from orca_desk.services.online_booking.holds import (
    HOLD_MINUTES,
    OnlineBookingClosed,
    Slot,
    SlotTaken,
    checked_choice,
    engine_openings,
    hold_slot,
    live_hold,
    live_hold_row,
    offered_openings,
    release_expired,
)
from orca_desk.services.online_booking.reviews import ReviewRow, open_reviews, resolve_review
from orca_desk.services.online_booking.settings import (
    OnlineBookingSettings,
    booking_choices,
    contrast_with_white,
    load_settings,
    save_settings,
    set_paused,
)

__all__ = [
    "BOOKED_ONLINE",
    "CONSENT_SOURCE",
    "HOLD_MINUTES",
    "BookedView",
    "Confirmation",
    "FamilyDetails",
    "OnlineBookingClosed",
    "OnlineBookingSettings",
    "ReviewRow",
    "Slot",
    "SlotTaken",
    "booked_view",
    "booking_choices",
    "checked_choice",
    "clinic_name",
    "confirm",
    "contrast_with_white",
    "engine_openings",
    "hold_slot",
    "live_hold",
    "live_hold_row",
    "load_settings",
    "match_or_create",
    "offered_openings",
    "open_reviews",
    "parse_details",
    "release_expired",
    "resolve_review",
    "save_settings",
    "send_code",
    "set_paused",
]
