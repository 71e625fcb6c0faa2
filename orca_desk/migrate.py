"""Run Alembic migrations programmatically (``orca-desk db upgrade`` and the GUI's own upgrade)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from orca_desk.db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "heads") -> None:
    """Apply every branch: each feature adds its own branch off the foundation revision."""
    cfg = alembic_config(db.url.render_as_string(hide_password=False))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revisions(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def head_revisions() -> set[str]:
    """The revisions a database of this version is at: the scripts' heads, less those another
    head depends on (Alembic keeps only the dependent one in the version table)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    heads = set(script.get_heads())
    beneath: set[str] = set()
    for head in heads:
        beneath |= {rev.revision for rev in script.revision_map.iterate_revisions(head, "base")
                    if rev is not None and rev.revision != head}
    return heads - beneath


def known_revisions() -> set[str]:
    """Every revision this version of Orca Desk knows (a database at another one is newer)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def needs_upgrade(db: Database) -> bool:
    return current_revisions(db) != head_revisions()
