"""The staff review list: online bookings whose family may already be a patient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from orca_desk.models.appointment import Appointment
from orca_desk.models.online_booking import BookingReview
from orca_desk.models.patient import Patient
from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.errors import NotFound


@dataclass(frozen=True)
class ReviewRow:
    id: int
    created_at: datetime
    appointment_id: int
    appointment_start: datetime
    location_id: int
    booked_name: str
    candidate_id: int
    candidate_name: str
    reason: str


def open_reviews(session: Session, *, limit: int = 200) -> list[ReviewRow]:
    """Unresolved reviews, oldest first (each names the booked record and the possible match)."""
    booked, candidate = aliased(Patient), aliased(Patient)
    rows = session.execute(
        select(
            BookingReview.id,
            BookingReview.created_at,
            Appointment.id,
            Appointment.start_at,
            Appointment.location_id,
            booked.first_name,
            booked.last_name,
            candidate.id,
            candidate.first_name,
            candidate.last_name,
            BookingReview.reason,
        )
        .join(Appointment, Appointment.id == BookingReview.appointment_id)
        .join(booked, booked.id == BookingReview.patient_id)
        .join(candidate, candidate.id == BookingReview.candidate_id)
        .where(BookingReview.resolved_at.is_(None))
        .order_by(BookingReview.created_at, BookingReview.id)
        .limit(limit)
    ).all()
    return [
        ReviewRow(r[0], r[1], r[2], r[3], r[4], f"{r[5]} {r[6]}", r[7], f"{r[8]} {r[9]}", r[10]) for r in rows
    ]


def resolve_review(session: Session, actor: Actor, review_id: int, *, now: datetime) -> None:
    """Staff looked (and merged the records, or kept both): the row leaves the list."""
    actor.require(BOOK)
    review = session.get(BookingReview, review_id)
    if review is None:
        raise NotFound(f"Review #{review_id} does not exist.")
    review.resolved_at, review.resolved_by = now, actor.username[:60]
    audit.record(session, actor, "resolve", "booking_review", review.id, now=now)
