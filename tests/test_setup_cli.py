"""``orca-desk setup --from clinic.toml``: from an empty SQLite database to the first booking and
its printed day, without the demo; re-runs, --user, dry runs and refused files."""

from __future__ import annotations

import io
import re
import shutil
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from orca_desk.cli import main
from orca_desk.db import Database
from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider
from orca_desk.models.staff import StaffUser
from orca_desk.paths import resources_dir
from orca_desk.services.access.security import actor_for, change_password
from orca_desk.services.clock import SystemClock
from orca_desk.services.patients import patients
from tests.factories import book_ids

EXAMPLE = resources_dir() / "examples" / "clinic.toml"


@pytest.fixture
def url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: no password prompts
    monkeypatch.delenv("ORCA_DESK_PASSWORD", raising=False)
    shutil.copy(EXAMPLE, tmp_path / "clinic.toml")
    return f"sqlite:///{tmp_path / 'practice.sqlite3'}"


def test_from_an_empty_database_to_a_booked_and_printed_day(url, tmp_path, capsys):
    # A dry run on the empty database lists everything and writes nothing.
    assert main(["--database-url", url, "setup", "--from", "clinic.toml", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert 'would create location "Quincy"' in out and "dry run:" in out and "One-time" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.toml"]  # no database was left

    assert main(["--database-url", url, "setup", "--from", "clinic.toml"]) == 0
    out = capsys.readouterr().out
    assert 'create provider "Jordan Lee"' in out and "seed the defaults of a new clinic" in out
    passwords = dict(re.findall(r"^  (\w+)\s+(\S{12})  \(", out, re.MULTILINE))
    assert set(passwords) == {"admin", "dana", "maria"}

    # The provider's hours show in availability (Quincy, 08:30–16:30 with lunch 12:00–12:30).
    zone = ZoneInfo("America/New_York")
    today = SystemClock().now().astimezone(zone).date()
    monday = today + timedelta(days=7 - today.weekday())
    assert (
        main(
            [
                "--database-url",
                url,
                "availability",
                "--provider",
                "Jordan Lee",
                "--from",
                str(monday),
                "--to",
                str(monday + timedelta(days=6)),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"Mon {monday}  8:30 AM–12:00 PM, 12:30 PM–4:30 PM" in out  # a US clinic: 12-hour
    assert f"Sat {monday + timedelta(days=5)}  —" in out

    # Book through the services, as the desk does.
    db = Database(url)
    with db.write() as s:
        admin = actor_for(s.scalar(select(StaffUser).where(StaffUser.username == "admin")))
        clinic_id = s.scalar(select(Clinic.id))
        patient = patients.create_patient(
            s,
            admin,
            clinic_id,
            patients.PatientInput(first_name="Ava", last_name="Rossi", phone="617-555-0199"),
            now=SystemClock().now(),
        )
        chair = s.scalar(
            select(Chair.id).join(Location).where(Location.name == "Quincy", Chair.name == "Chair 1")
        )
        lee = s.scalar(select(Provider.id).where(Provider.name == "Jordan Lee"))
        adjustment = s.scalar(select(AppointmentType.id).where(AppointmentType.name == "Adjustment"))
        start = datetime.combine(monday, datetime.min.time(), tzinfo=zone) + timedelta(hours=9)
        book_ids(
            s,
            admin,
            patient_id=patient.id,
            provider_id=lee,
            chair_id=chair,
            type_id=adjustment,
            start=start,
            now=SystemClock().now(),
            minutes=None,
        )
    db.dispose()

    pdf = tmp_path / "day.pdf"
    assert (
        main(
            [
                "--database-url",
                url,
                "print",
                "--view",
                "day",
                "--date",
                str(monday),
                "--location",
                "Quincy",
                "-o",
                str(pdf),
            ]
        )
        == 0
    )
    assert "1 appointments, Quincy" in capsys.readouterr().out
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Rossi" in text and "Chair 1" in text


def test_re_runs_need_an_administrator_and_change_only_what_changed(url, tmp_path, capsys, monkeypatch):
    assert main(["--database-url", url, "setup", "--from", "clinic.toml"]) == 0
    admin_password = re.search(r"^  admin\s+(\S{12})  \(", capsys.readouterr().out, re.MULTILINE).group(1)
    assert main(["--database-url", url, "setup", "--from", "clinic.toml"]) == 2
    assert "give --user NAME (an administrator)" in capsys.readouterr().err

    monkeypatch.setenv("ORCA_DESK_PASSWORD", admin_password)
    assert main(["--database-url", url, "setup", "--from", "clinic.toml", "--user", "admin"]) == 2
    assert "still has the one-time password" in capsys.readouterr().err
    db = Database(url)
    with db.write() as s:
        admin = actor_for(s.scalar(select(StaffUser).where(StaffUser.username == "admin")))
        change_password(s, admin, admin_password, "riley's own pass", now=SystemClock().now())
    db.dispose()
    monkeypatch.setenv("ORCA_DESK_PASSWORD", "riley's own pass")
    assert main(["--database-url", url, "setup", "--from", "clinic.toml", "--user", "admin"]) == 0
    assert capsys.readouterr().out == "nothing to change\n"

    text = (tmp_path / "clinic.toml").read_text()
    (tmp_path / "clinic.toml").write_text(text.replace('name = "Dana Brooks"', 'name = "Dana Brooks-Hale"'))
    assert (
        main(["--database-url", url, "setup", "--from", "clinic.toml", "--user", "admin", "--dry-run"]) == 0
    )
    assert capsys.readouterr().out == (
        'would update staff user "dana": name "Dana Brooks" → '
        '"Dana Brooks-Hale"\ndry run: 1 change not written\n'
    )
    assert main(["--database-url", url, "setup", "--from", "clinic.toml", "--user", "admin"]) == 0
    assert capsys.readouterr().out == ('update staff user "dana": name "Dana Brooks" → "Dana Brooks-Hale"\n')
    monkeypatch.setenv("ORCA_DESK_PASSWORD", "wrong")
    assert main(["--database-url", url, "setup", "--from", "clinic.toml", "--user", "admin"]) == 2
    assert "Unknown username or wrong password" in capsys.readouterr().err


def test_a_bad_file_is_refused_with_line_and_field_and_nothing_written(url, tmp_path, capsys):
    text = (tmp_path / "clinic.toml").read_text()
    text = text.replace('days = ["mon", "tue", "wed", "thu", "fri"]', 'days = ["mon", "mnd"]')
    (tmp_path / "clinic.toml").write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"mnd"' in row)
    assert main(["--database-url", url, "setup", "--from", "clinic.toml"]) == 2
    assert capsys.readouterr().err == (
        f"orca-desk: error: clinic.toml line {line}: "
        'providers[1].hours[0].days: "mnd" is not a weekday (mon…sun)\n'
    )
    # The database the refused setup was to start is not left behind, nor is its folder.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.toml"]
    nested = tmp_path / "new" / "desk" / "practice.sqlite3"
    assert main(["--database-url", f"sqlite:///{nested}", "setup", "--from", "clinic.toml"]) == 2
    assert "is not a weekday" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()
    assert main(["--database-url", url, "setup", "--from", "missing.toml"]) == 2
    assert "There is no file 'missing.toml'" in capsys.readouterr().err
