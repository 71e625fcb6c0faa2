"""Shared fixtures: databases (migrated SQLite per test, real PostgreSQL when configured), clock."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from orca_desk.db import Database
from orca_desk.migrate import upgrade
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.clock import FrozenClock

PG_URL_ENV = "ORCA_DESK_TEST_PG_URL"
# A Tuesday morning in term time, New York: 2026-03-03 14:00 UTC = 09:00 EST.
NOW = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the Alembic migrations once; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def db(migrated_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "orca.sqlite3"
    shutil.copy(migrated_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = os.environ.get(PG_URL_ENV)
    if not url and os.environ.get("ORCA_DESK_REQUIRE_PG"):
        pytest.fail(f"ORCA_DESK_REQUIRE_PG is set but {PG_URL_ENV} is not")
    if not url:
        pytest.skip(
            f"PostgreSQL tests need a server: set {PG_URL_ENV}="
            "postgresql+psycopg://USER:PASS@127.0.0.1/DB (.ci/run does this)"
        )
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


def _worker_database(url: str, worker: str) -> str:
    """Each pytest-xdist worker gets its own database beside the configured one, made once."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_migrated(pg_url: str) -> str:
    database = Database(pg_url)
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(database)
    database.dispose()
    return pg_url


@pytest.fixture
def pg_db(pg_migrated: str) -> Iterator[Database]:
    database = Database(pg_migrated)
    with database.engine.begin() as conn:
        tables = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def manager() -> Actor:
    return Actor(
        username="manager",
        role="manager",
        user_id=None,
        display_name="Manager",
        permissions=ROLE_PERMISSIONS["manager"],
    )


@pytest.fixture
def receptionist() -> Actor:
    return Actor(
        username="maria",
        role="receptionist",
        user_id=None,
        display_name="Maria",
        permissions=ROLE_PERMISSIONS["receptionist"],
    )


@pytest.fixture(autouse=True)
def no_leaked_windows() -> Iterator[None]:
    """Fail a test that leaves a visible top-level window it opened, naming the window classes.

    pytest-qt closes the widgets registered with ``qtbot.addWidget`` before fixtures tear down, so
    a new window still visible here was not registered, a dialog opened over a registered window
    included: its test must own it. Leaked windows are closed and their deletions run before the
    test fails: a window deleted while Qt still holds it as the active window (or with events
    posted to its children) crashes the next test's event processing. Tests that never start a
    QApplication pay nothing: Qt is not even imported for them.
    """
    before = _visible_windows()
    yield
    if _application() is None:
        return
    from PySide6.QtCore import Qt, QThreadPool

    tooltip = Qt.WindowType.ToolTip
    # Background loads of the test's screens finish before their widgets go.
    QThreadPool.globalInstance().waitForDone(10_000)
    new = [w for w in _visible_windows() if not any(w is old for old in before)]
    # A tooltip is Qt's to show and hide, not a window the test opened; it is closed all the same.
    names = [f"{type(w).__name__} {w.windowTitle()!r}" for w in new if w.windowType() != tooltip]
    for widget in new:
        widget.close()
    _flush_deletes()
    if names:
        pytest.fail(
            "the test left visible windows it did not register with qtbot.addWidget: " + ", ".join(names),
            pytrace=False,
        )


def _application() -> Any:
    """The running QApplication, or None (without importing Qt when no test has)."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    return None if widgets is None else widgets.QApplication.instance()


def _visible_windows() -> list[Any]:
    """The visible top-level widgets (none before any test starts a QApplication)."""
    if _application() is None:
        return []
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def _flush_deletes() -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    app = QCoreApplication.instance()
    assert app is not None
    app.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


@pytest.fixture(scope="module")
def shared_clock() -> FrozenClock:
    """Frozen time shared with the fake provider server, so provider lookups by time line up."""
    return FrozenClock(NOW)


@pytest.fixture(scope="module")
def server(shared_clock: FrozenClock) -> Iterator[Any]:
    """A fake Twilio/SendGrid server on 127.0.0.1 for the module (started once: it loads the specs)."""
    from tests.fakes import start_fake_server  # openapi-core only for the tests that talk to it

    with start_fake_server(clock=shared_clock.now) as running:
        yield running


@pytest.fixture
def fake(server: Any, shared_clock: FrozenClock) -> Iterator[Any]:
    """The module's fake server, emptied and with the clock back at NOW for each test."""
    server.reset()
    shared_clock.set(NOW)
    yield server
    assert server.response_errors == [], "the fake answered outside the spec"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Page tests run first (see tests/browser.py); the bundle's last: in CI they wait for the
    build the other tests ran beside."""

    def turn(item: pytest.Item) -> int:
        return 0 if item.get_closest_marker("browser") else 2 if item.get_closest_marker("bundle") else 1

    items.sort(key=turn)


@pytest.fixture
def desk_locale() -> Iterator[Any]:
    """``set_staff_language`` for a test that sets the desk's language and country; the desk's
    own comes back after it."""
    from orca_desk.services.messaging import message_locale

    before = (message_locale.staff_language(), message_locale._staff_country[0])
    yield message_locale.set_staff_language
    message_locale.set_staff_language(*before)
