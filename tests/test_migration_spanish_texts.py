"""h15: a clinic's Spanish confirm and offer texts, still as first packaged, become the ones that fit
one SMS; a text the clinic edited stays as it is."""

from __future__ import annotations

from sqlalchemy import text

from orca_desk.migrate import upgrade
from orca_desk.services.messaging.message_templates import default_templates, seed_default_templates
from tests.factories import make_world, migration


def _texts() -> tuple[tuple[str, str, str], ...]:
    return migration("h15_spanish_texts_fit").TEXTS  # type: ignore[no-any-return]


def test_the_new_texts_are_the_packaged_ones() -> None:
    packaged = {t.key: t.body for t in default_templates() if t.channel == "sms" and t.language == "es"}
    for key, _old, new in _texts():
        assert packaged[key] == new


def _bodies(db, clinic_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        rows = s.execute(
            text(
                "SELECT key, body FROM message_template WHERE clinic_id = :c AND channel = 'sms' "
                "AND language = 'es'"
            ),
            {"c": clinic_id},
        )
        return {key: body for key, body in rows}


def test_unedited_texts_are_replaced_and_edited_ones_kept(db, clock) -> None:
    texts = _texts()
    with db.write() as s:
        clinic_id = make_world(s).clinic.id
        seed_default_templates(s, clinic_id, now=clock.now())
        # As a clinic set up before this version stored them, the offer edited by the clinic.
        spanish_sms = (
            "UPDATE message_template SET body = :b WHERE key = :k AND channel = 'sms' AND language = 'es'"
        )
        for key, old, _new in texts:
            s.execute(text(spanish_sms), {"b": old, "k": key})
        s.execute(text(spanish_sms), {"b": "Oferta: {link}", "k": "waitlist.offer"})
        # Back before h15: its branch's head (h15 or a later revision) becomes h14; the other
        # branch's head stays.
        s.execute(
            text(
                "UPDATE alembic_version SET version_num = 'h14_message_languages' "
                "WHERE version_num <> 'h9_online_booking'"
            )
        )
    before = _bodies(db, clinic_id)
    upgrade(db)
    after = _bodies(db, clinic_id)
    new = {key: body for key, _old, body in texts}
    assert after["reminder.confirm"] == new["reminder.confirm"] != before["reminder.confirm"]
    assert after["waitlist.offer_short"] == new["waitlist.offer_short"]
    assert after["waitlist.offer"] == "Oferta: {link}"  # the clinic's own words
