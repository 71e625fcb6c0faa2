"""The first-run setup wizard: an empty database → the wizard, page by page → the first booking →
the printed day; Cancel midway and reopening resumes with what was saved; SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTime
from sqlalchemy import func, select

from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider
from orca_desk.models.reminders import ReminderSequence
from orca_desk.models.staff import StaffUser
from orca_desk.services import printing
from orca_desk.services import provider_schedules as schedules
from orca_desk.services.access.security import authenticate, must_change_password
from orca_desk.services.clinic import setup_wizard as sw
from orca_desk.services.patients import patients
from orca_desk.views.setup.wizard import CHAIRS, CLINIC, DONE, LOCATIONS, PROVIDERS, STAFF, SetupWizard
from tests.factories import book_ids

NY = ZoneInfo("America/New_York")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request):
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


def open_wizard(qtbot, db, clock) -> SetupWizard:
    with db.read() as s:
        actor = sw.setup_actor(s)
    assert actor is not None
    wizard = SetupWizard(db, actor=actor, clock=clock)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def type_into(widget, text: str) -> None:
    widget.setText(text)
    widget.textEdited.emit(text)


def stop_automation(window) -> None:
    """run_gui started the desk's automation with the window (a test has no app.exec to quit)."""
    from orca_desk.ui.automation import AutomationController

    for controller in window.findChildren(AutomationController):
        controller.stop()


def fill_clinic(wizard: SetupWizard) -> None:
    page = wizard.clinic_page
    page.country.setCurrentIndex(page.country.findData("US"))
    type_into(page.name, "Harbour Orthodontics")
    type_into(page.phone, "(617) 555-0142")
    type_into(page.email, "frontdesk@harbour.example")


def fill_locations(wizard: SetupWizard) -> None:
    page = wizard.locations_page
    type_into(page.name, "Harbour Street")
    page.zone.setCurrentText("America/New_York")
    type_into(page.address, "40 Harbour Street, Boston")
    page.add()
    type_into(page.name, "Quincy")
    page.zone.setCurrentText("America/New_York")


