"""waitlist: openings, the offers made to waitlist entries, an index on waitlist_entry.updated_at

Revision ID: 0800_waitlist
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import orca_desk.models.base

revision = "0800_waitlist"
down_revision = "0001"
branch_labels = ("waitlist",)
depends_on = None

UTC = orca_desk.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "opening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=True),
        sa.Column("start_at", UTC(timezone=True), nullable=False),
        sa.Column("end_at", UTC(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_appointment_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("broadcast_size", sa.Integer(), nullable=False),
        sa.Column("next_check_at", UTC(timezone=True), nullable=True),
        sa.Column("filled_at", UTC(timezone=True), nullable=True),
        sa.Column("filled_appointment_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["chair_id"], ["chair.id"], name=op.f("fk_opening_chair_id_chair")),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], name=op.f("fk_opening_clinic_id_clinic")),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"],
                                name=op.f("fk_opening_location_id_location")),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"],
                                name=op.f("fk_opening_provider_id_provider")),
        sa.ForeignKeyConstraint(["type_id"], ["appointment_type.id"],
                                name=op.f("fk_opening_type_id_appointment_type")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening")),
    )
    with op.batch_alter_table("opening", schema=None) as batch_op:
        batch_op.create_index("ix_opening_location_start", ["location_id", "start_at"], unique=False)
        batch_op.create_index("ix_opening_status_check", ["status", "next_check_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_opening_source_appointment_id"), ["source_appointment_id"],
                              unique=False)

    op.create_table(
        "waitlist_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("opening_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("to_address", sa.String(length=200), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("broadcast", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("send_after", UTC(timezone=True), nullable=False),
        sa.Column("sent_at", UTC(timezone=True), nullable=True),
        sa.Column("hold_started_at", UTC(timezone=True), nullable=True),
        sa.Column("hold_expires_at", UTC(timezone=True), nullable=True),
        sa.Column("hold_released", sa.Boolean(), nullable=False),
        sa.Column("responded_at", UTC(timezone=True), nullable=True),
        sa.Column("response", sa.String(length=12), nullable=True),
        sa.Column("responded_via", sa.String(length=8), nullable=True),
        sa.Column("outcome", sa.String(length=300), nullable=False),
        sa.Column("booked_appointment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"],
                                name=op.f("fk_waitlist_offer_clinic_id_clinic")),
        sa.ForeignKeyConstraint(["entry_id"], ["waitlist_entry.id"],
                                name=op.f("fk_waitlist_offer_entry_id_waitlist_entry")),
        sa.ForeignKeyConstraint(["opening_id"], ["opening.id"],
                                name=op.f("fk_waitlist_offer_opening_id_opening")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"],
                                name=op.f("fk_waitlist_offer_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_offer")),
    )
    with op.batch_alter_table("waitlist_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_waitlist_offer_clinic_id"), ["clinic_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_waitlist_offer_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_waitlist_offer_opening_id"), ["opening_id"], unique=False)
        batch_op.create_index("ix_waitlist_offer_live", ["hold_released", "hold_expires_at"], unique=False)
        batch_op.create_index("ix_waitlist_offer_to", ["to_address", "sent_at"], unique=False)


    # The matcher checks whether the waitlist changed by its newest update (an index lookup).
    with op.batch_alter_table("waitlist_entry", schema=None) as batch_op:
        batch_op.create_index("ix_waitlist_updated", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("waitlist_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_waitlist_updated")
    op.drop_table("waitlist_offer")
    op.drop_table("opening")
