"""Alembic migrations of the Orca Desk schema."""
