"""``orca-desk api-key create|list|revoke``: keys of the integrations that call the clinic API."""

from __future__ import annotations

import argparse

from orca_desk.commands.common import CommandError, add_user_option, open_database, read_password, sign_in


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "api-key", parents=[common], help="clinic API keys: create (the key is shown once), list, revoke"
    )
    ksub = p.add_subparsers(dest="api_key_command", required=True, metavar="COMMAND")
    c = ksub.add_parser("create", parents=[common], help="make a key for an integration and print it once")
    c.add_argument("--name", required=True, help="what the key is for, e.g. 'Practice website'")
    c.add_argument(
        "--scopes",
        required=True,
        metavar="SCOPE,…",
        help="permissions the key grants, comma-separated (e.g. booking:book,booking:manage_waitlist)",
    )
    add_user_option(c, when=" (required: an administrator)")
    c.set_defaults(func=_create)
    ls = ksub.add_parser("list", parents=[common], help="list the keys (never the keys themselves)")
    ls.add_argument("--active", action="store_true", help="only keys not revoked")
    ls.set_defaults(func=_list)
    r = ksub.add_parser("revoke", parents=[common], help="revoke a key at once")
    r.add_argument("key_id", type=int, metavar="KEY_ID")
    add_user_option(r, when=" (required: an administrator)")
    r.set_defaults(func=_revoke)


def _create(args: argparse.Namespace) -> int:
    from orca_desk.services.access import api_keys
    from orca_desk.services.access.security import ADMIN
    from orca_desk.services.clock import SystemClock

    scopes = api_keys.parse_scopes(args.scopes)  # before the password: a typo costs nothing
    password = read_password(args, "creates an API key")
    db = open_database(args)
    actor = sign_in(db, args, password, ADMIN)
    with db.write() as session:
        created = api_keys.create_key(session, actor, args.name, scopes, now=SystemClock().now())
    print(created.key)
    print(
        f"API key #{created.row.id} {created.row.name!r} with {', '.join(created.row.scopes)}. "
        "Copy it now: it is not shown again.",
        flush=True,
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    db = open_database(args)
    from orca_desk.services import local_time
    from orca_desk.services.access import api_keys

    with db.read() as session:
        rows = api_keys.list_keys(session, include_revoked=not args.active)
        zone = local_time.location_zone(session, None)
        style = local_time.clinic_time_format(session)
    if not rows:
        print("No API keys." if not args.active else "No active API keys.")
    for r in rows:
        used = local_time.fmt_datetime(r.last_used_at, zone, style) if r.last_used_at else "never used"
        state = f"revoked {local_time.fmt_datetime(r.revoked_at, zone, style)}" if r.revoked_at else "active"
        print(
            f"#{r.id:<4} {r.name:<24} orca_{r.prefix}_…  {state:<28} last used: {used}  {','.join(r.scopes)}"
        )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    password = read_password(args, "revokes an API key")
    db = open_database(args)
    from orca_desk.services.access import api_keys
    from orca_desk.services.access.security import ADMIN
    from orca_desk.services.clock import SystemClock
    from orca_desk.services.errors import NotFound

    actor = sign_in(db, args, password, ADMIN)
    with db.write() as session:
        try:
            row = api_keys.revoke_key(session, actor, args.key_id, now=SystemClock().now())
        except NotFound as exc:
            raise CommandError(f"{exc} See 'orca-desk api-key list'.") from None
    print(f"API key #{row.id} {row.name!r} is revoked; calls with it now get 401.")
    return 0
