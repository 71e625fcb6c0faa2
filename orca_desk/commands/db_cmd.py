"""``orca-desk db upgrade``: bring the schema to the newest migration."""

from __future__ import annotations

import argparse

from orca_desk.commands.common import open_database


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("db", parents=[common], help="database maintenance")
    dbsub = p.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", parents=[common], help="apply the Alembic migrations")
    up.set_defaults(func=_upgrade)
    cur = dbsub.add_parser("current", parents=[common], help="show the schema revision")
    cur.set_defaults(func=_current)


def _upgrade(args: argparse.Namespace) -> int:
    from orca_desk.migrate import current_revisions, head_revisions
    from orca_desk.startup import upgrade_schema

    db = open_database(args, require_current=False, create=True)
    try:
        before = current_revisions(db)
        upgrade_schema(db)
    finally:
        db.dispose()
    print(f"database at revision {_fmt(head_revisions())} (was {_fmt(before) or 'empty'})")
    return 0


def _current(args: argparse.Namespace) -> int:
    from orca_desk.migrate import current_revisions, head_revisions, known_revisions

    db = open_database(args, require_current=False)
    try:
        current = current_revisions(db)
    finally:
        db.dispose()
    newer = current - known_revisions()
    print(
        f"current {_fmt(current) or 'empty'}, newest {_fmt(head_revisions())}"
        + (f" ({_fmt(newer)} from a newer Orca Desk)" if newer else "")
    )
    return 0


def _fmt(revisions: set[str]) -> str:
    return ", ".join(sorted(revisions))
