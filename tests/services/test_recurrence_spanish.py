"""A recurrence rule's summary in Spanish: CLDR's names of days and months, Spanish grammar; the
English summary is what it always was, and a language without one falls back to English."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from babel import Locale

from orca_desk.services.recurrence import describe, describe_typed

NY = ZoneInfo("America/New_York")


def ny(*ymd: int) -> datetime:
    return datetime(*ymd, 9, tzinfo=NY)


@pytest.mark.parametrize(
    ("rule", "dtstart", "text"),
    [
        ("FREQ=WEEKLY;INTERVAL=6;BYDAY=TU;COUNT=8", ny(2024, 1, 2), "Cada 6 semanas los martes, 8 veces"),
        (
            "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270630T235959Z",
            ny(2024, 1, 9),
            "Cada mes el segundo martes, hasta el 30 jun 2027",
        ),
        ("FREQ=DAILY", ny(2024, 1, 1), "Cada día"),
        ("FREQ=DAILY;INTERVAL=3;COUNT=1", ny(2024, 1, 1), "Cada 3 días, una vez"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", ny(2024, 1, 1), "De lunes a viernes"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,SA", ny(2024, 1, 1), "Cada semana los lunes, miércoles y sábados"),
        ("FREQ=MONTHLY", ny(2024, 1, 15), "Cada mes el día 15"),
        ("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1,15", ny(2024, 1, 1), "Cada 2 meses el día 1 y el día 15"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", ny(2024, 1, 31), "Cada mes el último día"),
        ("FREQ=MONTHLY;BYDAY=-2MO;COUNT=6", ny(2024, 1, 22), "Cada mes el penúltimo lunes, 6 veces"),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            ny(2024, 1, 31),
            "Cada mes el último día laborable",
        ),
        ("FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4", ny(2024, 7, 4), "Cada año el 4 de julio"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", ny(2024, 2, 29), "Cada año el último día de febrero"),
        (
            "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=1TU",
            ny(2024, 11, 5),
            "Cada 4 años el primer martes de noviembre",
        ),
        (
            "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
            ny(1998, 2, 13),
            "Cada mes, regla personalizada (BYDAY=FR;BYMONTHDAY=13)",
        ),
        ("FREQ=MINUTELY;INTERVAL=15", ny(2024, 1, 1), "Cada 15 minutos"),
    ],
)
def test_describe_in_spanish(rule: str, dtstart: datetime, text: str) -> None:
    assert describe(rule, dtstart, "es") == text


def test_the_names_are_cldr_s():
    es = Locale.parse("es")
    for day, code in enumerate(("MO", "TU", "WE", "TH", "FR", "SA", "SU")):
        name = str(es.days["format"]["wide"][day])
        assert name.rstrip("s") in describe(f"FREQ=WEEKLY;BYDAY={code}", ny(2024, 1, 1), "es")
    for month in range(1, 13):
        said = describe(f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY=1", ny(2024, month, 1), "es")
        assert said.endswith(f"de {es.months['format']['wide'][month]}")


def test_english_is_unchanged_and_other_languages_fall_back_to_it():
    rule = "FREQ=WEEKLY;INTERVAL=6;BYDAY=TU;COUNT=8"
    assert describe(rule, ny(2024, 1, 2)) == "Every 6 weeks on Tuesday, 8 times"
    assert describe(rule, ny(2024, 1, 2), "en") == "Every 6 weeks on Tuesday, 8 times"
    assert describe(rule, ny(2024, 1, 2), "fr") == "Every 6 weeks on Tuesday, 8 times"
    assert describe_typed(rule, ny(2024, 1, 2), "es-MX") == ("Cada 6 semanas los martes, 8 veces", None)


def test_a_bad_rule_is_still_refused_whatever_the_language():
    summary, problem = describe_typed("FREQ=FORTNIGHTLY", ny(2024, 1, 1), "es")
    assert summary == "" and problem
