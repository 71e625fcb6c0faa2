"""Template analytics on a small known world: usage, fill rates by type/weekday/time of day, type matches."""

from __future__ import annotations

from datetime import date

from orca_desk.services.analytics.template_analytics import fill_report, template_usage
from orca_desk.services.template_engine.applying import apply_template
from tests.factories import book_ids
from tests.services.test_template_engine import local, params, setup  # noqa: F401  (fixture)


def test_usage_fill_rates_and_type_matches(db, setup, manager, clock):  # noqa: F811
    ids = setup
    with db.write() as s:
        apply_template(s, manager, params(ids, date(2026, 3, 4), date(2026, 3, 6)), now=clock.now())
        # Wed 09:00 adjustment slot gets an adjustment (a match); Thu 10:00 bonding slot an adjustment.
        bookings = ((date(2026, 3, 4), 9, "adj", 0), (date(2026, 3, 5), 10, "adj", 1))
        for day, hour, type_key, patient in bookings:
            book_ids(
                s,
                manager,
                patient_id=ids["patients"][patient],
                provider_id=ids["chen"],
                chair_id=ids["chair"],
                type_id=ids[type_key],
                start=local(day, hour),
                now=clock.now(),
                minutes=None,
            )
    with db.read() as s:
        [usage] = template_usage(s, manager)
        report = fill_report(s, manager, template_id=ids["t"])
        only_friday = fill_report(s, manager, start_day=date(2026, 3, 6))
    assert (
        usage.template_name,
        usage.version_number,
        usage.applications,
        usage.slots,
        usage.providers,
        usage.locations,
        usage.first_day,
        usage.last_day,
    ) == ("Standard week", 1, 1, 9, 1, "Northside", date(2026, 3, 4), date(2026, 3, 6))
    assert (report.overall.slots, report.overall.booked) == (6, 2)  # blocked lunch is not a slot to fill
    assert round(report.overall.rate, 3) == 0.333
    assert [(r.label, r.slots, r.booked) for r in report.by_type] == [("Adjustment", 3, 1), ("Bonding", 3, 1)]
    assert [(r.label, r.slots, r.booked) for r in report.by_weekday] == [
        ("Wed", 2, 1),
        ("Thu", 2, 1),
        ("Fri", 2, 0),
    ]
    assert [(r.label, r.slots, r.booked) for r in report.by_time_of_day] == [("Morning", 6, 2)]
    assert report.matched_type == 1 and report.match_rate == 0.5
    assert (only_friday.overall.slots, only_friday.overall.booked) == (2, 0)
