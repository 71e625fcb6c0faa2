"""The SMS and email provider boxes of the settings page (the screen reads and saves their fields)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from orca_desk.ui.labels import hint as _hint


def _combo() -> QComboBox:
    combo = QComboBox()
    # A long choice ("Local (messages stay in the Outbox…)") must not widen the page past the window.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(16)
    return combo


def _describe(pairs: tuple[tuple[QWidget, str], ...]) -> None:
    for w, text in pairs:
        w.setAccessibleDescription(text)


class SmsBox(QGroupBox):
    """Which service sends the texts, and the Twilio account's fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("SMS provider"))
        self.provider = _combo()
        self.provider.addItem(self.tr("Local (messages stay in the Outbox, “sent locally”)"), "local")
        self.provider.addItem(self.tr("Twilio"), "twilio")
        self.sid = QLineEdit()
        self.sid.setPlaceholderText(self.tr("AC…"))
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.from_number = QLineEdit()
        self.from_number.setPlaceholderText("+15551234567")
        self.service = QLineEdit()
        self.service.setPlaceholderText(self.tr("MG… (instead of a from number)"))
        self.inbound = QLineEdit()
        self.inbound.setPlaceholderText(self.tr("default: the account's numbers, listed at start"))
        self.base = QLineEdit()
        self.base.setPlaceholderText(self.tr("default: the real Twilio API"))
        self.token_note = _hint("")
        f = QFormLayout(self)
        f.addRow(self.tr("Provider"), self.provider)
        f.addRow(self.tr("Account SID"), self.sid)
        f.addRow(self.tr("Auth token"), self.token)
        f.addRow(self.token_note)
        f.addRow(self.tr("From number"), self.from_number)
        f.addRow(self.tr("Messaging service SID"), self.service)
        f.addRow(self.tr("Reply numbers"), self.inbound)
        f.addRow(self.tr("Base URL"), self.base)
        _describe(
            (
                (
                    self.provider,
                    self.tr("The service that sends text messages; Local keeps them in the Outbox"),
                ),
                (self.sid, self.tr("The Twilio account's SID, starting AC")),
                (self.token, self.tr("The Twilio account's secret token, kept in the OS keyring")),
                (self.from_number, self.tr("The phone number texts are sent from")),
                (self.service, self.tr("A Twilio messaging service to send from instead of one number")),
                (self.inbound, self.tr("The numbers families' replies arrive at, separated by commas")),
                (self.base, self.tr("Another address for the Twilio API, for testing; empty uses Twilio's")),
            )
        )


class EmailBox(QGroupBox):
    """Which service sends the emails, and the SendGrid account's fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Email provider"))
        self.provider = _combo()
        self.provider.addItem(self.tr("Local (messages stay in the Outbox, “sent locally”)"), "local")
        self.provider.addItem(self.tr("SendGrid"), "sendgrid")
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.from_address = QLineEdit()
        self.from_address.setPlaceholderText(self.tr("frontdesk@yourclinic.com"))
        self.base = QLineEdit()
        self.base.setPlaceholderText(self.tr("default: the real SendGrid API"))
        self.key_note = _hint("")
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.1, 100.0)
        self.rate.setDecimals(1)
        self.rate.setSingleStep(0.5)
        self.rate.setSuffix(self.tr(" per second"))
        self.rate.setMaximumWidth(160)
        f = QFormLayout(self)
        f.addRow(self.tr("Provider"), self.provider)
        f.addRow(self.tr("API key"), self.key)
        f.addRow(self.key_note)
        f.addRow(self.tr("From address"), self.from_address)
        f.addRow(_hint(self.tr("Emails show the clinic's name as the sender.")))
        f.addRow(self.tr("Send rate"), self.rate)
        f.addRow(self.tr("Base URL"), self.base)
        _describe(
            (
                (self.provider, self.tr("The service that sends emails; Local keeps them in the Outbox")),
                (self.key, self.tr("The SendGrid API key, kept in the OS keyring")),
                (self.from_address, self.tr("The address emails are sent from")),
                (self.rate, self.tr("At most this many emails a second")),
                (
                    self.base,
                    self.tr("Another address for the SendGrid API, for testing; empty uses SendGrid's"),
                ),
            )
        )
