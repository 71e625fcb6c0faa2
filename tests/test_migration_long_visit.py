"""h17: the long-visit sequence's day-before step, still holding the English text it was seeded
with, sends the template instead; a Spanish clinic's unedited default sequence names become
Spanish. What a clinic edited stays as it is."""

from __future__ import annotations

from sqlalchemy import text

from orca_desk.migrate import upgrade
from orca_desk.services.clinic.clinic_defaults import seed_clinic_defaults
from orca_desk.services.messaging.message_templates import default_templates
from tests.factories import make_world, migration


def _old_body() -> str:
    return migration("h17_long_visit_day_before").OLD_BODY  # type: ignore[no-any-return]


def test_the_english_template_keeps_the_old_words() -> None:
    [english] = [t for t in default_templates() if t.key == "reminder.day_before" and t.language == "en"]
    assert english.body == _old_body()


def _steps(db, clinic_id: int) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        rows = s.execute(
            text(
                "SELECT q.name, st.template_key, st.sms_body FROM reminder_step st "
                "JOIN reminder_sequence q ON q.id = st.sequence_id WHERE q.clinic_id = :c "
                "AND st.offset_minutes = 1440 ORDER BY q.name"
            ),
            {"c": clinic_id},
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _as_before_h17(db, language: str, clock, edits: str = "") -> int:  # type: ignore[no-untyped-def]
    """A clinic as set up before h17 stored it: the step's own English text, English names (and
    ``edits``, SQL the clinic's own changes); the database marked at h16."""
    with db.write() as s:
        c = make_world(s).clinic
        c.language = language
        s.flush()
        seed_clinic_defaults(s, c.id, now=clock.now())
        s.execute(
            text(
                "UPDATE reminder_step SET template_key = 'reminder.day_of', sms_body = :b "
                "WHERE template_key = 'reminder.day_before'"
            ),
            {"b": _old_body()},
        )
        for table, english, spanish in (
            ("reminder_sequence", "Standard reminders", "Recordatorios habituales"),
            ("reminder_sequence", "Long visits", "Visitas largas"),
            ("recovery_sequence", "Missed visit follow-up", "Seguimiento de citas perdidas"),
        ):
            s.execute(text(f"UPDATE {table} SET name = :e WHERE name = :s"), {"e": english, "s": spanish})
        if edits:
            s.execute(text(edits))
        # Back before h17: its branch's head becomes h16; the other branch's head stays.
        s.execute(
            text(
                "UPDATE alembic_version SET version_num = 'h16_patient_search_lower' "
                "WHERE version_num <> 'h9_online_booking'"
            )
        )
        return c.id


def _names(db, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.scalars(text(f"SELECT name FROM {table} ORDER BY name")))


def test_a_spanish_clinics_unedited_step_and_names_move(db, clock) -> None:
    clinic_id = _as_before_h17(db, "es", clock, "UPDATE recovery_sequence SET name = 'Llamar si faltan'")
    upgrade(db)
    assert _steps(db, clinic_id) == [("Visitas largas", "reminder.day_before", None)]
    assert _names(db, "reminder_sequence") == ["Recordatorios habituales", "Visitas largas"]
    assert _names(db, "recovery_sequence") == ["Llamar si faltan"]  # the clinic's own name


def test_an_edited_step_and_an_english_clinics_names_stay(db, clock) -> None:
    clinic_id = _as_before_h17(
        db,
        "en",
        clock,
        "UPDATE reminder_step SET sms_body = 'Tomorrow: {time}' WHERE offset_minutes = 1440",
    )
    upgrade(db)
    assert _steps(db, clinic_id) == [("Long visits", "reminder.day_of", "Tomorrow: {time}")]
    assert _names(db, "reminder_sequence") == ["Long visits", "Standard reminders"]
    assert _names(db, "recovery_sequence") == ["Missed visit follow-up"]
