"""``orca-desk templates apply NAME --providers A,B --from D --to D [--dry-run]``: apply a template."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.commands.common import CommandError, open_database, parse_date, say
from orca_desk.models import Provider, StaffUser
from orca_desk.services.security import MANAGE_TEMPLATES, Actor, actor_for
from orca_desk.services.template_engine import ApplyParams, apply_template, plan_application
from orca_desk.services.templates import find_template

CLI_ACTOR = Actor(username="cli", role="manager", display_name="Command line",
                  permissions=frozenset({MANAGE_TEMPLATES}))


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("templates", parents=[common], help="schedule templates")
    tsub = p.add_subparsers(dest="templates_command", required=True, metavar="COMMAND")
    a = tsub.add_parser("apply", parents=[common],
                        help="apply a template's newest version to providers over a date range")
    a.add_argument("name", metavar="NAME", help="the template's name")
    a.add_argument("--providers", required=True, metavar="A,B",
                   help="comma-separated provider names (or unique parts of them)")
    a.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="first day")
    a.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="last day (included)")
    a.add_argument("--dry-run", action="store_true", help="print what would happen; write nothing")
    a.set_defaults(func=_apply)


def _providers(session: Session, text: str) -> list[int]:
    rows = session.execute(select(Provider.id, Provider.name).where(Provider.is_active.is_(True))
                           .order_by(Provider.name)).all()
    ids: list[int] = []
    for part in (x.strip() for x in text.split(",")):
        if not part:
            continue
        wanted = part.lower()
        matches = [r for r in rows if r.name.lower() == wanted] or \
            [r for r in rows if wanted in r.name.lower()]
        if not matches:
            raise CommandError(f"No provider named {part!r}; providers: "
                               f"{', '.join(r.name for r in rows) or 'none'}.")
        if len(matches) > 1:
            raise CommandError(f"{part!r} matches several providers: {', '.join(r.name for r in matches)}; "
                               "give more of the name.")
        ids.append(matches[0].id)
    if not ids:
        raise CommandError("--providers names no provider.")
    return ids


def _actor(session: Session) -> Actor:
    """The first active manager of the clinic (for the audit trail), else a command-line actor."""
    user = session.scalar(select(StaffUser).where(StaffUser.role == "manager", StaffUser.is_active.is_(True))
                          .order_by(StaffUser.id).limit(1))
    return actor_for(user) if user is not None else CLI_ACTOR


def _apply(args: argparse.Namespace) -> int:
    start = parse_date(args.start, "--from")
    end = parse_date(args.end, "--to")
    now = datetime.now(UTC)
    db = open_database(args)
    with (db.read() if args.dry_run else db.write()) as session:
        template = find_template(session, args.name)
        params = ApplyParams(template_id=template.id, provider_ids=tuple(_providers(session, args.providers)),
                             start_day=start, end_day=end)
        plan = plan_application(session, params, now=now)
        if args.dry_run:
            _print_counts(plan.counts, created_label="to create")
            print(plan.summary())
            for row in plan.by_date_provider():
                if row.existing or row.off:
                    why = "; ".join(row.reasons)
                    print(f"  {row.day:%a %Y-%m-%d}  {row.provider_name}: {row.create} to create, "
                          f"{row.existing} skipped (appointments), {row.off} skipped (off)"
                          + (f": {why}" if why else ""))
            return 0
        result = apply_template(session, _actor(session), plan, now=now)
    _print_counts({**result.counts, "create": result.created}, created_label="created")
    say(f"Applied {template.name} v{plan.version_number} over {result.days_done} days.")
    return 0


def _print_counts(counts: dict[str, int], *, created_label: str) -> None:
    print(f"{created_label}: {counts['create']}")
    print(f"skipped-existing: {counts['existing']}")
    print(f"skipped-off: {counts['off']}")
    if counts["applied"]:
        print(f"already-applied: {counts['applied']}")
