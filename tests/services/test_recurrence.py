"""Tests for RRULE expansion and summaries: RFC 5545 vectors, DST, bounds, errors, properties."""

from __future__ import annotations

import calendar
import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orca_desk.services.errors import OrcaError
from orca_desk.services.recurrence import (
    RecurrenceRuleError,
    describe,
    occurrences,
    occurrences_from,
    validate,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def ny(y: int, mo: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=NY)


def days(y: int, mo: int, ds: list[int] | range, h: int = 9, mi: int = 0) -> list[datetime]:
    return [ny(y, mo, d, h, mi) for d in ds]


def walls(results: list[datetime]) -> list[tuple[datetime, float]]:
    """Wall clock plus UTC offset in hours: equality of aware datetimes alone ignores offsets."""
    return [
        (r.replace(tzinfo=None), r.utcoffset().total_seconds() / 3600)  # type: ignore[union-attr]
        for r in results
    ]


# --- RFC 5545 §3.8.5.3 examples (DTSTART;TZID=America/New_York) ------------------------------

RFC_VECTORS: list[tuple[str, str, datetime, dict[str, object], list[datetime]]] = [
    (
        "daily for 10 occurrences",
        "FREQ=DAILY;COUNT=10",
        ny(1997, 9, 2),
        {},
        days(1997, 9, range(2, 12)),
    ),
    (
        "daily until December 24, 1997",
        "FREQ=DAILY;UNTIL=19971224T000000Z",
        ny(1997, 9, 2),
        {},
        days(1997, 9, range(2, 31))
        + days(1997, 10, range(1, 32))
        + days(1997, 11, range(1, 31))
        + days(1997, 12, range(1, 24)),
    ),
    (
        "every other day (first 20)",
        "FREQ=DAILY;INTERVAL=2",
        ny(1997, 9, 2),
        {"limit": 20},
        days(1997, 9, range(2, 31, 2)) + days(1997, 10, [2, 4, 6, 8, 10]),
    ),
    (
        "every 10 days, 5 occurrences",
        "FREQ=DAILY;INTERVAL=10;COUNT=5",
        ny(1997, 9, 2),
        {},
        days(1997, 9, [2, 12, 22]) + days(1997, 10, [2, 12]),
    ),
    (
        "every day in January, for 3 years (yearly form)",
        "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
        ny(1998, 1, 1),
        {},
        days(1998, 1, range(1, 32)) + days(1999, 1, range(1, 32)) + days(2000, 1, range(1, 32)),
    ),
    (
        "every day in January, for 3 years (daily form)",
        "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
        ny(1998, 1, 1),
        {},
        days(1998, 1, range(1, 32)) + days(1999, 1, range(1, 32)) + days(2000, 1, range(1, 32)),
    ),
    (
        "weekly for 10 occurrences",
        "FREQ=WEEKLY;COUNT=10",
        ny(1997, 9, 2),
        {},
        days(1997, 9, [2, 9, 16, 23, 30]) + days(1997, 10, [7, 14, 21, 28]) + [ny(1997, 11, 4)],
    ),
    (
        "weekly until December 24, 1997",
        "FREQ=WEEKLY;UNTIL=19971224T000000Z",
        ny(1997, 9, 2),
        {},
        days(1997, 9, [2, 9, 16, 23, 30])
        + days(1997, 10, [7, 14, 21, 28])
        + days(1997, 11, [4, 11, 18, 25])
        + days(1997, 12, [2, 9, 16, 23]),
    ),
    (
        "every other week (first 13)",
        "FREQ=WEEKLY;INTERVAL=2;WKST=SU",
        ny(1997, 9, 2),
        {"limit": 13},
        days(1997, 9, [2, 16, 30])
        + days(1997, 10, [14, 28])
        + days(1997, 11, [11, 25])
        + days(1997, 12, [9, 23])
        + days(1998, 1, [6, 20])
        + days(1998, 2, [3, 17]),
    ),
    (
        "weekly on Tuesday and Thursday for five weeks (UNTIL)",
        "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
        ny(1997, 9, 2),
        {},
        [*days(1997, 9, [2, 4, 9, 11, 16, 18, 23, 25, 30]), ny(1997, 10, 2)],
    ),
    (
        "weekly on Tuesday and Thursday for five weeks (COUNT)",
        "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
        ny(1997, 9, 2),
        {},
        [*days(1997, 9, [2, 4, 9, 11, 16, 18, 23, 25, 30]), ny(1997, 10, 2)],
    ),
    (
        "every other week on Monday, Wednesday and Friday until December 24, 1997",
        "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
        ny(1997, 9, 1),
        {},
        days(1997, 9, [1, 3, 5, 15, 17, 19, 29])
        + days(1997, 10, [1, 3, 13, 15, 17, 27, 29, 31])
        + days(1997, 11, [10, 12, 14, 24, 26, 28])
        + days(1997, 12, [8, 10, 12, 22]),
    ),
    (
        "every other week on Tuesday and Thursday, for 8 occurrences",
        "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
        ny(1997, 9, 2),
        {},
        days(1997, 9, [2, 4, 16, 18, 30]) + days(1997, 10, [2, 14, 16]),
    ),
    (
        "monthly on the first Friday for 10 occurrences",
        "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
        ny(1997, 9, 5),
        {},
        [
            ny(1997, 9, 5),
            ny(1997, 10, 3),
            ny(1997, 11, 7),
            ny(1997, 12, 5),
            ny(1998, 1, 2),
            ny(1998, 2, 6),
            ny(1998, 3, 6),
            ny(1998, 4, 3),
            ny(1998, 5, 1),
            ny(1998, 6, 5),
        ],
    ),
    (
        "monthly on the first Friday until December 24, 1997",
        "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
        ny(1997, 9, 5),
        {},
        [ny(1997, 9, 5), ny(1997, 10, 3), ny(1997, 11, 7), ny(1997, 12, 5)],
    ),
    (
        "every other month on the first and last Sunday, for 10 occurrences",
        "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
        ny(1997, 9, 7),
        {},
        days(1997, 9, [7, 28])
        + days(1997, 11, [2, 30])
        + days(1998, 1, [4, 25])
        + days(1998, 3, [1, 29])
        + days(1998, 5, [3, 31]),
    ),
    (
        "monthly on the second-to-last Monday for 6 months",
        "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
        ny(1997, 9, 22),
        {},
        [
            ny(1997, 9, 22),
            ny(1997, 10, 20),
            ny(1997, 11, 17),
            ny(1997, 12, 22),
            ny(1998, 1, 19),
            ny(1998, 2, 16),
        ],
    ),
    (
        "monthly on the third-to-the-last day (first 6)",
        "FREQ=MONTHLY;BYMONTHDAY=-3",
        ny(1997, 9, 28),
        {"limit": 6},
        [
            ny(1997, 9, 28),
            ny(1997, 10, 29),
            ny(1997, 11, 28),
            ny(1997, 12, 29),
            ny(1998, 1, 29),
            ny(1998, 2, 26),
        ],
    ),
    (
        "monthly on the 2nd and 15th for 10 occurrences",
        "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
        ny(1997, 9, 2),
        {},
        days(1997, 9, [2, 15])
        + days(1997, 10, [2, 15])
        + days(1997, 11, [2, 15])
        + days(1997, 12, [2, 15])
        + days(1998, 1, [2, 15]),
    ),
    (
        "monthly on the first and last day for 10 occurrences",
        "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
        ny(1997, 9, 30),
        {},
        [
            ny(1997, 9, 30),
            *days(1997, 10, [1, 31]),
            *days(1997, 11, [1, 30]),
            *days(1997, 12, [1, 31]),
            *days(1998, 1, [1, 31]),
            ny(1998, 2, 1),
        ],
    ),
    (
        "every 18 months on the 10th thru 15th for 10 occurrences",
        "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
        ny(1997, 9, 10),
        {},
        days(1997, 9, range(10, 16)) + days(1999, 3, range(10, 14)),
    ),
    (
        "every Tuesday, every other month (first 18)",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
        ny(1997, 9, 2),
        {"limit": 18},
        days(1997, 9, [2, 9, 16, 23, 30])
        + days(1997, 11, [4, 11, 18, 25])
        + days(1998, 1, [6, 13, 20, 27])
        + days(1998, 3, [3, 10, 17, 24, 31]),
    ),
    (
        "yearly in June and July for 10 occurrences",
        "FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
        ny(1997, 6, 10),
        {},
        [ny(y, m, 10) for y in range(1997, 2002) for m in (6, 7)],
    ),
    (
        "every other year on January, February and March for 10 occurrences",
        "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
        ny(1997, 3, 10),
        {},
        [ny(1997, 3, 10)] + [ny(y, m, 10) for y in (1999, 2001, 2003) for m in (1, 2, 3)],
    ),
    (
        "every third year on the 1st, 100th and 200th day for 10 occurrences",
        "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
        ny(1997, 1, 1),
        {},
        [
            ny(1997, 1, 1),
            ny(1997, 4, 10),
            ny(1997, 7, 19),
            ny(2000, 1, 1),
            ny(2000, 4, 9),
            ny(2000, 7, 18),
            ny(2003, 1, 1),
            ny(2003, 4, 10),
            ny(2003, 7, 19),
            ny(2006, 1, 1),
        ],
    ),
    (
        "every 20th Monday of the year (first 3)",
        "FREQ=YEARLY;BYDAY=20MO",
        ny(1997, 5, 19),
        {"limit": 3},
        [ny(1997, 5, 19), ny(1998, 5, 18), ny(1999, 5, 17)],
    ),
    (
        "Monday of week number 20 (first 3)",
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        ny(1997, 5, 12),
        {"limit": 3},
        [ny(1997, 5, 12), ny(1998, 5, 11), ny(1999, 5, 17)],
    ),
    (
        "every Thursday in March (first 11)",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
        ny(1997, 3, 13),
        {"limit": 11},
        days(1997, 3, [13, 20, 27]) + days(1998, 3, [5, 12, 19, 26]) + days(1999, 3, [4, 11, 18, 25]),
    ),
    (
        "every Thursday, but only during June, July and August (first 17)",
        "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
        ny(1997, 6, 5),
        {"limit": 17},
        days(1997, 6, [5, 12, 19, 26])
        + days(1997, 7, [3, 10, 17, 24, 31])
        + days(1997, 8, [7, 14, 21, 28])
        + days(1998, 6, [4, 11, 18, 25]),
    ),
    (
        "every Friday the 13th (first 5; DTSTART excluded as it does not match)",
        "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
        ny(1997, 9, 2),
        {"limit": 5},
        [ny(1998, 2, 13), ny(1998, 3, 13), ny(1998, 11, 13), ny(1999, 8, 13), ny(2000, 10, 13)],
    ),
    (
        "the first Saturday that follows the first Sunday of the month (first 10)",
        "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
        ny(1997, 9, 13),
        {"limit": 10},
        [
            ny(1997, 9, 13),
            ny(1997, 10, 11),
            ny(1997, 11, 8),
            ny(1997, 12, 13),
            ny(1998, 1, 10),
            ny(1998, 2, 7),
            ny(1998, 3, 7),
            ny(1998, 4, 11),
            ny(1998, 5, 9),
            ny(1998, 6, 13),
        ],
    ),
    (
        "US presidential election day (first 3)",
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
        ny(1996, 11, 5),
        {"limit": 3},
        [ny(1996, 11, 5), ny(2000, 11, 7), ny(2004, 11, 2)],
    ),
    (
        "the third instance of Tuesday, Wednesday or Thursday, for the next 3 months",
        "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
        ny(1997, 9, 4),
        {},
        [ny(1997, 9, 4), ny(1997, 10, 7), ny(1997, 11, 6)],
    ),
    (
        "the second-to-last weekday of the month (first 7)",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
        ny(1997, 9, 29),
        {"limit": 7},
        [
            ny(1997, 9, 29),
            ny(1997, 10, 30),
            ny(1997, 11, 27),
            ny(1997, 12, 30),
            ny(1998, 1, 29),
            ny(1998, 2, 26),
            ny(1998, 3, 30),
        ],
    ),
    (
        # The RFC lists 15:00 as well, but its UNTIL of 17:00 UTC is 13:00 EDT; a UTC UNTIL
        # is an instant, so the rule as written stops at 12:00 (the next vector ends at 17:00).
        "every 3 hours from 09:00 to 17:00 on a specific day (UNTIL as written)",
        "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
        ny(1997, 9, 2),
        {},
        [ny(1997, 9, 2, 9), ny(1997, 9, 2, 12)],
    ),
    (
        "every 3 hours from 09:00 to 17:00 on a specific day (UNTIL 17:00 EDT)",
        "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z",
        ny(1997, 9, 2),
        {},
        [ny(1997, 9, 2, 9), ny(1997, 9, 2, 12), ny(1997, 9, 2, 15)],
    ),
    (
        "every 15 minutes for 6 occurrences",
        "FREQ=MINUTELY;INTERVAL=15;COUNT=6",
        ny(1997, 9, 2),
        {},
        [ny(1997, 9, 2, 9, m) for m in (0, 15, 30, 45)] + [ny(1997, 9, 2, 10, m) for m in (0, 15)],
    ),
    (
        "every hour and a half for 4 occurrences",
        "FREQ=MINUTELY;INTERVAL=90;COUNT=4",
        ny(1997, 9, 2),
        {},
        [ny(1997, 9, 2, 9), ny(1997, 9, 2, 10, 30), ny(1997, 9, 2, 12), ny(1997, 9, 2, 13, 30)],
    ),
    (
        "every 20 minutes from 9:00 to 16:40 every day (daily form, first 2 days)",
        "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
        ny(1997, 9, 2),
        {"limit": 48},
        [ny(1997, 9, d, h, m) for d in (2, 3) for h in range(9, 17) for m in (0, 20, 40)],
    ),
    (
        "every 20 minutes from 9:00 to 16:40 every day (minutely form, first day)",
        "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16",
        ny(1997, 9, 2),
        {"limit": 24},
        [ny(1997, 9, 2, h, m) for h in range(9, 17) for m in (0, 20, 40)],
    ),
    (
        "WKST matters: WKST=MO",
        "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
        ny(1997, 8, 5),
        {},
        days(1997, 8, [5, 10, 19, 24]),
    ),
    (
        "WKST matters: WKST=SU",
        "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
        ny(1997, 8, 5),
        {},
        days(1997, 8, [5, 17, 19, 31]),
    ),
    (
        "an invalid date (February 30) is ignored",
        "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
        ny(2007, 1, 15),
        {},
        [ny(2007, 1, 15), ny(2007, 1, 30), ny(2007, 2, 15), ny(2007, 3, 15), ny(2007, 3, 30)],
    ),
]


@pytest.mark.parametrize(
    ("rule", "dtstart", "kwargs", "expected"),
    [pytest.param(r, d, k, e, id=name) for name, r, d, k, e in RFC_VECTORS],
)
def test_rfc5545_examples(
    rule: str, dtstart: datetime, kwargs: dict[str, object], expected: list[datetime]
) -> None:
    result = occurrences(rule, dtstart, **kwargs)  # type: ignore[arg-type]
    assert walls(result) == walls(expected)
    assert all(r.tzinfo is NY for r in result)


def test_rfc_daily_until_switches_from_edt_to_est_at_nine_oclock() -> None:
    result = occurrences("FREQ=DAILY;UNTIL=19971224T000000Z", ny(1997, 9, 2))
    by_day = {r.date(): r for r in result}
    assert by_day[date(1997, 10, 25)].utcoffset() == timedelta(hours=-4)
    assert by_day[date(1997, 10, 26)].utcoffset() == timedelta(hours=-5)
    assert {r.time() for r in result} == {time(9)}
    assert len(result) == 113


# --- DST: the series is wall-clock ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "first"),
    [
        (NY, date(2024, 3, 1)),  # spring forward 10 Mar
        (NY, date(2024, 10, 25)),  # fall back 3 Nov
        (LONDON, date(2024, 3, 25)),  # 31 Mar
        (LONDON, date(2024, 10, 21)),  # 27 Oct
        (SYDNEY, date(2024, 4, 1)),  # fall back 7 Apr
        (SYDNEY, date(2024, 10, 1)),  # spring forward 6 Oct
    ],
)
def test_nine_oclock_stays_nine_oclock_across_dst(tz: ZoneInfo, first: date) -> None:
    start = datetime.combine(first, time(9), tzinfo=tz)
    result = occurrences("FREQ=DAILY;COUNT=15", start)
    assert [r.date() for r in result] == [first + timedelta(days=i) for i in range(15)]
    assert {r.time() for r in result} == {time(9)}
    offsets = {r.utcoffset() for r in result}
    assert len(offsets) == 2  # the offset did change under the fixed wall clock


