"""Setup page 7: messaging quiet hours."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QFormLayout, QLabel, QTimeEdit, QVBoxLayout

from orca_desk.services import clinic_setup as cs
from orca_desk.services.access.security import Actor
from orca_desk.services.clinic import setup_wizard as sw
from orca_desk.views.setup.base import SPEC_TIME, SetupPage, add_row, error_label, hint, time_edit_display


class MessagingPage(SetupPage):
    step = "messaging"

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Messaging"))
        self.setSubTitle(
            self.tr(
                "Reminders and confirmations go out by text and email. Until you connect "
                "an SMS or email service in Settings, messages stay on this computer "
                "(the “local” provider) and nothing is sent."
            )
        )
        self.quiet_start = QTimeEdit(QTime(21, 0))
        self.quiet_start.setObjectName("quietStart")
        self.quiet_end = QTimeEdit(QTime(8, 0))
        self.quiet_end.setObjectName("quietEnd")
        for t in (self.quiet_start, self.quiet_end):
            t.setDisplayFormat(time_edit_display())
            t.setMaximumWidth(100)
        self.inline = {"messaging.quiet_start": error_label(), "messaging.quiet_end": error_label()}
        form = QFormLayout()
        form.addRow(self.tr("Text messages"), QLabel(self.tr("local (kept in the Outbox, not sent)")))
        form.addRow(self.tr("Email"), QLabel(self.tr("local (kept in the Outbox, not sent)")))
        add_row(form, self.tr("Quiet hours from"), self.quiet_start, self.inline["messaging.quiet_start"])
        add_row(form, self.tr("until"), self.quiet_end, self.inline["messaging.quiet_end"])
        form.addRow(
            "",
            hint(
                self.tr(
                    "No automatic message is sent to patients between these times; "
                    "they wait until the quiet hours end."
                )
            ),
        )
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addStretch(1)
        lay.addWidget(
            hint(
                self.tr(
                    "Next saves this and gives the clinic its standard reminder, "
                    "confirmation and missed-visit sequences and message templates."
                )
            )
        )
        lay.addWidget(self.summary)
        self.quiet_start.timeChanged.connect(self.touch("messaging.quiet_start"))
        self.quiet_end.timeChanged.connect(self.touch("messaging.quiet_end"))

    def spec(self) -> cs.MessagingSpec:
        return cs.MessagingSpec(
            self.quiet_start.time().toString(SPEC_TIME), self.quiet_end.time().toString(SPEC_TIME)
        )

    def problems(self) -> list[cs.Problem]:
        return cs.messaging_problems(self.spec())

    def save(self, session: Any, actor: Actor, now: datetime) -> None:
        cs.save_messaging(session, actor, self.spec(), now=now)
        defaults, reissued = sw.finish(session, actor, shown=self.wiz().shown_usernames(), now=now)
        self.wiz().setup_finished(defaults, reissued)

    def load(self, saved: sw.SavedSetup) -> None:
        if saved.messaging.quiet_start:
            self.quiet_start.setTime(QTime.fromString(saved.messaging.quiet_start, SPEC_TIME))
        if saved.messaging.quiet_end:
            self.quiet_end.setTime(QTime.fromString(saved.messaging.quiet_end, SPEC_TIME))
