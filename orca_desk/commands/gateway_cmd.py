"""``orca-desk gateway``: serve the links patients click (confirm, offers, unsubscribe, iCal)."""

from __future__ import annotations

import argparse

from orca_desk.commands.common import CommandError, open_database, say

# Why Twilio's delivery reports are refused, said once at start: the gateway fails closed.
_NO_TOKEN = (
    "REFUSED: no Twilio auth token to check their signature; set {variable} or "
    "save it in Settings (delivery reports still arrive by polling)"
)

# gateway.server's defaults, named here so the parser does not import the web server (a test
# keeps them equal).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "gateway", parents=[common], help="serve the links patients click (a small web server)"
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}; put a TLS proxy in front)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    p.set_defaults(func=_gateway)


def _gateway(args: argparse.Namespace) -> int:
    # What the words alone say is wrong is said before the database and the web server load.
    if not 0 <= args.port <= 65535:
        raise CommandError(f"--port {args.port} is not a port number (0–65535).")
    if args.threads < 1:
        raise CommandError("--threads must be at least 1.")
    db = open_database(args)
    from orca_desk.gateway.app import make_app
    from orca_desk.gateway.handlers import installed_handlers
    from orca_desk.gateway.server import build_server
    from orca_desk.services.clinic import clinic_settings
    from orca_desk.services.clock import SystemClock
    from orca_desk.services.links.patient_links import link_secret, link_secret_location, public_base_url
    from orca_desk.services.messaging.providers.config import SMS_PROVIDER, TWILIO_AUTH_TOKEN

    secret = link_secret()
    with db.read() as session:
        base = public_base_url(session)
        # Twilio signs its status callbacks with the auth token (settings/keyring; env wins).
        provider_env = clinic_settings.provider_environment(clinic_settings.load_settings(session))
    token = provider_env.get(TWILIO_AUTH_TOKEN) if provider_env.get(SMS_PROVIDER) == "twilio" else None
    warning = clinic_settings.loopback_link_warning(base, provider_env)
    app = make_app(
        db,
        SystemClock(),
        secret=secret,
        handlers=installed_handlers(),
        public_base_url=base,
        twilio_auth_token=token,
    )
    try:
        server = build_server(app, host=args.host, port=args.port, threads=args.threads)
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    from orca_desk.diagnostics import install_crash_hooks, install_structured_stdout

    install_structured_stdout("gateway")
    install_crash_hooks()
    if warning:
        say(warning)
    say(
        f"gateway listening on http://{args.host}:{server.effective_port} (links point at {base}; "
        f"signing secret {link_secret_location()}); purposes: {', '.join(sorted(app.handlers))}"
        f"{', ical' if app.ical_feed else ''}; Twilio status callbacks at {base}/twilio/status "
        f"({'signature checked' if token else _NO_TOKEN.format(variable=TWILIO_AUTH_TOKEN)}); "
        f"clinic API at http://{args.host}:{server.effective_port}/api/v1 (keys: orca-desk api-key). "
        "Ctrl+C stops."
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0