@pytest.mark.parametrize(
    ("tz", "start", "gap_day", "shifted"),
    [
        (NY, datetime(2024, 3, 8, 2, 30), date(2024, 3, 10), time(3, 30)),
        (LONDON, datetime(2024, 3, 29, 1, 30), date(2024, 3, 31), time(2, 30)),
        (SYDNEY, datetime(2024, 10, 4, 2, 30), date(2024, 10, 6), time(3, 30)),
    ],
)
def test_nonexistent_time_moves_forward_by_the_gap(
    tz: ZoneInfo, start: datetime, gap_day: date, shifted: time
) -> None:
    result = occurrences("FREQ=DAILY;COUNT=5", start.replace(tzinfo=tz))
    assert len(result) == 5
    for r in result:
        expected = shifted if r.date() == gap_day else start.time()
        assert r.time() == expected, r
        assert r.tzinfo is tz
        # The shifted time is a real instant: the round trip through UTC keeps it.
        assert r.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == r.replace(tzinfo=None)
    # 02:30 EST on 10 March is 07:30 UTC, which is what RFC 5545 §3.3.5 means by "moves".
    if tz is NY:
        on_gap_day = next(r for r in result if r.date() == gap_day)
        assert on_gap_day.astimezone(UTC) == datetime(2024, 3, 10, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "start", "ambiguous_day", "first_offset"),
    [
        (NY, datetime(2024, 11, 2, 1, 30), date(2024, 11, 3), timedelta(hours=-4)),
        (LONDON, datetime(2024, 10, 26, 1, 30), date(2024, 10, 27), timedelta(hours=1)),
        (SYDNEY, datetime(2024, 4, 6, 2, 30), date(2024, 4, 7), timedelta(hours=11)),
    ],
)
def test_ambiguous_time_takes_first_occurrence(
    tz: ZoneInfo, start: datetime, ambiguous_day: date, first_offset: timedelta
) -> None:
    result = occurrences("FREQ=DAILY;COUNT=3", start.replace(tzinfo=tz))
    assert [r.time() for r in result] == [start.time()] * 3
    on_day = next(r for r in result if r.date() == ambiguous_day)
    assert on_day.fold == 0
    assert on_day.utcoffset() == first_offset


