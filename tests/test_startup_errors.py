"""Start-up errors end in one line ``orca-desk: error: …`` with exit 2 (CLI) and a calm dialog (GUI).

Read-only folders, files and home directories: the tests run as root in CI, and root may write
anywhere, so those cases run the real command in a subprocess as the unprivileged user
``nobody`` (``setpriv``) over a chmod-ed folder — what a receptionist's account would get. When
the tests do not run as root, the subprocess runs as the current user. Unusable paths that stop
root too (a path under a regular file) are also tested in-process.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import text
from sqlalchemy.engine import make_url

from orca_desk.cli import main
from orca_desk.db import Database
from tests.factories import make_world

ROOT = Path(__file__).resolve().parents[1]
NEWER = "9999_from_the_future"


def one_line(err: str) -> str:
    """The single error line (and nothing else: no traceback)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("orca-desk: error: "), err
    return lines[0].removeprefix("orca-desk: error: ")


# ----- bad URLs and files, in-process --------------------------------------------------------------
BAD_URLS = [
    ("not a url", "The database URL 'not a url' is not valid: write sqlite:///"),
    ("mysql://clinic:secret@localhost/orca", "Orca Desk does not work with mysql databases"),
    ("postgresql+asyncpg://clinic:secret@localhost/orca", "The PostgreSQL driver 'asyncpg' is not installed"),
    (
        "postgresql://clinic:secret@127.0.0.1:1/orca",
        "Cannot reach the PostgreSQL server at 127.0.0.1:1: is it running",
    ),
]


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_bad_database_urls_are_one_line(url, message, capsys):
    for argv in (
        ["db", "current"],
        ["db", "upgrade"],
        ["availability", "--provider", "Chen", "--from", "2026-03-02", "--to", "2026-03-02"],
    ):
        assert main([*argv, "--database-url", url]) == 2
        err = one_line(capsys.readouterr().err)
        assert message in err and "secret" not in err


def test_a_file_that_is_not_sqlite(tmp_path, capsys):
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("shopping list\n" * 200)
    assert main(["db", "upgrade", "--database-url", f"sqlite:///{notes}"]) == 2
    assert one_line(capsys.readouterr().err) == (
        f"{notes} is not an Orca Desk database (it is not a SQLite file): choose another file."
    )
    assert notes.read_text().startswith("shopping list")


def test_another_programs_sqlite_database_is_left_alone(tmp_path, capsys):
    other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with other.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    other.dispose()
    assert main(["db", "upgrade", "--database-url", str(other.url)]) == 2
    assert "holds another program's tables (invoices)" in one_line(capsys.readouterr().err)


