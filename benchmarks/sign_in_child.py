"""A desk's morning start in one process: the app as a receptionist starts it, signing in as
someone who takes ``TYPING`` seconds to type; prints when the dialog showed, Enter, and the day painted.

Run by ``bench_sign_in`` (the times are ``time.monotonic()``, which the parent shares).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def main() -> int:
    url, username, password, typing_seconds, out = sys.argv[1:6]
    stamps: dict[str, float] = {}

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    from orca_desk import app as app_module
    from orca_desk.cli import main as orca_desk
    from orca_desk.ui.login_dialog import LoginDialog

    def sign_in_after_typing(dialog: LoginDialog) -> int:
        dialog.show()
        QApplication.processEvents()
        stamps["dialog"] = time.monotonic()
        typing = QEventLoop()  # the dialog's own loop runs while the person types
        QTimer.singleShot(int(float(typing_seconds) * 1000), typing.quit)
        typing.exec()
        dialog.username.setText(username)
        dialog.password.setText(password)
        stamps["enter"] = time.monotonic()
        dialog._ok()
        return int(dialog.result() or QDialog.DialogCode.Rejected.value)

    def painted(app: Any, window: Any, _db: Any, _ctx: Any) -> None:
        window.grab().save(out)
        stamps["day"] = time.monotonic()
        window.hide()
        app.quit()

    LoginDialog.exec = sign_in_after_typing  # type: ignore[assignment,method-assign]
    app_module._after_first_paint = painted  # type: ignore[assignment]
    status = orca_desk(["--database-url", url])
    print(json.dumps(stamps))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
