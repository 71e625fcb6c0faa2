"""Help → About: the version, what it runs on, which database and where the log is (for support)."""

from __future__ import annotations

import platform
import sys

import PySide6
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from orca_desk import __version__
from orca_desk.db import Database
from orca_desk.diagnostics import log_dir
from orca_desk.ui.theme import icon


def database_kind(db: Database) -> str:
    """What the desk works on, without a password: the SQLite file or the PostgreSQL server."""
    if db.is_sqlite:
        return QCoreApplication.translate("AboutDialog", "SQLite, this computer only: {path}").format(
            path=db.url.database or "in memory"
        )
    where = f"{db.url.host or 'localhost'}:{db.url.port or 5432}/{db.url.database or ''}"
    return QCoreApplication.translate("AboutDialog", "PostgreSQL, shared by the desks: {where}").format(
        where=where
    )


def running_from() -> str:
    # A support desk asks first whether this is the installed build or a developer's checkout.
    if getattr(sys, "frozen", False):
        return QCoreApplication.translate("AboutDialog", "installed build")
    return QCoreApplication.translate("AboutDialog", "Python source ({path})").format(path=sys.prefix)


class AboutDialog(QDialog):
    """Facts a support desk asks for, each selectable, and one button that copies them all."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About Orca Desk"))
        logo = QLabel()
        logo.setPixmap(icon("logo").pixmap(48, 48))
        title = QLabel(self.tr("<b>Orca Desk</b> {version}").format(version=__version__))
        title.setObjectName("aboutTitle")
        tagline = QLabel(self.tr("Front-desk scheduling for orthodontic practices."))
        self.facts: list[tuple[str, str]] = [
            (self.tr("Version"), __version__),
            (self.tr("Running from"), running_from()),
            (self.tr("Python"), platform.python_version()),
            (
                self.tr("Qt"),
                self.tr("{qt} (PySide6 {pyside})").format(qt=qVersion(), pyside=PySide6.__version__),
            ),
            (self.tr("System"), platform.platform(terse=True)),
            (self.tr("Database"), database_kind(db)),
            (self.tr("Log folder"), str(log_dir())),
        ]
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for name, value in self.facts:
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            shown.setAccessibleName(name)
            form.addRow(f"{name}:", shown)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(self.tr("Copy details"))
        copy.setToolTip(self.tr("Copy these details for a support request"))
        copy.clicked.connect(self.copy_details)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(logo)
        layout.addWidget(title)
        layout.addWidget(tagline)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def details(self) -> str:
        return "\n".join(f"{name}: {value}" for name, value in self.facts)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())