def test_empty_database_to_the_first_booking_and_printed_day(qtbot, empty_db, clock):
    db = empty_db
    with db.read() as s:
        assert sw.needs_setup(s)
    wizard = open_wizard(qtbot, db, clock)
    assert wizard.currentId() == CLINIC

    # 1. Clinic: Next with an empty form is refused, naming the field beside it.
    page = wizard.clinic_page
    wizard.next()
    assert wizard.currentId() == CLINIC
    assert "the clinic name is required" in page.inline["clinic.name"].text()
    assert page.inline["clinic.name"].isVisibleTo(wizard)
    fill_clinic(wizard)
    type_into(page.phone, "555")  # validated as you type
    assert "is not a valid phone number in US" in page.inline["clinic.phone"].text()
    type_into(page.phone, "(617) 555-0142")
    assert not page.inline["clinic.phone"].isVisibleTo(wizard)
    qtbot.keyClick(page.phone, Qt.Key.Key_Return)  # Enter = Next
    assert wizard.currentId() == LOCATIONS
    with db.read() as s:  # saved when leaving the page
        assert s.scalar(select(Clinic.phone)) == "+16175550142"

    # 2. Locations: a bad zone is named beside the picker.
    fill_locations(wizard)
    wizard.locations_page.zone.setCurrentText("Mars/Olympus")
    wizard.next()
    assert wizard.currentId() == LOCATIONS
    assert "is not an IANA time zone" in wizard.locations_page.errs["timezone"].text()
    wizard.locations_page.zone.setCurrentText("America/New_York")
    wizard.next()
    assert wizard.currentId() == CHAIRS

    # 3. Chairs: three per location to start with; an empty chair name is refused.
    chairs = wizard.chairs_page
    assert chairs.table.rowCount() == 3
    chairs.table.item(2, 0).setText("")
    wizard.next()
    assert wizard.currentId() == CHAIRS
    assert "row 3, chair name: the chair name is required" in chairs.table_error.text()
    chairs.table.item(2, 0).setText("Consult room")
    chairs.table.item(2, 1).setText("Office")
    wizard.next()
    assert wizard.currentId() == PROVIDERS

    # 4. Providers: the Mon–Fri preset is there; an end before the start is refused.
    prov = wizard.providers_page
    type_into(prov.name, "Dr Jordan Lee")
    prov.chairs.item(0).setCheckState(Qt.CheckState.Checked)
    assert [w.isChecked() for w in prov.day_works] == [True] * 5 + [False] * 2
    prov.day_end[1].setTime(QTime(7, 0))
    wizard.next()
    assert wizard.currentId() == PROVIDERS
    assert "Tuesday, end: the end 07:00 is not after the start 08:00" in prov.errs["hours"].text()
    prov.day_end[1].setTime(QTime(17, 0))
    wizard.next()

    # 5. Appointment types: the typical orthodontic visits, pre-filled.
    types = wizard.types_page
    assert [types.table.item(r, 0).text() for r in range(types.table.rowCount())] == [
        "Consult",
        "Bonding",
        "Adjustment",
        "Records",
        "Debond",
        "Retainer check",
        "Emergency",
    ]
    wizard.next()
    assert wizard.currentId() == STAFF

    # 6. The administrator types their password twice; then a receptionist.
    staff = wizard.staff_page
    type_into(staff.username, "riley")
    type_into(staff.full_name, "Riley Chen")
    type_into(staff.password, "harbour-admin-1")
    type_into(staff.repeat, "harbour-admin-2")
    wizard.next()
    assert wizard.currentId() == STAFF
    assert "the two passwords differ" in staff.inline["admin.repeat"].text()
    type_into(staff.repeat, "harbour-admin-1")
    staff.add_user()
    staff.table.item(0, 0).setText("maria")
    staff.table.item(0, 1).setText("Maria Lopez")
    wizard.next()

    # 7. Messaging: quiet hours; Next seeds the defaults and shows the one-time passwords once.
    wizard.messaging_page.quiet_start.setTime(QTime(20, 30))
    wizard.next()
    assert wizard.currentId() == DONE
    shown = wizard.done_page.passwords
    assert shown.rowCount() == 1 and shown.item(0, 0).text() == "maria"
    maria_password = shown.item(0, 3).text()
    assert wizard.admin is not None and wizard.admin.username == "riley"
    wizard.accept()

    with db.write() as s:
        assert not sw.needs_setup(s)
        assert s.scalar(select(func.count()).select_from(Location)) == 2
        assert s.scalar(select(func.count()).select_from(Chair)) == 6
        assert s.scalar(select(func.count()).select_from(AppointmentType)) == 7
        assert s.scalar(select(func.count()).select_from(ReminderSequence)) >= 1
        riley = authenticate(s, "riley", "harbour-admin-1")
        assert not must_change_password(s, riley)
        assert must_change_password(s, authenticate(s, "maria", maria_password))
        lee = s.scalar(select(Provider).where(Provider.name == "Dr Jordan Lee"))
        week = schedules.week_on(s, lee.id, clock.now().date())
        assert [(d.weekday, d.start_minute, d.end_minute) for d in week] == [
            (d, 8 * 60, 17 * 60) for d in range(5)
        ]
        assert all([(b.start_minute, b.end_minute) for b in d.breaks] == [(720, 780)] for d in week)

        # The first booking, as the desk books: next Tuesday 09:00 at Harbour Street, Chair 1.
        clinic_id = s.scalar(select(Clinic.id))
        patient = patients.create_patient(
            s,
            riley,
            clinic_id,
            patients.PatientInput(first_name="Ava", last_name="Rossi", phone="617-555-0199"),
            now=clock.now(),
        )
        chair = s.scalar(
            select(Chair.id).join(Location).where(Location.name == "Harbour Street", Chair.name == "Chair 1")
        )
        adjustment = s.scalar(select(AppointmentType.id).where(AppointmentType.name == "Adjustment"))
        start = datetime(2026, 3, 10, 9, 0, tzinfo=NY)
        book_ids(
            s,
            riley,
            patient_id=patient.id,
            provider_id=lee.id,
            chair_id=chair,
            type_id=adjustment,
            start=start,
            now=clock.now(),
            minutes=None,
        )
        location_id = s.scalar(select(Location.id).where(Location.name == "Harbour Street"))

    out = io.BytesIO()
    with db.read() as s:
        summary = printing.render_calendar_pdf(
            s, view="day", day=start.date(), location_id=location_id, now=clock.now(), out=out
        )
    assert summary.appointments == 1
    text = PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text()
    assert "Rossi" in text and "Chair 1" in text and "Consult room" in text


def test_the_phone_example_is_a_number_of_the_chosen_country(qtbot, db, clock):
    wizard = open_wizard(qtbot, db, clock)
    page = wizard.clinic_page
    page.country.setCurrentIndex(page.country.findData("GB"))
    assert page.phone.placeholderText() == "as dialled locally, e.g. 0121 234 5678"
    page.country.setCurrentIndex(page.country.findData("US"))
    assert page.phone.placeholderText() == "as dialled locally, e.g. (201) 555-0123"


