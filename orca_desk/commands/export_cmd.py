"""``orca-desk export patients|appointments``: CSV files in the columns the importer reads."""

from __future__ import annotations

import argparse
from pathlib import Path

from orca_desk.commands.common import CommandError, check_range, open_database, output_file, parse_date


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", parents=[common], help="write patients or appointments to a CSV file")
    p.add_argument("what", choices=["patients", "appointments"])
    p.add_argument("-o", "--output", required=True, metavar="FILE.csv")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="appointments from this local day")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="appointments up to this local day")
    p.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    # What the words alone say is wrong is said before the database loads.
    start = parse_date(args.start, "--from") if args.start else None
    end = parse_date(args.end, "--to") if args.end else None
    if args.what == "patients" and (start or end):
        raise CommandError(f"{'--from' if start else '--to'} applies to appointments only.")
    check_range(start, end)
    output_file(args.output, ".csv")
    db = open_database(args)
    from orca_desk.services.exporting.export import (
        APPOINTMENT_COLUMNS,
        PATIENT_COLUMNS,
        appointment_rows,
        patient_rows,
        write_csv,
    )

    with db.read() as session:
        if args.what == "patients":
            result = write_csv(Path(args.output), PATIENT_COLUMNS, patient_rows(session))
        else:
            rows = appointment_rows(session, start_day=start, end_day=end)
            result = write_csv(Path(args.output), APPOINTMENT_COLUMNS, rows)
    print(f"wrote {result.path}: {result.rows:,} {args.what}")
    return 0
