"""Tests for the messaging policy: quiet hours, consent, budgets, replies and merging."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.policy import (
    CONFIRM_WORDS,
    OPT_OUT_WORDS,
    MessagingPolicy,
    budget_allows,
    classify_reply,
    format_date,
    format_time,
    in_quiet_hours,
    merge_family_messages,
    next_allowed_send,
    offer_allowed,
    procedure_terms_found,
    sms_allowed,
)
from orca_desk.services.messaging.render import phi_safe

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
LA = ZoneInfo("America/Los_Angeles")
DEFAULT = MessagingPolicy()


def local(
    zone: ZoneInfo, y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=zone, fold=fold)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


# --- policy settings ----------------------------------------------------------------------


def test_defaults() -> None:
    assert (DEFAULT.quiet_start, DEFAULT.quiet_end) == (time(21), time(8))
    assert DEFAULT.sms_requires_consent and not DEFAULT.allow_procedure_names
    assert (DEFAULT.daily_budget_per_number, DEFAULT.weekly_budget_per_number) == (3, 8)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"daily_budget_per_number": -1},
        {"daily_budget_per_number": 9, "weekly_budget_per_number": 8},
        {"quiet_start": time(21, tzinfo=UTC)},
        {"max_offers_per_waitlist_entry": -1},
    ],
)
def test_invalid_policy(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        MessagingPolicy(**kwargs)  # type: ignore[arg-type]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        next_allowed_send(datetime(2024, 6, 1, 12), NY, DEFAULT)
    with pytest.raises(ValidationError, match="timezone-aware"):
        budget_allows([datetime(2024, 6, 1)], utc(2024, 6, 1), NY, DEFAULT)


# --- quiet hours: boundaries ------------------------------------------------------------


@pytest.mark.parametrize("zone", [NY, LONDON, SYDNEY, LA], ids=str)
def test_exact_boundaries(zone: ZoneInfo) -> None:
    just_before = local(zone, 2024, 6, 12, 20, 59, 59)
    assert next_allowed_send(just_before, zone, DEFAULT) == just_before
    assert not in_quiet_hours(just_before, zone, DEFAULT)

    nine_pm = local(zone, 2024, 6, 12, 21, 0)
    assert in_quiet_hours(nine_pm, zone, DEFAULT)
    assert next_allowed_send(nine_pm, zone, DEFAULT) == local(zone, 2024, 6, 13, 8, 0)

    early = local(zone, 2024, 6, 12, 7, 59)
    assert next_allowed_send(early, zone, DEFAULT) == local(zone, 2024, 6, 12, 8, 0)

    eight = local(zone, 2024, 6, 12, 8, 0)
    assert next_allowed_send(eight, zone, DEFAULT) == eight

    midnight = local(zone, 2024, 6, 12, 0, 0)
    assert next_allowed_send(midnight, zone, DEFAULT) == local(zone, 2024, 6, 12, 8, 0)


def test_result_is_utc_when_deferred_and_unchanged_otherwise() -> None:
    deferred = next_allowed_send(local(NY, 2024, 6, 12, 22), NY, DEFAULT)
    assert deferred.tzinfo is UTC and deferred == utc(2024, 6, 13, 12)
    at = local(NY, 2024, 6, 12, 12)
    assert next_allowed_send(at, NY, DEFAULT) is at


def test_quiet_hours_are_judged_in_the_patients_zone() -> None:
    at = utc(2024, 6, 1, 2, 0)  # NY 22:00, LA 19:00, London 03:00, Sydney 12:00
    assert next_allowed_send(at, NY, DEFAULT) == utc(2024, 6, 1, 12)
    assert next_allowed_send(at, LA, DEFAULT) == at
    assert next_allowed_send(at, LONDON, DEFAULT) == utc(2024, 6, 1, 7)
    assert next_allowed_send(at, SYDNEY, DEFAULT) == at


def test_non_wrapping_window() -> None:
    lunch = MessagingPolicy(quiet_start=time(12), quiet_end=time(13, 30))
    assert next_allowed_send(local(NY, 2024, 6, 1, 11, 59), NY, lunch) == local(NY, 2024, 6, 1, 11, 59)
    assert next_allowed_send(local(NY, 2024, 6, 1, 12), NY, lunch) == local(NY, 2024, 6, 1, 13, 30)
    assert next_allowed_send(local(NY, 2024, 6, 1, 13, 29), NY, lunch) == local(NY, 2024, 6, 1, 13, 30)
    assert not in_quiet_hours(local(NY, 2024, 6, 1, 13, 30), NY, lunch)
    assert not in_quiet_hours(local(NY, 2024, 6, 1, 23), NY, lunch)


def test_equal_start_and_end_disables_quiet_hours() -> None:
    never = MessagingPolicy(quiet_start=time(8), quiet_end=time(8))
    at = local(NY, 2024, 6, 1, 3)
    assert next_allowed_send(at, NY, never) == at


def test_window_ending_at_midnight() -> None:
    evening = MessagingPolicy(quiet_start=time(20), quiet_end=time(0))
    assert next_allowed_send(local(LA, 2024, 6, 1, 23, 59), LA, evening) == local(LA, 2024, 6, 2, 0, 0)
    assert not in_quiet_hours(local(LA, 2024, 6, 2, 0, 0), LA, evening)


def test_month_and_year_rollover() -> None:
    assert next_allowed_send(local(SYDNEY, 2024, 12, 31, 22), SYDNEY, DEFAULT) == local(SYDNEY, 2025, 1, 1, 8)


# --- quiet hours: DST change days ------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "at", "expected_utc"),
    [
        # Spring forward overnight: 08:00 the next morning is on the new offset.
        (NY, (2024, 3, 9, 21, 30), utc(2024, 3, 10, 12)),  # EDT
        (LA, (2024, 3, 9, 23, 0), utc(2024, 3, 10, 15)),  # PDT
        (LONDON, (2024, 3, 30, 22, 0), utc(2024, 3, 31, 7)),  # BST
        (SYDNEY, (2024, 10, 5, 21, 0), utc(2024, 10, 5, 21)),  # AEDT starts 6 Oct
        # Fall back overnight.
        (NY, (2024, 11, 2, 21, 0), utc(2024, 11, 3, 13)),  # EST
        (LA, (2024, 11, 2, 21, 0), utc(2024, 11, 3, 16)),  # PST
        (LONDON, (2024, 10, 26, 23, 0), utc(2024, 10, 27, 8)),  # GMT
        (SYDNEY, (2024, 4, 6, 23, 0), utc(2024, 4, 6, 22)),  # AEST from 7 Apr
        # Asked during the repeated / skipped hour itself.
        (NY, (2024, 11, 3, 1, 30), utc(2024, 11, 3, 13)),
        (LONDON, (2024, 3, 31, 2, 30), utc(2024, 3, 31, 7)),  # nonexistent input time
    ],
)
def test_dst_nights(zone: ZoneInfo, at: tuple[int, ...], expected_utc: datetime) -> None:
    result = next_allowed_send(local(zone, *at), zone, DEFAULT)
    assert result == expected_utc
    assert result.astimezone(zone).time() == time(8)


def test_quiet_end_in_a_spring_forward_gap_moves_to_the_first_valid_instant() -> None:
    policy = MessagingPolicy(quiet_start=time(22), quiet_end=time(2, 30))
    # 2024-03-10 in New York: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 never happens.
    result = next_allowed_send(local(NY, 2024, 3, 10, 1, 0), NY, policy)
    assert result == utc(2024, 3, 10, 7)
    assert result.astimezone(NY).replace(tzinfo=None) == datetime(2024, 3, 10, 3, 0)
    # From the evening before as well.
    assert next_allowed_send(local(NY, 2024, 3, 9, 23), NY, policy) == utc(2024, 3, 10, 7)


def test_quiet_end_in_sydney_gap() -> None:
    policy = MessagingPolicy(quiet_start=time(21), quiet_end=time(2, 15))
    # 2024-10-06 in Sydney: 02:00 AEST jumps to 03:00 AEDT (2024-10-05 16:00 UTC).
    assert next_allowed_send(local(SYDNEY, 2024, 10, 5, 22), SYDNEY, policy) == utc(2024, 10, 5, 16)


def test_ambiguous_quiet_end_uses_the_first_occurrence() -> None:
    policy = MessagingPolicy(quiet_start=time(22), quiet_end=time(1, 30))
    # 2024-11-03 in New York: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
    assert next_allowed_send(local(NY, 2024, 11, 2, 23), NY, policy) == utc(2024, 11, 3, 5, 30)
    # Already past the first 01:30 (now 01:15 EST, second time round): wait for the second.
    second_0115 = local(NY, 2024, 11, 3, 1, 15, fold=1)
    assert second_0115.astimezone(UTC) == utc(2024, 11, 3, 6, 15)
    assert next_allowed_send(second_0115, NY, policy) == utc(2024, 11, 3, 6, 30)


def test_ambiguous_quiet_end_in_london() -> None:
    policy = MessagingPolicy(quiet_start=time(23), quiet_end=time(1, 0))
    # 2024-10-27 in London: 01:00 BST (00:00 UTC) comes first, 01:00 GMT an hour later.
    assert next_allowed_send(local(LONDON, 2024, 10, 26, 23, 30), LONDON, policy) == utc(2024, 10, 27, 0)


def test_a_skipped_day_still_lands_at_quiet_end() -> None:
    # Samoa skipped 30 Dec 2011 entirely (23:59:59 on the 29th, then 00:00 on the 31st).
    # 08:00 on the 30th never existed; midnight on the 31st is still quiet, so 08:00 the 31st.
    apia = ZoneInfo("Pacific/Apia")
    result = next_allowed_send(local(apia, 2011, 12, 29, 22), apia, DEFAULT)
    assert result.astimezone(apia).replace(tzinfo=None) == datetime(2011, 12, 31, 8)


_ZONES = st.sampled_from([NY, LONDON, SYDNEY, LA, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Pacific/Apia")])
_WALL = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59]))
_INSTANTS = st.datetimes(
    min_value=datetime(2010, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=200, deadline=None)
@given(at=_INSTANTS, zone=_ZONES, start=_WALL, end=_WALL)
def test_next_allowed_send_is_never_quiet_and_never_early(
    at: datetime, zone: ZoneInfo, start: time, end: time
) -> None:
    policy = MessagingPolicy(quiet_start=start, quiet_end=end)
    result = next_allowed_send(at, zone, policy)
    assert result >= at
    assert not in_quiet_hours(result, zone, policy)
    assert next_allowed_send(result, zone, policy) == result
    # Waits only until the window ends: at most a day plus a DST hour. (A window that
    # leaves under two hours free can lose them all to a DST gap and wait a day longer.)
    quiet = datetime.combine(date.min, end) - datetime.combine(date.min, start)
    if timedelta(0) < quiet % timedelta(days=1) <= timedelta(hours=22):
        assert result - at <= timedelta(hours=25)


@settings(max_examples=200, deadline=None)
@given(at=_INSTANTS, zone=_ZONES)
def test_default_window_defers_to_eight_local(at: datetime, zone: ZoneInfo) -> None:
    result = next_allowed_send(at, zone, DEFAULT)
    if result != at:
        assert result.astimezone(zone).time() == time(8)
        # Nothing between `at` and the result is allowed: stepping back a minute is quiet.
        assert in_quiet_hours(max(at, result - timedelta(minutes=1)), zone, DEFAULT)


# --- consent ------------------------------------------------------------------------------


def test_sms_allowed() -> None:
    assert sms_allowed(True, False, DEFAULT) == (True, "SMS consent is recorded.")
    ok, reason = sms_allowed(False, False, DEFAULT)
    assert not ok and "No SMS consent" in reason
    ok, reason = sms_allowed(True, True, DEFAULT)
    assert not ok and "STOP" in reason
    relaxed = MessagingPolicy(sms_requires_consent=False)
    assert sms_allowed(False, False, relaxed)[0]
    assert not sms_allowed(False, True, relaxed)[0]


def test_offer_limit() -> None:
    assert offer_allowed(2, DEFAULT) and not offer_allowed(3, DEFAULT)


def test_procedure_names_depend_on_the_setting() -> None:
    text = "Ava's debond is on Tue."
    assert procedure_terms_found(text, DEFAULT) == ["debond"]
    assert procedure_terms_found(text, MessagingPolicy(allow_procedure_names=True)) == []


# --- contact budgets ----------------------------------------------------------------------


def test_daily_budget_counts_the_local_day() -> None:
    at = local(NY, 2024, 6, 12, 15)
    same_day = [local(NY, 2024, 6, 12, h) for h in (8, 9)]
    assert budget_allows(same_day, at, NY, DEFAULT)
    assert not budget_allows([*same_day, local(NY, 2024, 6, 12, 10)], at, NY, DEFAULT)
    # 23:30 the evening before is 03:30 UTC today, but yesterday in New York.
    yesterday = local(NY, 2024, 6, 11, 23, 30)
    assert budget_allows([*same_day, yesterday], at, NY, DEFAULT)


def test_weekly_budget_is_a_rolling_seven_days() -> None:
    at = local(LONDON, 2024, 6, 10, 12)  # a Monday
    # Eight messages over the previous six days (two per day at most): week is used up
    # even though a new ISO week began at midnight.
    sent = [local(LONDON, 2024, 6, d, h) for d in (4, 5, 6, 7) for h in (9, 17)]
    assert len(sent) == 8
    assert not budget_allows(sent, at, LONDON, DEFAULT)
    # Exactly seven days ago no longer counts.
    sent[0] = local(LONDON, 2024, 6, 3, 12)
    assert budget_allows(sent, at, LONDON, DEFAULT)


def test_budget_ignores_messages_after_at() -> None:
    at = local(SYDNEY, 2024, 6, 12, 9)
    later = [local(SYDNEY, 2024, 6, 12, h) for h in (10, 11, 12)]
    assert budget_allows(later, at, SYDNEY, DEFAULT)


def test_zero_budget_blocks_everything() -> None:
    silent = MessagingPolicy(daily_budget_per_number=0, weekly_budget_per_number=0)
    assert not budget_allows([], utc(2024, 6, 1, 12), NY, silent)


def test_budget_across_fall_back_counts_by_instant() -> None:
    # On 2024-11-03 01:30 happens twice in New York; both are the same local day.
    first = local(NY, 2024, 11, 3, 1, 30, fold=0)
    second = local(NY, 2024, 11, 3, 1, 30, fold=1)
    policy = MessagingPolicy(daily_budget_per_number=2)
    assert budget_allows([first], second, NY, policy)
    assert not budget_allows([first, first], second, NY, policy)
    # Wall-clock arithmetic on `second` would land back in EDT, before `second`; go via UTC.
    a_minute_later = second.astimezone(UTC) + timedelta(minutes=1)
    assert not budget_allows([first, second], a_minute_later, NY, policy)
    # At the first 01:30 the second one has not happened yet.
    assert budget_allows([first, second], first, NY, policy)


# --- replies ------------------------------------------------------------------------------


@pytest.mark.parametrize("word", sorted(OPT_OUT_WORDS))
@pytest.mark.parametrize("dress", ["{}", "{}.", " {} ", "{}!", "\t{}\n"])
@pytest.mark.parametrize("case", [str.upper, str.lower, str.capitalize])
def test_every_opt_out_word(word: str, dress: str, case: object) -> None:
    body = dress.format(case(word))  # type: ignore[operator]
    reply = classify_reply(body)
    assert (reply.kind, reply.keyword) == ("opt_out", word)


@pytest.mark.parametrize("body", ["Opt out", "opt-out", "OPT OUT!", "ＳＴＯＰ"])
def test_opt_out_spellings(body: str) -> None:
    assert classify_reply(body).kind == "opt_out"


def test_cancel_alone_is_an_opt_out_not_an_appointment_cancellation() -> None:
    assert classify_reply("Cancel").kind == "opt_out"
    # In a sentence it is not a carrier keyword; staff read it in the inbox.
    assert classify_reply("Cancel Ava's appointment please").kind == "other"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("START", "opt_in"),
        ("unstop", "opt_in"),
        ("Help", "help"),
        ("info?", "help"),
    ],
)
def test_carrier_keywords(body: str, kind: str) -> None:
    assert classify_reply(body).kind == kind


@pytest.mark.parametrize(
    "body",
    [
        *sorted(CONFIRM_WORDS),
        "yes!",
        "Yes please",
        "YES, thank you!",
        "Confirmed.",
        "y",
        "c",
        " 1 ",
        "yes yes",
        "Yes we will be there",
        "Yes, thanks",
        "yep",
    ],
)
def test_confirm(body: str) -> None:
    assert classify_reply(body).kind == "confirm"


@pytest.mark.parametrize("body", ["NO", "no", "N", "2", "No.", "No thanks", "No, sorry"])
def test_decline(body: str) -> None:
    assert classify_reply(body).kind == "decline"


@pytest.mark.parametrize(
    "body",
    [
        "please stop texting me",
        "Please stop",
        "Stop please",
        "STOP IT",
        "don't text me anymore",
        "Don’t text me anymore",  # curly apostrophe from a phone keyboard
        "do not contact us",
        "remove me from your list",
        "Take me off this list",
        "unsubscribe me please",
        "no more texts",
        "opt me out",
        "Wrong number",
        "stop sending these reminders",
        "STOP ALL",
    ],
)
def test_plain_language_opt_out_needs_review(body: str) -> None:
    reply = classify_reply(body)
    assert reply.kind == "needs_review"
    assert reply.likely_opt_out
    assert reply.keyword is None


@pytest.mark.parametrize(
    "body", ["Call me", "please call", "Can you call me back?", "could someone call", "call back"]
)
def test_callback(body: str) -> None:
    assert classify_reply(body).kind == "callback"


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   ",
        "can we do 4pm instead?",
        "yes but can we do 4pm?",  # not a plain yes: staff decide
        "Yes for Ava, no for Liam",
        "No idea what this is",
        "Thanks!",
        "👍",
        "stopwatch",
        "I'll be at the end of the street",
    ],
)
def test_other(body: str) -> None:
    reply = classify_reply(body)
    assert reply.kind == "other" and not reply.likely_opt_out


def test_opt_out_words_win_over_everything() -> None:
    assert classify_reply("please stop texting me, call me instead").kind == "needs_review"


@given(st.text(max_size=60))
def test_classify_never_crashes_and_only_exact_keywords_opt_out(body: str) -> None:
    reply = classify_reply(body)
    if reply.kind == "opt_out":
        assert reply.keyword in OPT_OUT_WORDS
    if reply.likely_opt_out:
        assert reply.kind == "needs_review"


# --- family merging -----------------------------------------------------------------------


def test_merge_two_siblings_same_place() -> None:
    text = merge_family_messages(
        [
            ("Liam", datetime(2026, 3, 3, 15, 50), "Northside Orthodontics"),
            ("Ava", datetime(2026, 3, 3, 15, 30), "Northside Orthodontics"),
        ]
    )
    assert text == (
        "Reminder: Ava on Tue, Mar 3 at 3:30 PM and Liam on Tue, Mar 3 at 3:50 PM at "
        "Northside Orthodontics. Reply YES to confirm both, NO to cancel."
    )
    assert phi_safe(text, MessagingPolicy().procedure_terms) == []
    assert classify_reply("YES").kind == "confirm"


def test_merge_three_at_two_places_24h() -> None:
    text = merge_family_messages(
        [
            ("Ava", datetime(2026, 3, 3, 15, 30, tzinfo=NY), "Northside"),
            ("Liam", datetime(2026, 3, 4, 9, 5, tzinfo=NY), "Southside"),
            ("Noah", datetime(2026, 3, 3, 16, 0, tzinfo=NY), "Northside"),
        ],
        hour_format=24,
    )
    assert text == (
        "Reminder: Ava on Tue, Mar 3 at 15:30 at Northside, Noah on Tue, Mar 3 at 16:00 at "
        "Northside and Liam on Wed, Mar 4 at 09:05 at Southside. Reply YES to confirm all, "
        "NO to cancel."
    )


def test_merge_single() -> None:
    assert merge_family_messages([("Ava", datetime(2026, 1, 5, 12, 0), "Main St")]) == (
        "Reminder: Ava on Mon, Jan 5 at 12:00 PM at Main St. Reply YES to confirm, NO to cancel."
    )


def test_merge_rejects_empty_input() -> None:
    with pytest.raises(ValidationError):
        merge_family_messages([])
    with pytest.raises(ValidationError):
        merge_family_messages([(" ", datetime(2026, 1, 5, 12), "Main St")])


def test_formatting_helpers() -> None:
    assert format_date(date(2026, 12, 27)) == "Sun, Dec 27"
    assert format_time(time(0, 5)) == "12:05 AM"
    assert format_time(time(12, 0)) == "12:00 PM"
    assert format_time(time(23, 59), hour_format=24) == "23:59"


# --- Spanish replies ----------------------------------------------------------------------


@pytest.mark.parametrize("body", ["SÍ", "Sí", "si", "SI", "¡Sí!", "Sí, gracias", "si por favor", "Confirmo"])
def test_spanish_yes_confirms(body: str) -> None:
    assert classify_reply(body).kind == "confirm"


@pytest.mark.parametrize("body", ["No, lo siento", "no gracias", "NO"])
def test_spanish_no_declines(body: str) -> None:
    assert classify_reply(body).kind == "decline"


@pytest.mark.parametrize("body", ["ALTO", "alto", "Alto.", "PARAR", "Detener", "BAJA"])
def test_spanish_opt_out_words_stop_texts(body: str) -> None:
    reply = classify_reply(body)
    assert reply.kind == "opt_out" and reply.keyword == body.strip(".").upper()


@pytest.mark.parametrize(
    "body",
    ["CANCELAR", "No me envíen más mensajes", "no mas textos", "Quiero darme de baja", "Número equivocado"],
)
def test_spanish_plain_language_opt_out_needs_review(body: str) -> None:
    reply = classify_reply(body)
    assert reply.kind == "needs_review" and reply.likely_opt_out


@pytest.mark.parametrize("body", ["Sí pero a las 4?", "si para Ava", "Llámenme por favor", "AYUDA"])
def test_spanish_free_text_is_not_a_yes(body: str) -> None:
    assert classify_reply(body).kind in {"other", "callback", "help"}
