"""What a patient link does, as types: the page's prompt, the outcome, and one purpose's handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from orca_desk.services.access.security import BOOK, Actor

# Who acts when a patient clicks a link (for the audit trail and the booking service).
PATIENT_LINK = Actor(
    username="patient-link", role="patient", display_name="Patient (via link)", permissions=frozenset({BOOK})
)


@dataclass(frozen=True)
class LinkPrompt:
    """What the page shows before anything happens (GET): a question and one button."""

    title: str
    text: str
    button: str


@dataclass(frozen=True)
class LinkOutcome:
    """What happened (POST); ``code`` is stored with the used token (e.g. "confirmed")."""

    title: str
    text: str
    code: str


@dataclass(frozen=True)
class LinkHandler:
    """One link purpose.

    ``describe(session, subject_id, now)`` reads only; ``perform(session, subject_id, now)``
    makes the change inside the gateway's transaction, after the token's nonce has been
    recorded (so, of concurrent clicks on one link, exactly one performs). Both raise
    ``NotFound`` or ``ConflictError``/``ValidationError`` with a sentence for the patient;
    ``perform`` should lock the rows it changes (``with_for_update``) so that different links
    for one record (two families offered one opening) are also first come, first served.
    ``single_use=False`` suits idempotent links such as unsubscribe.
    """

    describe: Callable[[Session, int, datetime], LinkPrompt]
    perform: Callable[[Session, int, datetime], LinkOutcome]
    single_use: bool = True