def test_cancel_midway_then_reopening_resumes_with_what_was_saved(qtbot, db, clock):
    wizard = open_wizard(qtbot, db, clock)
    fill_clinic(wizard)
    wizard.next()
    fill_locations(wizard)
    wizard.next()
    assert wizard.currentId() == CHAIRS
    wizard.reject()  # Cancel on the chairs page: clinic and locations are saved, chairs are not

    with db.read() as s:
        assert sw.needs_setup(s) and sw.progress(s) == "locations"
        assert s.scalar(select(func.count()).select_from(Chair)) == 0
    again = open_wizard(qtbot, db, clock)
    assert again.currentId() == CHAIRS  # the first page not saved yet
    assert again.clinic_page.name.text() == "Harbour Orthodontics"
    assert again.clinic_page.phone.text() == "(617) 555-0142"
    assert [loc.name for loc in again.locations_page.items] == ["Harbour Street", "Quincy"]
    assert again.locations_page.items[0].address == "40 Harbour Street, Boston"

    # Back keeps everything; a renamed location is renamed, not added a second time.
    again.back()
    assert again.currentId() == LOCATIONS
    page = again.locations_page
    page.list.setCurrentRow(1)
    assert page.name.text() == "Quincy"
    assert not page.remove_button.isEnabled()  # saved: archived later, in Administration
    type_into(page.name, "Quincy Center")
    again.next()
    assert again.currentId() == CHAIRS
    with db.read() as s:
        assert sorted(s.scalars(select(Location.name))) == ["Harbour Street", "Quincy Center"]

    # Through the administrator: from then on, resuming needs them to sign in.
    again.next()
    type_into(again.providers_page.name, "Dr Jordan Lee")
    again.next()
    again.next()
    type_into(again.staff_page.username, "riley")
    type_into(again.staff_page.full_name, "Riley Chen")
    type_into(again.staff_page.password, "harbour-admin-1")
    type_into(again.staff_page.repeat, "harbour-admin-1")
    again.staff_page.add_user()
    again.staff_page.table.item(0, 0).setText("maria")
    again.staff_page.table.item(0, 1).setText("Maria Lopez")
    again.next()
    again.reject()
    with db.read() as s:
        assert sw.needs_setup(s) and sw.setup_actor(s) is None
        riley = authenticate(s, "riley", "harbour-admin-1")
    third = SetupWizard(db, actor=riley, clock=clock)
    qtbot.addWidget(third)
    assert third.currentId() == again.pageIds()[-2]  # messaging
    assert third.staff_page.admin_saved and not third.staff_page.password.isEnabled()
    assert third.providers_page.items[0].name == "Dr Jordan Lee"
    assert third.providers_page.items[0].days[0].works
    third.next()
    # maria's one-time password was never shown (the wizard was cancelled): she gets a new one.
    assert third.currentId() == DONE
    assert third.done_page.passwords.item(0, 0).text() == "maria"
    with db.read() as s:
        assert not sw.needs_setup(s)
        authenticate(s, "maria", third.done_page.passwords.item(0, 3).text())
        assert s.scalar(select(func.count()).select_from(StaffUser)) == 2


