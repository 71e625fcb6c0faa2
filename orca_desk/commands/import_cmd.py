"""``orca-desk import patients|appointments FILE.csv``: a practice's records from its old system."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orca_desk.commands.common import CommandError, add_user_option, open_database, read_password, sign_in
from orca_desk.services.importing.mapping import PRESETS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from orca_desk.models.clinic import Clinic
    from orca_desk.services.access.security import Actor
    from orca_desk.services.importing.report import ImportReport
    from orca_desk.services.importing.table import Table


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", parents=[common], help="import patients or appointments from a CSV file")
    what = p.add_subparsers(dest="import_what", required=True)
    patients = what.add_parser("patients", parents=[common], help="patients and their responsible parties")
    patients.add_argument("file", metavar="FILE.csv")
    patients.add_argument(
        "--mapping",
        default="generic",
        metavar="|".join([*PRESETS, "MAPPING.toml"]),
        help="the file's columns: the generic format (default), an Open Dental patient export, or a "
        'mapping file ([columns] field = "their header")',
    )
    patients.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    add_user_option(patients, when=" (required unless --dry-run)")
    patients.set_defaults(func=_import_patients)
    appointments = what.add_parser(
        "appointments", parents=[common], help="appointments of imported patients (checked like any booking)"
    )
    appointments.add_argument("file", metavar="FILE.csv")
    appointments.add_argument(
        "--dry-run", action="store_true", help="report what would change (conflicts included); write nothing"
    )
    add_user_option(appointments, when=" (required unless --dry-run)")
    appointments.set_defaults(func=_import_appointments)


def _print(report: ImportReport, *, dry_run: bool) -> None:
    for line in report.lines(dry_run=dry_run):
        print(line)


def _clinic(session: Session) -> Clinic:
    """The clinic imported into; its country reads phone numbers and dates written without one."""
    from sqlalchemy import select

    from orca_desk.models.clinic import Clinic

    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    if clinic is None:
        raise CommandError("The database has no clinic yet: set it up first (orca-desk setup).")
    return clinic


def _import_appointments(args: argparse.Namespace) -> int:
    def run(session: Session, actor: Actor | None, table: Table, **kw: Any) -> ImportReport:
        from orca_desk.services.importing.appointments import import_appointments

        return import_appointments(session, actor, table, **kw)

    return _import(args, "appointments", run)


def _import_patients(args: argparse.Namespace) -> int:
    from orca_desk.services.importing.mapping import load_mapping

    mapping = load_mapping(args.mapping)

    def run(session: Session, actor: Actor | None, table: Table, **kw: Any) -> ImportReport:
        from orca_desk.services.importing.patients import import_patients

        return import_patients(session, actor, table, mapping, **kw)

    return _import(args, "patients", run)


def _import(args: argparse.Namespace, what: str, run: Callable[..., ImportReport]) -> int:
    """Read the file, sign in unless it is a dry run, import in one transaction, print the report.

    The file, the mapping and a missing --user are refused before the database and the importer
    load; a dry run writes nothing and needs no one."""
    from orca_desk.services.importing.table import read_table

    table = read_table(Path(args.file))
    password = None if args.dry_run else read_password(args, f"imports {what}")
    db = open_database(args)
    actor = None
    if password is not None:
        from orca_desk.services.access.security import IMPORT_DATA

        actor = sign_in(db, args, password, IMPORT_DATA)
    from orca_desk.services.clock import SystemClock

    with db.write() as session:
        clinic = _clinic(session)
        report = run(
            session,
            actor,
            table,
            clinic_id=clinic.id,
            region=clinic.country,
            source_name=Path(args.file).name,
            now=SystemClock().now(),
            dry_run=args.dry_run,
        )
    _print(report, dry_run=args.dry_run)
    return 0
