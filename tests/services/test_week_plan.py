"""Who works which day of a week, which days the week view shows, chair groups, column weights."""

from __future__ import annotations

from datetime import date, timedelta

from orca_desk.services.calendar.week_plan import (
    chair_scopes,
    column_weight,
    days_to_show,
    provider_scopes,
    who_works,
)
from orca_desk.services.clinic.clinic import ChairRow, ProviderRow

MONDAY = date(2026, 3, 2)
WEEK = [MONDAY + timedelta(days=k) for k in range(7)]


def test_working_hours_or_a_visit_make_a_day_worked():
    who = who_works({(WEEK[6], 1): [(480, 600)], (WEEK[5], 2): []}, [(WEEK[0], 3), (WEEK[0], 1)])
    assert who == {WEEK[6]: frozenset({1}), WEEK[0]: frozenset({1, 3})}  # empty hours are not work


def test_the_weekend_shows_only_when_somebody_works_it():
    assert days_to_show(WEEK, {}) == WEEK[:5]  # weekdays always
    assert days_to_show(WEEK, {WEEK[5]: frozenset({1})}) == WEEK[:6]
    assert days_to_show(WEEK, {WEEK[6]: frozenset({1})}) == [*WEEK[:5], WEEK[6]]


def test_chairs_come_in_groups_of_three_then_alone():
    chairs = [ChairRow(k, 1, f"Chair {k}", "Bay A") for k in range(1, 21)]
    scopes = chair_scopes(chairs)
    assert [s.label for s in scopes[:7]] == [
        "Chair 1 – Chair 3",
        "Chair 4 – Chair 6",
        "Chair 7 – Chair 9",
        "Chair 10 – Chair 12",
        "Chair 13 – Chair 15",
        "Chair 16 – Chair 18",
        "Chair 19 – Chair 20",
    ]
    assert [s.ids for s in scopes[7:]] == [(k,) for k in range(1, 21)]
    assert [s.label for s in chair_scopes(chairs[:1])] == ["Chair 1"]  # one chair: once
    assert chair_scopes([]) == []


def test_providers_working_that_week_come_first():
    providers = [
        ProviderRow(1, "Dr. A", "orthodontist", "#000", 3),
        ProviderRow(2, "B", "assistant", "#000", 1),
    ]
    assert [s.ids for s in provider_scopes(providers, {2})] == [(2,), (1,)]


def test_a_column_is_as_wide_as_the_patients_seen_at_once_up_to_four():
    assert [column_weight(n) for n in (0, 1, 2, 3, 4, 9)] == [1.0, 1.0, 2.0, 3.0, 4.0, 4.0]
