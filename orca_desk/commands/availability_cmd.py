"""``orca-desk availability --provider NAME --from D --to D``: a provider's free time per day."""

from __future__ import annotations

import argparse

from orca_desk.commands.common import CommandError, check_range, open_database, parse_date


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "availability",
        parents=[common],
        help="print a provider's free time per day, in the location's local time",
    )
    p.add_argument(
        "--provider",
        required=True,
        metavar="NAME",
        help='the provider\'s name, or a unique part of it ("Chen")',
    )
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="first day")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="last day (included)")
    p.set_defaults(func=_availability)


def _availability(args: argparse.Namespace) -> int:
    start = parse_date(args.start, "--from")
    end = parse_date(args.end, "--to")
    check_range(start, end)
    db = open_database(args)
    # The provider is found (or not) before the schedules' services load.
    from sqlalchemy import select

    from orca_desk.models.clinic import Provider

    with db.read() as session:
        rows = session.execute(
            select(Provider.id, Provider.name).where(Provider.is_active.is_(True)).order_by(Provider.name)
        ).all()
        wanted = args.provider.strip().lower()
        exact = [r for r in rows if r.name.lower() == wanted]
        matches = exact or [r for r in rows if wanted and wanted in r.name.lower()]
        if not matches:
            raise CommandError(
                f"No provider named {args.provider!r}; providers: "
                f"{', '.join(r.name for r in rows) or 'none'}."
            )
        if len(matches) > 1:
            raise CommandError(
                f"{args.provider!r} matches several providers: "
                f"{', '.join(r.name for r in matches)}; give more of the name."
            )
        provider_id, name = matches[0]
        from orca_desk.services import local_time
        from orca_desk.services.availability import free_intervals

        days = free_intervals(session, provider_id=provider_id, start_day=start, end_day=end)
        style = local_time.clinic_time_format(session)
    print(f"{name}: free time (local time of the location)")
    for day, ivs in days.items():
        text = (
            ", ".join(f"{local_time.fmt_minute(s, style)}–{local_time.fmt_minute(e, style)}" for s, e in ivs)
            if ivs
            else "—"
        )
        print(f"{day:%a %Y-%m-%d}  {text}")
    return 0