def test_weekly_series_keeps_wall_clock_for_a_year() -> None:
    result = occurrences("FREQ=WEEKLY;BYDAY=TU;COUNT=52", ny(2024, 1, 2, 8))
    assert {(r.weekday(), r.time()) for r in result} == {(1, time(8))}
    assert {r.utcoffset() for r in result} == {timedelta(hours=-5), timedelta(hours=-4)}


def test_wall_times_landing_on_one_instant_are_returned_once() -> None:
    # 02:00 does not exist on 10 March and becomes 03:00, which the rule also lists.
    result = occurrences("FREQ=HOURLY;COUNT=5", ny(2024, 3, 10, 0))
    assert [r.time() for r in result] == [time(0), time(1), time(3), time(4)]
    assert result == sorted(result)
    # With a limit the answer is still complete and ordered.
    shifted = occurrences("FREQ=DAILY;BYHOUR=2,3;BYMINUTE=0,30", ny(2024, 3, 10, 0), limit=4)
    assert [(r.day, r.time()) for r in shifted] == [
        (10, time(3)),
        (10, time(3, 30)),
        (11, time(2)),
        (11, time(2, 30)),
    ]


def test_dtstart_in_second_half_of_fall_back_is_kept_as_given() -> None:
    start = datetime(2024, 11, 3, 1, 30, tzinfo=NY, fold=1)  # 01:30 EST
    result = occurrences("FREQ=DAILY;COUNT=2", start)
    assert result[0].utcoffset() == timedelta(hours=-5)
    assert result[0] == start
    assert result[1] == ny(2024, 11, 4, 1, 30)


