"""Administration: the clinic's locations, chairs, providers, appointment types and staff users.

Managers edit the clinic; only administrators manage staff users and roles; other staff see the
set-up read-only, with a line saying why. Every rule is in ``services/administration/``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from orca_desk.services import administration as adm
from orca_desk.services.access.security import ADMIN, MANAGE_CLINIC
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import hint
from orca_desk.ui.screen import Screen
from orca_desk.views.admin.editor import EditorTab
from orca_desk.views.admin.tabs import ChairsTab, LocationsTab, ProvidersTab, StaffTab, TypesTab


class AdministrationScreen(Screen):
    watches = frozenset(
        {"clinic", "location", "chair", "provider", "provider_chair", "appointment_type", "staff_user"}
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.note = QLabel()
        self.note.setObjectName("adminNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(
            "QLabel#adminNote { background: #fff4d6; border: 1px solid #f0d58c;"
            " border-radius: 6px; padding: 6px 10px; }"
        )
        self.can_edit = ctx.actor.can(MANAGE_CLINIC)
        self.is_admin = ctx.actor.can(ADMIN)
        self.data: adm.AdminData | None = None
        # Each tab is built when first shown or asked for: the screen opens with one built.
        self._built: dict[str, EditorTab[Any]] = {}
        self.tabs = QTabWidget()
        self.titles = (
            self.tr("Locations"),
            self.tr("Chairs"),
            self.tr("Providers"),
            self.tr("Appointment types"),
            self.tr("Staff users"),
        )
        for title in self.titles:
            self.tabs.addTab(QWidget(), title)
        self.tabs.currentChanged.connect(self._on_current)
        self._tab("locations")
        if not self.can_edit:
            role = adm.ROLE_LABELS.get(ctx.actor.role, ctx.actor.role)
            self.note.setText(
                self.tr(
                    "Read-only: only a manager or an administrator changes the clinic's "
                    "set-up (you are signed in as {name}, {role})."
                ).format(name=ctx.actor.display_name or ctx.actor.username, role=self.tr(role))
            )
        else:
            self.note.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self.note)
        layout.addWidget(
            hint(
                self.tr(
                    "Nothing that appointments or history refer to is deleted: archive it, "
                    "and restore it any time."
                )
            )
        )
        layout.addWidget(self.tabs, 1)
        self.refresh()

    _TABS: tuple[tuple[str, Callable[[AppContext], EditorTab[Any]]], ...] = (
        ("locations", LocationsTab),
        ("chairs", ChairsTab),
        ("providers", ProvidersTab),
        ("types", TypesTab),
        ("staff", StaffTab),
    )

    @property
    def locations(self) -> LocationsTab:
        return cast(LocationsTab, self._tab("locations"))

    @property
    def chairs(self) -> ChairsTab:
        return cast(ChairsTab, self._tab("chairs"))

    @property
    def providers(self) -> ProvidersTab:
        return cast(ProvidersTab, self._tab("providers"))

    @property
    def types(self) -> TypesTab:
        return cast(TypesTab, self._tab("types"))

    @property
    def staff(self) -> StaffTab:
        return cast(StaffTab, self._tab("staff"))

    def _on_current(self, index: int) -> None:
        self._tab(self._TABS[index][0])

    def _tab(self, key: str) -> EditorTab[Any]:
        """The tab ``key``, built now in place of its empty page if it was not yet."""
        tab = self._built.get(key)
        if tab is not None:
            return tab
        index = [k for k, _make in self._TABS].index(key)
        tab = self._TABS[index][1](self.ctx)
        self._built[key] = tab
        self._set_up(key, tab)
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, tab, self.titles[index])
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        if placeholder is not None:
            placeholder.deleteLater()
        if self.data is not None:
            self._fill(key, tab, self.data)
        return tab

    def _set_up(self, key: str, tab: EditorTab[Any]) -> None:
        if key == "staff":
            tab.sig_saved.connect(self._on_staff_saved)
            tab.set_editable(self.is_admin)
            if not self.is_admin:
                tab.empty.setText(self.tr("Only an administrator sees and manages staff users and roles."))
                tab.form_box.hide()
                tab.show_archived.hide()
            return
        tab.sig_saved.connect(self._on_clinic_saved)
        tab.set_editable(self.can_edit)
        if isinstance(tab, ProvidersTab):
            tab.sig_open_schedules.connect(lambda: self.sig_show_screen.emit("schedules"))

    def refresh(self) -> None:
        self.ctx.ops.read(
            lambda s: adm.load_admin(s, self.ctx.actor), parent=self, on_done=self._show, background=False
        )

    def _show(self, data: adm.AdminData) -> None:
        self.data = data
        for key, tab in self._built.items():
            self._fill(key, tab, data)

    @staticmethod
    def _fill(key: str, tab: EditorTab[Any], data: adm.AdminData) -> None:
        if isinstance(tab, ChairsTab):
            tab.set_locations(data.locations)
        elif isinstance(tab, ProvidersTab):
            tab.set_chairs(data.chairs)
        tab.set_rows(getattr(data, key))

    # The rows were reloaded already: the write's changes reach this screen.
    def _on_clinic_saved(self, message: str) -> None:
        self.sig_clinic_changed.emit()  # the calendar, booking and schedules see the change
        self.sig_status.emit(message)

    def _on_staff_saved(self, message: str) -> None:
        self.sig_status.emit(message)
