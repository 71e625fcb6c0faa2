"""Printed sheets: the PDF text is the day's appointments, pages group chairs, sizes, grey, privacy."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Chair, Clinic
from orca_desk.models.patient import Patient
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.printing import default_paper, render_calendar_pdf
from tests.conftest import NOW
from tests.factories import World, make_world

DAY = date(2026, 3, 3)  # Tuesday; New York is UTC-5 (EST)


def _appt(
    s,
    w: World,
    patient: Patient,
    chair: Chair,
    start_utc: datetime,
    minutes: int,
    *,
    bonding: bool = False,
    provider=None,
    confirmation: str = "unconfirmed",
    status: str = "scheduled",
) -> Appointment:
    a = Appointment(
        clinic_id=w.clinic.id,
        patient_id=patient.id,
        provider_id=(provider or w.ortho).id,
        chair_id=chair.id,
        location_id=w.location.id,
        type_id=(w.bonding if bonding else w.adjustment).id,
        start_at=start_utc,
        end_at=start_utc + timedelta(minutes=minutes),
        status=status,
        confirmation=confirmation,
        created_at=NOW,
        updated_at=NOW,
    )
    s.add(a)
    return a


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    # EST (UTC-5) before 8 March 2026
    return datetime(day.year, day.month, day.day, hour + 5, minute, tzinfo=UTC)


@pytest.fixture
def booked(db):
    with db.write() as s:
        w = make_world(s, chairs=3, patients=6)
        names = [("Ava", "Rossi"), ("Liam", "Park"), ("Noah", "Olsen"), ("Mia", "Diaz")]
        for p, (first, last) in zip(w.patients, names, strict=False):
            p.first_name, p.last_name = first, last
        _appt(s, w, w.patients[0], w.chairs[0], _at(DAY, 8), 20, confirmation="confirmed")
        _appt(s, w, w.patients[1], w.chairs[1], _at(DAY, 9, 30), 90, bonding=True)
        _appt(s, w, w.patients[2], w.chairs[2], _at(DAY, 14), 20, provider=w.hygienist)
        _appt(s, w, w.patients[3], w.chairs[0], _at(DAY, 15), 20, status="cancelled")  # not printed
        _appt(s, w, w.patients[3], w.chairs[2], _at(DAY + timedelta(days=2), 10), 20)  # Thursday
        s.flush()
        return w


def _render(db, tmp_path: Path | None = None, **kw) -> tuple[bytes, object]:
    opts = {"view": "day", "day": DAY, "by": "chair", "now": NOW, **kw}
    buf = io.BytesIO()
    with db.read() as s:
        location_id = opts.pop("location_id", None) or s.query(Chair).first().location_id
        summary = render_calendar_pdf(s, location_id=location_id, out=buf, **opts)
    return buf.getvalue(), summary


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_day_sheet_text_is_the_days_appointments(db, booked):
    data, summary = _render(db)
    (text,) = _texts(data)
    for name in ("Ava Rossi", "Liam Park", "Noah Olsen"):
        assert name in text
    assert "Mia Diaz" not in text  # cancelled today, booked on Thursday: neither is on this sheet
    assert "Adjustment" in text and "Bonding" in text and "Dr. Chen" in text
    assert "Test Ortho" in text and "Northside" in text and "Tuesday, March 3, 2026" in text
    assert "Page 1 of 1" in text and "Printed Tue, Mar 3, 2026, 9:00 AM" in text
    assert "8:00 Ava Rossi" in text and "9:30 Liam Park" in text  # local (EST) times
    assert summary.appointments == 3 and summary.pages == 1


def test_privacy_prints_initials_only(db, booked):
    data, _ = _render(db, privacy=True)
    (text,) = _texts(data)
    for full, initials in (("Ava Rossi", "A.R."), ("Liam Park", "L.P."), ("Noah Olsen", "N.O.")):
        assert initials in text
        assert full not in text
        assert full.split()[1] not in text  # not even the surname
    assert "Initials only" in text


def test_by_provider_columns(db, booked):
    data, summary = _render(db, by="provider")
    (text,) = _texts(data)
    assert "Dr. Chen" in text and "Priya Shah" in text
    assert "Chair 2" in text  # a box names its chair when columns are providers
    assert summary.columns == 2


def test_week_shows_days_and_their_appointments(db, booked):
    data, summary = _render(db, view="week", landscape=True)
    text = "\n".join(_texts(data))
    assert summary.first_day == date(2026, 3, 2) and summary.last_day == date(2026, 3, 6)
    for label in ("Mon, Mar 2", "Tue, Mar 3", "Wed, Mar 4", "Thu, Mar 5", "Fri, Mar 6"):
        assert label in text
    assert "Sat, Mar 7" not in text  # empty weekend days are left out
    assert "Mia Diaz" in text.replace("\n", " ") or "Mia Dia" in text  # Thursday's visit
    assert summary.appointments == 4


@pytest.mark.parametrize(
    ("paper", "landscape", "size"),
    [
        ("letter", False, (612, 792)),
        ("letter", True, (792, 612)),
        ("a4", False, (595.28, 841.89)),
        ("a4", True, (841.89, 595.28)),
    ],
)
def test_paper_sizes_and_orientation(db, booked, paper, landscape, size):
    data, _ = _render(db, paper=paper, landscape=landscape)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(size, abs=0.1)


@pytest.mark.parametrize(
    ("country", "size"),
    [
        ("US", (612, 792)),
        ("CA", (612, 792)),
        ("MX", (612, 792)),
        ("GB", (595.28, 841.89)),
        ("ES", (595.28, 841.89)),
    ],
)
def test_without_a_paper_the_clinic_prints_on_its_countrys_usual_one(db, booked, country, size):
    with db.write() as s:
        s.get(Clinic, booked.clinic.id).country = country
    data, _ = _render(db)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(size, abs=0.1)
    assert default_paper(country) == ("letter" if size[0] == 612 else "a4")


def test_one_page_per_chair_group_when_chairs_do_not_fit(db):
    with db.write() as s:
        w = make_world(s, chairs=9, patients=2)
        for i, chair in enumerate(w.chairs):
            chair.room = "Bay A" if i < 4 else "Bay B"
    data, summary = _render(db)  # Letter portrait holds 6 columns: 4 + 5 do not fit on one page
    texts = _texts(data)
    assert summary.pages == 2
    assert "Page 1 of 2" in texts[0] and "Page 2 of 2" in texts[1]
    assert all(f"Chair {n}" in texts[0] for n in range(1, 5)) and "Chair 5" not in texts[0]
    assert all(f"Chair {n}" in texts[1] for n in range(5, 10))


def test_many_chairs_without_rooms_split_into_pages(db):
    with db.write() as s:
        make_world(s, chairs=14, patients=1)
    _, summary = _render(db)
    assert summary.pages == 3
    _, landscape = _render(db, landscape=True)
    assert landscape.pages == 2


def _pixels(data: bytes, tmp_path: Path) -> list[tuple[int, int, int]]:
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
        capture_output=True,
    )
    ppm = next(tmp_path.glob("p*.ppm")).read_bytes()
    # binary PPM: "P6\n<w> <h>\n255\n" then RGB bytes
    parts = ppm.split(b"\n", 3)
    raw = parts[3]
    out = [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw) - 2, 3)]
    for p in tmp_path.glob("p*.ppm"):
        p.unlink()
    return out


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="pdftoppm (poppler-utils) is not installed: cannot check grey pixels",
)
def test_grayscale_has_no_colour_and_colour_does(db, booked, tmp_path):
    grey, _ = _render(db, grayscale=True)
    colour, _ = _render(db, grayscale=False)
    assert all(abs(r - g) <= 3 and abs(g - b) <= 3 for r, g, b in _pixels(grey, tmp_path))
    assert sum(1 for r, g, b in _pixels(colour, tmp_path) if max(r, g, b) - min(r, g, b) > 40) > 50


def test_grayscale_draws_no_rgb_colour_operators(db, booked):
    data, _ = _render(db, grayscale=True)
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    for line in content.splitlines():
        if line.endswith((" rg", " RG")):
            r, g, b = (float(v) for v in line.split()[:3])
            assert r == g == b, line


def test_fixed_number_of_queries(db, booked):
    from sqlalchemy import event

    statements: list[str] = []
    engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    _render(db, view="week")
    selects = [st for st in statements if st.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 10  # the clinic, the day's rows, and the settings that choose the time format


def test_errors_name_what_is_wrong(db, booked):
    with pytest.raises(ValidationError, match="View 'month'"):
        _render(db, view="month")
    with pytest.raises(ValidationError, match="Paper 'legal'"):
        _render(db, paper="legal")
    with pytest.raises(NotFound, match="no location with id 999"):
        _render(db, location_id=999)


ENGLISH_WORDS = ("Day sheet", "Week", "Page", "Printed", "Initials", "AM", "PM", "confirmed", "declined")
ENGLISH_WORDS += ("call back", "no mark", "Tuesday", "March", "Tue ", "Mar 2026")


def test_a_spanish_sheet_says_its_words_dates_and_hours_in_spanish(db, booked):
    data, _ = _render(db, language="es", privacy=True)
    (text,) = _texts(data)
    assert "Hoja del día por sillón" in text and "martes, 3 de marzo de 2026" in text
    # The clinic is in the US: CLDR's es_US ("3 de mar de 2026", "a.m.").
    assert "Página 1 de 1" in text and "Impreso mar, 3 de mar de 2026, 9:00 a.m." in text
    assert "Solo iniciales" in text
    assert "8 a.m." in text and "12 p.m." in text and "1 p.m." in text  # the time axis
    assert "confirmada" in text and "volver a llamar" in text and "sin marca: sin confirmar" in text
    for word in ENGLISH_WORDS:
        assert word not in text, word


def test_a_spanish_week_names_its_days_in_spanish(db, booked):
    data, _ = _render(db, view="week", by="provider", landscape=True, language="es")
    text = "\n".join(_texts(data))
    assert "Semana por profesional" in text and "2 mar – 6 mar 2026" in text
    assert "ortodoncista" in text and "orthodontist" not in text  # a provider's role
    for label in ("lun, 2 de mar", "mar, 3 de mar", "mié, 4 de mar", "jue, 5 de mar", "vie, 6 de mar"):
        assert label in text
    for word in ENGLISH_WORDS:
        assert word not in text, word


def test_an_empty_spanish_sheet_says_so_in_spanish(db, booked):
    data, _ = _render(db, day=DAY + timedelta(days=30), by="provider", language="es")
    (text,) = _texts(data)
    assert "No hay citas en esta ubicación en este período." in text
    assert "No appointments" not in text


def test_a_sheet_is_in_english_unless_told(db, booked):
    data, _ = _render(db, language="en")
    (text,) = _texts(data)
    assert "Day sheet by chair" in text and "8 AM" in text and "confirmed" in text
