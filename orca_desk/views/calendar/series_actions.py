"""The calendar's series actions: "Repeat…" from an appointment and "Open series…" from an occurrence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox, QMenu, QPushButton, QWidget

from orca_desk.services.access.security import BOOK
from orca_desk.services.booking.booking import MOVABLE_STATUSES
from orca_desk.services.calendar.calendar_data import CalendarAppointment
from orca_desk.ui.context import AppContext

if TYPE_CHECKING:
    from orca_desk.views.calendar.booking_dialog import BookingDialog


def open_repeat_dialog(screen: QWidget, ctx: AppContext, a: CalendarAppointment) -> int | None:
    """Make ``a`` the first date of a new series; returns the series id when saved."""
    from orca_desk.views.calendar.recurrence_dialog import RecurrenceDialog

    minutes = int((a.end - a.start).total_seconds() // 60)
    dialog = RecurrenceDialog(
        ctx,
        patient_id=a.patient_id,
        patient_name=a.patient_name,
        provider_id=a.provider_id,
        chair_id=a.chair_id,
        type_id=a.type_id,
        start=a.start,
        minutes=minutes,
        appointment_id=a.id,
        parent=screen,
    )
    return dialog.series_id if dialog.exec() else None


def open_series_dialog(screen: QWidget, ctx: AppContext, a: CalendarAppointment) -> bool:
    """Show the series of ``a``; True when something was changed."""
    from orca_desk.views.calendar.series_dialog import SeriesDialog

    if a.series_id is None:
        return False
    dialog = SeriesDialog(ctx, series_id=a.series_id, appointment_id=a.id, parent=screen)
    dialog.exec()
    return dialog.changed


def add_series_actions(screen: QWidget, menu: QMenu, a: CalendarAppointment) -> None:
    """Append "Repeat…" (a plain appointment) or "Open series…" (an occurrence) to a context menu."""
    ctx: AppContext = screen.ctx  # type: ignore[attr-defined]
    if a.series_id is None:
        act = menu.addAction(QCoreApplication.translate("series_actions", "↻ Repeat…"))
        act.setEnabled(ctx.actor.can(BOOK) and a.status in MOVABLE_STATUSES)
        # The dialogs write through ctx.ops: their changes reload the book.
        act.triggered.connect(lambda: open_repeat_dialog(screen, ctx, a))
    else:
        act = menu.addAction(QCoreApplication.translate("series_actions", "↻ Open series…"))
        act.triggered.connect(lambda: open_series_dialog(screen, ctx, a))


def add_repeat_button(dialog: BookingDialog) -> QPushButton:
    """A "Repeat…" button in the booking dialog: the chosen patient, type and time start a series."""
    button = dialog.buttons.addButton(
        QCoreApplication.translate("series_actions", "↻ Repeat…"), QDialogButtonBox.ButtonRole.ActionRole
    )
    button.setObjectName("repeatButton")
    button.setAccessibleName(QCoreApplication.translate("series_actions", "Repeat"))
    button.setAccessibleDescription(
        QCoreApplication.translate(
            "series_actions", "Book a series of visits with these choices instead of one"
        )
    )
    button.clicked.connect(lambda: repeat_from_booking(dialog))
    return button


def repeat_from_booking(dialog: BookingDialog) -> int | None:
    """Open the recurrence editor with the booking dialog's choices; on save close the booking dialog."""
    from orca_desk.views.calendar.recurrence_dialog import RecurrenceDialog

    idx = dialog.results.currentIndex()
    if not idx.isValid():
        dialog.error.setText(
            QCoreApplication.translate(
                "series_actions", "Choose a patient first: type a name and pick one from the list."
            )
        )
        return None
    patient = dialog.model.row_at(idx.row())
    editor = RecurrenceDialog(
        dialog.ctx,
        patient_id=patient.id,
        patient_name=patient.name,
        provider_id=int(dialog.provider_combo.currentData()),
        chair_id=dialog.chair_id,
        type_id=int(dialog.type_combo.currentData()),
        start=dialog.start,
        minutes=dialog.minutes.value(),
        parent=dialog,
    )
    if not editor.exec() or editor.series_id is None:
        return None
    dialog.series_id = editor.series_id  # type: ignore[attr-defined]
    dialog.accept()
    return editor.series_id
