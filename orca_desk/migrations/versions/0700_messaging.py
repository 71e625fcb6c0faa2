"""messaging: outbox and history, inbound replies, contact state, templates, link tokens, lease

Revision ID: 0700_messaging
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import orca_desk.models.base

revision = "0700_messaging"
down_revision = "0001"
branch_labels = ("messaging",)
depends_on = None


def upgrade() -> None:

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('to_address', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('source_type', sa.String(length=30), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=14), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('not_after', orca_desk.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('provider', sa.String(length=20), nullable=True),
    sa.Column('provider_id', sa.String(length=64), nullable=True),
    sa.Column('error_code', sa.String(length=20), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('claimed_by', sa.String(length=80), nullable=True),
    sa.Column('claimed_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_outbox_message_clinic_id_clinic')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_outbox_message_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_message_dedupe_key'))
    )
    op.create_table('outbox_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=14), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], name=op.f('fk_outbox_event_message_id_outbox_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_event'))
    )
    op.create_table('inbound_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('provider_id', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('from_address', sa.String(length=200), nullable=False),
    sa.Column('to_address', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('received_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('handled_by', sa.String(length=30), nullable=True),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('unread', sa.Boolean(), nullable=False),
    sa.Column('processed_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_inbound_message_clinic_id_clinic')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_inbound_message_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_message')),
    sa.UniqueConstraint('provider', 'provider_id', name=op.f('uq_inbound_message_provider'))
    )
    op.create_table('contact_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('opted_out', sa.Boolean(), nullable=False),
    sa.Column('opted_out_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opt_source', sa.String(length=60), nullable=True),
    sa.Column('undeliverable', sa.Boolean(), nullable=False),
    sa.Column('last_error_code', sa.String(length=20), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('updated_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_state')),
    sa.UniqueConstraint('channel', 'address', name=op.f('uq_contact_state_channel'))
    )
    op.create_table('message_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_message_template_clinic_id_clinic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_template')),
    sa.UniqueConstraint('clinic_id', 'key', 'channel', name=op.f('uq_message_template_clinic_id'))
    )
    op.create_table('link_token_use',
    sa.Column('nonce', sa.String(length=40), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('used_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('nonce', name=op.f('pk_link_token_use'))
    )
    op.create_table('automation_lease',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('expires_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_automation_lease'))
    )
    op.create_table('provider_cursor',
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('last_seen_at', orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('provider', name=op.f('pk_provider_cursor'))
    )
    op.create_index('ix_outbox_due', 'outbox_message', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_outbox_message_appointment_id'), 'outbox_message', ['appointment_id'], unique=False)
    op.create_index(op.f('ix_outbox_message_patient_id'), 'outbox_message', ['patient_id'], unique=False)
    op.create_index(op.f('ix_outbox_message_merged_into_id'), 'outbox_message', ['merged_into_id'], unique=False)
    op.create_index(op.f('ix_outbox_message_provider_id'), 'outbox_message', ['provider_id'], unique=False)
    op.create_index('ix_outbox_to_created', 'outbox_message', ['to_address', 'created_at'], unique=False)
    op.create_index(op.f('ix_outbox_event_message_id'), 'outbox_event', ['message_id'], unique=False)
    op.create_index(op.f('ix_inbound_message_from_address'), 'inbound_message', ['from_address'], unique=False)
    op.create_index(op.f('ix_inbound_message_received_at'), 'inbound_message', ['received_at'], unique=False)
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_table('provider_cursor')
    op.drop_table('automation_lease')
    op.drop_table('link_token_use')
    op.drop_table('message_template')
    op.drop_table('contact_state')
    op.drop_table('inbound_message')
    op.drop_table('outbox_event')
    op.drop_table('outbox_message')
