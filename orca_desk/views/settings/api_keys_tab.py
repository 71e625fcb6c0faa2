"""Settings → API keys: the clinic API's keys, a new key (shown once) and revoking one."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.access import api_keys
from orca_desk.services.access.security import ADMIN, PERMISSION_LABELS
from orca_desk.services.changes import Changes
from orca_desk.services.errors import OrcaError
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import hint
from orca_desk.ui.rows_table import RowsModel, selected, table


class ApiKeysTab(QWidget):
    """Administrators make a key per integration and revoke it; everyone may see the list."""

    watches = frozenset({"api_key"})

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.zone, self.time_style = ZoneInfo("UTC"), "12h"
        self.model: RowsModel[api_keys.ApiKeyRow] = RowsModel(
            [
                (self.tr("Name"), lambda r: r.name),
                (self.tr("Key"), lambda r: f"{api_keys.KEY_PREFIX}_{r.prefix}_…"),
                (self.tr("State"), self._state),
                (self.tr("Last used"), lambda r: self._when(r.last_used_at) or self.tr("never")),
                (self.tr("Scopes"), lambda r: ", ".join(r.scopes)),
            ],
            cell_tooltips=True,
        )
        self.view = table(
            self.model, 4, empty=self.tr("No API keys yet: make one below for each integration.")
        )
        self.revoke_button = QPushButton(self.tr("Revoke selected key…"))
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.view.setAccessibleName(self.tr("API keys"))
        self.view.setAccessibleDescription(
            self.tr(
                "The keys other systems use to call the clinic API, when each was last used, what it may do"
            )
        )
        self.revoke_button.setAccessibleDescription(self.tr("Stop the selected key working at once"))
        form = self._build_new_key_form()

        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                self.tr(
                    "Other systems call the clinic API (/api/v1 on the patient-link gateway) with "
                    "these keys. Every call is audited; a revoked key stops working at once."
                )
            )
        )
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.revoke_button)
        layout.addLayout(row)
        layout.addWidget(form)
        may = ctx.actor.can(ADMIN)
        for w in (self.revoke_button, self.create_button, self.name, *self.scope_boxes.values()):
            w.setEnabled(may)
        if not may:
            self.error_label.setText(self.tr("Only an administrator can make or revoke API keys."))
        self.refresh()

    def _build_new_key_form(self) -> QGroupBox:
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("What the key is for, e.g. Practice website"))
        self.scope_boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for k, scope in enumerate(sorted(api_keys.SCOPES)):
            box = QCheckBox(scope)
            box.setToolTip(PERMISSION_LABELS.get(scope, scope))
            self.scope_boxes[scope] = box
            grid.addWidget(box, k // 3, k % 3)
        self.create_button = QPushButton(self.tr("Create key"))
        self.create_button.clicked.connect(self.create_key)
        self.new_key = QLineEdit()
        self.new_key.setReadOnly(True)
        self.new_key.setVisible(False)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setVisible(False)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.new_key.text()))
        self.create_button.setAccessibleDescription(
            self.tr("Make a key with the name and scopes chosen above")
        )
        self.new_key.setAccessibleName(self.tr("New key"))
        self.new_key.setAccessibleDescription(self.tr("The new key, shown only once; copy it now"))
        self.copy_button.setAccessibleDescription(self.tr("Copy the new key to the clipboard"))
        self.new_key_note = hint(
            self.tr("Copy the key now: it is stored only as a hash and is not shown again.")
        )
        self.new_key_note.setVisible(False)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)

        form = QGroupBox(self.tr("New key"))
        fl = QVBoxLayout(form)
        name_row = QHBoxLayout()
        name_row.addWidget(QLabel(self.tr("Name")))
        name_row.addWidget(self.name, 1)
        fl.addLayout(name_row)
        fl.addWidget(QLabel(self.tr("Scopes (what the integration may do)")))
        fl.addLayout(grid)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addStretch(1)
        fl.addLayout(buttons)
        key_row = QHBoxLayout()
        key_row.addWidget(self.new_key, 1)
        key_row.addWidget(self.copy_button)
        fl.addLayout(key_row)
        fl.addWidget(self.new_key_note)
        fl.addWidget(self.error_label)
        return form

    # ----- data ---------------------------------------------------------------------------
    def _when(self, at: object) -> str:
        return local_time.fmt_datetime(at, self.zone, self.time_style) if isinstance(at, datetime) else ""

    def _state(self, r: api_keys.ApiKeyRow) -> str:
        if r.revoked_at is None:
            return self.tr("active")
        return self.tr("revoked {0}").format(self._when(r.revoked_at))

    def refresh(self) -> None:
        self.ctx.ops.read(
            lambda s: (
                api_keys.list_keys(s),
                local_time.location_zone(s, None),
                local_time.clinic_time_format(s),
            ),
            parent=self,
            on_done=self._show,
            background=False,
        )

    def _show(self, loaded: tuple[list[api_keys.ApiKeyRow], ZoneInfo, str]) -> None:
        rows, self.zone, self.time_style = loaded
        self.model.set_rows(rows)

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(self.watches):
            self.refresh()

    # ----- actions ------------------------------------------------------------------------
    def create_key(self) -> bool:
        self.error_label.clear()
        name = self.name.text()
        scopes = [s for s, box in self.scope_boxes.items() if box.isChecked()]
        made: list[api_keys.CreatedKey] = []
        ok = self.ctx.ops.write(
            lambda s: api_keys.create_key(s, self.ctx.actor, name, scopes, now=self.ctx.clock.now()),
            parent=self,
            title=self.tr("Key not created"),
            on_done=made.append,
            on_refused=lambda exc: self.error_label.setText(language.say(str(exc))),
        )
        if not ok or not made:
            return False
        self.new_key.setText(made[0].key)
        for w in (self.new_key, self.copy_button, self.new_key_note):
            w.setVisible(True)
        self.name.clear()
        for box in self.scope_boxes.values():
            box.setChecked(False)
        self.refresh()
        return True

    def revoke_selected(self, *, confirm: bool = True) -> bool:
        row = selected(self.view, self.model)
        if row is None or row.revoked_at is not None:
            self.error_label.setText(self.tr("Select an active key to revoke."))
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Revoke API key"),
                self.tr("Revoke “{0}”? Calls with it stop working at once.").format(row.name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        ok = self.ctx.ops.write(
            lambda s: api_keys.revoke_key(s, self.ctx.actor, row.id, now=self.ctx.clock.now()),
            parent=self,
            title=self.tr("Key not revoked"),
            on_refused=self._refused,
        )
        self.refresh()
        return ok

    def _refused(self, exc: OrcaError) -> None:
        self.error_label.setText(language.say(str(exc)))
