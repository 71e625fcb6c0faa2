"""Two-way confirmation: the one place that changes an appointment's confirmation status.

Families answer by SMS (YES/Y/C/CONFIRM/1 confirm, NO/N/2 decline, "call me" asks for a
call; anything else goes to the staff inbox), by the gateway's links (confirm, decline,
request a call) or on the phone (the call list's one-click outcomes). A reply resolves to
the newest open ``ConfirmationRequest`` to the number it came from; a family message that
asked about several appointments (siblings) is answered for all of them at once. When the
reply could mean requests from separate messages about different visits, or the request
it answers has expired, staff decide (the reply waits in the inbox, needs review).

The YES replies of one poll are applied together at the end of the batch (``_settle``: one
statement per table through ``booking.set_status_many``), still in the order they came: a
later reply about one of those visits applies them first, and a YES that can no longer be
applied (another desk or feature changed the visit meanwhile) goes to staff.

A decline flags the visit "needs reschedule" (an open reschedule task) and, when the clinic
releases declined slots (default), cancels it with the reason "declined by family" so the
waitlist gets the slot through the booking seam.
"""

from __future__ import annotations

from orca_desk.services.confirmations.answers import (
    ANSWERS,
    CALL_OUTCOMES,
    CONFIRM_GRACE,
    DECLINE_REASON,
    HANDLER_NAME,
    LOOKBACK,
    REPLY_PURPOSE,
    confirm_appointment,
    decline_appointment,
    needs_reschedule,
    record_call_outcome,
    request_callback,
)
from orca_desk.services.confirmations.calls import (
    CallListLoad,
    CallRow,
    TaskRow,
    call_day,
    call_list,
    is_closed,
    load_call_list,
    next_business_day,
    open_tasks,
)
from orca_desk.services.confirmations.replies import (
    ConfirmationReplyHandler,
    finish_replies,
    handle_reply,
    prepare_replies,
)
from orca_desk.services.reminders import expire_requests

__all__ = [
    "ANSWERS",
    "CALL_OUTCOMES",
    "CONFIRM_GRACE",
    "DECLINE_REASON",
    "HANDLER_NAME",
    "LOOKBACK",
    "REPLY_PURPOSE",
    "CallListLoad",
    "CallRow",
    "ConfirmationReplyHandler",
    "TaskRow",
    "call_day",
    "call_list",
    "confirm_appointment",
    "decline_appointment",
    "expire_requests",
    "finish_replies",
    "handle_reply",
    "is_closed",
    "load_call_list",
    "needs_reschedule",
    "next_business_day",
    "open_tasks",
    "prepare_replies",
    "record_call_outcome",
    "request_callback",
]
