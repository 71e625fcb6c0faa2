"""The Reminders screen's Confirmations tab: when unconfirmed visits go to the call list, and
whether a declined visit's slot is released to the waitlist (managers edit; others read)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import reminders
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import hint as _hint


class ConfirmationSettingsPanel(QWidget):
    """Escalation time (1–168 h before the visit) and release-on-decline, saved together."""

    saved = Signal(str)  # a status-bar message

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.escalation = QSpinBox()
        self.escalation.setRange(1, 168)
        self.escalation.setSuffix(self.tr(" hours before the visit"))
        self.escalation.setObjectName("escalation_hours")
        self.release = QCheckBox(self.tr("Release the slot to the waitlist when a family declines"))
        self.release.setObjectName("release_on_decline")
        self.save = QPushButton(self.tr("Save"))
        self.save.clicked.connect(self.save_settings)
        self.escalation.setAccessibleDescription(
            self.tr("How many hours before the visit an unconfirmed family goes on the call list")
        )
        self.release.setAccessibleDescription(
            self.tr("On: a declined visit is cancelled and its time offered to the waitlist")
        )
        self.save.setAccessibleDescription(self.tr("Save the call time and the release setting"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("problems")
        box = QGroupBox(self.tr("Unconfirmed and declined visits"))
        box.setMaximumWidth(760)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.tr("Call families still unconfirmed"), self.escalation)
        form.addRow(
            _hint(
                self.tr(
                    "A call task is opened for them then. The Call list shows the next "
                    "business day's unconfirmed families at the location in the toolbar."
                )
            )
        )
        form.addRow(self.release)
        form.addRow(
            _hint(
                self.tr(
                    "The visit is cancelled as “declined by family” and a reschedule task is "
                    "opened. Off: the visit stays booked and flagged “needs reschedule”."
                )
            )
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.save)
        buttons.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addStretch(1)
        may_edit = reminders.may_manage(ctx.actor)
        for w in (self.escalation, self.release, self.save):
            w.setEnabled(may_edit)
        if not may_edit:
            self.message.setText(self.tr("Only a manager can change these."))
        self.refresh()

    def refresh(self) -> None:
        self.ctx.ops.read(
            lambda s: reminders.load_settings(s, with_secret=False),
            parent=self,
            on_done=self._show,
            on_error=self.message.setText,
            background=False,
        )

    def _show(self, current: reminders.ReminderSettings) -> None:
        self.escalation.setValue(current.escalation // timedelta(hours=1))
        self.release.setChecked(current.release_on_decline)

    def save_settings(self) -> bool:
        hours, release, now = self.escalation.value(), self.release.isChecked(), self.ctx.clock.now()
        return self.ctx.ops.write(
            lambda s: reminders.save_settings(
                s, self.ctx.actor, escalation_hours=hours, release_on_decline=release, now=now
            ),
            parent=self,
            on_done=self._saved,
            on_error=lambda message: self.message.setText(
                self.tr("Not saved: {message}").format(message=message)
            ),
        )

    def _saved(self, _result: object) -> None:
        self.message.setText("")
        self.saved.emit(self.tr("Confirmation settings saved"))
