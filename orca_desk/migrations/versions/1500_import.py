"""import: patients' and appointments' ids in the system they came from, chart number, language

Revision ID: 1500_import
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1500_import"
down_revision = "0001"
branch_labels = ("import",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patient") as batch:
        batch.add_column(sa.Column("preferred_name", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("chart_number", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("language", sa.String(length=8), server_default="en", nullable=False))
    op.create_index("ix_patient_external_id", "patient", ["clinic_id", "external_id"], unique=True)
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
    op.create_index("ix_appointment_external_id", "appointment", ["clinic_id", "external_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_appointment_external_id", table_name="appointment")
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("external_id")
    op.drop_index("ix_patient_external_id", table_name="patient")
    with op.batch_alter_table("patient") as batch:
        batch.drop_column("language")
        batch.drop_column("chart_number")
        batch.drop_column("external_id")
        batch.drop_column("preferred_name")
