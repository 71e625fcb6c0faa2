"""Reschedule by hand: pick a date, a time and a chair (used when find-next-opening is not installed)."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QCoreApplication, QDate, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.calendar.calendar_data import CalendarAppointment
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import MEDIUM, date_format
from orca_desk.ui.feature_dialogs import OpeningRequest
from orca_desk.ui.labels import time_edit_format
from orca_desk.views.calendar.commands import Placement


class RescheduleDialog(QDialog):
    def __init__(self, ctx: AppContext, appt: CalendarAppointment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.appt = ctx, appt
        self.zone = ctx.clinic.location(appt.location_id).zone
        local = appt.start.astimezone(self.zone)
        self.setWindowTitle(self.tr("Reschedule {patient_name}").format(patient_name=appt.patient_name))
        self.date_edit = QDateEdit(QDate(local.year, local.month, local.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(date_format(MEDIUM))
        self.time_edit = QTimeEdit(QTime(local.hour, local.minute))
        self.time_edit.setDisplayFormat(time_edit_format(ctx.time_style()))
        self.chair_combo = QComboBox()
        for c in ctx.clinic.chairs:
            self.chair_combo.addItem(f"{c.name} · {ctx.clinic.location(c.location_id).name}", c.id)
        self.chair_combo.setCurrentIndex(self.chair_combo.findData(appt.chair_id))
        form = QFormLayout()
        form.addRow(self.tr("Date"), self.date_edit)
        form.addRow(self.tr("Time"), self.time_edit)
        form.addRow(self.tr("Chair"), self.chair_combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Move"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def placement(self) -> Placement:
        chair_id = int(self.chair_combo.currentData())
        zone = self.ctx.clinic.location(
            next(c.location_id for c in self.ctx.clinic.chairs if c.id == chair_id)
        ).zone
        d, t = self.date_edit.date(), self.time_edit.time()
        start = datetime.combine(
            datetime(d.year(), d.month(), d.day()).date(), time(t.hour(), t.minute()), tzinfo=zone
        )
        return Placement(start, start + (self.appt.end - self.appt.start), chair_id, self.appt.provider_id)


def reschedule_via_find_opening(
    parent: QWidget, ctx: AppContext, appt: CalendarAppointment
) -> Placement | None:
    """Pick one of the next openings (the Find next opening dialog) for this appointment's
    length; None when the user closed it."""
    request = OpeningRequest(
        title=QCoreApplication.translate(
            "reschedule_dialog", "Reschedule {patient_name}: next openings"
        ).format(patient_name=appt.patient_name),
        type_id=appt.type_id,
        minutes=int((appt.end - appt.start).total_seconds() // 60),
        provider_id=appt.provider_id,
    )
    o = ctx.dialogs.pick_opening(ctx, parent, request)
    return None if o is None else Placement(o.start, o.end, o.chair_id, o.provider_id)
