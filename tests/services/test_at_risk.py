"""At-risk scores of known patients, with the breakdown staff read."""

from __future__ import annotations

from datetime import timedelta

from orca_desk.models.appointment import Appointment
from orca_desk.services.analytics import at_risk
from tests.conftest import NOW
from tests.factories import make_world

D = timedelta(days=1)


def test_score_breakdown_of_known_patients(db):
    with db.write() as s:
        w = make_world(s, patients=4)
        flaky, steady, retained, booked = (p.id for p in w.patients)
        w.patients[2].treatment_stage = "retention"

        def add(
            pid: int,
            days: float,
            status: str = "completed",
            confirmation: str = "confirmed",
            late: bool = False,
        ) -> None:
            start = NOW + days * D
            s.add(
                Appointment(
                    clinic_id=w.clinic.id,
                    patient_id=pid,
                    provider_id=w.ortho.id,
                    chair_id=w.chairs[0].id,
                    location_id=w.location.id,
                    type_id=w.adjustment.id,
                    start_at=start,
                    end_at=start + timedelta(minutes=20),
                    status=status,
                    confirmation=confirmation,
                    late_cancel=late,
                    created_at=start - 30 * D,
                    updated_at=start - 30 * D,
                )
            )

        # Flaky: 2 no-shows, a late cancellation, 3 of 4 visits unconfirmed, last seen 100 days ago.
        add(flaky, -100, confirmation="unconfirmed")
        add(flaky, -150, "no_show", "unconfirmed")
        add(flaky, -200, "no_show", "unconfirmed")
        add(flaky, -250)
        add(flaky, -120, "cancelled", late=True)
        add(flaky, -400, "no_show")  # more than a year ago: does not count
        add(steady, -30)
        add(steady, 14, "scheduled")
        add(retained, -150)  # retention: 150 days is within 3–6 months
        add(booked, -300)
        add(booked, 3, "confirmed")
    with db.read() as s:
        scores = at_risk.score_patients(s, None, now=NOW)
        rows = at_risk.at_risk_list(s, now=NOW, min_score=1)
    f = scores[flaky]
    assert [(x.factor, x.points) for x in f.factors] == [
        ("no-shows", 30),
        ("late cancellations", 8),
        ("unconfirmed visits", 11),
        ("overdue", 26),
        ("nothing booked", 10),
    ]
    assert f.score == 85 and f.level == "high"
    assert f.factors[0].why == "2 no-shows in the last 12 months"
    assert f.factors[2].why == "3 of 4 visits in the last 12 months were never confirmed"
    assert f.factors[3].why == (
        "last seen 100 days ago; active treatment expects adjustments every 4–8 weeks (44 days overdue)"
    )
    assert "+30 no-shows: 2 no-shows in the last 12 months" in f.explain()
    assert scores[steady].score == 0 and scores[steady].explain() == "No risk factors."
    assert scores[retained].score == 0  # retention expects longer gaps and needs nothing booked
    assert scores[booked].score == 0  # overdue, but the next visit is booked
    assert [r.patient_id for r in rows] == [flaky]


def test_retention_overdue_and_caps():
    facts = at_risk._Facts(
        stage="retention", no_shows=5, late_cancels=4, last_visit=NOW - 400 * D, next_visit=None
    )
    r = at_risk.score_facts(1, facts, NOW)
    assert [(x.factor, x.points) for x in r.factors] == [
        ("no-shows", 45),
        ("late cancellations", 24),
        ("overdue", 30),
    ]
    assert r.score == 99
    assert "retention checks every 3–6 months (218 days overdue)" in r.factors[2].why
