"""online booking holds and the staff review of uncertain patient matches

Revision ID: h9_online_booking
Revises: 2000_api_keys
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from orca_desk.models.base import UTCDateTime

revision = "h9_online_booking"
down_revision = "2000_api_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_attempts", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], name=op.f("fk_booking_hold_clinic_id_clinic")),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"],
                                name=op.f("fk_booking_hold_location_id_location")),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"],
                                name=op.f("fk_booking_hold_provider_id_provider")),
        sa.ForeignKeyConstraint(["chair_id"], ["chair.id"], name=op.f("fk_booking_hold_chair_id_chair")),
        sa.ForeignKeyConstraint(["type_id"], ["appointment_type.id"],
                                name=op.f("fk_booking_hold_type_id_appointment_type")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"],
                                name=op.f("fk_booking_hold_appointment_id_appointment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_hold")),
    )
    with op.batch_alter_table("booking_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_hold_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_hold_expires_at"), ["expires_at"], unique=False)
    op.create_table(
        "booking_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], name=op.f("fk_booking_review_clinic_id_clinic")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"],
                                name=op.f("fk_booking_review_appointment_id_appointment")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"],
                                name=op.f("fk_booking_review_patient_id_patient")),
        sa.ForeignKeyConstraint(["candidate_id"], ["patient.id"],
                                name=op.f("fk_booking_review_candidate_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_review")),
    )
    if op.get_bind().dialect.name == "postgresql":  # the desk's review list hears of new rows
        op.execute("CREATE TRIGGER booking_review_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                   "ON booking_review FOR EACH STATEMENT EXECUTE FUNCTION orca_notify_change()")


def downgrade() -> None:
    op.drop_table("booking_review")
    with op.batch_alter_table("booking_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_hold_expires_at"))
        batch_op.drop_index(batch_op.f("ix_booking_hold_provider_id"))
    op.drop_table("booking_hold")
