"""Calendar operations as undoable commands: one QUndoCommand per move, resize, status change, cancel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from orca_desk.services.booking.statuses import STATUS_LABELS, TRANSITIONS
from orca_desk.services.calendar.calendar_data import CalendarAppointment
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.undo import UndoStack

# (session, expected version) -> the changed appointment; the session and the row are the
# service's business, so the view names neither.
Session = Any
Appointment = Any
Action = Callable[[Session, int], Appointment]


@dataclass(frozen=True)
class Placement:
    start: datetime
    end: datetime
    chair_id: int
    provider_id: int


class CalendarOps:
    """Runs one calendar change as one unit of work and reports a refusal in words (Anki's operations)."""

    def __init__(self, ctx: AppContext, parent: QWidget, status: Callable[[str], None]) -> None:
        self.ctx = ctx
        self.parent = parent
        self.status = status

    def run(self, stack: UndoStack, appt_id: int, fallback_version: int, action: Action, done: str) -> bool:
        key = ("appointment", appt_id)
        # Versions only grow: the newer of what the screen showed and what our last edit left.
        expected = max(stack.versions.get(key, 0), fallback_version)

        def remember(version: int) -> None:
            stack.versions[key] = version

        # The operation's changes reload every calendar screen (hidden ones when next shown).
        ok = self.ctx.ops.write(
            lambda session: action(session, expected).version,
            parent=self.parent,
            on_done=remember,
            title=QCoreApplication.translate("CalendarOps", "Not changed"),
        )
        if ok:
            self.status(done)
        return ok


class CalendarCommand(QUndoCommand):
    """Applied once before it is pushed; an undo or redo the database refuses drops the command."""

    def __init__(self, ops: CalendarOps, stack: UndoStack, appt: CalendarAppointment, text: str) -> None:
        super().__init__(text)
        self.ops, self.stack, self.appt_id, self.version = ops, stack, appt.id, appt.version
        self.name = appt.patient_name
        self._skip_redo = False

    def forward(self, session: Session, expected: int) -> Appointment:
        raise NotImplementedError

    def backward(self, session: Session, expected: int) -> Appointment:
        raise NotImplementedError

    def done_text(self) -> str:
        return self.text()

    def apply_first(self) -> bool:
        """Do it now (with the version the user saw); push only when this returns True."""
        ok = self.ops.run(self.stack, self.appt_id, self.version, self.forward, self.done_text())
        self._skip_redo = ok
        return ok

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        if not self.ops.run(self.stack, self.appt_id, self.version, self.forward, f"Redone: {self.text()}"):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self.ops.run(self.stack, self.appt_id, self.version, self.backward, f"Undone: {self.text()}"):
            # The slot was taken or the appointment changed meanwhile: the database still shows the
            # change, so this command leaves the history rather than pretend it was undone.
            self.setObsolete(True)


class MoveCommand(CalendarCommand):
    def __init__(
        self, ops: CalendarOps, stack: UndoStack, appt: CalendarAppointment, to: Placement, text: str
    ) -> None:
        super().__init__(ops, stack, appt, text)
        self.before = Placement(appt.start, appt.end, appt.chair_id, appt.provider_id)
        self.after = to

    def _move(self, session: Session, expected: int, p: Placement) -> Appointment:
        from orca_desk.services.booking import booking

        return booking.move_appointment(
            session,
            self.ops.ctx.actor,
            self.appt_id,
            start=p.start,
            end=p.end,
            chair_id=p.chair_id,
            provider_id=p.provider_id,
            expected_version=expected,
            now=self.ops.ctx.clock.now(),
        )

    def forward(self, session: Session, expected: int) -> Appointment:
        return self._move(session, expected, self.after)

    def backward(self, session: Session, expected: int) -> Appointment:
        return self._move(session, expected, self.before)


class StatusCommand(CalendarCommand):
    def __init__(self, ops: CalendarOps, stack: UndoStack, appt: CalendarAppointment, status: str) -> None:
        label = language.say(STATUS_LABELS[status]).capitalize()
        super().__init__(ops, stack, appt, f"{label}: {appt.patient_name}")
        self.before, self.after = appt.status, status

    def forward(self, session: Session, expected: int) -> Appointment:
        from orca_desk.services.booking import booking

        return booking.set_status(
            session,
            self.ops.ctx.actor,
            self.appt_id,
            self.after,
            expected_version=expected,
            now=self.ops.ctx.clock.now(),
        )

    def backward(self, session: Session, expected: int) -> Appointment:
        # arrived → confirmed is not a transition; going back to "scheduled" keeps the confirmation.
        back = self.before if self.before in TRANSITIONS[self.after] else "scheduled"
        from orca_desk.services.booking import booking

        return booking.set_status(
            session,
            self.ops.ctx.actor,
            self.appt_id,
            back,
            expected_version=expected,
            now=self.ops.ctx.clock.now(),
        )


class CancelCommand(CalendarCommand):
    def __init__(self, ops: CalendarOps, stack: UndoStack, appt: CalendarAppointment, reason: str) -> None:
        super().__init__(ops, stack, appt, f"Cancel {appt.patient_name}")
        self.reason = reason

    def done_text(self) -> str:
        return f"Cancelled {self.name} ({self.reason})"

    def forward(self, session: Session, expected: int) -> Appointment:
        from orca_desk.services.booking import booking

        return booking.cancel_appointment(
            session,
            self.ops.ctx.actor,
            self.appt_id,
            reason=self.reason,
            expected_version=expected,
            now=self.ops.ctx.clock.now(),
        )

    def backward(self, session: Session, expected: int) -> Appointment:
        from orca_desk.services.booking import booking

        return booking.restore_appointment(
            session, self.ops.ctx.actor, self.appt_id, expected_version=expected, now=self.ops.ctx.clock.now()
        )


class NoShowCommand(CancelCommand):
    def __init__(self, ops: CalendarOps, stack: UndoStack, appt: CalendarAppointment) -> None:
        super().__init__(ops, stack, appt, "no-show")
        self.setText(
            QCoreApplication.translate("NoShowCommand", "No-show {patient_name}").format(
                patient_name=appt.patient_name
            )
        )

    def done_text(self) -> str:
        return f"{self.name} marked no-show"

    def forward(self, session: Session, expected: int) -> Appointment:
        from orca_desk.services.booking import booking

        return booking.mark_no_show(
            session, self.ops.ctx.actor, self.appt_id, expected_version=expected, now=self.ops.ctx.clock.now()
        )
