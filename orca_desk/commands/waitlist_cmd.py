"""``orca-desk waitlist match|offers|notify``: ranked matches of an opening, offers, notify an entry now."""

from __future__ import annotations

import argparse

from orca_desk.commands.common import CommandError, add_user_option, open_database, read_password, sign_in


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("waitlist", parents=[common], help="waitlist openings: matches, offers, notify now")
    wsub = p.add_subparsers(dest="waitlist_command", required=True, metavar="COMMAND")
    m = wsub.add_parser("match", parents=[common], help="print the ranked waitlist matches of an opening")
    m.add_argument("opening_id", type=int, metavar="OPENING_ID")
    m.add_argument("--limit", type=int, default=20, help="how many matches (default 20)")
    m.set_defaults(func=_match)
    o = wsub.add_parser("offers", parents=[common], help="list offers (live ones with the time left)")
    o.add_argument("--all", action="store_true", help="include closed offers")
    o.set_defaults(func=_offers)
    n = wsub.add_parser("notify", parents=[common], help="offer an entry its best open opening now")
    n.add_argument("entry_id", type=int, metavar="ENTRY_ID")
    n.add_argument("--opening", type=int, metavar="OPENING_ID", help="this opening instead of the best")
    add_user_option(n, when=" (required)")
    n.set_defaults(func=_notify)


_NO_OPENING = "There is no opening #{id}; see 'orca-desk waitlist offers --all'."


def _match(args: argparse.Namespace) -> int:
    db = open_database(args)
    from orca_desk.models.openings import Opening

    with db.read() as session:  # a wrong number is said before the waitlist's services load
        if session.get(Opening, args.opening_id) is None:
            raise CommandError(_NO_OPENING.format(id=args.opening_id))
    from orca_desk.services.clock import SystemClock
    from orca_desk.services.errors import NotFound
    from orca_desk.services.waitlist.matching import match_opening
    from orca_desk.services.waitlist.queries import list_openings

    now = SystemClock().now()
    with db.read() as session:
        try:
            rows = match_opening(session, args.opening_id, now=now, limit=args.limit)
        except NotFound:  # removed a moment ago
            raise CommandError(_NO_OPENING.format(id=args.opening_id)) from None
        opening = next(
            (o for o in list_openings(session, now=now, include_closed=True) if o.id == args.opening_id),
            None,
        )
    if opening is not None:
        print(
            f"Opening #{opening.id}: {opening.local_text}, {opening.provider_name}, {opening.chair_name} "
            f"at {opening.location_name} ({opening.label})"
        )
    if not rows:
        print("No waitlist entry fits this opening.")
        return 0
    for k, r in enumerate(rows, 1):
        print(
            f"{k:>2}. entry #{r.entry_id:<6} {r.patient_name:<24} {r.type_name} {r.duration_minutes} min  "
            f"score {r.score:5.1f}  via {r.channel:<5}  {r.reason}"
        )
    return 0


def _offers(args: argparse.Namespace) -> int:
    db = open_database(args)
    from orca_desk.services.clock import SystemClock
    from orca_desk.services.waitlist.queries import list_offers

    now = SystemClock().now()
    with db.read() as session:
        rows = list_offers(session, now=now, live_only=not args.all)
    if not rows:
        print("No offers." if args.all else "No live offers.")
    for r in rows:
        print(
            f"offer #{r.id:<6} opening #{r.opening_id:<6} {r.patient_name:<24} {r.channel:<5} "
            f"{r.state_text}{f' · sent {r.sent_text}' if r.sent_text else ''}"
        )
    return 0


def _notify(args: argparse.Namespace) -> int:
    password = read_password(args, "sends a waitlist offer")
    db = open_database(args)
    from orca_desk.services.access.security import MANAGE_WAITLIST
    from orca_desk.services.clock import SystemClock
    from orca_desk.services.errors import NotFound
    from orca_desk.services.waitlist.offers import notify_entry

    now = SystemClock().now()
    actor = sign_in(db, args, password, MANAGE_WAITLIST)
    with db.write() as session:
        try:
            row = notify_entry(session, actor, args.entry_id, now=now, opening_id=args.opening)
        except NotFound as exc:
            raise CommandError(str(exc)) from None
    print(f"Offered opening #{row.opening_id} to {row.patient_name} by {row.channel}: {row.state_text}")
    return 0
