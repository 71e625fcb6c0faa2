"""recurring series: the rule, its exceptions, and each appointment's original occurrence start

Revision ID: 0600_series
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import orca_desk.models.base

revision = "0600_series"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recurring_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("rrule", sa.String(length=500), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("end_kind", sa.String(length=8), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("until_date", sa.Date(), nullable=True),
        sa.Column("materialised_until", orca_desk.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.String(length=1000), nullable=False),
        sa.Column("created_at", orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_recurring_series_positive_minutes")),
        sa.ForeignKeyConstraint(["type_id"], ["appointment_type.id"],
                                name=op.f("fk_recurring_series_type_id_appointment_type")),
        sa.ForeignKeyConstraint(["chair_id"], ["chair.id"], name=op.f("fk_recurring_series_chair_id_chair")),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], name=op.f("fk_recurring_series_clinic_id_clinic")),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"],
                                name=op.f("fk_recurring_series_location_id_location")),
        sa.ForeignKeyConstraint(["parent_id"], ["recurring_series.id"],
                                name=op.f("fk_recurring_series_parent_id_recurring_series")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_recurring_series_patient_id_patient")),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"],
                                name=op.f("fk_recurring_series_provider_id_provider")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_series")),
    )
    with op.batch_alter_table("recurring_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recurring_series_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index("ix_recurring_series_status_horizon", ["status", "materialised_until"],
                              unique=False)

    op.create_table(
        "series_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("original_start", orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"],
                                name=op.f("fk_series_exception_appointment_id_appointment")),
        sa.ForeignKeyConstraint(["series_id"], ["recurring_series.id"],
                                name=op.f("fk_series_exception_series_id_recurring_series")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_exception")),
        sa.UniqueConstraint("series_id", "original_start", name=op.f("uq_series_exception_series_id")),
    )
    with op.batch_alter_table("series_exception", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_exception_series_id"), ["series_id"], unique=False)

    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_occurrence_start",
                                      orca_desk.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_column("series_occurrence_start")
    with op.batch_alter_table("series_exception", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_exception_series_id"))
    op.drop_table("series_exception")
    with op.batch_alter_table("recurring_series", schema=None) as batch_op:
        batch_op.drop_index("ix_recurring_series_status_horizon")
        batch_op.drop_index(batch_op.f("ix_recurring_series_patient_id"))
    op.drop_table("recurring_series")