def test_a_database_path_under_a_regular_file(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    url = f"sqlite:///{blocker / 'orca' / 'orca.sqlite3'}"
    assert main(["db", "upgrade", "--database-url", url]) == 2  # a command that may create it
    target = blocker / "orca" / "orca.sqlite3"
    assert one_line(capsys.readouterr().err) == (
        f"Cannot use {target} for the database: {blocker} is a file, not a folder."
    )


# ----- a schema newer than this version --------------------------------------------------------------
def add_newer_revision(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": NEWER})


def revisions(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


COMMANDS = [
    ["availability", "--provider", "Chen", "--from", "2026-03-02", "--to", "2026-03-02"],
    ["waitlist", "offers"],
    ["worker", "--once"],
    ["db", "upgrade"],
]


def test_sqlite_database_of_a_newer_version_is_refused_by_every_command(db, capsys, monkeypatch):
    monkeypatch.setenv("ORCA_DESK_LINK_SECRET", "a-test-secret-of-enough-length")
    with db.write() as s:
        make_world(s)
    add_newer_revision(db)
    before = revisions(db)
    for argv in COMMANDS:
        assert main([*argv, "--database-url", str(db.url)]) == 2, argv
        err = one_line(capsys.readouterr().err)
        assert "was last used by a newer version of Orca Desk" in err and NEWER in err, argv
    assert revisions(db) == before  # nothing migrated, nothing written
    assert main(["db", "current", "--database-url", str(db.url)]) == 0
    assert f"({NEWER} from a newer Orca Desk)" in capsys.readouterr().out


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    """A URL to a schema of our own in the test database (the shared one is left as it is)."""
    admin = Database(pg_url)
    with admin.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS orca_newer CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA orca_newer")
    url = make_url(pg_url).update_query_dict({"options": "-csearch_path=orca_newer"})
    yield url.render_as_string(hide_password=False)
    with admin.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA orca_newer CASCADE")
    admin.dispose()


def test_postgres_database_of_a_newer_version_is_not_told_to_upgrade(pg_schema, capsys):
    # An older shared schema (here: empty) is the case that asks for 'db upgrade'.
    assert main([*COMMANDS[0], "--database-url", pg_schema]) == 2
    assert "run 'orca-desk db upgrade' first" in one_line(capsys.readouterr().err)
    assert main(["db", "upgrade", "--database-url", pg_schema]) == 0
    capsys.readouterr()
    db = Database(pg_schema)
    add_newer_revision(db)
    before = revisions(db)
    for argv in COMMANDS:
        assert main([*argv, "--database-url", pg_schema]) == 2, argv
        err = one_line(capsys.readouterr().err)
        assert "was last used by a newer version of Orca Desk" in err and "db upgrade" not in err, argv
    assert revisions(db) == before
    db.dispose()


def test_postgres_wrong_password(pg_url, capsys):
    url = make_url(pg_url).set(password="certainly-not-it")
    assert main(["db", "current", "--database-url", url.render_as_string(hide_password=False)]) == 2
    err = one_line(capsys.readouterr().err)
    assert f"refused user {url.username!r}: the password is wrong" in err
    assert "certainly-not-it" not in err


# ----- read-only folder, database, HOME, output folder: as an unprivileged user --------------------
@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="orca-startup-"))
    path.chmod(0o777)
    yield path
    for p in [path, *path.rglob("*")]:
        if p.is_dir():
            p.chmod(0o777)
    shutil.rmtree(path)


def as_regular_user(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("ORCA_DESK_", "XDG_"))}
    full_env.update(
        {
            "HOME": str(home),
            "PYTHONPATH": str(ROOT),
            "PYTHONDONTWRITEBYTECODE": "1",
            "QT_QPA_PLATFORM": "offscreen",
            **env,
        }
    )
    cmd = [sys.executable, "-m", "orca_desk", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot act as a regular user")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    return subprocess.run(cmd, env=full_env, capture_output=True, text=True, timeout=120, cwd=home)


@pytest.fixture
def clinic_file(migrated_template: Path, shared_dir: Path) -> Path:
    """A clinic's database the regular user may write."""
    path = shared_dir / "data" / "orca.sqlite3"
    path.parent.mkdir()
    shutil.copy(migrated_template, path)
    db = Database(f"sqlite:///{path}")
    with db.write() as s:
        make_world(s)
    db.dispose()
    path.parent.chmod(0o777)
    path.chmod(0o666)
    return path


def read_only(path: Path) -> None:
    path.chmod(
        stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
        if path.is_dir()
        else 0o444
    )


def test_read_only_folder_database_and_home(clinic_file: Path, shared_dir: Path):
    home = shared_dir / "home"
    home.mkdir(mode=0o777)
    home.chmod(0o777)
    locked = shared_dir / "locked"
    locked.mkdir()
    read_only(locked)
    # A new database in a read-only folder.
    r = as_regular_user(["db", "upgrade", "--database-url", f"sqlite:///{locked / 'orca.sqlite3'}"], home)
    assert r.returncode == 2 and one_line(r.stderr).startswith(f"The folder {locked} is read-only")
    # The GUI start path says the same (a scripted screenshot: no one to answer the dialog).
    r = as_regular_user(
        [
            "--database-url",
            f"sqlite:///{locked / 'orca.sqlite3'}",
            "--screenshot",
            str(shared_dir / "shot.png"),
        ],
        home,
    )
    assert r.returncode == 2 and one_line(r.stderr).startswith(f"The folder {locked} is read-only")
    # A read-only database file (in a writable folder), for a command that reads and one that writes.
    read_only(clinic_file)
    r = as_regular_user(["waitlist", "offers", "--database-url", f"sqlite:///{clinic_file}"], home)
    assert r.returncode == 2, r.stderr
    assert one_line(r.stderr).startswith(f"The database file {clinic_file} is read-only")
    # The database's folder made read-only after it was created.
    clinic_file.chmod(0o666)
    read_only(clinic_file.parent)
    r = as_regular_user(["waitlist", "offers", "--database-url", f"sqlite:///{clinic_file}"], home)
    assert r.returncode == 2
    assert one_line(r.stderr).startswith(f"The folder {clinic_file.parent} is read-only")
    # A read-only HOME: the default database lives under it.
    read_only(home)
    r = as_regular_user(["db", "upgrade"], home)
    assert r.returncode == 2
    assert one_line(r.stderr).startswith(
        f"Cannot create the folder {home}/.local/share/OrcaDesk for the database: permission denied"
    )
    # A command that only uses a database says there is none, and makes nothing.
    r = as_regular_user(["db", "current"], home)
    assert r.returncode == 2
    assert one_line(r.stderr).startswith(
        f"There is no database at {home}/.local/share/OrcaDesk/orca-desk.sqlite3: check --database-url"
    )
    # ... and the worker keeps its link-signing key there when there is no keyring.
    clinic_file.parent.chmod(0o777)
    r = as_regular_user(
        ["worker", "--once", "--database-url", f"sqlite:///{clinic_file}"],
        home,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    assert r.returncode == 2
    assert one_line(r.stderr).startswith(
        f"Cannot keep the link-signing secret in {home}/.local/share/"
        "OrcaDesk/link-secret: permission denied. Set ORCA_DESK_LINK_SECRET"
    )


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["print", "--date", "2026-03-03"], "day.pdf"),
        (["export-ical", "--from", "2026-03-02", "--to", "2026-03-08"], "week.ics"),
    ],
)
def test_print_and_export_into_a_read_only_folder(clinic_file: Path, shared_dir: Path, argv, name):
    home = shared_dir / "home"
    home.mkdir()
    home.chmod(0o777)
    out_dir = shared_dir / "out"
    out_dir.mkdir()
    read_only(out_dir)
    r = as_regular_user(
        [*argv, "--database-url", f"sqlite:///{clinic_file}", "-o", str(out_dir / name)], home
    )
    assert r.returncode == 2, r.stderr
    assert one_line(r.stderr) == (
        f"The folder {str(out_dir)!r} is read-only: choose another place for the output file."
    )
    out_dir.chmod(0o777)  # and the same command works once it may write there
    r = as_regular_user(
        [*argv, "--database-url", f"sqlite:///{clinic_file}", "-o", str(out_dir / name)], home
    )
    assert r.returncode == 0, r.stderr
    assert (out_dir / name).stat().st_size > 0


