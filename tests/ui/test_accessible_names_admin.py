"""An administrator sees controls a manager does not (the staff form, API keys): those are named and
described too."""

from __future__ import annotations

from dataclasses import replace

import pytest

from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from tests.ui.test_accessible_names import SCREENS, _undescribed_on_every_tab


@pytest.fixture
def admin_window(qtbot, ctx):
    from orca_desk.app import default_screens
    from orca_desk.ui.main_window import MainWindow
    from tests.ui.conftest import TEST_DAY

    admin = Actor(
        username="ana", role="admin", user_id=None, display_name="Ana", permissions=ROLE_PERMISSIONS["admin"]
    )
    window = MainWindow(replace(ctx, actor=admin), default_screens(), database_label="test database")
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.go_to_date(TEST_DAY)
    return window


def test_an_administrator_sees_controls_a_manager_does_not(admin_window, main_window, qtbot):
    from orca_desk.ui.accessibility import controls

    def staff_controls(window) -> int:
        screen = window.show_screen("admin")
        screen.tabs.setCurrentIndex(len(screen.titles) - 1)  # Staff users
        qtbot.wait(10)
        return len(controls(screen.tabs.currentWidget()))

    assert staff_controls(admin_window) > staff_controls(main_window)


@pytest.mark.parametrize("key", SCREENS)
def test_every_tab_an_administrator_sees_names_and_describes_its_controls(admin_window, key, qtbot):
    screen = admin_window.show_screen(key)
    qtbot.wait(10)
    missing = _undescribed_on_every_tab(screen, qtbot)
    assert not missing, f"{key}:\n" + "\n".join(missing)
