"""settings: clinic_setting key/value table (non-secret clinic settings)

Revision ID: 0710_settings
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import orca_desk.models.base

revision = "0710_settings"
down_revision = "0001"
branch_labels = ("settings",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinic_setting",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", orca_desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_clinic_setting")),
    )


def downgrade() -> None:
    op.drop_table("clinic_setting")
