"""PostgreSQL only: NOTIFY orca_calendar after every statement that changes appointments.

Revision ID: 0400_calendar_notify
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0400_calendar_notify"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite desks poll PRAGMA data_version instead
    # Per statement, not per row: a bulk load sends one notification, and identical payloads
    # within one transaction are folded into one by PostgreSQL.
    op.execute("""
        CREATE OR REPLACE FUNCTION orca_calendar_notify() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('orca_calendar', TG_TABLE_NAME);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER appointment_calendar_notify
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON appointment
        FOR EACH STATEMENT EXECUTE FUNCTION orca_calendar_notify()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS appointment_calendar_notify ON appointment")
    op.execute("DROP FUNCTION IF EXISTS orca_calendar_notify()")
