"""message languages: a template per language, the guardian's language, campaign texts per language

Revision ID: h14_message_languages
Revises: 2000_api_keys
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h14_message_languages"
down_revision = "2000_api_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guardian_language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("message_template", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), server_default="en", nullable=False))
        batch_op.drop_constraint("uq_message_template_clinic_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_message_template_clinic_id", ["clinic_id", "key", "channel", "language"]
        )
    with op.batch_alter_table("campaign_variant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign_variant", schema=None) as batch_op:
        batch_op.drop_column("translations")
    op.execute("DELETE FROM message_template WHERE language <> 'en'")
    with op.batch_alter_table("message_template", schema=None) as batch_op:
        batch_op.drop_constraint("uq_message_template_clinic_id", type_="unique")
        batch_op.create_unique_constraint("uq_message_template_clinic_id", ["clinic_id", "key", "channel"])
        batch_op.drop_column("language")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_column("guardian_language")
