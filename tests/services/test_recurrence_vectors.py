"""RFC 5545 conformance: public test vectors, and the parts a rule leaves to DTSTART (§3.3.10).

The vectors (``data/rrule_vectors.txt``) come from libical's test suite, which carries the
RFC's own §3.8.5.3 examples and CalendarServer cases. The DTSTART defaults and weekly
BYSETPOS are also checked against python-dateutil given the same rule with the implied parts
written out, and against a brute-force reference of whole WKST weeks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from dateutil import rrule as du
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orca_desk.services.recurrence import RecurrenceRuleError, describe, occurrences, occurrences_from

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
VECTORS = Path(__file__).parent / "data" / "rrule_vectors.txt"
PROPS = settings(max_examples=60, deadline=None)


def _stamp(text: str) -> datetime:
    if "T" not in text:
        return datetime.strptime(text, "%Y%m%d")
    if text.endswith("Z"):
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.strptime(text, "%Y%m%dT%H%M%S")


def _vectors() -> list[tuple[str, str, datetime, list[datetime]]]:
    out: list[tuple[str, str, datetime, list[datetime]]] = []
    title, rule, start = "", "", None
    for line in VECTORS.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and not rule:
            title = line[2:]
        elif line.startswith("RRULE:"):
            rule = line[6:]
        elif line.startswith("DTSTART:"):
            start = _stamp(line[8:])
        elif line.startswith("INSTANCES:"):
            assert rule and start is not None
            out.append((title, rule, start, [_stamp(t) for t in line[10:].split(",")]))
            title, rule, start = "", "", None
    return out


def test_the_vector_file_is_read_whole() -> None:
    assert len(_vectors()) >= 50


def test_weekly_set_position_beyond_every_week_is_refused_instead_of_searching() -> None:
    with pytest.raises(RecurrenceRuleError, match=r"^BYSETPOS=2: a week of this rule has only 1 date"):
        occurrences("FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2;COUNT=3", datetime(2024, 1, 2, 12))


@pytest.mark.parametrize(
    ("title", "rule", "dtstart", "expected"),
    _vectors(),
    ids=[f"{i:02d}-{v[1]}" for i, v in enumerate(_vectors())],
)
def test_public_rfc5545_vectors(title: str, rule: str, dtstart: datetime, expected: list[datetime]) -> None:
    until = None if ("COUNT=" in rule or "UNTIL=" in rule) else expected[-1]
    assert occurrences(rule, dtstart, until=until) == expected, title


# --- parts the rule does not give come from DTSTART -----------------------------------------------


def test_yearly_byweekno_without_byday_keeps_dtstarts_weekday() -> None:
    # Tuesday 13 May 1997 is in week 20: the series is the Tuesday of week 20 each year.
    result = occurrences("FREQ=YEARLY;BYWEEKNO=20;COUNT=3", datetime(1997, 5, 13, 9))
    assert result == [datetime(1997, 5, 13, 9), datetime(1998, 5, 12, 9), datetime(1999, 5, 18, 9)]


def test_yearly_bymonthday_without_bymonth_keeps_dtstarts_month() -> None:
    result = occurrences("FREQ=YEARLY;BYMONTHDAY=29;COUNT=3", datetime(2024, 2, 29, 9))
    assert result == [datetime(2024, 2, 29, 9), datetime(2028, 2, 29, 9), datetime(2032, 2, 29, 9)]
    assert (
        describe("FREQ=YEARLY;BYMONTHDAY=29;COUNT=3", datetime(2024, 2, 29, 9))
        == "Yearly on February 29, 3 times"
    )


def test_yearly_day_the_start_month_never_has_is_refused_naming_the_part() -> None:
    with pytest.raises(RecurrenceRuleError, match=r"^BYMONTHDAY=30: February .* add BYMONTH"):
        occurrences("FREQ=YEARLY;BYMONTHDAY=30", datetime(2024, 2, 1, 9), limit=1)


def test_weekly_bysetpos_selects_within_the_whole_wkst_week() -> None:
    # Week of Mon 1 Jan 2024: MO 1, TU 2, TH 4, SA 6, SU 7; positions 2 and 3 are TU 2 and TH 4,
    # although DTSTART (TU 2) is not the week's first day.
    rule = "FREQ=WEEKLY;BYDAY=MO,TU,SU,SA,TH;BYSETPOS=3,2;COUNT=4"
    assert occurrences(rule, datetime(2024, 1, 2, 12)) == [
        datetime(2024, 1, 2, 12),
        datetime(2024, 1, 4, 12),
        datetime(2024, 1, 9, 12),
        datetime(2024, 1, 11, 12),
    ]


@PROPS
@given(
    start=st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    weeknos=st.sets(st.integers(1, 52), min_size=1, max_size=3),
    wkst=st.sampled_from([0, 6]),
    interval=st.integers(1, 2),
)
def test_byweekno_default_weekday_matches_dateutil_with_the_weekday_written_out(
    start: date, weeknos: set[int], wkst: int, interval: int
) -> None:
    dtstart = datetime.combine(start, time(8, 30))
    numbers = ",".join(str(n) for n in sorted(weeknos))
    rule = f"FREQ=YEARLY;INTERVAL={interval};BYWEEKNO={numbers};WKST={DAY_CODES[wkst]}"
    explicit = f"{rule};BYDAY={DAY_CODES[start.weekday()]}"
    until = dtstart + timedelta(days=6 * 366)
    assert occurrences(rule, dtstart, until=until) == occurrences(explicit, dtstart, until=until)
    assert {o.weekday() for o in occurrences(rule, dtstart, until=until)} <= {start.weekday()}
    if interval == 1:
        # dateutil agrees when a week-year and the calendar year coincide (weeks 2..51).
        inner = sorted(n for n in weeknos if 2 <= n <= 51)
        if inner:
            mine = occurrences(
                f"FREQ=YEARLY;BYWEEKNO={','.join(map(str, inner))};WKST={DAY_CODES[wkst]}",
                dtstart,
                until=until,
            )
            ref = list(
                du.rrule(
                    du.YEARLY,
                    dtstart=dtstart,
                    until=until,
                    byweekno=inner,
                    wkst=wkst,
                    byweekday=[start.weekday()],
                )
            )
            assert mine == ref


@PROPS
@given(
    start=st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    monthdays=st.sets(st.one_of(st.integers(1, 31), st.integers(-31, -1)), min_size=1, max_size=3),
    interval=st.integers(1, 3),
    count=st.integers(1, 6),
)
def test_yearly_bymonthday_default_month_matches_dateutil_with_the_month_written_out(
    start: date, monthdays: set[int], interval: int, count: int
) -> None:
    dtstart = datetime.combine(start, time(9))
    days = ",".join(str(d) for d in sorted(monthdays))
    rule = f"FREQ=YEARLY;INTERVAL={interval};COUNT={count};BYMONTHDAY={days}"
    longest = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[start.month - 1]
    if not any(abs(d) <= longest for d in monthdays):
        with pytest.raises(RecurrenceRuleError, match="BYMONTHDAY"):
            occurrences(rule, dtstart)
        return
    ref = list(
        du.rrule(
            du.YEARLY,
            dtstart=dtstart,
            interval=interval,
            count=count,
            bymonthday=sorted(monthdays),
            bymonth=start.month,
        )
    )
    assert occurrences(rule, dtstart) == ref
    assert {o.month for o in ref} <= {start.month}  # none at all when the day never falls (Feb 29, odd years)


def _weekly_setpos_reference(
    dtstart: datetime, days: list[int], positions: list[int], wkst: int, interval: int, count: int
) -> list[datetime]:
    """Whole weeks from WKST, every INTERVAL weeks from DTSTART's week; positions over each week's set."""
    week = dtstart.date() - timedelta(days=(dtstart.weekday() - wkst) % 7)
    out: list[datetime] = []
    while len(out) < count:
        members = [d for d in (week + timedelta(days=i) for i in range(7)) if d.weekday() in days]
        n = len(members)
        picked = sorted({members[p - 1 if p > 0 else n + p] for p in positions if -n <= p <= n})
        stamps = [datetime.combine(d, dtstart.time()) for d in picked]
        out += [t for t in stamps if t >= dtstart]
        week += timedelta(weeks=interval)
    return out[:count]


@PROPS
@given(
    start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    days=st.sets(st.integers(0, 6), min_size=1, max_size=5),
    positions=st.sets(st.sampled_from([1, 2, 3, -1, -2]), min_size=1, max_size=2),
    wkst=st.integers(0, 6),
    interval=st.integers(1, 3),
    count=st.integers(1, 8),
)
def test_weekly_bysetpos_matches_a_whole_week_reference(
    start: date, days: set[int], positions: set[int], wkst: int, interval: int, count: int
) -> None:
    assume(any(abs(p) <= len(days) for p in positions))
    dtstart = datetime.combine(start, time(10, 15))
    rule = (
        f"FREQ=WEEKLY;INTERVAL={interval};COUNT={count};WKST={DAY_CODES[wkst]};"
        f"BYDAY={','.join(DAY_CODES[d] for d in sorted(days))};"
        f"BYSETPOS={','.join(str(p) for p in sorted(positions))}"
    )
    expected = _weekly_setpos_reference(dtstart, sorted(days), sorted(positions), wkst, interval, count)
    assert occurrences(rule, dtstart) == expected
    # Expanding from a later point (the horizon extension) agrees with the whole expansion.
    open_rule = rule.replace(f"COUNT={count};", "")
    until = dtstart + timedelta(weeks=30)
    since = dtstart + timedelta(days=17, hours=3)
    whole = [o for o in occurrences(open_rule, dtstart, until=until) if o >= since]
    assert occurrences_from(open_rule, dtstart, since=since, until=until) == whole
