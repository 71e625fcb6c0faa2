"""``orca-desk backup`` and ``orca-desk restore``: a consistent copy of the database, and back again."""

from __future__ import annotations

import argparse
from pathlib import Path

from orca_desk.commands.common import open_database


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "backup",
        parents=[common],
        help="copy the database to a file while desks keep working (SQLite backup API, or pg_dump)",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=_backup)
    r = sub.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a backup (refuses a database that holds a clinic without --force)",
    )
    r.add_argument("file", metavar="FILE")
    r.add_argument("--force", action="store_true", help="replace a database that already holds a clinic")
    r.set_defaults(func=_restore)


def _backup(args: argparse.Namespace) -> int:
    from orca_desk.services.backups.backup import backup

    db = open_database(args)
    result = backup(db.engine, Path(args.output))
    print(
        f"wrote {result.path}: {result.size_bytes / 1_048_576:.1f} MB in {result.seconds:.1f} s "
        f"(schema {', '.join(sorted(result.revisions))})"
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from orca_desk.migrate import known_revisions, upgrade
    from orca_desk.services.backups.backup import backup_revisions, restore

    # A missing file, or one that is no Orca Desk backup, is refused before a database is opened
    # (a restore may create its database: a bad file must not leave an empty one behind).
    backup_revisions(Path(args.file))
    db = open_database(args, require_current=False, create=True)
    result = restore(db.engine, Path(args.file), known_revisions=known_revisions(), force=args.force)
    upgrade(db)  # a backup from an older Orca Desk is brought up to this one's schema
    print(f"restored {result.path} in {result.seconds:.1f} s")
    return 0
