"""Waitlist opening offers: detect openings, match entries, offer with a hold, escalate, book.

Everything durable is a row with a due time. An ``Opening`` is written in the same
transaction as its cause (``after_appointment_change``, called from the booking seam) or
by staff (``announce_opening``). ``process_waitlist`` (the automation tick) then:

1. catches up the hold of each offer whose message the dispatcher has actually sent
   (``hold_started_at = OutboxMessage.sent_at``). The hold normally starts in the very
   transaction that records the send (``message_effects.after_sent`` →
   ``start_holds_of_sent``), so the link and a YES work at once; a reply or a link click
   also catches it up. A message deferred by quiet hours starts its hold later, never at
   queue time; one deferred by the number's budget is replaced (email, or the next in line);
2. expires holds that have passed (also those that passed while the app was down) and
   re-opens their opening, so the next match is offered;
3. expires openings too close to their start (default 30 min);
4. offers every open opening that is due to the best match (or the top N in broadcast
   mode), never offering one patient two slots at once.

Each step changes rows only when their state says it is due, so running a tick twice,
or after a crash, escalates once. Rules: hold 2 h and at most 3 offers per
entry by default (Settings: ``waitlist_hold_minutes``, ``waitlist_max_offers``; both told in
the offer), no message in quiet hours (patient's zone, the clinic's policy, follow-ups too),
SMS only with opt-in and within the number's budget (else email, else a phone task for
staff; a number out of texts with no email lets the next in line have the opening), the
booking link works only during the hold, the entry is NOTIFIED during the hold.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orca_desk.services.waitlist.entries import add_entry, list_entries, remove_entry, update_entry
    from orca_desk.services.waitlist.holds import hold_window, start_holds_of_sent
    from orca_desk.services.waitlist.matching import (
        PRIORITY_LABELS,
        PRIORITY_POINTS,
        WEEKDAY_ABBR,
        match_opening,
    )
    from orca_desk.services.waitlist.offers import notify_entry, offer_opening, offer_openings
    from orca_desk.services.waitlist.openings import after_appointment_change, announce_opening, close_opening
    from orca_desk.services.waitlist.queries import list_offers, list_openings, offered_openings
    from orca_desk.services.waitlist.replies import WaitlistReplyHandler, handle_inbound, prepare_inbound
    from orca_desk.services.waitlist.responses import accept_offer, decline_offer, record_response
    from orca_desk.services.waitlist.rows import (
        EntryInput,
        EntryRow,
        MatchRow,
        OfferedOpening,
        OfferResult,
        OfferRow,
        OpeningRow,
        TickReport,
    )
    from orca_desk.services.waitlist.settings import (
        BUDGET_DEFERRED,
        DEAD_SEND_STATES,
        DECLINE_PURPOSE,
        LINK_PURPOSE,
        LIVE_SEND_STATES,
        PURPOSE,
        WaitlistSettings,
        default_settings,
    )
    from orca_desk.services.waitlist.tick import process_waitlist
    from orca_desk.services.waitlist.wording import (
        EMAIL_SUBJECT,
        EMAIL_TEXT,
        PHONE_SCRIPT,
        SMS_TEMPLATE,
        SMS_TEMPLATE_SHORTER,
    )

# Each public name and the submodule that owns it, imported on first use. The package imports
# nothing at load time, so importing one submodule loads only what that submodule needs:
# ``appointment_effects`` (run by booking) imports ``openings``, which never reaches booking,
# while ``responses`` (accepting an offer books it) is loaded only when someone answers an offer.
_HOME = {
    "BUDGET_DEFERRED": "settings",
    "DEAD_SEND_STATES": "settings",
    "DECLINE_PURPOSE": "settings",
    "EMAIL_SUBJECT": "wording",
    "EMAIL_TEXT": "wording",
    "EntryInput": "rows",
    "EntryRow": "rows",
    "LINK_PURPOSE": "settings",
    "LIVE_SEND_STATES": "settings",
    "MatchRow": "rows",
    "OfferResult": "rows",
    "OfferRow": "rows",
    "OfferedOpening": "rows",
    "OpeningRow": "rows",
    "PHONE_SCRIPT": "wording",
    "PRIORITY_LABELS": "matching",
    "PRIORITY_POINTS": "matching",
    "PURPOSE": "settings",
    "SMS_TEMPLATE": "wording",
    "SMS_TEMPLATE_SHORTER": "wording",
    "TickReport": "rows",
    "WEEKDAY_ABBR": "matching",
    "WaitlistReplyHandler": "replies",
    "WaitlistSettings": "settings",
    "accept_offer": "responses",
    "add_entry": "entries",
    "after_appointment_change": "openings",
    "announce_opening": "openings",
    "close_opening": "openings",
    "decline_offer": "responses",
    "default_settings": "settings",
    "handle_inbound": "replies",
    "hold_window": "holds",
    "list_entries": "entries",
    "list_offers": "queries",
    "list_openings": "queries",
    "match_opening": "matching",
    "notify_entry": "offers",
    "offer_opening": "offers",
    "offer_openings": "offers",
    "offered_openings": "queries",
    "prepare_inbound": "replies",
    "process_waitlist": "tick",
    "record_response": "responses",
    "remove_entry": "entries",
    "start_holds_of_sent": "holds",
    "update_entry": "entries",
}

__all__ = [
    "BUDGET_DEFERRED",
    "DEAD_SEND_STATES",
    "DECLINE_PURPOSE",
    "EMAIL_SUBJECT",
    "EMAIL_TEXT",
    "LINK_PURPOSE",
    "LIVE_SEND_STATES",
    "PHONE_SCRIPT",
    "PRIORITY_LABELS",
    "PRIORITY_POINTS",
    "PURPOSE",
    "SMS_TEMPLATE",
    "SMS_TEMPLATE_SHORTER",
    "WEEKDAY_ABBR",
    "EntryInput",
    "EntryRow",
    "MatchRow",
    "OfferResult",
    "OfferRow",
    "OfferedOpening",
    "OpeningRow",
    "TickReport",
    "WaitlistReplyHandler",
    "WaitlistSettings",
    "accept_offer",
    "add_entry",
    "after_appointment_change",
    "announce_opening",
    "close_opening",
    "decline_offer",
    "default_settings",
    "handle_inbound",
    "hold_window",
    "list_entries",
    "list_offers",
    "list_openings",
    "match_opening",
    "notify_entry",
    "offer_opening",
    "offer_openings",
    "offered_openings",
    "prepare_inbound",
    "process_waitlist",
    "record_response",
    "remove_entry",
    "start_holds_of_sent",
    "update_entry",
]


if not TYPE_CHECKING:  # the type checker reads the imports above, and flags unknown names

    def __getattr__(name: str) -> Any:
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f"{__name__}.{home}"), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
