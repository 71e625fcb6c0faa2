"""Administration: the clinic's locations, chairs, providers, appointment types and staff users.

Managers edit the clinic; only administrators manage staff users and roles; other staff see the
set-up read-only, with a line saying why. Every rule is in ``services/administration/``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout

from orca_desk.services import administration as adm
from orca_desk.services.security import ADMIN, MANAGE_CLINIC
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
        self.locations = LocationsTab(ctx)
        self.chairs = ChairsTab(ctx)
        self.providers = ProvidersTab(ctx)
        self.types = TypesTab(ctx)
        self.staff = StaffTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.locations, self.tr("Locations"))
        self.tabs.addTab(self.chairs, self.tr("Chairs"))
        self.tabs.addTab(self.providers, self.tr("Providers"))
        self.tabs.addTab(self.types, self.tr("Appointment types"))
        self.tabs.addTab(self.staff, self.tr("Staff users"))
        clinic_tabs: list[EditorTab] = [self.locations, self.chairs, self.providers, self.types]  # type: ignore[type-arg]
        for tab in clinic_tabs:
            tab.sig_saved.connect(self._on_clinic_saved)
        self.staff.sig_saved.connect(self._on_staff_saved)
        self.providers.sig_open_schedules.connect(lambda: self.sig_show_screen.emit("schedules"))

        can_edit = ctx.actor.can(MANAGE_CLINIC)
        is_admin = ctx.actor.can(ADMIN)
        for tab in clinic_tabs:
            tab.set_editable(can_edit)
        self.staff.set_editable(is_admin)
        if not is_admin:
            self.staff.empty.setText(self.tr("Only an administrator sees and manages staff users and roles."))
            self.staff.form_box.hide()
            self.staff.show_archived.hide()
        if not can_edit:
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

    def refresh(self) -> None:
        self.ctx.ops.read(
            lambda s: adm.load_admin(s, self.ctx.actor), parent=self, on_done=self._show, background=False
        )

    def _show(self, data: adm.AdminData) -> None:
        self.data = data
        self.chairs.set_locations(data.locations)
        self.providers.set_chairs(data.chairs)
        self.locations.set_rows(data.locations)
        self.chairs.set_rows(data.chairs)
        self.providers.set_rows(data.providers)
        self.types.set_rows(data.types)
        self.staff.set_rows(data.staff)

    # The rows were reloaded already: the write's changes reach this screen.
    def _on_clinic_saved(self, message: str) -> None:
        self.sig_clinic_changed.emit()  # the calendar, booking and schedules see the change
        self.sig_status.emit(message)

    def _on_staff_saved(self, message: str) -> None:
        self.sig_status.emit(message)
