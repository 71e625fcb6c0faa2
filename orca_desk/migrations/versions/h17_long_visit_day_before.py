"""the long-visit day-before reminder is a template (each family reads its language); a Spanish
clinic's default sequences get their Spanish names

Revision ID: h17_long_visit_day_before
Revises: h16_patient_search_lower
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h17_long_visit_day_before"
down_revision = "h16_patient_search_lower"
branch_labels = None
depends_on = None

# The step's own English text, as seeded until now: a step still holding exactly it sends the
# new template instead (an edited text is the clinic's and stays).
OLD_BODY = (
    "{clinic_name}: {patient_first_name}'s longer visit is tomorrow, {date} at {time} at {location}. "
    "Please plan about 90 minutes."
)
_TO_TEMPLATE = sa.text(
    "UPDATE reminder_step SET template_key = 'reminder.day_before', sms_body = NULL "
    "WHERE template_key = 'reminder.day_of' AND sms_body = :body"
)
_TO_TEXT = sa.text(
    "UPDATE reminder_step SET template_key = 'reminder.day_of', sms_body = :body "
    "WHERE template_key = 'reminder.day_before' AND sms_body IS NULL"
)
# (table, the English default name, the Spanish one): renamed only while unedited.
NAMES = (
    ("reminder_sequence", "Standard reminders", "Recordatorios habituales"),
    ("reminder_sequence", "Long visits", "Visitas largas"),
    ("recovery_sequence", "Missed visit follow-up", "Seguimiento de citas perdidas"),
)


def _rename(table: str, was: str, to: str) -> sa.TextClause:
    return sa.text(
        f"UPDATE {table} SET name = :to WHERE name = :was "  # noqa: S608 - our own table names
        "AND clinic_id IN (SELECT id FROM clinic WHERE language = 'es')"
    ).bindparams(was=was, to=to)


def upgrade() -> None:
    op.execute(_TO_TEMPLATE.bindparams(body=OLD_BODY))
    for table, english, spanish in NAMES:
        op.execute(_rename(table, english, spanish))


def downgrade() -> None:
    op.execute(_TO_TEXT.bindparams(body=OLD_BODY))
    for table, english, spanish in NAMES:
        op.execute(_rename(table, spanish, english))