# ----- the GUI: the same sentence in a calm dialog, exit 2 -------------------------------------------
def answer_dialog() -> list[str]:
    """Read and close the start-up dialog once it is shown (polling, up to ~10 s)."""
    seen: list[str] = []
    tries = [0]

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "startupError":
            seen.append(box.text())
            seen.append(box.informativeText())
            box.done(0)
        elif tries[0] < 500:
            tries[0] += 1
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    return seen


def gui_cases(tmp_path: Path, migrated_template: Path) -> list[tuple[str, str]]:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("not a database")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(migrated_template, newer)
    db = Database(f"sqlite:///{newer}")
    add_newer_revision(db)
    db.dispose()
    return [
        ("not a url", "is not valid"),
        ("mysql://clinic:secret@localhost/orca", "does not work with mysql databases"),
        ("postgresql://clinic:secret@127.0.0.1:1/orca", "Cannot reach the PostgreSQL server at 127.0.0.1:1"),
        (f"sqlite:///{notes}", "is not an Orca Desk database"),
        (f"sqlite:///{blocker / 'x.sqlite3'}", "is a file, not a folder"),
        (f"sqlite:///{newer}", "was last used by a newer version of Orca Desk"),
    ]


def test_gui_start_errors_show_a_calm_dialog(qapp, tmp_path, migrated_template, capsys):
    for url, message in gui_cases(tmp_path, migrated_template):
        seen = answer_dialog()
        assert main(["--database-url", url]) == 2, url
        err = one_line(capsys.readouterr().err)
        assert message in err, url
        assert seen == [err, "Nothing was changed. Correct this and start Orca Desk again."], url


def test_gui_with_a_home_that_cannot_hold_the_database(qapp, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("x")
    monkeypatch.setenv("HOME", str(blocker))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("ORCA_DESK_DATABASE_URL", raising=False)
    seen = answer_dialog()
    assert main([]) == 2
    err = one_line(capsys.readouterr().err)
    assert err.startswith(
        f"Cannot use {blocker}/.local/share/OrcaDesk/orca-desk.sqlite3 for the database: "
        f"{blocker} is a file, not a folder"
    )
    assert seen and seen[0] == err


def test_gui_postgres_wrong_password(qapp, pg_url, capsys):
    url = make_url(pg_url).set(password="certainly-not-it")
    seen = answer_dialog()
    assert main(["--database-url", url.render_as_string(hide_password=False)]) == 2
    err = one_line(capsys.readouterr().err)
    assert "the password is wrong" in err and "certainly-not-it" not in err
    assert seen and seen[0] == err


def test_a_database_in_a_folder_the_user_cannot_open_is_named(shared_dir: Path):
    home = shared_dir / "home"
    home.mkdir(mode=0o777)
    home.chmod(0o777)
    closed = shared_dir / "closed"
    closed.mkdir()
    closed.chmod(0)
    r = as_regular_user(
        ["waitlist", "offers", "--database-url", f"sqlite:///{closed / 'orca.sqlite3'}"], home
    )
    assert r.returncode == 2, r.stderr
    assert one_line(r.stderr) == f"Cannot use {closed / 'orca.sqlite3'}: permission denied."