# --- floating starts ------------------------------------------------------------------------


def test_floating_start_gives_floating_results_without_dst_shifts() -> None:
    result = occurrences("FREQ=DAILY;COUNT=3", datetime(2024, 3, 9, 2, 30))
    assert result == [datetime(2024, 3, d, 2, 30) for d in (9, 10, 11)]
    assert all(r.tzinfo is None for r in result)


def test_microseconds_of_dtstart_are_kept() -> None:
    start = datetime(2024, 1, 1, 9, 0, 0, 250_000)
    assert occurrences("FREQ=DAILY;COUNT=2", start) == [start, start + timedelta(days=1)]


# --- invalid dates and COUNT ------------------------------------------------------------------


def test_31st_of_month_skips_short_months_and_count_counts_only_real_dates() -> None:
    result = occurrences("FREQ=MONTHLY;COUNT=5", ny(2023, 1, 31))
    assert [r.date() for r in result] == [
        date(2023, 1, 31),
        date(2023, 3, 31),
        date(2023, 5, 31),
        date(2023, 7, 31),
        date(2023, 8, 31),
    ]


def test_30th_of_month_skips_february() -> None:
    result = occurrences("FREQ=MONTHLY;BYMONTHDAY=30;COUNT=3", ny(2024, 1, 30))
    assert [r.date() for r in result] == [date(2024, 1, 30), date(2024, 3, 30), date(2024, 4, 30)]


def test_leap_day_yearly_only_in_leap_years() -> None:
    result = occurrences("FREQ=YEARLY;COUNT=3", ny(2024, 2, 29))
    assert [r.date() for r in result] == [date(2024, 2, 29), date(2028, 2, 29), date(2032, 2, 29)]


def test_rule_that_never_occurs_is_rejected_instead_of_searching_forever() -> None:
    with pytest.raises(ValueError, match=r"^BYMONTHDAY=30,31: no such day in BYMONTH=2"):
        occurrences("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,31", ny(2024, 1, 1), limit=1)
    with pytest.raises(ValueError, match=r"^BYMONTH=2,4: none of these months has day 31"):
        occurrences("FREQ=MONTHLY;BYMONTH=2,4", ny(2024, 1, 31), limit=1)


# --- BYSETPOS and BYWEEKNO corner cases ---------------------------------------------------------


def test_bysetpos_depends_on_wkst_for_weekly() -> None:
    mo = occurrences("FREQ=WEEKLY;BYDAY=SA,SU;BYSETPOS=-1;WKST=MO;COUNT=2", ny(2023, 1, 2))
    su = occurrences("FREQ=WEEKLY;BYDAY=SA,SU;BYSETPOS=-1;WKST=SU;COUNT=2", ny(2023, 1, 2))
    assert [r.date() for r in mo] == [date(2023, 1, 8), date(2023, 1, 15)]
    assert [r.date() for r in su] == [date(2023, 1, 7), date(2023, 1, 14)]


def test_bysetpos_position_beyond_the_set_skips_that_month() -> None:
    result = occurrences("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=5;COUNT=3", ny(2024, 1, 1))
    assert [r.date() for r in result] == [date(2024, 1, 29), date(2024, 4, 29), date(2024, 7, 29)]


def test_bysetpos_is_taken_over_the_whole_month_before_dtstart_filters() -> None:
    result = occurrences("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;COUNT=2", ny(2024, 1, 15))
    assert [r.date() for r in result] == [date(2024, 2, 1), date(2024, 3, 1)]
    both = occurrences("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1;COUNT=4", ny(2023, 1, 15))
    assert [r.date() for r in both] == [
        date(2023, 1, 31),
        date(2023, 2, 1),
        date(2023, 2, 28),
        date(2023, 3, 1),
    ]


def test_bysetpos_over_times_of_day() -> None:
    result = occurrences("FREQ=DAILY;BYHOUR=9,12,15;BYSETPOS=2;COUNT=2", ny(2024, 1, 1))
    assert result == [ny(2024, 1, 1, 12), ny(2024, 1, 2, 12)]


