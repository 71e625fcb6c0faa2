"""Settings boxes beside the saved form (feeds, test message, backup, import) and where secrets live."""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.backups import auto_backup
from orca_desk.services.backups.backup import AUTO_BACKUP_KEEP_DAYS
from orca_desk.services.clinic import clinic_settings as cs
from orca_desk.services.links.patient_links import (
    IcalFeed,
    ical_feed_links,
    link_secret,
    link_secret_location,
    public_base_url,
)
from orca_desk.services.messaging import outbox
from orca_desk.services.phones import example_phone
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import hint

WARNING_STYLE = "background: #fff4d6; border: 1px solid #f0d58c; border-radius: 6px; padding: 6px 8px;"


@dataclass(frozen=True)
class SecretsPlace:
    """Where this computer keeps secrets: asking the OS keyring can take half a second."""

    keyring_usable: bool
    keyring_name: str
    link_secret_location: str
    sources: dict[str, cs.SecretSource]


def secrets_place() -> SecretsPlace:
    usable = cs.keyring_usable()
    return SecretsPlace(
        usable,
        cs.keyring_name() if usable else "",
        language.say(link_secret_location()),
        {name: cs.secret_source(name) for name in cs.SECRET_NAMES},
    )


class FeedsBox(QGroupBox):
    """Each provider's secret calendar-feed URL with a Copy button, signed only when asked."""

    sig_status = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(QCoreApplication.translate("FeedsBox", "Calendar feeds (iCal)"))
        self.ctx = ctx
        self.grid = QGridLayout(self)
        self.rows: list[tuple[QLabel, QLineEdit, QPushButton]] = []
        self.note = hint(
            self.tr(
                "Each provider's appointments (initials only) for "
                "calendar apps, served by ‘orca-desk gateway’."
            )
        )
        # Signed on demand: opening Settings must not mint links (or create the signing secret).
        self.button = QPushButton(self.tr("Show feed URLs"))
        self.button.clicked.connect(self.show_feeds)
        self.button.setAccessibleDescription(
            self.tr("Show each provider's calendar-feed address, ready to copy")
        )
        self.grid.addWidget(self.note, 0, 0, 1, 2)
        self.grid.addWidget(self.button, 0, 2)
        self.grid.setColumnStretch(1, 1)

    def show_feeds(self) -> None:
        """Fresh links (old ones stay valid)."""
        for row in self.rows:
            for w in row:
                self.grid.removeWidget(w)
                w.deleteLater()
        self.rows.clear()  # in place: the screen shows the same list
        self.grid.removeWidget(self.note)
        self.grid.removeWidget(self.button)
        feeds: list[IcalFeed] = []
        now = self.ctx.clock.now()
        if not self.ctx.ops.read(
            lambda s: ical_feed_links(s, secret=link_secret(), base_url=public_base_url(s), now=now),
            parent=self,
            on_done=feeds.extend,
            title=self.tr("No feed links"),
            background=False,
            on_error=lambda message: self.note.setText(
                self.tr("Feed links are not available: {message}").format(message=message)
            ),
        ):
            feeds = []
        else:
            self.note.setText(
                self.tr(
                    "Each provider's appointments (initials only) for calendar apps, served by ‘orca-desk "
                    "gateway’. Treat a link like a password: anyone who has it can read that calendar."
                )
                if feeds
                else self.tr("There are no providers yet.")
            )
        for i, feed in enumerate(feeds):
            self._add_row(i, feed)
        self.grid.addWidget(self.note, len(feeds), 0, 1, 2)
        self.grid.addWidget(self.button, len(feeds), 2)
        self.button.setText(self.tr("Refresh"))

    def _add_row(self, i: int, feed: IcalFeed) -> None:
        label = QLabel(feed.provider_name)
        field = QLineEdit(feed.url)
        field.setReadOnly(True)
        field.setCursorPosition(0)
        button = QPushButton(self.tr("Copy"))
        button.setToolTip(self.tr("Copy {provider_name}'s feed URL").format(provider_name=feed.provider_name))
        button.clicked.connect(lambda _c=False, url=feed.url, name=feed.provider_name: self._copy(url, name))
        self.grid.addWidget(label, i, 0)
        self.grid.addWidget(field, i, 1)
        self.grid.addWidget(button, i, 2)
        self.rows.append((label, field, button))

    def _copy(self, url: str, name: str) -> None:
        QGuiApplication.clipboard().setText(url)
        self.sig_status.emit(self.tr("Copied {name}'s calendar feed URL").format(name=name))


