"""Tests for message templates, rendering, SMS segment counting and PHI checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.render import (
    DEFAULT_PROCEDURE_TERMS,
    GSM7_BASIC,
    GSM7_EXTENSION,
    KNOWN_VARIABLES,
    VARIABLE_DESCRIPTIONS,
    escape_braces,
    non_gsm_characters,
    phi_safe,
    render,
    sms_segments,
    template_problems,
    template_variables,
    validate_template,
)

# --- variables and validation -------------------------------------------------------------


def test_known_variables_match_the_documented_set() -> None:
    assert {
        "first_name",
        "patient_first_name",
        "guardian_name",
        "date",
        "time",
        "day",
        "location",
        "location_address",
        "clinic_name",
        "clinic_phone",
        "link",
        "provider",
        "hold_minutes",
        "hold",
        "offer_count",
        "unsubscribe_link",
        "reschedule_link",
    } == KNOWN_VARIABLES
    assert all(VARIABLE_DESCRIPTIONS[name].strip() for name in KNOWN_VARIABLES)


def test_valid_template_passes_for_both_channels() -> None:
    text = "Hi {first_name}, {patient_first_name} is booked {day} {date} at {time}. {link}"
    validate_template(text, channel="sms")
    validate_template(text + " {unsubscribe_link}", channel="email")


def test_typo_names_the_variable_and_suggests_the_right_one() -> None:
    with pytest.raises(ValidationError) as err:
        validate_template("Hi {frist_name}!", channel="sms")
    assert str(err.value) == "Unknown variable {frist_name} — did you mean {first_name}?"
    assert err.value.field == "text"


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("{First_Name}", "{first_name}"),
        ("{ first_name }", "{first_name}"),
        ("{clinic_phon}", "{clinic_phone}"),
        ("{hold_minute}", "{hold_minutes}"),
        ("{locaton}", "{location}"),
    ],
)
def test_suggestions(typo: str, suggestion: str) -> None:
    with pytest.raises(ValidationError, match=f"did you mean \\{suggestion}\\?"):
        validate_template(f"Hi {typo}", channel="sms")


def test_unknown_variable_without_a_close_match_lists_the_known_ones() -> None:
    with pytest.raises(ValidationError) as err:
        validate_template("Your balance is {balance_due_xyz}", channel="email")
    message = str(err.value)
    assert message.startswith("Unknown variable {balance_due_xyz}. Known variables:")
    assert "{first_name}" in message and "did you mean" not in message


def test_every_problem_is_reported_once() -> None:
    problems = template_problems("{frist_name} {frist_name} {dat} }", channel="sms")
    assert problems == [
        "Unbalanced braces: the '}' at character 33 has no opening '{' (write }} for a literal brace).",
        "Unknown variable {frist_name} — did you mean {first_name}?",
        "Unknown variable {dat} — did you mean {date}?",
    ]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Hi {first_name", "the '{' at character 4 is never closed"),
        ("Hi first_name}", "the '}' at character 14 has no opening '{'"),
        ("Hi {first_{name}", "the '{' at character 4 is never closed"),
        ("Hi {}", "Empty braces {} at character 4"),
    ],
)
def test_brace_problems(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_template(text, channel="sms")
    assert fragment in str(err.value)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_template(text: str) -> None:
    with pytest.raises(ValidationError, match="The message is empty"):
        validate_template(text, channel="sms")


def test_unknown_channel() -> None:
    with pytest.raises(ValidationError, match="Unknown channel 'fax'"):
        validate_template("Hi", channel="fax")


def test_unsubscribe_link_is_email_only() -> None:
    with pytest.raises(ValidationError, match="opt out by replying STOP"):
        validate_template("Hi {unsubscribe_link}", channel="sms")


@pytest.mark.parametrize("text", ["Reply CANCEL to cancel.", "Text 'cancel' to cancel", "reply with Cancel"])
def test_sms_must_not_ask_for_cancel(text: str) -> None:
    with pytest.raises(ValidationError, match="reply NO instead"):
        validate_template(text, channel="sms")
    validate_template(text, channel="email")


def test_custom_allowed_set() -> None:
    allowed = frozenset({"first_name", "link"})
    validate_template("{first_name} {link}", channel="sms", allowed=allowed)
    with pytest.raises(ValidationError, match=r"Unknown variable \{provider\}"):
        validate_template("{provider}", channel="sms", allowed=allowed)


def test_escaped_braces_are_not_variables() -> None:
    validate_template("Literal {{not_a_var}} here", channel="sms")
    assert template_variables("{{x}} {first_name} {{{link}}}") == {"first_name", "link"}


# --- render --------------------------------------------------------------------------------


def test_render_fills_variables_and_unescapes() -> None:
    text = "Hi {first_name}, {{see}} {link}}}"
    assert render(text, {"first_name": "Ana", "link": "https://x/t"}) == "Hi Ana, {see} https://x/t}"


def test_render_missing_values_are_named() -> None:
    with pytest.raises(ValidationError) as err:
        render("{first_name} at {time} on {date} {time}", {"first_name": "Ana"})
    assert str(err.value) == "No value for {time}, {date}."
    assert err.value.field == "values"


def test_render_refuses_non_text_values() -> None:
    with pytest.raises(ValidationError, match=r"No value for \{first_name\}"):
        render("Hi {first_name}", {"first_name": None})  # type: ignore[dict-item]


def test_render_does_not_reparse_values() -> None:
    assert render("{first_name}", {"first_name": "{link}", "link": "x"}) == "{link}"


def test_render_rejects_unbalanced_braces() -> None:
    with pytest.raises(ValidationError, match="never closed"):
        render("Hi {first_name", {"first_name": "Ana"})


_literal = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
_variable = st.sampled_from(sorted(KNOWN_VARIABLES))


@given(st.lists(st.one_of(_literal, _variable.map(lambda v: ("var", v))), min_size=1, max_size=8))
def test_render_validate_round_trip(
    parts: list[str | tuple[str, str]],
) -> None:
    values = {name: f"<{name.upper()}>" for name in KNOWN_VARIABLES}
    template = "".join(f"{{{p[1]}}}" if isinstance(p, tuple) else escape_braces(p) for p in parts)
    expected = "".join(values[p[1]] if isinstance(p, tuple) else p for p in parts)
    if template.strip():
        validate_template(template, channel="email")
    assert render(template, values) == expected
    assert template_variables(template) == {p[1] for p in parts if isinstance(p, tuple)}


@given(_literal)
def test_escaped_literal_renders_to_itself(text: str) -> None:
    assert render(escape_braces(text), {}) == text


# --- SMS segments ----------------------------------------------------------------------


def test_gsm_alphabet_sizes() -> None:
    assert len(GSM7_BASIC) == 127  # 128 code points minus the ESC escape
    assert set("\f^{}\\[~]|€") == GSM7_EXTENSION
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize(
    ("text", "segments", "units", "per_segment"),
    [
        ("", 0, 0, 160),
        ("a", 1, 1, 160),
        ("a" * 160, 1, 160, 160),
        ("a" * 161, 2, 161, 153),
        ("a" * 306, 2, 306, 153),
        ("a" * 307, 3, 307, 153),
        ("a" * 459, 3, 459, 153),
        ("a" * 460, 4, 460, 153),
        ("€" * 80, 1, 160, 160),
        ("a" * 159 + "€", 2, 161, 153),
        ("a" * 158 + "€", 1, 160, 160),
        # An escape pair is never split: 152 + [€ would straddle] → the € opens segment 2.
        ("a" * 152 + "€" + "a" * 151, 2, 305, 153),
        ("a" * 152 + "€" + "a" * 152, 3, 306, 153),
    ],
)
def test_gsm7_counting(text: str, segments: int, units: int, per_segment: int) -> None:
    info = sms_segments(text)
    assert info.encoding == "GSM-7"
    assert (info.segments, info.units, info.per_segment) == (segments, units, per_segment)
    assert info.characters == len(text)


@pytest.mark.parametrize("ch", sorted(GSM7_EXTENSION))
def test_every_extension_character_costs_two_septets(ch: str) -> None:
    info = sms_segments("a" + ch)
    assert (info.encoding, info.units, info.characters) == ("GSM-7", 3, 2)


def test_gsm_specials_stay_gsm() -> None:
    info = sms_segments("Café Ñoño @ £5 ¿Qué? Ü ß Δ Ç")
    assert info.encoding == "GSM-7"


@pytest.mark.parametrize(
    ("text", "segments", "units", "per_segment"),
    [
        ("ж" * 70, 1, 70, 70),
        ("ж" * 71, 2, 71, 67),
        ("ж" * 134, 2, 134, 67),
        ("ж" * 135, 3, 135, 67),
        ("😀" * 35, 1, 70, 70),
        ("😀" * 35 + "a", 2, 71, 67),
        ("a" * 68 + "😀", 1, 70, 70),
        ("a" * 69 + "😀", 2, 71, 67),
        # A surrogate pair is never split across segments.
        ("a" * 66 + "😀" + "a" * 66, 3, 134, 67),
        ("a" * 65 + "😀" + "a" * 66, 2, 133, 67),
    ],
)
def test_ucs2_counting(text: str, segments: int, units: int, per_segment: int) -> None:
    info = sms_segments(text)
    assert info.encoding == "UCS-2"
    assert (info.segments, info.units, info.per_segment) == (segments, units, per_segment)


def test_one_smart_quote_forces_ucs2() -> None:
    text = "See you at 3:30 PM, we’re at Northside."
    info = sms_segments(text)
    assert info.encoding == "UCS-2" and info.per_segment == 70
    assert non_gsm_characters(text) == ["’"]


def test_non_gsm_characters_are_distinct_and_ordered() -> None:
    assert non_gsm_characters("a😀b“c😀ç€") == ["😀", "“", "ç"]
    assert non_gsm_characters("plain {text} €") == []


@given(st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=700))
def test_gsm_segment_bounds(text: str) -> None:
    info = sms_segments(text)
    assert info.encoding == "GSM-7"
    if info.units <= 160:
        assert info.segments == (1 if text else 0)
    else:
        # Packing wastes at most one septet per segment.
        assert -(-info.units // 153) <= info.segments <= -(-info.units // 152)


# --- minimum health information ------------------------------------------------------------


def test_phi_safe_finds_procedures_case_insensitively_in_text_order() -> None:
    text = "Reminder: EXTRACTIONS tomorrow, then Bonding and palatal  expander check."
    assert phi_safe(text, DEFAULT_PROCEDURE_TERMS) == ["extraction", "bonding", "palatal expander"]


@pytest.mark.parametrize(
    "text", ["Your bondings", "debond day", "Debonding!", "bring your retainer", "x-ray"]
)
def test_phi_safe_hits(text: str) -> None:
    assert phi_safe(text, DEFAULT_PROCEDURE_TERMS)


@pytest.mark.parametrize(
    "text",
    [
        "Hi Ava, see you Tue at 3:30 PM at Northside Orthodontics.",
        "Vagabonding is fun",  # whole words only
        "Bond Street location",
        "Our records show you moved.",
    ],
)
def test_phi_safe_misses(text: str) -> None:
    assert phi_safe(text, DEFAULT_PROCEDURE_TERMS) == []


def test_phi_safe_reports_a_shorter_term_used_on_its_own() -> None:
    text = "Palatal expander today; the expander key is in the bag."
    assert phi_safe(text, ["expander", "palatal expander"]) == ["palatal expander", "expander"]


def test_phi_safe_custom_terms_deduplicated() -> None:
    assert phi_safe("Adjustment visit", ["adjustment", "Adjustment", " "]) == ["adjustment"]
