"""patient card: alerts, consent history, merge marker, search indexes

Revision ID: h11_patient_card
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from orca_desk.models.base import UTCDateTime

_NOCASE_SEARCHED = ("last_name", "first_name", "preferred_name", "guardian_name", "chart_number", "email",
                    "contact_email", "guardian_email")

revision = "h11_patient_card"
down_revision = "0001"
branch_labels = ("patient_card",)
# The chart_number and date_of_birth search indexes need 1500_import's chart_number column.
depends_on = ("1500_import",)


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_summary", sa.String(length=500), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_patient_date_of_birth", ["date_of_birth"], unique=False)
        batch_op.create_index("ix_patient_chart_number", ["chart_number"], unique=False)
        batch_op.create_index("ix_patient_phone", ["phone"], unique=False)
        batch_op.create_index("ix_patient_guardian_phone", ["guardian_phone"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # Prefix search (LIKE 'riv%', case-insensitive) from an index: SQLite needs NOCASE ones.
        for col in _NOCASE_SEARCHED:
            op.create_index(f"ix_patient_{col}_nocase", "patient", [sa.text(f"{col} COLLATE NOCASE")])
    op.create_table(
        "patient_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_patient_alert_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_alert")),
    )
    with op.batch_alter_table("patient_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_alert_patient_id"), ["patient_id"], unique=False)
    op.create_table(
        "consent_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=5), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_consent_event_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_event")),
    )
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_event_patient_id"), ["patient_id"], unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for col in _NOCASE_SEARCHED:
            op.drop_index(f"ix_patient_{col}_nocase", table_name="patient")
    op.drop_table("consent_event")
    op.drop_table("patient_alert")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index("ix_patient_guardian_phone")
        batch_op.drop_index("ix_patient_phone")
        batch_op.drop_index("ix_patient_chart_number")
        batch_op.drop_index("ix_patient_date_of_birth")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("alert_summary")
