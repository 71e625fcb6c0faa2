"""Every screen fits the clinic monitors of 1280×720 and 1366×768 without growing the window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QTabWidget

from orca_desk.services.errors import ValidationError


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_every_screen_and_tab_fits(main_window, qtbot, size):
    main_window.resize(*size)
    qtbot.wait(20)
    grown = []
    for spec in main_window.specs:
        screen = main_window.show_screen(spec.key)
        tabs = screen.findChildren(QTabWidget)
        pages = [(t, i) for t in tabs for i in range(t.count())] or [(None, 0)]
        for tab_widget, index in pages:
            if tab_widget is not None:
                tab_widget.setCurrentIndex(index)
            QApplication.processEvents()
            if (main_window.width(), main_window.height()) != size:
                where = f"{spec.key}/{tab_widget.tabText(index)}" if tab_widget is not None else spec.key
                grown.append(f"{where}: {main_window.width()}×{main_window.height()}")
                main_window.resize(*size)
                QApplication.processEvents()
    assert grown == [], f"screens that grew the window past {size[0]}×{size[1]}: {grown}"


def test_a_screenshot_fails_when_the_window_has_to_grow(main_window, tmp_path):
    with pytest.raises(ValidationError, match="needs a window of at least"):
        main_window.save_screenshot(str(tmp_path / "x.png"), view="reminders", size=(640, 480))
    assert not (tmp_path / "x.png").exists()
    assert main_window.save_screenshot(str(tmp_path / "ok.png"), view="reminders", size=(1280, 720)) == 0
    assert (tmp_path / "ok.png").exists()


def test_the_navigation_shows_what_the_role_may_use(qtbot, ctx, receptionist, manager):
    from dataclasses import replace

    from orca_desk.app import default_screens
    from orca_desk.ui.main_window import MainWindow

    def keys(actor):  # type: ignore[no-untyped-def]
        window = MainWindow(replace(ctx, actor=actor), default_screens(), database_label="test")
        qtbot.addWidget(window)
        return [spec.key for spec in window.specs], window.nav.count()

    desk, shown = keys(receptionist)
    assert {"templates", "campaigns", "reminders", "settings", "admin"}.isdisjoint(desk)
    assert {"calendar", "week", "waitlist", "calls", "messages"} <= set(desk) and shown == len(desk)
    everything, _ = keys(manager)
    assert everything == [spec.key for spec in default_screens()]


def test_undo_follows_the_screen_in_front(main_window, qtbot):
    """Ctrl+Z on the Templates screen never undoes a change made in the calendar."""
    from PySide6.QtGui import QUndoCommand

    done: list[str] = []

    class NoShow(QUndoCommand):
        def __init__(self) -> None:
            super().__init__("No-show Kenji Jackson")

        def redo(self) -> None:
            done.append("redo")

        def undo(self) -> None:
            done.append("undo")

    main_window.show_screen("calendar")
    main_window.undo_stack.push(NoShow())
    assert main_window.act_undo.text() == "Undo No-show Kenji Jackson"  # the button names it
    main_window.show_screen("templates")
    assert not main_window.act_undo.isEnabled()  # the templates' own history is empty
    main_window.act_undo.trigger()
    assert done == ["redo"] and main_window.undo_stack.index() == 1
    main_window.show_screen("waitlist")  # a screen with no history of its own: nothing to undo
    assert not main_window.act_undo.isEnabled()
    main_window.show_screen("week")  # every calendar screen shares the book's history
    main_window.act_undo.trigger()
    assert done == ["redo", "undo"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_settings_page_never_scrolls_sideways_at_1280x720(qtbot, ctx, qapp, monkeypatch, lang):
    """Every box of the first Settings tab is whole in the window's width, in English and Spanish."""
    from orca_desk.app import default_screens
    from orca_desk.ui import language
    from orca_desk.ui.main_window import MainWindow

    monkeypatch.delenv(language.ENV, raising=False)
    assert language.install(qapp, lang) == lang
    try:
        window = MainWindow(ctx, default_screens(), database_label="test")
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        qtbot.waitExposed(window)
        screen = window.show_screen("settings")
        screen.wait_until_loaded()
        for _ in range(3):
            QApplication.processEvents()
        scroll = screen.settings_scroll
        assert (window.width(), window.height()) == (1280, 720)
        assert scroll.horizontalScrollBar().maximum() == 0, scroll.widget().minimumSizeHint()
        assert scroll.widget().width() <= scroll.viewport().width()
    finally:
        language.install(qapp, "en")
