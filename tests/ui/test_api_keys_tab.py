"""Settings → API keys: an administrator makes a key (shown once) and revokes it; others only see."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from orca_desk.models.api_key import ApiKey
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.views.settings.api_keys_tab import ApiKeysTab

ADMIN_ACTOR = Actor("boss", "admin", None, "Boss", ROLE_PERMISSIONS["admin"])


def _tab(qtbot, ctx) -> ApiKeysTab:
    tab = ApiKeysTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1000, 650)
    tab.show()
    return tab


@pytest.fixture
def admin_ctx(ctx):
    return replace(ctx, actor=ADMIN_ACTOR)


def test_an_admin_creates_a_key_shown_once_and_revokes_it(qtbot, admin_ctx, db) -> None:
    tab = _tab(qtbot, admin_ctx)
    assert tab.model.rowCount() == 0
    assert not tab.create_key()  # no name, no scope: refused with the reason
    assert "Name the integration" in tab.error_label.text()
    tab.name.setText("Practice website")
    tab.scope_boxes["booking:book"].setChecked(True)
    assert tab.create_key()
    key = tab.new_key.text()
    assert key.startswith("orca_") and tab.new_key.isVisible() and tab.new_key_note.isVisible()
    assert tab.model.rowCount() == 1
    row = tab.model.row_at(0)
    assert (row.name, row.scopes) == ("Practice website", ("booking:book",))
    assert key not in {tab.model.data(tab.model.index(0, c)) for c in range(tab.model.columnCount())}
    tab.view.selectRow(0)
    assert tab.revoke_selected(confirm=False)
    assert tab.model.data(tab.model.index(0, 2)).startswith("revoked")
    with db.read() as s:
        assert s.scalars(select(ApiKey.revoked_at)).one() is not None


def test_a_manager_sees_the_keys_but_cannot_change_them(qtbot, ctx) -> None:
    tab = _tab(qtbot, ctx)
    assert not tab.create_button.isEnabled() and not tab.revoke_button.isEnabled()
    assert "administrator" in tab.error_label.text()
