"""A clinic with working hours and one booked visit, for the family-page tests (service, HTTP, browser)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from orca_desk.db import Database
from orca_desk.gateway.app import make_app
from orca_desk.gateway.handlers import installed_handlers
from orca_desk.gateway.server import RunningGateway, serve_in_thread
from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.services import provider_schedules as ps
from orca_desk.services.access.security import Actor
from orca_desk.services.clock import FrozenClock
from orca_desk.services.links.reschedule_links import reschedule_link
from tests.factories import World, book, make_world

SECRET = b"test-secret-0123456789abcdef"
BASE = "http://127.0.0.1:8765"
ZONE = ZoneInfo("America/New_York")


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=ZONE).astimezone(ZoneInfo("UTC"))


# conftest's clock: Tue 3 Mar 2026, 9:00 in New York; the visit is on Thursday at 10:00.
VISIT = local(date(2026, 3, 5), 10)


@dataclass
class Family:
    w: World
    appointment_id: int
    link: str  # http://127.0.0.1:8765/r/<token>


def family_world(db: Database, manager: Actor, clock: FrozenClock, *, language: str = "en") -> Family:
    with db.write() as s:
        w = make_world(s, chairs=2, patients=3)
        w.patients[0].language = language
        w.location.address = "120 Harbor St"
        hours = [ps.DayHours(d, w.location.id, 8 * 60, 17 * 60) for d in range(5)]
        ps.set_week(s, manager, w.ortho.id, hours, effective_from=date(2026, 1, 1), now=clock.now())
    with db.write() as s:
        appt = s.get(Appointment, book(s, manager, w, start=VISIT, now=clock.now()))
        assert appt is not None
        link = reschedule_link(appt, secret=SECRET, base_url=BASE)
        return Family(w, appt.id, link)


def book_other(
    db: Database, manager: Actor, w: World, start: datetime, *, patient: int = 1, chair: int = 0
) -> int:
    """Another family's visit (a desk booking), e.g. into the time someone was about to pick."""
    return book(db, manager, w, start=start, ahead=timedelta(days=3), patient=patient, chair=chair)


def appointment(db: Database, appointment_id: int) -> Appointment:
    with db.read() as s:
        appt = s.get(Appointment, appointment_id)
        assert appt is not None
        return appt


@contextmanager
def gateway(db: Database, clock: FrozenClock, threads: int = 4) -> Iterator[RunningGateway]:
    app = make_app(db, clock, secret=SECRET, handlers=installed_handlers(), public_base_url=BASE)
    running = serve_in_thread(app, threads=threads)
    try:
        yield running
    finally:
        running.stop()


def on(running: RunningGateway, link: str) -> str:
    return running.url + link.split("8765", 1)[1]


def offered_opening(db: Database, manager: Actor, clock: FrozenClock) -> tuple[World, str, int]:
    """A cancellation whose opening was offered (text sent) to a waitlisted family: (world, link, offer)."""
    import re

    from orca_desk.services.waitlist.settings import WaitlistSettings
    from orca_desk.services.waitlist.tick import process_waitlist
    from tests.services.test_waitlist import SLOT, WEEK, add_entry, cancel, send_due

    settings = WaitlistSettings(secret=SECRET, base_url=BASE)
    with db.write() as s:
        w = make_world(s, patients=3)
    now = clock.now()
    add_entry(db, w, 1, now=now)
    cancel(db, manager, book(db, manager, w, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=settings)
    send_due(db, now)
    process_waitlist(db, now=now, settings=settings)
    with db.read() as s:
        offer = s.scalars(select(WaitlistOffer)).one()
        message = s.get(OutboxMessage, offer.outbox_message_id)
        assert message is not None
        [link] = re.findall(r"http://127\.0\.0\.1:8765/o/[A-Za-z0-9_-]+", message.body)
        return w, link, offer.id


def fill_opening_elsewhere(db: Database, offer_id: int, clock: FrozenClock) -> None:
    """The desk (or another family) fills the offered opening with someone else's visit."""
    with db.write() as s:
        offer = s.get(WaitlistOffer, offer_id)
        assert offer is not None
        s.execute(
            update(Opening)
            .where(Opening.id == offer.opening_id)
            .values(status="filled", filled_at=clock.now(), filled_appointment_id=999_999)
        )
