"""Every control of the main screens has a name and a description a screen reader can say, and Tab
follows the layout."""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from orca_desk.ui.accessibility import (
    accessible_name,
    controls,
    description,
    name_controls,
    undescribed_controls,
    unnamed_controls,
)

SCREENS = [
    "calendar",
    "week",
    "waitlist",
    "reminders",
    "calls",
    "recovery",
    "campaigns",
    "messages",
    "outbox",
    "settings",
    "admin",
    "schedules",
    "templates",
    "locations",
]


def test_the_window_around_the_screens_names_its_controls(main_window):
    assert unnamed_controls(main_window) == []
    assert accessible_name(main_window.location_combo) == "Location"  # not the location shown


@pytest.mark.parametrize("key", SCREENS)
def test_every_control_of_a_main_screen_has_a_name(main_window, key, qtbot):
    screen = main_window.show_screen(key)
    qtbot.wait(10)
    unnamed = unnamed_controls(screen)
    assert not unnamed, "\n".join(unnamed)
    focusable = [w for w in controls(screen) if w.focusPolicy() != w.focusPolicy().NoFocus]
    assert focusable, key
    for w in focusable:
        iface = QAccessible.queryAccessibleInterface(w)
        assert iface is not None and iface.text(QAccessible.Text.Name).strip(), type(w).__name__


def test_the_window_around_the_screens_describes_its_controls(main_window):
    assert undescribed_controls(main_window) == []


@pytest.mark.parametrize("key", SCREENS)
def test_every_control_of_a_main_screen_says_what_it_does(main_window, key, qtbot):
    screen = main_window.show_screen(key)
    qtbot.wait(10)
    undescribed = undescribed_controls(screen)
    assert not undescribed, "controls without a description:\n" + "\n".join(undescribed)
    for w in controls(screen):  # what a screen reader asks Qt, not only the widget's property
        iface = QAccessible.queryAccessibleInterface(w)
        assert iface is not None and iface.text(QAccessible.Text.Description).strip(), accessible_name(w)


def test_a_control_without_a_description_is_found(qtbot):
    from PySide6.QtWidgets import QPushButton

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    tipped, described, bare, echo, filler = (
        QPushButton(t) for t in ("Save", "Send", "Refresh", "Print", "Undo")
    )
    tipped.setToolTip("Save the form")
    described.setAccessibleDescription("Send the reply to the family")
    echo.setAccessibleDescription("Print")  # the name again says nothing more
    filler.setAccessibleDescription("Button")  # nor does what kind of control it is
    for w in (tipped, described, bare, echo, filler):
        layout.addWidget(w)
    assert [entry.rsplit(" ", 1)[-1] for entry in undescribed_controls(root)] == [
        "'Refresh'",
        "'Print'",
        "'Undo'",
    ]
    assert description(tipped) == "Save the form"


