"""``orca-desk print`` and ``orca-desk export-ical``: files written, and errors that name the problem."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from orca_desk.cli import main
from orca_desk.models.appointment import Appointment
from tests.conftest import NOW
from tests.factories import make_world


@pytest.fixture
def url(db):
    with db.write() as s:
        w = make_world(s, chairs=3, patients=2)
        w.patients[0].first_name, w.patients[0].last_name = "Ava", "Rossi"
        start = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)  # 09:00 EST
        s.add(
            Appointment(
                clinic_id=w.clinic.id,
                patient_id=w.patients[0].id,
                provider_id=w.ortho.id,
                chair_id=w.chairs[0].id,
                location_id=w.location.id,
                type_id=w.adjustment.id,
                start_at=start,
                end_at=start + timedelta(minutes=20),
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return str(db.url)


def test_print_day_pdf(url, tmp_path, capsys):
    out = tmp_path / "day.pdf"
    rc = main(
        [
            "--database-url",
            url,
            "print",
            "--view",
            "day",
            "--date",
            "2026-03-03",
            "--location",
            "northside",
            "--by",
            "chair",
            "--paper",
            "a4",
            "--landscape",
            "--grayscale",
            "--privacy",
            "-o",
            str(out),
        ]
    )
    assert rc == 0, capsys.readouterr().err
    assert "1 page, 1 appointments, Northside" in capsys.readouterr().out
    page = PdfReader(out).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = page.extract_text()
    assert "A.R." in text and "Ava Rossi" not in text


@pytest.mark.parametrize("where", ["after", "before", "env"])
def test_print_in_spanish(url, tmp_path, capsys, monkeypatch, where):
    out = tmp_path / "dia.pdf"
    args = ["print", "--date", "2026-03-03", "-o", str(out)]
    if where == "after":
        args += ["--language", "es"]
    elif where == "before":
        args = ["--language", "es", *args]
    else:
        monkeypatch.setenv("ORCA_DESK_LANGUAGE", "es")
    assert main(["--database-url", url, *args]) == 0, capsys.readouterr().err
    text = PdfReader(out).pages[0].extract_text()
    assert "Hoja del día por sillón" in text and "martes, 3 de marzo de 2026" in text
    assert "Day sheet" not in text


def test_print_week_by_provider(url, tmp_path, capsys):
    out = tmp_path / "week.pdf"
    assert (
        main(
            [
                "--database-url",
                url,
                "print",
                "--view",
                "week",
                "--date",
                "2026-03-04",
                "--by",
                "provider",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    text = PdfReader(out).pages[0].extract_text()
    assert "Ava Rossi" in text and "Dr. Chen" in text and "Mon, Mar 2" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-13-01"], "--date '2026-13-01' is not a date in the form YYYY-MM-DD."),
        (
            ["--date", "2026-03-03", "--location", "Moon"],
            "There is no location 'Moon'; choose one of: Northside.",
        ),
        (["--date", "2026-03-03", "-o", "x.txt"], "must end in .pdf"),
        (["--date", "2026-03-03", "-o", "/nonexistent/dir/x.pdf"], "for the output file does not exist"),
    ],
)
def test_print_errors(url, tmp_path, capsys, args, message):
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "x.pdf")]
    assert main(["--database-url", url, "print", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("orca-desk: error: ") and message in err


def test_print_bad_choice_exits_2(url, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["--database-url", url, "print", "--date", "2026-03-03", "--paper", "legal", "-o", "x.pdf"])
    assert exc.value.code == 2


def test_export_ical(url, tmp_path, capsys):
    out = tmp_path / "chen.ics"
    rc = main(
        [
            "--database-url",
            url,
            "export-ical",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--provider",
            "chen",
            "--location",
            "Northside",
            "--chair",
            "Chair 1",
            "--privacy",
            "full",
            "-o",
            str(out),
        ]
    )
    assert rc == 0, capsys.readouterr().err
    assert "1 appointments as 1 events" in capsys.readouterr().out
    (event,) = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Ava Rossi — Adjustment"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-03-05", "--to", "2026-03-01"], "--to 2026-03-01 is before --from 2026-03-05."),
        (
            ["--from", "2026-03-01", "--to", "2026-03-31", "--provider", "Dr. Who"],
            "There is no provider 'Dr. Who'",
        ),
        (["--from", "2026-03-01", "--to", "2026-03-31", "--chair", "Chair 9"], "There is no chair 'Chair 9'"),
        (["--from", "March", "--to", "2026-03-31"], "--from 'March' is not a date"),
    ],
)
def test_export_ical_errors(url, tmp_path, capsys, args, message):
    assert main(["--database-url", url, "export-ical", *args, "-o", str(tmp_path / "x.ics")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("orca-desk: error: ") and message in err
