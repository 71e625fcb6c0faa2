"""patient search from an index on PostgreSQL: each searched column lowered, compared as bytes

Revision ID: h16_patient_search_lower
Revises: h15_spanish_texts_fit
"""
from __future__ import annotations

from alembic import op

revision = "h16_patient_search_lower"
down_revision = "h15_spanish_texts_fit"
branch_labels = None
depends_on = None

# The columns the patient search matches by prefix (SQLite has its NOCASE indexes, h11).
_SEARCHED = ("last_name", "first_name", "preferred_name", "guardian_name", "chart_number", "email",
             "contact_email", "guardian_email")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for col in _SEARCHED:
        op.execute(f"CREATE INDEX ix_patient_{col}_lower ON patient (lower({col}) text_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for col in _SEARCHED:
        op.drop_index(f"ix_patient_{col}_lower", table_name="patient")
