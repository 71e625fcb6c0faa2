"""clinic setup: clinic country and language, usual chairs, one-time passwords

Revision ID: h8_clinic_setup
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h8_clinic_setup"
down_revision = "0001"
branch_labels = ("clinic_setup",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clinic", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country", sa.String(length=2), server_default="US", nullable=False))
        batch_op.add_column(sa.Column("language", sa.String(length=10), server_default="en",
                                      nullable=False))
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table(
        "provider_chair",
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["chair_id"], ["chair.id"], name=op.f("fk_provider_chair_chair_id_chair")),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"],
                                name=op.f("fk_provider_chair_provider_id_provider")),
        sa.PrimaryKeyConstraint("provider_id", "chair_id", name=op.f("pk_provider_chair")),
    )
    with op.batch_alter_table("provider_chair", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_chair_chair_id"), ["chair_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("provider_chair", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_chair_chair_id"))
    op.drop_table("provider_chair")
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
    with op.batch_alter_table("clinic", schema=None) as batch_op:
        batch_op.drop_column("language")
        batch_op.drop_column("country")