def test_byweekno_week_one_starting_in_december_belongs_to_the_next_year() -> None:
    # Week 1 of 2026 starts on Monday 29 Dec 2025; week 1 of 2025 starts on 30 Dec 2024.
    # With INTERVAL=2 from 2020 only the week-years 2020, 2022, 2024, ... count.
    result = occurrences("FREQ=YEARLY;INTERVAL=2;BYWEEKNO=1;BYDAY=MO", ny(2020, 1, 1), limit=6)
    assert [r.date() for r in result] == [
        date(2022, 1, 3),
        date(2024, 1, 1),
        date(2025, 12, 29),
        date(2028, 1, 3),
        date(2029, 12, 31),
        date(2031, 12, 29),
    ]


def test_byweekno_with_bysetpos_counts_from_the_first_day_of_the_week() -> None:
    rule = "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=1"
    result = occurrences(rule, datetime(2019, 1, 1, 9), limit=4)
    # 2019's week 1 begins on 31 Dec 2018 (before DTSTART), so 1 Jan 2019 is not position 1.
    assert [r.date() for r in result] == [
        date(2019, 12, 30),
        date(2021, 1, 4),
        date(2022, 1, 3),
        date(2023, 1, 2),
    ]


def test_byweekno_53_and_minus_1() -> None:
    w53 = occurrences("FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO", ny(2015, 1, 1), limit=3)
    assert [r.date() for r in w53] == [date(2015, 12, 28), date(2020, 12, 28), date(2026, 12, 28)]
    last = occurrences("FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU", ny(2015, 1, 1), limit=4)
    assert [r.date() for r in last] == [
        date(2016, 1, 3),
        date(2017, 1, 1),
        date(2017, 12, 31),
        date(2018, 12, 30),
    ]


def test_byweekno_with_sunday_week_start() -> None:
    result = occurrences("FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU;WKST=SU", ny(2019, 1, 1), limit=3)
    assert [r.date() for r in result] == [date(2019, 12, 29), date(2021, 1, 3), date(2022, 1, 2)]


def test_byweekno_alone_keeps_dtstarts_weekday() -> None:
    # RFC 5545 §3.3.10: the weekday the rule does not give is DTSTART's (a Monday here).
    result = occurrences("FREQ=YEARLY;BYWEEKNO=2;COUNT=3", ny(2024, 1, 1))
    assert [r.date() for r in result] == [date(2024, 1, 8), date(2025, 1, 6), date(2026, 1, 5)]


# --- UNTIL, until= and limit= -----------------------------------------------------------------


def _dates(results: list[datetime]) -> list[date]:
    return [r.date() for r in results]


JAN_1_TO_5 = [date(2024, 1, d) for d in range(1, 6)]


def test_utc_until_is_inclusive_and_compared_as_an_instant() -> None:
    # 09:00 EST is 14:00 UTC.
    assert _dates(occurrences("FREQ=DAILY;UNTIL=20240105T140000Z", ny(2024, 1, 1))) == JAN_1_TO_5
    assert _dates(occurrences("FREQ=DAILY;UNTIL=20240105T135959Z", ny(2024, 1, 1))) == (JAN_1_TO_5[:-1])


def test_utc_until_east_of_greenwich_crosses_the_date_line_correctly() -> None:
    # 09:00 in Sydney (UTC+11 in January) is 22:00 UTC the day before.
    start = datetime(2024, 1, 1, 9, tzinfo=SYDNEY)
    result = occurrences("FREQ=DAILY;UNTIL=20240104T220000Z", start)
    assert _dates(result) == JAN_1_TO_5
    assert result[-1].astimezone(UTC) == datetime(2024, 1, 4, 22, tzinfo=UTC)


def test_floating_until_with_zoned_start_is_read_in_the_start_zone() -> None:
    assert _dates(occurrences("FREQ=DAILY;UNTIL=20240105T090000", ny(2024, 1, 1))) == JAN_1_TO_5


def test_date_until_includes_the_whole_day() -> None:
    assert _dates(occurrences("FREQ=DAILY;UNTIL=20240105", ny(2024, 1, 1, 23))) == JAN_1_TO_5
    floating = occurrences("FREQ=DAILY;UNTIL=20240105", datetime(2024, 1, 1, 23, 59))
    assert _dates(floating) == JAN_1_TO_5


def test_floating_start_with_floating_or_utc_until_uses_wall_clock() -> None:
    start = datetime(2024, 1, 1, 9)
    for until in ("20240105T090000", "20240105T090000Z"):
        result = occurrences(f"FREQ=DAILY;UNTIL={until}", start)
        assert result == [datetime(2024, 1, d, 9) for d in range(1, 6)]


def test_until_argument_is_inclusive_and_an_instant() -> None:
    start = ny(2024, 1, 1)
    stop = datetime(2024, 1, 5, 14, tzinfo=UTC)  # 09:00 EST
    assert _dates(occurrences("FREQ=DAILY", start, until=stop)) == JAN_1_TO_5
    assert len(occurrences("FREQ=DAILY", start, until=stop - timedelta(seconds=1))) == 4
    assert occurrences("FREQ=DAILY", start, until=start - timedelta(days=1)) == []


def test_until_argument_and_rule_until_both_apply() -> None:
    start = ny(2024, 1, 1)
    rule = "FREQ=DAILY;UNTIL=20240110T140000Z"
    assert len(occurrences(rule, start, until=ny(2024, 1, 5))) == 5
    assert len(occurrences(rule, start, until=ny(2024, 2, 1))) == 10
    assert len(occurrences("FREQ=DAILY;COUNT=3", start, until=ny(2024, 2, 1))) == 3


def test_limit_and_until_together_the_tighter_wins() -> None:
    start = ny(2024, 1, 1)
    assert len(occurrences("FREQ=DAILY", start, until=ny(2024, 1, 31), limit=5)) == 5
    assert len(occurrences("FREQ=DAILY", start, until=ny(2024, 1, 3), limit=5)) == 3
    assert len(occurrences("FREQ=DAILY;COUNT=2", start, limit=5)) == 2
    assert occurrences("FREQ=DAILY", start, limit=0) == []


