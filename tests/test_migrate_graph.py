"""The revision graph read from the migration files is Alembic's, and a current database is seen
as current without Alembic."""

from __future__ import annotations

import subprocess
import sys

from alembic.script import ScriptDirectory

from orca_desk.db import Database
from orca_desk.migrate import (
    STORED_AT_HEAD,
    alembic_config,
    applied_revisions,
    current_revisions,
    head_revisions,
    is_up_to_date,
    known_revisions,
    revision_graph,
    upgrade,
)


def test_graph_matches_alembic():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    # Alembic's heads include a branch that another depends on; it is never stored alone.
    depended = {d for rev in script.walk_revisions() for d in rev._resolved_dependencies}
    assert head_revisions() == set(script.get_heads()) - depended
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}
    graph = revision_graph()
    for rev in script.walk_revisions():
        assert graph[rev.revision].down == set(rev._versioned_down_revisions), rev.revision
        assert graph[rev.revision].depends_on == set(rev._resolved_dependencies), rev.revision


def test_up_to_date_only_after_every_migration(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    assert current_revisions(db) == set()
    assert not is_up_to_date(set())
    upgrade(db, "0001")
    assert not is_up_to_date(current_revisions(db))
    upgrade(db)
    current = current_revisions(db)
    assert is_up_to_date(current)
    # Alembic may store fewer rows than heads (a head another one depends on is implied).
    assert head_revisions() <= applied_revisions(current)
    assert not is_up_to_date(current | {"from_a_newer_orca_desk"})
    db.dispose()


def test_opening_a_current_database_does_not_import_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    probe = (
        "import sys\nfrom orca_desk.startup import open_database\n"
        f"open_database({url!r}).dispose()\nprint('alembic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_stored_head_constant_is_the_newest_schema():
    """Start-up trusts ``STORED_AT_HEAD`` without reading the migrations: a new migration must
    change it (to what ``head_revisions()`` now says)."""
    assert set(STORED_AT_HEAD) == head_revisions()


def test_a_current_database_starts_without_reading_the_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    probe = (
        "import sys\nfrom orca_desk.startup import open_database\n"
        f"db = open_database({url!r})\n"
        "import orca_desk.migrate as m\n"
        "print(m.revision_graph.cache_info().currsize, 'alembic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False"]
