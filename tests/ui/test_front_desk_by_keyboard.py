"""The front-desk day by keyboard alone on a 1366×768 screen (docs/FRONT-DESK.md, its done-when).

Every step below is a key press: no mouse. Modal dialogs are answered by keys sent to whichever
window is active, as a receptionist would type them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from orca_desk.models.appointment import Appointment
from tests.factories import desk_book
from tests.ui.conftest import TEST_DAY

NY = ZoneInfo("America/New_York")
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(TEST_DAY.year, TEST_DAY.month, TEST_DAY.day, hour, minute, tzinfo=NY)


def _when_modal(qtbot, steps: list[Callable[[QWidget], None]], *, above: QWidget | None = None) -> list[str]:
    """Answer the next modal windows in turn (those opened over ``above``): each step gets the
    active modal widget."""
    seen: list[str] = []
    pending = list(steps)
    tries = [200]  # 6 s: a dialog that never opens fails the test's own assertion, not a hang

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or modal is above or (seen and seen[-1] == f"{type(modal).__name__}:{id(modal)}"):
            tries[0] -= 1
            if tries[0] > 0:
                QTimer.singleShot(30, answer)
            return
        seen.append(f"{type(modal).__name__}:{id(modal)}")
        step = pending.pop(0)
        step(modal)
        if pending:
            QTimer.singleShot(30, answer)

    QTimer.singleShot(30, answer)
    return seen


def _active(qtbot, window: QWidget) -> None:
    """A dialog the desk just opened takes the keyboard (the window manager activates it)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


def _keys(qtbot, widget: QWidget, text: str) -> None:
    qtbot.keyClicks(widget, text)


def test_a_morning_at_the_desk_by_keyboard_alone(qtbot, main_window, ctx, world):
    late = desk_book(ctx, world, patient=2, chair=1, start=at(15, 30))
    desk_book(ctx, world, patient=0, chair=0, start=at(9))
    from orca_desk.app import install_lazy_print_dialog

    install_lazy_print_dialog(main_window)  # as the application does (Ctrl+P)
    main_window.resize(1366, 768)
    main_window.show_screen("calendar")
    qtbot.wait(50)
    assert (main_window.width(), main_window.height()) == (1366, 768)  # nothing made it grow
    view = main_window.current_screen()
    view.refresh()  # the visits were booked behind the desk's back
    view.wait_until_loaded()
    grid = view.grid
    # Tab reaches the book from wherever the focus is when the screen opens.
    for _ in range(30):
        if QApplication.focusWidget() is grid:
            break
        qtbot.keyClick(QApplication.focusWidget() or main_window, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is grid

    # A parent calls: type the child's name to find the visit, Enter opens its card,
    # Alt+L cancels it with the reason typed, Esc closes the card.
    assert grid.item(late) is not None
    _keys(qtbot, grid, "Kid2")
    assert grid.selected_id == late, (grid.selected_id, [it.title for it in grid.items])
    cards: list[str] = []

    def on_card(card: QWidget) -> None:
        cards.append(type(card).__name__)
        _active(qtbot, card)

        def give_reason(asking: QWidget) -> None:
            _active(qtbot, asking)
            field = asking.focusWidget() or asking
            qtbot.keyClick(field, Qt.Key.Key_A, CTRL)  # replace the suggested reason
            qtbot.keyClicks(field, "school event")
            qtbot.keyClick(field, Qt.Key.Key_Return)
            QTimer.singleShot(200, lambda: qtbot.keyClick(card, Qt.Key.Key_Escape))  # then close the card

        _when_modal(qtbot, [give_reason], above=card)
        qtbot.keyClick(card, Qt.Key.Key_L, ALT)  # Cance&l visit… (the mnemonic clicks a moment later)

    _when_modal(qtbot, [on_card])
    qtbot.keyClick(grid, Qt.Key.Key_Return)  # returns when the card has closed
    assert cards == ["AppointmentCardDialog"]
    with ctx.db.read() as s:
        a = s.get(Appointment, late)
        assert (a.status, a.cancel_reason) == ("cancelled", "school event")

    # The cancelled visit can be shown faded, and the family is on "To rebook".
    _active(qtbot, main_window)
    qtbot.keyClick(grid, Qt.Key.Key_X, CTRL | SHIFT)
    view.wait_until_loaded()
    qtbot.waitUntil(lambda: any(it.ghost for it in grid.items), timeout=3000)
    opened: list[str] = []
    for key, mods in ((Qt.Key.Key_R, CTRL), (Qt.Key.Key_F, CTRL), (Qt.Key.Key_N, CTRL), (Qt.Key.Key_P, CTRL)):
        _when_modal(
            qtbot,
            [
                lambda d: (
                    opened.append(type(d).__name__),
                    _active(qtbot, d),
                    qtbot.keyClick(d, Qt.Key.Key_Escape),
                )
            ],
        )
        _active(qtbot, main_window)
        qtbot.keyClick(QApplication.focusWidget() or grid, key, mods)
        assert QApplication.activeModalWidget() is None  # Esc closed it: back at the book
    assert opened == ["RebookListDialog", "PatientSearchDialog", "FindOpeningDialog", "PrintDialog"]
    assert (main_window.width(), main_window.height()) == (1366, 768)
