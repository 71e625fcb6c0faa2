"""Serve the gateway with waitress (a production WSGI server); also used by tests on port 0."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from waitress.server import create_server

from orca_desk.gateway.app import GatewayApp

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


@dataclass
class RunningGateway:
    """A gateway serving in a background thread; ``url`` is where it listens."""

    server: Any
    thread: threading.Thread
    url: str
    stopping: threading.Event

    def stop(self) -> None:
        self.stopping.set()
        self.server.close()
        self.server.task_dispatcher.shutdown()
        self.thread.join(timeout=5)


def build_server(
    app: GatewayApp, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, threads: int = 8, **options: Any
) -> Any:
    """A waitress server bound to host:port (port 0 picks a free one: see ``effective_port``)."""
    # ident: don't advertise the server software; channel_timeout: drop idle clients.
    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="Orca Desk",
        channel_timeout=30,
        clear_untrusted_proxy_headers=True,
        **options,
    )


def serve_in_thread(
    app: GatewayApp, *, host: str = DEFAULT_HOST, port: int = 0, threads: int = 8
) -> RunningGateway:
    # A short poll so stop() returns promptly (tests start and stop many servers).
    server = build_server(app, host=host, port=port, threads=threads, asyncore_loop_timeout=0.1)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            if not stopping.is_set():  # closing the socket under select() is how it stops
                raise

    thread = threading.Thread(target=run, name="orca-gateway", daemon=True)
    thread.start()
    return RunningGateway(server, thread, f"http://{host}:{server.effective_port}", stopping)
