"""clinic API keys (hashed, scoped)

Revision ID: 2000_api_keys
Revises: 1700_change_notify
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from orca_desk.models.base import UTCDateTime

revision = "2000_api_keys"
down_revision = "1700_change_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], name=op.f("fk_api_key_clinic_id_clinic")),
        sa.ForeignKeyConstraint(["created_by"], ["staff_user.id"],
                                name=op.f("fk_api_key_created_by_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_key_prefix")),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_clinic_id"), ["clinic_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":  # Settings lists the keys: desks hear of changes
        op.execute("CREATE TRIGGER api_key_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                   "ON api_key FOR EACH STATEMENT EXECUTE FUNCTION orca_notify_change()")


def downgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_clinic_id"))
    op.drop_table("api_key")