def test_names_come_from_what_a_user_reads_beside_the_control(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    layout.addWidget(QLabel("Patient name:"))
    after_label = QLineEdit()
    layout.addWidget(after_label)
    hinted = QLineEdit()
    hinted.setPlaceholderText("Search patients")
    layout.addWidget(hinted)
    bare = QLineEdit()
    layout.addWidget(bare)
    assert [w for w in name_controls(root)] == [bare]
    assert accessible_name(after_label) == "Patient name"
    assert accessible_name(hinted) == "Search patients"
    bare.setAccessibleName("Notes")
    assert unnamed_controls(root) == []


def test_dialogs_name_their_controls(ctx, qtbot):
    from orca_desk.views.patients.patient_dialog import NewPatientDialog
    from orca_desk.views.waitlist.entry_dialog import EntryDialog

    for dialog in (NewPatientDialog(ctx), EntryDialog(ctx, None)):
        qtbot.addWidget(dialog)
        assert unnamed_controls(dialog) == [], type(dialog).__name__


def test_focus_reaching_an_unnamed_control_names_the_window(ctx, qtbot, qapp):
    from orca_desk.views.waitlist.entry_dialog import EntryDialog

    dialog = EntryDialog(ctx, None)
    qtbot.addWidget(dialog)
    bare = [w for w in controls(dialog) if not w.accessibleName() and not accessible_name(w)]
    dialog.show()
    qtbot.waitExposed(dialog)
    qapp.focusChanged.emit(None, bare[0] if bare else dialog.focusWidget())
    assert all(_named(w) for w in controls(dialog))


def _named(w: QWidget) -> bool:
    return bool(w.accessibleName() or accessible_name(w))


def _tab_stops(screen: QWidget) -> list[tuple[int, int, str]]:
    """Where Tab stops inside ``screen``, in order: (x, y, name)."""
    stops, w = [], screen.nextInFocusChain()
    while w is not screen:
        tabbable = bool(w.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if screen.isAncestorOf(w) and w.isVisible() and w.isEnabled() and tabbable:
            at = w.mapTo(screen.window(), QPoint(0, 0))
            stops.append((at.x(), at.y(), accessible_name(w) or type(w).__name__))
        w = w.nextInFocusChain()
    return stops


@pytest.mark.parametrize("key", ["calendar", "week", "admin", "outbox", "waitlist", "reminders", "schedules"])
def test_tab_follows_the_layout(main_window, key, qtbot):
    """Tab never jumps back up to an earlier row in the same column."""
    stops = _tab_stops(main_window.show_screen(key))
    assert stops
    back = [(a[2], b[2]) for a, b in pairwise(stops) if b[1] < a[1] - 30 and b[0] <= a[0] + 5]
    assert back == []
    names = [name for _x, _y, name in stops]
    if key == "week":
        assert (
            names.index("Block time")
            < names.index("Previous provider or chairs")
            < names.index("Appointment book")
        )
        assert names.index("Show cancelled") < names.index("To rebook")


def test_status_badges_carry_a_sign_or_words_not_only_colour():
    """Each visit state's badge has its own text, and a narrow card's mark (its first sign) too."""
    from orca_desk.views.calendar.day_view import CONFIRMATION_BADGES, STATUS_BADGES

    badges = {state: text for state, (text, _colour) in {**STATUS_BADGES, **CONFIRMATION_BADGES}.items()}
    assert all(any(not ch.isspace() for ch in text) for text in badges.values()), badges
    assert len({text for text in badges.values()}) == len(badges)
    assert len({text[:1] for text in badges.values()}) == len(badges)


def _every_tab(root: QWidget, qtbot, seen: set[int] | None = None):
    """Show each page of each tab widget under ``root`` in turn (nested ones too, lazily built
    ones built by being shown), yielding ``root`` once per page shown."""
    from PySide6.QtWidgets import QTabWidget

    seen = set() if seen is None else seen
    yield root
    for tabs in root.findChildren(QTabWidget):
        if id(tabs) in seen or not tabs.isVisibleTo(root):
            continue
        seen.add(id(tabs))
        start = tabs.currentIndex()
        for k in range(tabs.count()):
            if not tabs.isTabEnabled(k) or not tabs.isTabVisible(k):
                continue
            tabs.setCurrentIndex(k)
            qtbot.wait(5)
            yield from _every_tab(tabs.widget(k), qtbot, seen)
        tabs.setCurrentIndex(start)


def _undescribed_on_every_tab(root: QWidget, qtbot) -> list[str]:
    found: dict[str, None] = {}
    for page in _every_tab(root, qtbot):
        for entry in unnamed_controls(page):
            found[f"unnamed: {entry}"] = None
        for entry in undescribed_controls(page):  # from Qt's accessible interface, as a reader asks
            found[f"undescribed: {entry}"] = None
    return list(found)


@pytest.mark.parametrize("key", SCREENS)
def test_every_tab_of_a_main_screen_names_and_describes_its_controls(main_window, key, qtbot):
    screen = main_window.show_screen(key)
    qtbot.wait(10)
    missing = _undescribed_on_every_tab(screen, qtbot)
    assert not missing, f"{key}:\n" + "\n".join(missing)


DIALOGS = [
    "booking",
    "appointment card",
    "patient card",
    "new patient",
    "find next opening",
    "waitlist entry",
    "print",
]


def _dialogs(ctx, world, main_window):
    """The dialogs a front desk opens all day, each as it first opens."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from orca_desk.views.calendar.appointment_card import AppointmentCardDialog
    from orca_desk.views.calendar.booking_dialog import BookingDialog
    from orca_desk.views.calendar.print_dialog import PrintDialog
    from orca_desk.views.patients.patient_card import PatientCardDialog
    from orca_desk.views.patients.patient_dialog import NewPatientDialog
    from orca_desk.views.schedules.find_opening import FindOpeningDialog
    from orca_desk.views.waitlist.entry_dialog import EntryDialog
    from tests.factories import desk_book
    from tests.ui.conftest import TEST_DAY

    start = datetime(TEST_DAY.year, TEST_DAY.month, TEST_DAY.day, 15, tzinfo=ZoneInfo("America/New_York"))
    appointment_id = desk_book(ctx, world, start=start)
    calendar = main_window.show_screen("calendar")
    return {
        "booking": lambda: BookingDialog(ctx, chair_id=world.chairs[1].id, chair_name="Chair 2", start=start),
        "appointment card": lambda: AppointmentCardDialog(
            ctx, appointment_id, calendar=calendar, parent=calendar
        ),
        "patient card": lambda: PatientCardDialog(ctx, world.patients[0].id),
        "new patient": lambda: NewPatientDialog(ctx),
        "find next opening": lambda: FindOpeningDialog(ctx, provider_ids=[world.ortho.id]),
        "waitlist entry": lambda: EntryDialog(ctx, None),
        "print": lambda: PrintDialog(ctx, day=TEST_DAY, location_id=world.location.id),
    }


@pytest.mark.parametrize("which", DIALOGS)
def test_every_tab_of_a_frequent_dialog_names_and_describes_its_controls(
    ctx, world, main_window, qtbot, which
):
    dialog = _dialogs(ctx, world, main_window)[which]()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    missing = _undescribed_on_every_tab(dialog, qtbot)
    dialog.close()
    assert not missing, f"{which}:\n" + "\n".join(missing)


def _jumps_back(page: QWidget) -> list[tuple[str, str]]:
    """Pairs of Tab stops inside ``page`` where Tab goes back up to an earlier row in the same column."""
    stops = _tab_stops(page)
    return [(a[2], b[2]) for a, b in pairwise(stops) if b[1] < a[1] - 30 and b[0] <= a[0] + 5]


@pytest.mark.parametrize("key", SCREENS)
def test_tab_follows_the_layout_on_every_tab(main_window, key, qtbot):
    screen = main_window.show_screen(key)
    qtbot.wait(10)
    back = {pair: None for page in _every_tab(screen, qtbot) for pair in _jumps_back(page)}
    assert list(back) == []


@pytest.mark.parametrize("which", DIALOGS)
def test_tab_follows_the_layout_in_a_frequent_dialog(ctx, world, main_window, qtbot, which):
    dialog = _dialogs(ctx, world, main_window)[which]()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    back = {pair: None for page in _every_tab(dialog, qtbot) for pair in _jumps_back(page)}
    dialog.close()
    assert list(back) == []
