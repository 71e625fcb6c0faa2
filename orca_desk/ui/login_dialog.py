"""Sign-in dialog for staff users; a one-time password must be replaced before the window opens."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.clock import Clock, SystemClock
from orca_desk.services.errors import OrcaError

# The database, the password rules and the operations load at the first sign-in attempt: a desk's
# dialog shows before SQLAlchemy loads (app.run_gui opens the database while the person types).
if TYPE_CHECKING:
    from orca_desk.db import Database
    from orca_desk.services.access.security import Actor
    from orca_desk.ui.operations import Operations


class LoginDialog(QDialog):
    """Username and password; ``actor`` is set only once the user may work (accepted).

    A user with a one-time password (new from setup, or reset) is shown a second page and
    must choose their own password there first; Cancel then signs nobody in.
    """

    def __init__(
        self,
        db: Database | Callable[[], Database],
        clinic_name: str,
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        """``db``: the database, or what opens it (called at the first sign-in attempt, if it
        has not been opened meanwhile)."""
        super().__init__(parent)
        self._db = db
        self._ops: Operations | None = None
        self.clock = clock or SystemClock()
        self.actor: Actor | None = None
        self._pending: Actor | None = None  # signed in with a one-time password, not changed yet
        self._one_time = ""
        self.setWindowTitle(self.tr("Sign in — Orca Desk"))
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        sign_in = QWidget()
        form = QFormLayout(sign_in)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Username"), self.username)
        form.addRow(self.tr("Password"), self.password)

        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_password = QLineEdit()
        self.repeat_password.setEchoMode(QLineEdit.EchoMode.Password)
        change = QWidget()
        change_form = QFormLayout(change)
        change_form.setContentsMargins(0, 0, 0, 0)
        self.change_intro = QLabel()
        self.change_intro.setWordWrap(True)
        change_form.addRow(self.change_intro)
        change_form.addRow(self.tr("New password"), self.new_password)
        change_form.addRow(self.tr("Type it again"), self.repeat_password)

        self.pages = QStackedWidget()
        self.pages.addWidget(sign_in)
        self.pages.addWidget(change)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{clinic_name}</b>")
        layout.addWidget(title)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @property
    def ops(self) -> Operations:
        """The dialog's own operations (before the window: nothing else to run them through)."""
        if self._ops is None:
            from orca_desk.db import Database
            from orca_desk.ui.operations import Operations

            db = self._db if isinstance(self._db, Database) else self._db()
            self._ops = Operations(db, self)
        return self._ops

    @property
    def changing_password(self) -> bool:
        return self.pages.currentIndex() == 1

    def _ok(self) -> None:
        if self.changing_password:
            self._try_change_password()
        else:
            self._try_sign_in()

    def _try_sign_in(self) -> None:
        from orca_desk.services.access.security import authenticate, must_change_password

        def sign_in(session: Any) -> tuple[Actor, bool]:
            actor = authenticate(session, self.username.text(), self.password.text())
            return actor, must_change_password(session, actor)

        def refused(message: str) -> None:
            self.error.setText(message)
            self.password.selectAll()
            self.password.setFocus()

        try:
            ops = self.ops
        except OrcaError:  # the database cannot be used: whoever opened it says why
            self.reject()
            return
        result: list[tuple[Actor, bool]] = []
        if not ops.read(
            sign_in,
            parent=self,
            on_done=result.append,
            on_error=refused,
            title=self.tr("Not signed in"),
            background=False,
        ):
            return
        actor, must_change = result[0]
        if must_change:
            from orca_desk.services.access.security import MIN_PASSWORD_LENGTH

            self._pending, self._one_time = actor, self.password.text()
            self.password.clear()
            self.change_intro.setText(
                self.tr(
                    "Welcome, {value}. You signed in with a one-time password: choose your "
                    "own now (at least {MIN_PASSWORD_LENGTH} characters, not your "
                    "username)."
                ).format(value=actor.display_name or actor.username, MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH)
            )
            self.error.clear()
            self.setWindowTitle(self.tr("Choose your password — Orca Desk"))
            self.pages.setCurrentIndex(1)
            self.new_password.setFocus()
            return
        self.actor = actor
        self.accept()

    def _try_change_password(self) -> None:
        assert self._pending is not None
        if self.new_password.text() != self.repeat_password.text():
            self.error.setText(self.tr("The two passwords differ; type the same password twice."))
            self.repeat_password.selectAll()
            self.repeat_password.setFocus()
            return
        pending = self._pending
        from orca_desk.services.access.security import change_password

        def refused(message: str) -> None:
            self.error.setText(message)
            self.new_password.selectAll()
            self.new_password.setFocus()

        if not self.ops.write(
            lambda s: change_password(
                s, pending, self._one_time, self.new_password.text(), now=self.clock.now()
            ),
            parent=self,
            on_error=refused,
            title=self.tr("Password not changed"),
        ):
            return
        self.actor, self._pending, self._one_time = self._pending, None, ""
        self.accept()
