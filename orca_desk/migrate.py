"""Run Alembic migrations programmatically (``orca-desk db upgrade`` and the GUI's own upgrade).

Whether a database is current is answered without Alembic: the revision graph is read from the
migration files' ``revision``/``down_revision``/``depends_on`` lines (a test checks it against
Alembic's), so a start-up at the newest schema never imports Alembic.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from alembic.config import Config

    from orca_desk.db import Database

# In the PyInstaller bundle too: the spec ships the migration files under _MEIPASS/orca_desk.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"

_FIELDS = ("revision", "down_revision", "depends_on")

# What a database at this version's newest schema stores: a start-up that finds exactly this
# reads no migration file. A test keeps it equal to ``head_revisions()``; a new migration
# changes both.
STORED_AT_HEAD = frozenset({"h9_online_booking", "h17_long_visit_day_before"})


class Revision(NamedTuple):
    down: frozenset[str]
    depends_on: frozenset[str]


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "heads") -> None:
    """Apply every branch: each feature adds its own branch off the foundation revision."""
    from alembic import command

    cfg = alembic_config(db.url.render_as_string(hide_password=False))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revisions(db: Database) -> set[str]:
    """The revisions stored in the database (empty before the first migration)."""
    from sqlalchemy import inspect, text

    with db.engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return set()
        return {row[0] for row in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))}


@functools.cache
def revision_graph() -> dict[str, Revision]:
    """Every migration this version ships, by revision id."""
    graph: dict[str, Revision] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        fields = _fields(path.read_text("utf-8"))
        if "revision" not in fields:
            continue
        graph[str(fields["revision"])] = Revision(
            _ids(fields.get("down_revision")), _ids(fields.get("depends_on"))
        )
    return graph


def _fields(source: str) -> dict[str, object]:
    """The module-level ``revision``/``down_revision``/``depends_on`` literals of a migration."""
    fields: dict[str, object] = {}
    for node in ast.parse(source).body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id in _FIELDS and value is not None:
            fields[target.id] = ast.literal_eval(value)
    return fields


def _ids(value: object) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    assert isinstance(value, tuple | list), value
    return frozenset(value)


def head_revisions() -> set[str]:
    """The revisions a database of this version is at: the newest of every branch, less those
    another revision depends on (Alembic stores those only implicitly)."""
    graph = revision_graph()
    below = {down for rev in graph.values() for down in rev.down | rev.depends_on}
    return set(graph) - below


def known_revisions() -> set[str]:
    """Every revision this version of Orca Desk knows (a database at another one is newer)."""
    return set(revision_graph())


def applied_revisions(current: set[str]) -> set[str]:
    """``current`` and everything it stands on (its branches' ancestors and their dependencies)."""
    graph = revision_graph()
    seen: set[str] = set()
    todo = list(current)
    while todo:
        rev = todo.pop()
        if rev in seen or rev not in graph:
            continue
        seen.add(rev)
        todo.extend(graph[rev].down | graph[rev].depends_on)
    return seen


def is_up_to_date(current: set[str]) -> bool:
    """Nothing to migrate: every head is applied (Alembic stores a head that another depends on
    only implicitly) and nothing unknown is stored."""
    if current == STORED_AT_HEAD:
        return True
    return bool(current) and current <= known_revisions() and head_revisions() <= applied_revisions(current)


def needs_upgrade(db: Database) -> bool:
    return not is_up_to_date(current_revisions(db))
