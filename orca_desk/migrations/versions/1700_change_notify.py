"""PostgreSQL only: NOTIFY orca_changes "<table> <txid>" after every statement that changes a table
a screen shows, so desks reload what another desk changed and know their own commits.

It also joins the feature branches into one head: every table exists before its trigger.

Revision ID: 1700_change_notify
Revises: every earlier head
"""

from __future__ import annotations

from alembic import op

revision = "1700_change_notify"
down_revision = ("0300_schedules", "0400_calendar_notify", "0500_templates", "0600_series",
                 "0700_messaging", "0710_settings", "0800_waitlist", "0900_reminders",
                 "1000_recovery_campaigns", "h11_patient_card", "h8_clinic_setup")  # h11 needs 1500_import
branch_labels = None
depends_on = None

# Bookkeeping no screen shows (services/changes.UNSEEN_TABLES); a later table that screens show
# gets its trigger in the migration that creates it.
UNSEEN = ("audit_event", "link_token_use", "automation_lease", "provider_cursor", "alembic_version")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite desks poll PRAGMA data_version instead
    op.execute("DROP TRIGGER IF EXISTS appointment_calendar_notify ON appointment")
    op.execute("DROP FUNCTION IF EXISTS orca_calendar_notify()")
    # Per statement, not per row: a bulk load sends one notification per table, and identical
    # payloads within one transaction are folded into one by PostgreSQL.
    op.execute("""
        CREATE OR REPLACE FUNCTION orca_notify_change() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('orca_changes', TG_TABLE_NAME || ' ' || txid_current());
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
    """)
    unseen = ", ".join(f"'{t}'" for t in UNSEEN)
    op.execute(f"""
        DO $$
        DECLARE t text;
        BEGIN
            FOR t IN SELECT tablename FROM pg_tables
                     WHERE schemaname = current_schema() AND tablename NOT IN ({unseen})
            LOOP
                EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                               'FOR EACH STATEMENT EXECUTE FUNCTION orca_notify_change()',
                               t || '_notify_change', t);
            END LOOP;
        END $$
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        DO $$
        DECLARE t text;
        BEGIN
            FOR t IN SELECT event_object_table FROM information_schema.triggers
                     WHERE trigger_name = event_object_table || '_notify_change'
            LOOP
                EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_notify_change', t);
            END LOOP;
        END $$
    """)
    op.execute("DROP FUNCTION IF EXISTS orca_notify_change()")
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
