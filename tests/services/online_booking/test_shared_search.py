"""Families asking within the same five minutes share the engine's answer; nothing inside the notice."""

from __future__ import annotations

from datetime import UTC, datetime

from orca_desk.gateway.booking_site.site import SharedSearch
from orca_desk.services.online_booking import holds


def test_the_earliest_time_rounds_up_to_five_minutes_never_down():
    at = datetime(2026, 3, 10, 14, 2, 30, tzinfo=UTC)
    assert holds._next_five_minutes(at) == datetime(2026, 3, 10, 14, 5, tzinfo=UTC)
    on_the_dot = datetime(2026, 3, 10, 14, 5, tzinfo=UTC)
    assert holds._next_five_minutes(on_the_dot) == on_the_dot
    late = datetime(2026, 3, 10, 23, 58, 1, tzinfo=UTC)
    assert holds._next_five_minutes(late) == datetime(2026, 3, 11, 0, 0, tzinfo=UTC)


def test_the_shared_search_asks_the_engine_once_per_question_and_ttl(monkeypatch):
    calls: list[tuple[object, ...]] = []

    def engine(session, location_id, minutes, after, horizon_days, limit):
        calls.append((location_id, minutes, after))
        return [f"opening for {location_id}"]

    monkeypatch.setattr(holds, "find_openings", lambda *a, **k: [])
    monkeypatch.setattr("orca_desk.services.online_booking.engine_openings", engine)
    shared = SharedSearch(ttl=60)
    at = datetime(2026, 3, 10, 14, 5, tzinfo=UTC)
    assert shared.search(None, 1, 20, at, 28, 48) == ["opening for 1"]
    assert shared.search(None, 1, 20, at, 28, 48) == ["opening for 1"]
    assert shared.search(None, 2, 20, at, 28, 48) == ["opening for 2"]
    assert len(calls) == 2
    expired = SharedSearch(ttl=-1)
    expired.search(None, 1, 20, at, 28, 48)
    expired.search(None, 1, 20, at, 28, 48)
    assert len(calls) == 4
