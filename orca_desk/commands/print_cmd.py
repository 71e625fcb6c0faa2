"""``orca-desk print``: write the day sheet or the week of a location as a PDF."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from orca_desk.commands.common import CommandError, open_database, output_file, parse_date, writing

if TYPE_CHECKING:
    from orca_desk.services.clinic.clinic import ClinicInfo, LocationRow


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("print", parents=[common], help="print a day or week view to a PDF file")
    p.add_argument(
        "--view",
        choices=["day", "week"],
        default="day",
        help="a day sheet, or the Monday-to-Sunday week holding --date",
    )
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--location", metavar="NAME|ID", help="location name or id (default: the first)")
    p.add_argument("--by", choices=["chair", "provider"], default="chair", help="columns (default chair)")
    p.add_argument(
        "--paper",
        choices=["letter", "a4"],
        help="paper size (default: the clinic's country's usual one: letter in the US, Canada, Mexico "
        "and the other letter countries, a4 elsewhere)",
    )
    p.add_argument("--landscape", action="store_true", help="landscape pages (default portrait)")
    p.add_argument("--grayscale", action="store_true", help="greys and patterns instead of colours")
    p.add_argument("--privacy", action="store_true", help="print patients' initials only")
    p.add_argument(
        "--language",
        metavar="CODE",
        default=argparse.SUPPRESS,  # keeps a --language given before the command
        help="language of the sheet's words and dates: en or es (default: ORCA_DESK_LANGUAGE, else en)",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.set_defaults(func=_print)


def resolve_location(clinic: ClinicInfo, value: str | None) -> LocationRow:
    """A location by name (case-insensitive) or id; the first one when not given."""
    if value is None:
        return clinic.locations[0]
    wanted = value.strip().casefold()
    for loc in clinic.locations:
        if loc.name.casefold() == wanted or str(loc.id) == wanted:
            return loc
    names = ", ".join(loc.name for loc in clinic.locations)
    raise CommandError(f"There is no location {value!r}; choose one of: {names}.")


def _print(args: argparse.Namespace) -> int:
    # What the words alone say is wrong is said before the database and the PDF machinery load.
    day = parse_date(args.date, "--date")
    out = output_file(args.output, ".pdf")
    db = open_database(args)
    from orca_desk.services.clinic.clinic import load_clinic

    with db.read() as session:
        clinic = load_clinic(session)
        if clinic is None or not clinic.locations:
            raise CommandError("The database has no clinic yet: load one with 'orca-desk demo'.")
        loc = resolve_location(clinic, args.location)
        from orca_desk.services.clock import SystemClock
        from orca_desk.services.printing import render_calendar_pdf

        with writing(out):
            summary = render_calendar_pdf(
                session,
                view=args.view,
                day=day,
                location_id=loc.id,
                by=args.by,
                paper=args.paper,
                landscape=args.landscape,
                grayscale=args.grayscale,
                privacy=args.privacy,
                now=SystemClock().now(),
                out=out,
                language=getattr(args, "language", None) or os.environ.get("ORCA_DESK_LANGUAGE") or "en",
            )
    span = (
        f"{summary.first_day}"
        if summary.first_day == summary.last_day
        else f"{summary.first_day} – {summary.last_day}"
    )
    print(
        f"wrote {out}: {summary.pages} page{'s' if summary.pages != 1 else ''}, "
        f"{summary.appointments} appointments, {loc.name}, {span}"
    )
    return 0