def test_unbounded_rule_needs_until_or_limit() -> None:
    with pytest.raises(ValueError, match="neither COUNT nor UNTIL"):
        occurrences("FREQ=WEEKLY;BYDAY=TU", ny(2024, 1, 2))


def test_until_kind_must_match_dtstart() -> None:
    with pytest.raises(ValueError, match="until must be timezone-aware"):
        occurrences("FREQ=DAILY", ny(2024, 1, 1), until=datetime(2024, 2, 1))
    with pytest.raises(ValueError, match="until must be timezone-aware"):
        occurrences("FREQ=DAILY", datetime(2024, 1, 1), until=ny(2024, 2, 1))
    with pytest.raises(ValueError, match="limit"):
        occurrences("FREQ=DAILY", ny(2024, 1, 1), limit=-1)


def test_long_bounded_expansion_is_quick() -> None:
    result = occurrences("FREQ=DAILY", ny(2024, 1, 1), until=ny(2034, 1, 1))
    assert len(result) == 3654


# --- parsing and errors -------------------------------------------------------------------------


def test_case_prefix_and_trailing_semicolon_are_tolerated() -> None:
    expected = occurrences("FREQ=DAILY;COUNT=2", ny(2024, 1, 1))
    assert occurrences("RRULE:freq=daily;count=2;", ny(2024, 1, 1)) == expected


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=FORTNIGHTLY", "FREQ=FORTNIGHTLY: unknown frequency"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX: expected a weekday code"),
        ("FREQ=WEEKLY;BYDAY=MO,XX", "BYDAY=XX: "),
        ("FREQ=MONTHLY;BYDAY=0MO", "BYDAY=0MO: the number must be"),
        ("FREQ=WEEKLY;BYDAY=2MO", "BYDAY=2MO: a numbered weekday needs FREQ=MONTHLY"),
        ("FREQ=MONTHLY;BYDAY=6MO", "BYDAY=6MO: a month has at most 5"),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO", "BYDAY=1MO: a numbered weekday cannot"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0: the interval must be"),
        ("FREQ=DAILY;INTERVAL=abc", "INTERVAL=ABC: the interval must be"),
        ("FREQ=DAILY;COUNT=0", "COUNT=0: the count must be"),
        ("FREQ=DAILY;COUNT=-3", "COUNT=-3: the count must be"),
        ("FREQ=DAILY;COUNT=5;UNTIL=20240101T000000Z", "COUNT=5;UNTIL=20240101T000000Z: COUNT and"),
        ("FREQ=DAILY;UNTIL=2024", "UNTIL=2024: expected a date"),
        ("FREQ=DAILY;UNTIL=20240230T000000Z", "UNTIL=20240230T000000Z: day is out of range"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY=32: a day of the month must be"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0: a day of the month must be"),
        ("FREQ=MONTHLY;BYMONTHDAY=1x", "BYMONTHDAY=1X: not a whole number"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH=13: a month must be 1..12"),
        ("FREQ=YEARLY;BYMONTH=-1", "BYMONTH=-1: a month must be 1..12"),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR=24: an hour must be 0..23"),
        ("FREQ=DAILY;BYMINUTE=60", "BYMINUTE=60: a minute must be 0..59"),
        ("FREQ=DAILY;BYSECOND=60", "BYSECOND=60: a second must be 0..59"),
        ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO=54: a week number must be"),
        ("FREQ=MONTHLY;BYWEEKNO=1", "BYWEEKNO=1: only allowed with FREQ=YEARLY"),
        ("FREQ=YEARLY;BYYEARDAY=367", "BYYEARDAY=367: a day of the year must be"),
        ("FREQ=MONTHLY;BYYEARDAY=1", "BYYEARDAY=1: not allowed with FREQ=MONTHLY"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY=1: not allowed with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS=1: needs another BY"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", "BYSETPOS=0: a set position must be"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=367", "BYSETPOS=367: a set position must be"),
        ("FREQ=DAILY;WKST=XY", "WKST=XY: unknown weekday"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "BYMONTHDAY=30: no such day in BYMONTH=2"),
        ("FREQ=DAILY;BYEASTER=0", "BYEASTER=0: unknown rule part"),
        ("FREQ=DAILY;COUNT", "COUNT: expected NAME=VALUE"),
        ("FREQ=DAILY;COUNT=", "COUNT=: missing value"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ=WEEKLY: FREQ is given more than once"),
        ("INTERVAL=2;COUNT=3", "FREQ is missing"),
        ("", "the rule is empty"),
    ],
)
def test_invalid_rules_name_the_bad_part(rule: str, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        occurrences(rule, ny(2024, 1, 1), limit=3)
    assert str(excinfo.value).startswith(message), str(excinfo.value)
    # The same error is an OrcaError, so the UI can show it like any validation failure.
    assert isinstance(excinfo.value, OrcaError)
    assert isinstance(excinfo.value, RecurrenceRuleError)
    with pytest.raises(ValueError):
        validate(rule)
    with pytest.raises(ValueError):
        describe(rule, ny(2024, 1, 1))


def test_validate_accepts_good_rules() -> None:
    for _name, rule, *_ in RFC_VECTORS:
        validate(rule)


# --- describe -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "dtstart", "text"),
    [
        (
            "FREQ=WEEKLY;INTERVAL=6;BYDAY=TU;COUNT=8",
            ny(2024, 1, 2),
            "Every 6 weeks on Tuesday, 8 times",
        ),
        (
            "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270630T235959Z",
            ny(2024, 1, 9),
            "Monthly on the 2nd Tuesday, until Jun 30, 2027",
        ),
        ("FREQ=DAILY", ny(2024, 1, 1), "Daily"),
        ("FREQ=DAILY;INTERVAL=3;COUNT=1", ny(2024, 1, 1), "Every 3 days, once"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", ny(2024, 1, 1), "Every weekday"),
        ("FREQ=DAILY;BYDAY=FR,TH,WE,TU,MO", ny(2024, 1, 1), "Every weekday"),
        ("FREQ=WEEKLY", ny(2024, 1, 2), "Weekly on Tuesday"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR,MO",
            ny(2024, 1, 1),
            "Every 2 weeks on Monday and Friday",
        ),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", ny(2024, 1, 1), "Weekly on Monday, Wednesday and Friday"),
        ("FREQ=DAILY;BYDAY=SA,SU", ny(2024, 1, 6), "Weekly on Saturday and Sunday"),
        ("FREQ=MONTHLY", ny(2024, 1, 15), "Monthly on the 15th"),
        (
            "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1,15",
            ny(2024, 1, 1),
            "Every 2 months on the 1st and the 15th",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", ny(2024, 1, 31), "Monthly on the last day"),
        ("FREQ=MONTHLY;BYMONTHDAY=-3", ny(2024, 1, 29), "Monthly on the 3rd-to-last day"),
        ("FREQ=MONTHLY;BYDAY=-1MO", ny(2024, 1, 29), "Monthly on the last Monday"),
        (
            "FREQ=MONTHLY;BYDAY=-2MO;COUNT=6",
            ny(2024, 1, 22),
            "Monthly on the 2nd-to-last Monday, 6 times",
        ),
        (
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=1SU,-1SU",
            ny(2024, 1, 7),
            "Every 3 months on the 1st Sunday and the last Sunday",
        ),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            ny(2024, 1, 31),
            "Monthly on the last weekday",
        ),
        ("FREQ=MONTHLY;BYDAY=TH;BYSETPOS=3", ny(2024, 1, 18), "Monthly on the 3rd Thursday"),
        (
            "FREQ=MONTHLY;BYMONTHDAY=11,12,13,21,22,23",
            ny(2024, 1, 11),
            "Monthly on the 11th, the 12th, the 13th, the 21st, the 22nd and the 23rd",
        ),
        ("FREQ=YEARLY", ny(1997, 9, 2), "Yearly on September 2"),
        ("FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4", ny(2024, 7, 4), "Yearly on July 4"),
        (
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1",
            ny(2024, 2, 29),
            "Yearly on the last day of February",
        ),
        (
            "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
            ny(2024, 11, 28),
            "Yearly on the 4th Thursday of November",
        ),
        (
            "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=1TU",
            ny(2024, 11, 5),
            "Every 4 years on the 1st Tuesday of November",
        ),
        ("FREQ=HOURLY;INTERVAL=3", ny(2024, 1, 1), "Every 3 hours"),
        ("FREQ=MINUTELY;INTERVAL=15", ny(2024, 1, 1), "Every 15 minutes"),
        ("FREQ=DAILY;UNTIL=20240105", ny(2024, 1, 1), "Daily, until Jan 5, 2024"),
        # 20:00 UTC on 30 June is already 1 July in Sydney.
        (
            "FREQ=DAILY;UNTIL=20270630T200000Z",
            datetime(2027, 1, 1, 9, tzinfo=SYDNEY),
            "Daily, until Jul 1, 2027",
        ),
        # Fallbacks keep the frequency and spell out the rest of the rule.
        (
            "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
            ny(1998, 2, 13),
            "Monthly, custom rule (BYDAY=FR;BYMONTHDAY=13)",
        ),
        (
            "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
            ny(1997, 1, 1),
            "Every 3 years, custom rule (BYYEARDAY=1,100,200), 10 times",
        ),
        # The month the rule does not give is DTSTART's (RFC 5545 §3.3.10).
        ("FREQ=YEARLY;BYMONTHDAY=15", ny(2024, 1, 15), "Yearly on January 15"),
        ("FREQ=DAILY;BYHOUR=9,14", ny(2024, 1, 1), "Daily, custom rule (BYHOUR=9,14)"),
    ],
)
def test_describe(rule: str, dtstart: datetime, text: str) -> None:
    assert describe(rule, dtstart) == text


# --- properties against naive day-by-day references ------------------------------------------

PROPS = settings(max_examples=40, deadline=None)
ZONES = st.sampled_from([None, NY, LONDON, SYDNEY])


def expected_local(d: date, t: time, tz: ZoneInfo | None) -> datetime:
    """Where a wall-clock time lands per RFC 5545 §3.3.5, computed from the two offsets."""
    wall = datetime.combine(d, t, tzinfo=tz)
    if tz is None:
        return wall
    before = wall.replace(fold=0).utcoffset()
    after = wall.replace(fold=1).utcoffset()
    assert before is not None and after is not None
    if after > before:  # a gap (fold=0 reads it with the earlier, smaller offset)
        return (wall + (after - before)).replace(fold=0)
    return wall.replace(fold=0)


def week_start(d: date, wkst: int) -> date:
    return d - timedelta(days=(d.weekday() - wkst) % 7)


@PROPS
@given(
    tz=ZONES,
    start_day=st.dates(date(2023, 1, 1), date(2026, 12, 31)),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 30]),
    weekdays=st.one_of(st.none(), st.sets(st.integers(0, 6), min_size=1)),
    interval=st.integers(1, 4),
    count=st.integers(1, 25),
    wkst=st.integers(0, 6),
)
def test_weekly_rules_match_a_day_by_day_reference(
    tz: ZoneInfo | None,
    start_day: date,
    hour: int,
    minute: int,
    weekdays: set[int] | None,
    interval: int,
    count: int,
    wkst: int,
) -> None:
    t = time(hour, minute)
    dtstart = datetime.combine(start_day, t, tzinfo=tz)
    rule = f"FREQ=WEEKLY;INTERVAL={interval};COUNT={count};WKST={DAY_CODES[wkst]}"
    if weekdays is not None:
        rule += ";BYDAY=" + ",".join(DAY_CODES[d] for d in sorted(weekdays))
    wanted = weekdays if weekdays is not None else {start_day.weekday()}

    expected: list[datetime] = []
    d = start_day
    first_week = week_start(start_day, wkst)
    while len(expected) < count:
        in_period = (week_start(d, wkst) - first_week).days // 7 % interval == 0
        if in_period and d.weekday() in wanted:
            expected.append(expected_local(d, t, tz))
        d += timedelta(days=1)

    result = occurrences(rule, dtstart)
    if tz is None:
        assert result == expected
    else:
        assert walls(result) == walls(expected)
    assert len(result) == count
    assert all(a < b for a, b in itertools.pairwise(result))
    assert all(r.tzinfo is tz for r in result)
    assert {r.weekday() for r in result} <= wanted
    # Same wall-clock time everywhere except where that time does not exist.
    for r in result:
        assert r.time() == t or (tz is not None and expected_local(r.date(), t, tz) == r)


