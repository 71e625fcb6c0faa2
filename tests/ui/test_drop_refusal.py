"""The drag preview asks the booking service's own placement check: a drop it refuses is refused by
``move_appointment`` in the same words, and one it allows is made."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from orca_desk.services.booking import booking
from orca_desk.services.errors import OrcaError
from tests.factories import desk_book
from tests.ui.conftest import TEST_DAY

NY = ZoneInfo("America/New_York")


def at(hour: int, minute: int = 0, day: date = TEST_DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


def _both(
    view, ctx, appt_id: int, chair, start: int, end: int, day: date = TEST_DAY
) -> tuple[str | None, str | None]:
    """What the preview says of this drop, and what the service says when it is made."""
    key = view.key_for(chair.id, day=day)
    preview = view._drop_refusal(view.grid.item(appt_id), key, start, end)
    where, _ = view._target(view.appointments[appt_id], key, start, end)
    try:
        ctx.db.run_write(
            lambda s: booking.move_appointment(
                s,
                ctx.actor,
                appt_id,
                start=where.start,
                end=where.end,
                chair_id=where.chair_id,
                provider_id=where.provider_id,
                now=ctx.clock.now(),
            )
        )
    except OrcaError as exc:
        return preview, str(exc)
    return preview, None


@pytest.fixture
def week(main_window):
    view = main_window.show_screen("week")
    view.wait_until_loaded()
    return view


def test_the_preview_and_the_service_refuse_a_move_in_the_same_words(week, ctx, world):
    first = desk_book(ctx, world, patient=0, chair=0, start=at(10), minutes=40)
    moving = desk_book(ctx, world, patient=1, chair=1, start=at(13), minutes=40)
    again = desk_book(ctx, world, patient=0, chair=2, start=at(15), minutes=40)
    week.refresh()
    week.wait_until_loaded()
    chairs = world.chairs

    preview, service = _both(week, ctx, moving, chairs[0], 10 * 60 + 20, 11 * 60)
    assert preview == service and service is not None and "Chair" in service and "taken" in service
    assert "10:00 AM–10:40 AM" in service  # the other visit's time, in the location's zone

    preview, service = _both(week, ctx, again, chairs[1], 10 * 60 + 10, 10 * 60 + 50)
    assert preview == service and service is not None and "already has an appointment" in service

    preview, service = _both(week, ctx, moving, chairs[1], 13 * 60, 21 * 60 + 30)
    assert preview == service == "An appointment cannot last more than 8 hours."

    yesterday = TEST_DAY - timedelta(days=1)
    preview, service = _both(week, ctx, moving, chairs[1], 8 * 60, 8 * 60 + 40, day=yesterday)
    assert preview == service == "That time is in the past."

    # Dr. Chen sees two at once: a third visit beside the two at 10:00 is one too many.
    desk_book(ctx, world, patient=2, chair=1, start=at(10), minutes=40)
    third = desk_book(ctx, world, patient=3, chair=2, start=at(16), minutes=40)
    week.refresh()
    week.wait_until_loaded()
    preview, service = _both(week, ctx, third, chairs[2], 10 * 60, 10 * 60 + 40)
    assert preview == service and service is not None and "already sees 2 patients at once" in service
    assert first in week.appointments


def test_a_drop_the_preview_allows_the_service_makes(week, ctx, world):
    moving = desk_book(ctx, world, patient=1, chair=1, start=at(13), minutes=40)
    week.refresh()
    week.wait_until_loaded()
    assert _both(week, ctx, moving, world.chairs[2], 14 * 60, 14 * 60 + 40) == (None, None)


def test_a_visit_that_has_happened_may_not_be_placed_anywhere(ctx):
    now = ctx.clock.now()
    refusal = booking.placement_refusal(
        status="completed",
        patient_id=1,
        was_start=now,
        start=now + timedelta(hours=1),
        end=now + timedelta(hours=2),
        chair_id=1,
        chair_name="Chair 1",
        provider_id=1,
        provider_name="Dr",
        max_concurrent=1,
        others=(),
        now=now,
        span=lambda o: "",
    )
    assert refusal is not None and refusal.message == "A completed appointment cannot be moved."
    assert "completed" not in booking.MOVABLE_STATUSES and "confirmed" in booking.MOVABLE_STATUSES
