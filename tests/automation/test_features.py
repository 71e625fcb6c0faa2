"""The runtime built for the worker and the GUI runs the features' jobs: a cancellation is offered."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from orca_desk.automation.features import clinic_runtime
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.booking import booking
from orca_desk.services.clock import FrozenClock
from orca_desk.services.waitlist.entries import add_entry
from orca_desk.services.waitlist.rows import EntryInput
from orca_desk.services.waitlist.settings import PURPOSE
from tests.conftest import NOW
from tests.factories import book, make_world

LOCAL_ONLY = {"ORCA_DESK_SMS_PROVIDER": "local", "ORCA_DESK_EMAIL_PROVIDER": "local"}


def test_from_clinic_installs_feature_jobs_and_offers_a_cancelled_slot(db, receptionist):
    clock = FrozenClock(NOW)  # Tue 09:00 in New York
    with db.write() as s:
        w = make_world(s, patients=3)
        start = clock.now() + timedelta(hours=6)  # 15:00 local, in the afternoon window
        appt = book(s, receptionist, w, start=start, now=clock.now())
        add_entry(
            s,
            receptionist,
            EntryInput(
                patient_id=w.patients[1].id,
                type_id=w.adjustment.id,
                time_windows=[(14 * 60, 18 * 60)],
                priority=1,
                reason="broken bracket",
            ),
            now=clock.now(),
        )
    with db.write() as s:
        booking.cancel_appointment(s, receptionist, appt, reason="school event", now=clock.now())
        assert s.scalars(select(Opening)).one().source == "cancellation"

    runtime = clinic_runtime(db, LOCAL_ONLY, clock=clock)
    try:
        assert {t.name for t in runtime.ticks} >= {"waitlist", "series_horizons"}
        assert any(h.name == PURPOSE for h in runtime.handlers)
        runtime.run_once()
    finally:
        runtime.close()
    with db.read() as s:
        offer = s.scalars(select(WaitlistOffer)).one()
        entry = s.get(WaitlistEntry, offer.entry_id)
        assert entry is not None and entry.status == "notified" and entry.notification_count == 1
        message = s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == PURPOSE)).one()
        assert message.patient_id == w.patients[1].id and message.status == "sent"
        # `worker --once` ran the tick before sending: the hold started with the send itself,
        # so the link works now, not after the next run.
        assert offer.hold_started_at == message.sent_at == clock.now()
        assert offer.hold_expires_at == clock.now() + timedelta(hours=2)