@PROPS
@given(
    start_day=st.dates(date(2023, 1, 1), date(2026, 12, 31)),
    monthdays=st.sets(st.one_of(st.integers(1, 31), st.integers(-31, -1)), min_size=1, max_size=4),
    interval=st.integers(1, 3),
    count=st.integers(1, 15),
)
def test_monthly_bymonthday_skips_invalid_days_and_counts_only_real_ones(
    start_day: date, monthdays: set[int], interval: int, count: int
) -> None:
    rule = f"FREQ=MONTHLY;INTERVAL={interval};COUNT={count};BYMONTHDAY=" + ",".join(
        str(d) for d in sorted(monthdays)
    )
    dtstart = datetime.combine(start_day, time(10))
    expected: list[datetime] = []
    y, m = start_day.year, start_day.month
    for _ in range(400):  # every monthday occurs in some month within a few years
        length = calendar.monthrange(y, m)[1]
        real = sorted({d if d > 0 else length + 1 + d for d in monthdays if abs(d) <= length})
        expected += [datetime(y, m, d, 10) for d in real if date(y, m, d) >= start_day]
        m += interval
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    assert occurrences(rule, dtstart) == expected[:count]


def week1_start(year: int, wkst: int) -> date:
    """First week (starting on wkst) with at least four days in ``year``, found by trying."""
    s = date(year - 1, 12, 22)
    while True:
        if s.weekday() == wkst and sum((s + timedelta(i)).year == year for i in range(7)) >= 4:
            return s
        s += timedelta(days=1)