def test_orca_desk_on_an_empty_database_opens_the_wizard_then_the_book(qapp, tmp_path, monkeypatch):
    """`orca-desk` (the GUI) on an empty database: the wizard instead of "no clinic yet", and
    at its end the main window on the new clinic, signed in as the new administrator."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from orca_desk.cli import main
    from orca_desk.ui.main_window import MainWindow

    monkeypatch.setattr("orca_desk.app.show_startup_error", lambda message: pytest.fail(message))
    seen: dict[str, str] = {}

    def visible(kind):
        return next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None
        )

    def drive() -> None:
        wizard = visible(SetupWizard)
        if wizard is None:
            QTimer.singleShot(20, drive)
            return
        fill_clinic(wizard)
        wizard.next()
        fill_locations(wizard)
        wizard.next()
        wizard.next()
        type_into(wizard.providers_page.name, "Dr Jordan Lee")
        wizard.next()
        wizard.next()
        for widget, text in (
            (wizard.staff_page.username, "riley"),
            (wizard.staff_page.full_name, "Riley Chen"),
            (wizard.staff_page.password, "harbour-admin-1"),
            (wizard.staff_page.repeat, "harbour-admin-1"),
        ):
            type_into(widget, text)
        wizard.next()
        wizard.next()
        seen["page"] = str(wizard.currentId())
        wizard.accept()

    QTimer.singleShot(0, drive)
    monkeypatch.setattr(QApplication, "exec", lambda *_: 0)  # the main window's event loop
    assert main(["--database-url", f"sqlite:///{tmp_path / 'new-practice.sqlite3'}"]) == 0
    window = visible(MainWindow)
    assert window is not None
    stop_automation(window)
    seen["actor"] = window.ctx.actor.username
    seen["clinic"] = window.ctx.clinic.name
    window.close()
    assert seen == {"page": str(DONE), "actor": "riley", "clinic": "Harbour Orthodontics"}


def test_an_unfinished_setup_with_its_administrator_asks_them_to_sign_in_first(qapp, tmp_path, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from orca_desk.cli import main
    from orca_desk.db import Database
    from orca_desk.migrate import upgrade
    from orca_desk.services import clinic_setup as cs
    from orca_desk.services.clock import SystemClock
    from orca_desk.ui.login_dialog import LoginDialog
    from orca_desk.ui.main_window import MainWindow
    from orca_desk.views.setup.wizard import MESSAGING

    url = f"sqlite:///{tmp_path / 'half-done.sqlite3'}"
    db = Database(url)
    upgrade(db)
    now = SystemClock().now()
    with db.write() as s:  # the wizard was cancelled on its messaging page
        clinic = cs.save_clinic(
            s, cs.SETUP_ACTOR, cs.ClinicSpec("Harbour Orthodontics", "(617) 555-0142"), now=now
        )
        cs.save_locations(
            s,
            cs.SETUP_ACTOR,
            clinic.id,
            [cs.LocationSpec("Harbour Street", "America/New_York", chairs=(cs.ChairSpec("Chair 1"),))],
            now=now,
        )
        sw.save_staff_page(
            s,
            cs.SETUP_ACTOR,
            clinic.id,
            cs.StaffSpec("riley", "Riley Chen", "admin"),
            "harbour-admin-1",
            [],
            now=now,
        )
        sw.mark_progress(s, cs.SETUP_ACTOR, "staff", now=now)
    db.dispose()
    monkeypatch.setattr("orca_desk.app.show_startup_error", lambda message: pytest.fail(message))
    seen: list[str] = []

    def visible(kind):
        return next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None
        )

    def sign_in() -> None:
        login = visible(LoginDialog)
        if login is None:
            QTimer.singleShot(20, sign_in)
            return
        seen.append(login.windowTitle())
        login.username.setText("riley")
        login.password.setText("harbour-admin-1")
        login._ok()
        QTimer.singleShot(0, finish)

    def finish() -> None:
        wizard = visible(SetupWizard)
        if wizard is None:
            QTimer.singleShot(20, finish)
            return
        seen.append(f"page {wizard.currentId()}")
        wizard.next()
        wizard.accept()

    QTimer.singleShot(0, sign_in)
    monkeypatch.setattr(QApplication, "exec", lambda *_: 0)  # the main window's event loop
    assert main(["--database-url", url]) == 0
    window = visible(MainWindow)
    assert window is not None
    stop_automation(window)
    seen.append(window.ctx.actor.username)
    window.close()
    assert seen == ["Sign in to finish the setup — Orca Desk", f"page {MESSAGING}", "riley"]


def test_a_save_refused_by_the_service_stays_on_the_page_and_keeps_nothing(qtbot, db, clock, monkeypatch):
    from orca_desk.services import clinic_setup as cs

    wizard = open_wizard(qtbot, db, clock)
    fill_clinic(wizard)

    def refuse(*_args, **_kwargs):
        raise cs.SetupInvalid([cs.Problem(("clinic", "name"), "is taken by another desk")])

    monkeypatch.setattr(sw, "mark_progress", refuse)  # after the clinic row is written
    wizard.next()
    assert wizard.currentId() == CLINIC
    label = wizard.clinic_page.inline["clinic.name"]
    assert "is taken by another desk" in label.text() and label.isVisibleTo(wizard)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Clinic)) == 0  # one transaction: rolled back
    monkeypatch.undo()
    wizard.next()
    assert wizard.currentId() == LOCATIONS


def test_a_spanish_wizard_names_the_working_days_as_qlocale_does(qtbot, qapp, db, clock, monkeypatch):
    from orca_desk.ui import language

    monkeypatch.delenv(language.ENV, raising=False)
    language.install(qapp, "es")
    try:
        wizard = open_wizard(qtbot, db, clock)
        labels = [w.text() for w in wizard.providers_page.day_works]
    finally:
        language.install(qapp, "en")
    assert labels == ["Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"]
