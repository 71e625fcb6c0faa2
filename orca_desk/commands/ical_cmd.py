"""``orca-desk export-ical``: write a provider's, chair's or location's appointments as an .ics file."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from orca_desk.commands.common import (
    CommandError,
    check_range,
    open_database,
    output_file,
    parse_date,
    writing,
)

if TYPE_CHECKING:
    from orca_desk.services.clinic.clinic import ChairRow, ClinicInfo, LocationRow, ProviderRow


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export-ical",
        parents=[common],
        help="export appointments of a date range to an iCalendar (.ics) file",
    )
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="first day")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="last day (inclusive)")
    p.add_argument("--location", metavar="NAME|ID", help="only this location")
    p.add_argument("--provider", metavar="NAME|ID", help="only this provider (name, part of it, or id)")
    p.add_argument("--chair", metavar="NAME|ID", help="only this chair (with --location when names repeat)")
    p.add_argument(
        "--privacy",
        choices=["initials", "full"],
        default="initials",
        help="initials and no appointment type (default), or full names and types",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.ics")
    p.set_defaults(func=_export)


def resolve_provider(clinic: ClinicInfo, value: str) -> ProviderRow:
    """A provider by id, exact name, or a part of the name that matches only one."""
    wanted = value.strip().casefold()
    exact = [p for p in clinic.providers if p.name.casefold() == wanted or str(p.id) == wanted]
    if exact:
        return exact[0]
    partial = [p for p in clinic.providers if wanted and wanted in p.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise CommandError(
            f"--provider {value!r} matches {', '.join(p.name for p in partial)}: give the full name."
        )
    raise CommandError(
        f"There is no provider {value!r}; choose one of: {', '.join(p.name for p in clinic.providers)}."
    )


def resolve_chair(clinic: ClinicInfo, value: str, location: LocationRow | None) -> ChairRow:
    wanted = value.strip().casefold()
    chairs = [c for c in clinic.chairs if location is None or c.location_id == location.id]
    found = [c for c in chairs if c.name.casefold() == wanted or str(c.id) == wanted]
    where = f" at {location.name}" if location else ""
    if not found:
        raise CommandError(
            f"There is no chair {value!r}{where}; choose one of: {', '.join(c.name for c in chairs)}."
        )
    if len(found) > 1:
        places = ", ".join(clinic.location(c.location_id).name for c in found)
        raise CommandError(f"{found[0].name} is at {places}: add --location to choose one.")
    return found[0]


def _export(args: argparse.Namespace) -> int:
    # What the words alone say is wrong is said before the database and iCalendar load.
    start = parse_date(args.start, "--from")
    end = parse_date(args.end, "--to")
    check_range(start, end)
    out = output_file(args.output, ".ics")
    db = open_database(args)
    from orca_desk.commands.print_cmd import resolve_location
    from orca_desk.services.clinic.clinic import load_clinic

    with db.read() as session:
        clinic = load_clinic(session)
        if clinic is None:
            raise CommandError("The database has no clinic yet: load one with 'orca-desk demo'.")
        location = resolve_location(clinic, args.location) if args.location else None
        provider = resolve_provider(clinic, args.provider) if args.provider else None
        chair = resolve_chair(clinic, args.chair, location) if args.chair else None
        from orca_desk.services.clock import SystemClock
        from orca_desk.services.exporting.ical_export import export_ical

        with writing(out):
            result = export_ical(
                session,
                start=start,
                end=end,
                location_id=location.id if location else None,
                provider_id=provider.id if provider else None,
                chair_id=chair.id if chair else None,
                privacy=args.privacy,
                now=SystemClock().now(),
                out=out,
            )
    print(
        f"wrote {out}: {result.appointments} appointments as {result.events} events and "
        f"{result.series} series ({result.overrides} changed, {result.exdates} removed occurrences)"
    )
    return 0