@PROPS
@given(
    start_day=st.dates(date(2014, 1, 1), date(2030, 12, 31)),
    weeknos=st.sets(st.one_of(st.integers(1, 53), st.integers(-53, -1)), min_size=1, max_size=3),
    weekdays=st.sets(st.integers(0, 6), min_size=1, max_size=3),
    interval=st.integers(1, 3),
    count=st.integers(1, 8),
    wkst=st.sampled_from([0, 6]),
)
def test_yearly_byweekno_matches_a_week_year_reference(
    start_day: date,
    weeknos: set[int],
    weekdays: set[int],
    interval: int,
    count: int,
    wkst: int,
) -> None:
    rule = (
        f"FREQ=YEARLY;INTERVAL={interval};COUNT={count};WKST={DAY_CODES[wkst]}"
        + ";BYWEEKNO="
        + ",".join(str(n) for n in sorted(weeknos))
        + ";BYDAY="
        + ",".join(DAY_CODES[d] for d in sorted(weekdays))
    )
    dtstart = datetime.combine(start_day, time(8))
    horizon = datetime(start_day.year + 40, 1, 1)
    # The week-year holding dtstart is the first period.
    year = start_day.year + 1
    while week1_start(year, wkst) > start_day:
        year -= 1
    expected: list[datetime] = []
    while year < horizon.year + 1 and len(expected) < count:
        first = week1_start(year, wkst)
        n_weeks = (week1_start(year + 1, wkst) - first).days // 7
        numbers = sorted({n if n > 0 else n_weeks + 1 + n for n in weeknos if abs(n) <= n_weeks})
        for n in numbers:
            for i in range(7):
                d = first + timedelta(days=7 * (n - 1) + i)
                if d.weekday() in weekdays and d >= start_day:
                    expected.append(datetime.combine(d, time(8)))
        year += interval
    expected = [e for e in sorted(expected) if e <= horizon][:count]
    assert occurrences(rule, dtstart, until=horizon) == expected


# --- expanding from a later point (horizon extension) ----------------------------------------


@PROPS
@given(
    tz=ZONES,
    start_day=st.dates(date(2022, 1, 1), date(2026, 12, 31)),
    hour=st.sampled_from([0, 2, 9, 23]),
    rule=st.sampled_from(
        [
            "FREQ=DAILY;INTERVAL=3",
            "FREQ=WEEKLY",
            "FREQ=WEEKLY;INTERVAL=6;BYDAY=TU",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;WKST=SU",
            "FREQ=WEEKLY;BYDAY=MO,SU;BYSETPOS=2",  # dateutil's first week starts at DTSTART
            "FREQ=MONTHLY;BYDAY=2TU",
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=MO,-1FR;BYSETPOS=-1",
            "FREQ=MONTHLY",  # the 29th–31st are default BYMONTHDAYs some months lack
            "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU",
            "FREQ=DAILY;BYHOUR=2,3;UNTIL=20290101",
        ]
    ),
    ahead=st.integers(-30, 1500),
    span=st.integers(0, 120),
    limit=st.one_of(st.none(), st.integers(1, 5)),
)
def test_occurrences_from_equals_the_filtered_expansion(
    tz: ZoneInfo | None, start_day: date, hour: int, rule: str, ahead: int, span: int, limit: int | None
) -> None:
    dtstart = datetime.combine(start_day, time(hour, 30), tzinfo=tz)
    since = dtstart + timedelta(days=ahead, hours=5)
    until = since + timedelta(days=span)
    expected = [o for o in occurrences(rule, dtstart, until=until) if o >= since][:limit]
    result = occurrences_from(rule, dtstart, since=since, until=until, limit=limit)
    assert result == expected
    assert [r.fold for r in result] == [e.fold for e in expected]


def test_occurrences_from_keeps_weekly_set_positions() -> None:
    # dateutil counts BYSETPOS in DTSTART's week from DTSTART on: starting a later expansion
    # on a Thursday would drop that week's Sunday (the second of MO,SU).
    dtstart = datetime(2024, 10, 17, 10, 30, tzinfo=SYDNEY)
    since = datetime(2026, 11, 14, 0, 30, tzinfo=SYDNEY)
    until = datetime(2026, 12, 29, tzinfo=SYDNEY)
    rule = "FREQ=WEEKLY;BYDAY=MO,SU;BYSETPOS=2"
    result = occurrences_from(rule, dtstart, since=since, until=until)
    assert result == [o for o in occurrences(rule, dtstart, until=until) if o >= since]
    assert result[0] == datetime(2026, 11, 15, 10, 30, tzinfo=SYDNEY)
