"""``orca-desk templates apply NAME --providers A,B --from D --to D [--chairs C1,C2] [--dry-run]``."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from orca_desk.commands.common import (
    CommandError,
    add_user_option,
    check_range,
    open_database,
    parse_date,
    read_password,
    say,
    sign_in,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("templates", parents=[common], help="schedule templates")
    tsub = p.add_subparsers(dest="templates_command", required=True, metavar="COMMAND")
    a = tsub.add_parser(
        "apply", parents=[common], help="apply a template's newest version to providers over a date range"
    )
    a.add_argument("name", metavar="NAME", help="the template's name")
    a.add_argument(
        "--providers",
        required=True,
        metavar="A,B",
        help="comma-separated provider names (or unique parts of them)",
    )
    a.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="first day")
    a.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="last day (included)")
    a.add_argument(
        "--chairs",
        metavar="C1,C2",
        help='chairs for the template\'s chair lanes, in order ("Chair 1" or '
        '"Northside/Chair 1"); default: each provider\'s most-used chairs of the '
        "last and next eight weeks",
    )
    a.add_argument("--dry-run", action="store_true", help="print what would happen; write nothing")
    add_user_option(a, when=" (required unless --dry-run)")
    a.set_defaults(func=_apply)


def _providers(session: Session, text: str) -> list[int]:
    from sqlalchemy import select

    from orca_desk.models.clinic import Provider

    rows = session.execute(
        select(Provider.id, Provider.name).where(Provider.is_active.is_(True)).order_by(Provider.name)
    ).all()
    ids: list[int] = []
    for part in (x.strip() for x in text.split(",")):
        if not part:
            continue
        wanted = part.lower()
        matches = [r for r in rows if r.name.lower() == wanted] or [
            r for r in rows if wanted in r.name.lower()
        ]
        if not matches:
            raise CommandError(
                f"No provider named {part!r}; providers: {', '.join(r.name for r in rows) or 'none'}."
            )
        if len(matches) > 1:
            raise CommandError(
                f"{part!r} matches several providers: {', '.join(r.name for r in matches)}; "
                "give more of the name."
            )
        ids.append(matches[0].id)
    if not ids:
        raise CommandError("--providers names no provider.")
    return ids


def _chairs(session: Session, text: str) -> tuple[int, ...]:
    from sqlalchemy import select

    from orca_desk.models.clinic import Chair, Location

    rows = session.execute(
        select(Chair.id, Chair.name, Location.name)
        .join(Location)
        .where(Chair.is_active.is_(True))
        .order_by(Location.id, Chair.sort_order)
    ).all()
    ids: list[int] = []
    for part in (x.strip() for x in text.split(",") if x.strip()):
        loc, _, name = part.rpartition("/")
        matches = [
            r
            for r in rows
            if r[1].lower() == name.strip().lower() and (not loc or r[2].lower() == loc.strip().lower())
        ]
        if not matches:
            raise CommandError(f"No chair named {part!r}.")
        if len(matches) > 1:
            raise CommandError(
                f"{part!r} is at {', '.join(r[2] for r in matches)}: write "
                f'"{matches[0][2]}/{matches[0][1]}" to choose one.'
            )
        ids.append(matches[0][0])
    return tuple(ids)


def _usual_chairs(session: Session, provider_id: int, count: int, now: datetime) -> tuple[int, ...]:
    """The chairs a provider used most in the eight weeks either side of now, at their busiest
    location (one location per application), as lanes in chair order."""
    from sqlalchemy import func, select

    from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
    from orca_desk.models.clinic import Chair, Provider

    window = timedelta(weeks=8)
    rows = session.execute(
        select(Appointment.chair_id, Chair.location_id, Chair.sort_order, func.count())
        .join(Chair, Chair.id == Appointment.chair_id)
        .where(
            Appointment.provider_id == provider_id,
            Appointment.start_at > now - window,
            Appointment.start_at < now + window,
            Appointment.status.in_(ACTIVE_STATUSES),
        )
        .group_by(Appointment.chair_id, Chair.location_id, Chair.sort_order)
        .order_by(func.count().desc(), Chair.sort_order)
    ).all()
    home = rows[0][1] if rows else None
    chosen = [r for r in rows if r[1] == home][:count]
    if len(chosen) < count:
        provider = session.get(Provider, provider_id)
        raise CommandError(
            f"The template uses {count} chairs and "
            f"{provider.name if provider else 'the provider'} has used only "
            f"{len(chosen)} lately: name them with --chairs."
        )
    return tuple(r[0] for r in sorted(chosen, key=lambda r: r[2]))


def _apply(args: argparse.Namespace) -> int:
    # What the words alone say is wrong is said before the database and the engine load.
    start = parse_date(args.start, "--from")
    end = parse_date(args.end, "--to")
    check_range(start, end)
    now = datetime.now(UTC)
    password = None if args.dry_run else read_password(args, "applies a template")
    db = open_database(args)
    from sqlalchemy import select

    from orca_desk.models.template import TemplateVersion
    from orca_desk.services.access.security import MANAGE_TEMPLATES
    from orca_desk.services.schedule_templates import find_template
    from orca_desk.services.template_engine.chunks import apply_template_in_chunks
    from orca_desk.services.template_engine.planning import plan_application
    from orca_desk.services.template_engine.plans import ApplyParams

    actor = None if password is None else sign_in(db, args, password, MANAGE_TEMPLATES)
    # Planning only reads; applying writes in chunks of days (see apply_template_in_chunks), so
    # another desk's booking never waits for the whole run.
    with db.read() as session:
        template = find_template(session, args.name)
        providers = tuple(_providers(session, args.providers))
        lanes = (
            session.scalar(
                select(TemplateVersion.chair_count)
                .where(TemplateVersion.template_id == template.id)
                .order_by(TemplateVersion.number.desc())
                .limit(1)
            )
            or 1
        )
        if args.chairs:
            groups = [(providers, _chairs(session, args.chairs))]
        elif lanes > 1:
            # Each provider in their own usual chairs: one application per provider.
            groups = [((p,), _usual_chairs(session, p, lanes, now)) for p in providers]
        else:
            groups = [(providers, ())]
        plans = [
            plan_application(
                session,
                ApplyParams(
                    template_id=template.id, provider_ids=ids, start_day=start, end_day=end, chair_ids=chairs
                ),
                now=now,
            )
            for ids, chairs in groups
        ]
        if args.dry_run:
            _print_counts(_sum(p.counts for p in plans), created_label="to create")
            for plan in plans:
                print(plan.summary())
                for row in plan.by_date_provider():
                    if row.existing or row.off:
                        why = "; ".join(row.reasons)
                        print(
                            f"  {row.day:%a %Y-%m-%d}  {row.provider_name}: {row.create} to create, "
                            f"{row.existing} skipped (appointments), {row.off} skipped (off)"
                            + (f": {why}" if why else "")
                        )
            return 0
    assert actor is not None
    results = [apply_template_in_chunks(db.write, actor, plan.params, now=now) for plan in plans]
    _print_counts(
        {**_sum(r.counts for r in results), "create": sum(r.created for r in results)},
        created_label="created",
    )
    say(f"Applied {template.name} v{plans[0].version_number} over {max(r.days_done for r in results)} days.")
    return 0


def _sum(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for c in counts:
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    return total


def _print_counts(counts: dict[str, int], *, created_label: str) -> None:
    print(f"{created_label}: {counts['create']}")
    print(f"skipped-existing: {counts['existing']}")
    print(f"skipped-off: {counts['off']}")
    if counts["applied"]:
        print(f"already-applied: {counts['applied']}")