class TestMessageBox(QGroupBox):
    """Queue a test through the Outbox, then follow it for up to 30 s and say what happened."""

    sig_status = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(QCoreApplication.translate("TestMessageBox", "Send a test message"))
        self.ctx = ctx
        self.channel = QComboBox()
        self.channel.addItem(self.tr("Text (SMS)"), "sms")
        self.channel.addItem(self.tr("Email"), "email")
        self.address = QLineEdit()
        self.address.setPlaceholderText(
            self.tr("{phone} or you@yourclinic.com").format(
                phone=example_phone(ctx.clinic.country, in_full=True)
            )
        )
        self.button = QPushButton(self.tr("Send test message"))
        self.button.clicked.connect(self.send)
        self.channel.setAccessibleName(self.tr("Channel"))
        self.channel.setAccessibleDescription(self.tr("Send the test by text message or by email"))
        self.address.setAccessibleDescription(
            self.tr("The phone number or email address to send the test to")
        )
        self.button.setAccessibleDescription(self.tr("Send a test message through the Outbox and follow it"))
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setObjectName("testResult")
        row = QHBoxLayout()
        row.addWidget(self.channel)
        row.addWidget(self.address, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(
            hint(
                self.tr(
                    "It goes through the Outbox like any message, so quiet hours, STOP and "
                    "the saved provider settings apply; the automation sends it."
                )
            )
        )
        layout.addWidget(self.result)
        self._test_id: int | None = None
        self._polls = 0
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._poll)

    def send(self) -> bool:
        channel, address = str(self.channel.currentData()), self.address.text()
        queued: list[int] = []
        if not self.ctx.ops.write(
            lambda s: (
                outbox.queue_test_message(s, self.ctx.actor, channel, address, now=self.ctx.clock.now()).id
            ),
            parent=self,
            title=self.tr("Test message not queued"),
            on_done=queued.append,
            on_error=self.result.setText,
        ):
            return False
        self._test_id, self._polls = queued[0], 0
        self._poll()
        if self._test_id is not None:
            self.timer.start()
        return True

    def _poll(self) -> None:
        if self._test_id is None:
            self.timer.stop()
            return
        self._polls += 1
        test_id = self._test_id
        self.ctx.ops.read(
            lambda s: outbox.describe_test_message(s, test_id),
            parent=self,
            on_done=self._show_state,
            on_error=self.result.setText,
            background=False,
        )

    def _show_state(self, state: outbox.OutboxTestResult) -> None:
        self.result.setText(state.text)
        if state.final or self._polls > 30:
            self.timer.stop()
            self._test_id = None
            self.sig_status.emit(state.text)


class BackupBox(QGroupBox):
    """The folder for the daily backups (saved with the settings), the last one, and warnings."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setTitle(self.tr("Automatic backup"))
        self.ctx = ctx
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(self.tr("no folder chosen"))
        self.choose = QPushButton(self.tr("Choose…"))
        self.choose.clicked.connect(self._choose_folder)
        self.folder.setAccessibleDescription(self.tr("The folder the daily backups are written to"))
        self.choose.setAccessibleDescription(self.tr("Choose the folder for the daily backups"))
        self.last = QLabel()
        self.last.setObjectName("backupLast")
        self.last.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setObjectName("backupWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"QLabel#backupWarning {{ {WARNING_STYLE} }}")
        folder = QHBoxLayout()
        folder.addWidget(self.folder, 1)
        folder.addWidget(self.choose)
        f = QFormLayout(self)
        f.addRow(self.tr("Folder"), folder)
        f.addRow(self.last)
        f.addRow(self.warning)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self,
            self.tr("Folder for the daily backups"),
            self.folder.text() or os.path.expanduser("~"),
        )
        if chosen:
            self.folder.setText(chosen)

    def describe(self, st: auto_backup.AutoBackupStatus) -> None:
        for w in (self.folder, self.choose):
            w.setEnabled(st.applies)
        if not st.applies:
            self.last.setText(
                self.tr(
                    "This is a shared PostgreSQL database: back it up on its server "
                    "(‘orca-desk backup’ runs pg_dump)."
                )
            )
        elif st.last_local is not None:
            when = local_time.fmt_datetime(st.last_local, st.last_local.tzinfo, self.ctx.time_style())
            self.last.setText(
                self.tr("Last backup: {when}. One a day, the newest {keep} kept.").format(
                    when=when, keep=AUTO_BACKUP_KEEP_DAYS
                )
            )
        else:
            self.last.setText(
                self.tr(
                    "One a day, the newest {keep} kept, made by the desk that runs the automation."
                ).format(keep=AUTO_BACKUP_KEEP_DAYS)
            )
        self.warning.setText(self.tr(st.warning) if st.warning else "")
        self.warning.setVisible(bool(st.warning))


class ImportBox(QGroupBox):
    """Buttons that open the import wizard (patients, appointments)."""

    sig_status = Signal(str)

    def __init__(self, ctx: AppContext, owner: QWidget) -> None:
        super().__init__()
        self.setTitle(self.tr("Import from another program"))
        self.ctx, self.owner = ctx, owner
        self.patients_button = QPushButton(self.tr("Import patients…"))
        self.appointments_button = QPushButton(self.tr("Import appointments…"))
        self.patients_button.clicked.connect(lambda: self.open_import("patients"))
        self.appointments_button.clicked.connect(lambda: self.open_import("appointments"))
        self.patients_button.setAccessibleDescription(self.tr("Import patients from a CSV file"))
        self.appointments_button.setAccessibleDescription(self.tr("Import appointments from a CSV file"))
        row = QHBoxLayout()
        row.addWidget(self.patients_button)
        row.addWidget(self.appointments_button)
        row.addStretch(1)
        v = QVBoxLayout(self)
        v.addLayout(row)
        v.addWidget(
            hint(
                self.tr(
                    "CSV files: the generic format or an Open Dental export. You see what "
                    "would change before anything is imported; importing a file again "
                    "changes nothing."
                )
            )
        )
        v.addStretch(1)

    def set_allowed(self, allowed: bool) -> None:
        for button in (self.patients_button, self.appointments_button):
            button.setEnabled(allowed)
            button.setToolTip(
                "" if allowed else self.tr("Importing needs the permission to import data; ask a manager.")
            )

    def open_import(self, kind: str) -> None:
        self.ctx.dialogs.import_wizard(self.ctx, self.owner, kind, self.sig_status.emit)
