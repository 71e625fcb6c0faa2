"""spanish texts fit one SMS: the clinic's unedited Spanish confirm and offer texts become the shorter ones

Revision ID: h15_spanish_texts_fit
Revises: h14_message_languages
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h15_spanish_texts_fit"
down_revision = "h14_message_languages"
branch_labels = None
depends_on = None

# (key, the packaged text until now, the packaged text from now): a clinic's stored template is
# replaced only while it is still exactly the old default, so an edited text is never touched.
TEXTS = (
    (
        "reminder.confirm",
        "{clinic_name}: cita de {patient_first_name} el {date} {time} en {location}. "
        "Responda SI para confirmar: {link}",
        "{clinic_name}: cita de {patient_first_name} el {date} {time} en {location}. Confirme con SI: {link}",
    ),
    (
        "waitlist.offer",
        "{clinic_name}: hay un espacio para {patient_first_name}, {date} {time} en {location}. "
        "Reservado {hold} (oferta {offer_count}). Responda SI o abra {link}",
        "{clinic_name}: hay cita para {patient_first_name}, {date} {time} en {location}. "
        "Guardada {hold} (oferta {offer_count}). Responda SI o abra {link}",
    ),
    (
        "waitlist.offer_short",
        "{clinic_name}: espacio para {patient_first_name}, {date} {time} en {location}. "
        "Reservado {hold} (oferta {offer_count}): {link}",
        "{clinic_name}: cita para {patient_first_name}, {date} {time}, {location}. "
        "Guardada {hold} ({offer_count}): {link}",
    ),
)

_REPLACE = sa.text(
    "UPDATE message_template SET body = :to WHERE key = :key AND channel = 'sms' AND language = 'es' "
    "AND body = :was"
)


def upgrade() -> None:
    for key, old, new in TEXTS:
        op.execute(_REPLACE.bindparams(key=key, was=old, to=new))


def downgrade() -> None:
    for key, old, new in TEXTS:
        op.execute(_REPLACE.bindparams(key=key, was=new, to=old))
