"""Settings: clinic contact, patient links, messaging policy, SMS/email providers (secrets in the keyring)."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.access.security import IMPORT_DATA
from orca_desk.services.backups import auto_backup
from orca_desk.services.changes import Changes
from orca_desk.services.clinic import clinic_settings as cs
from orca_desk.services.errors import OrcaError
from orca_desk.services.links.patient_links import LINK_SECRET_ENV
from orca_desk.services.messaging.providers import config as provider_env
from orca_desk.services.phones import example_phone
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import hint as _hint
from orca_desk.ui.labels import time_edit_format
from orca_desk.ui.lazy_tabs import LazyTabs
from orca_desk.ui.screen import Screen
from orca_desk.views.settings.appearance import AppearanceBox
from orca_desk.views.settings.language_box import LanguageBox
from orca_desk.views.settings.provider_boxes import EmailBox, SmsBox
from orca_desk.views.settings.sections import (
    WARNING_STYLE,
    BackupBox,
    FeedsBox,
    ImportBox,
    SecretsPlace,
    TestMessageBox,
    secrets_place,
)

if TYPE_CHECKING:
    from orca_desk.views.settings.api_keys_tab import ApiKeysTab
    from orca_desk.views.settings.online_booking_tab import OnlineBookingTab
    from orca_desk.views.settings.templates_editor import TemplatesEditor

TEMPLATES_TAB = 1


class SettingsScreen(Screen):
    """Tabs: the clinic's settings, the message templates, the clinic API's keys and online booking."""

    watches = frozenset({"clinic_setting", "message_template", "api_key", "booking_review"})

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.loaded = cs.ClinicSettings()
        self.keyring_usable = False  # until the OS keyring has answered (off the UI thread)
        self._secrets_asked = 0
        self.tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self.tabs)
        # The API keys and online booking tabs (and services): built when shown. Kept on the screen:
        # a LazyTabs nobody holds is collected, and its pages would stay blank.
        self.pages = LazyTabs(self.tabs)
        self._build_settings_tab()
        # The templates editor is built, and its templates loaded, when its tab is first shown.
        self._templates: TemplatesEditor | None = None
        self.tabs.addTab(QWidget(), self.tr("Message templates"))
        self.tabs.currentChanged.connect(lambda i: self.templates if i == TEMPLATES_TAB else None)
        self.api_keys: ApiKeysTab | None = None
        self.pages.add(self._build_api_keys, self.tr("API keys"))
        self.online_booking: OnlineBookingTab | None = None
        self.pages.add(self._build_online_booking, self.tr("Online booking"))
        self.refresh()

    @property
    def templates(self) -> TemplatesEditor:
        """The message templates tab (built now if it was not yet)."""
        if self._templates is None:
            from orca_desk.views.settings.templates_editor import TemplatesEditor

            editor = self._templates = TemplatesEditor(self.ctx, load=False)
            editor.sig_status.connect(self.sig_status)
            placeholder, current = self.tabs.widget(TEMPLATES_TAB), self.tabs.currentIndex()
            self.tabs.blockSignals(True)
            self.tabs.removeTab(TEMPLATES_TAB)
            self.tabs.insertTab(TEMPLATES_TAB, editor, self.tr("Message templates"))
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            if placeholder is not None:
                placeholder.deleteLater()
        return self._templates

    def _build_api_keys(self) -> QWidget:
        from orca_desk.views.settings.api_keys_tab import ApiKeysTab

        self.api_keys = ApiKeysTab(self.ctx)
        return self.api_keys

    def _build_online_booking(self) -> QWidget:
        from orca_desk.views.settings.online_booking_tab import OnlineBookingTab

        self.online_booking = OnlineBookingTab(self.ctx)
        return self.online_booking

    # ----- building -----------------------------------------------------------------------
    def _build_settings_tab(self) -> None:
        # The page is in its tab, and the tabs in the screen, before its boxes go in: under the app's
        # style sheet every move of a filled page to a new parent restyles each of its fields again.
        inner = QWidget()
        scroll = self.settings_scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        self.tabs.addTab(scroll, self.tr("Clinic and messaging"))
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save settings"))
        self.save_button.setDefault(True)
        self.revert_button = QPushButton(self.tr("Revert"))
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.refresh)
        self.save_button.setAccessibleDescription(self.tr("Save the changes made on this page"))
        self.revert_button.setAccessibleDescription(self.tr("Drop the changes not yet saved"))
        # One column: side by side, the provider boxes' labels and fields pushed the page wider than
        # a 1280-px window (more so in Spanish), and it scrolled sideways with the right column cut.
        grid = QVBoxLayout()
        grid.setSpacing(12)
        for box in (
            self._build_clinic(),
            self._build_links(),
            self._build_policy(),
            self._build_sms(),
            self._build_email(),
            self._build_keyring_note(),
            self._build_feeds(),
            self._build_test_message(),
            self._build_backups(),
            self._build_import(),
            AppearanceBox(),
            LanguageBox(),
        ):
            grid.addWidget(box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error_label, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        il = QVBoxLayout(inner)
        il.setContentsMargins(0, 8, 0, 0)
        il.addLayout(grid)
        il.addLayout(buttons)
        il.addStretch(1)

    def _build_clinic(self) -> QGroupBox:
        self.clinic_name = QLineEdit()
        self.clinic_phone = QLineEdit()
        self.clinic_phone.setPlaceholderText(example_phone(self.ctx.clinic.country, in_full=True))
        self.time_format = QComboBox()
        self.time_format.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.clinic_name.setAccessibleDescription(self.tr("The clinic's name, as families read it"))
        self.clinic_phone.setAccessibleDescription(self.tr("The clinic's phone number, as families read it"))
        self.time_format.setAccessibleDescription(self.tr("Show times with a 12-hour or a 24-hour clock"))
        clinic = QGroupBox(self.tr("Clinic"))
        f = QFormLayout(clinic)
        f.addRow(self.tr("Name"), self.clinic_name)
        f.addRow(self.tr("Phone"), self.clinic_phone)
        f.addRow(_hint(self.tr("Shown on every patient-link page and in HELP replies.")))
        f.addRow(self.tr("Times"), self.time_format)
        f.addRow(_hint(self.tr("Every time shown is the location's local time, in this one format.")))
        return clinic

    def _build_links(self) -> QGroupBox:
        self.public_base_url = QLineEdit()
        self.public_base_url.setPlaceholderText(cs.DEFAULT_PUBLIC_BASE_URL)
        self.public_base_url.textChanged.connect(lambda _t: self._update_loopback_note())
        self.public_base_url.setAccessibleDescription(self.tr("The web address families' links point to"))
        self.public_url_note = _hint("")
        self.link_secret_note = _hint("")
        self.loopback_note = QLabel()
        self.loopback_note.setWordWrap(True)
        self.loopback_note.setObjectName("loopbackNote")
        self.loopback_note.setStyleSheet(f"QLabel#loopbackNote {{ {WARNING_STYLE} }}")
        self.loopback_note.hide()
        links = QGroupBox(self.tr("Patient links"))
        f = QFormLayout(links)
        f.addRow(self.tr("Public address"), self.public_base_url)
        f.addRow(self.public_url_note)
        f.addRow(self.loopback_note)
        f.addRow(self.link_secret_note)
        return links

    def _build_policy(self) -> QGroupBox:
        self.quiet_start = QTimeEdit()
        self.quiet_end = QTimeEdit()
        self.quiet_start.setAccessibleName(self.tr("Quiet hours start"))
        self.quiet_end.setAccessibleName(self.tr("Quiet hours end"))
        for t in (self.quiet_start, self.quiet_end):
            t.setDisplayFormat(time_edit_format(self.ctx.time_style()))
        self.daily_budget = QSpinBox()
        self.weekly_budget = QSpinBox()
        for sb in (self.daily_budget, self.weekly_budget):
            sb.setRange(0, 100)
            sb.setSuffix(self.tr(" messages"))
            sb.setMaximumWidth(160)
        self.allow_procedures = QCheckBox(self.tr("Allow procedure names in messages (e.g. “bonding”)"))
        for w, text in (
            (self.quiet_start, self.tr("When the quiet hours begin, in each patient's own time")),
            (self.quiet_end, self.tr("When the quiet hours end, in each patient's own time")),
            (self.daily_budget, self.tr("At most this many messages to one phone number a day")),
            (self.weekly_budget, self.tr("At most this many messages to one phone number a week")),
            (
                self.allow_procedures,
                self.tr("Messages may name the procedure; off keeps them to “your visit”"),
            ),
        ):
            w.setAccessibleDescription(text)
        policy = QGroupBox(self.tr("Messaging policy"))
        f = QFormLayout(policy)
        quiet = QHBoxLayout()
        quiet.addWidget(self.quiet_start)
        quiet.addWidget(QLabel(self.tr("to")))
        quiet.addWidget(self.quiet_end)
        quiet.addStretch(1)
        f.addRow(self.tr("Quiet hours"), quiet)
        f.addRow(
            _hint(
                self.tr(
                    "No messages in this window, judged in each patient's own time zone; "
                    "they wait for the next allowed time."
                )
            )
        )
        f.addRow(self.tr("Per phone number, per day"), self.daily_budget)
        f.addRow(self.tr("Per phone number, per week"), self.weekly_budget)
        f.addRow(self.allow_procedures)
        f.addRow(
            _hint(self.tr("Texts need recorded SMS consent; STOP and unsubscribe links are always honoured."))
        )
        self._build_waitlist_policy(f)
        return policy

    def _build_waitlist_policy(self, f: QFormLayout) -> None:
        self.waitlist_hold = QSpinBox()
        self.waitlist_hold.setRange(1, 48 * 60)  # the service says what is allowed, naming the field
        self.waitlist_hold.setSingleStep(15)
        self.waitlist_hold.setSuffix(self.tr(" minutes"))
        self.waitlist_hold.setMaximumWidth(160)
        self.waitlist_max_offers = QSpinBox()
        self.waitlist_max_offers.setRange(0, 99)
        self.waitlist_max_offers.setSuffix(self.tr(" offers"))
        self.waitlist_max_offers.setMaximumWidth(160)
        low, high = cs.WAITLIST_HOLD_RANGE
        self.waitlist_hold.setAccessibleDescription(
            self.tr("How long an offered opening is held for a family")
        )
        self.waitlist_max_offers.setAccessibleDescription(
            self.tr("At most this many openings offered to one entry")
        )
        f.addRow(self.tr("Waitlist hold"), self.waitlist_hold)
        f.addRow(self.tr("Offers per waitlist entry"), self.waitlist_max_offers)
        f.addRow(
            _hint(
                self.tr(
                    "An offered opening is held for the family this long ({low} minutes to "
                    "{value} hours) from the moment the text goes out; each entry is "
                    "offered at most this many openings. Both are told in the offer."
                ).format(low=low, value=high // 60)
            )
        )

    def _build_sms(self) -> QGroupBox:
        box = self.sms_box = SmsBox()
        self.sms_provider, self.twilio_sid, self.twilio_token = box.provider, box.sid, box.token
        self.twilio_from, self.twilio_service, self.twilio_inbound = box.from_number, box.service, box.inbound
        self.twilio_base, self.twilio_token_note = box.base, box.token_note
        self.sms_provider.currentIndexChanged.connect(lambda _i: self._update_enabled())
        return box

    def _build_email(self) -> QGroupBox:
        box = self.email_box = EmailBox()
        self.email_provider, self.sendgrid_key, self.sendgrid_from = box.provider, box.key, box.from_address
        self.sendgrid_base, self.sendgrid_key_note, self.email_rate = box.base, box.key_note, box.rate
        self.email_provider.currentIndexChanged.connect(lambda _i: self._update_enabled())
        return box

    def _build_keyring_note(self) -> QLabel:
        self.keyring_note = QLabel(self.tr("Looking for the OS keyring…"))
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setStyleSheet(
            "QLabel#keyringNote { background: #fff4d6; border: 1px solid #f0d58c;"
            " border-radius: 6px; padding: 8px 10px; }"
        )
        return self.keyring_note

    def _build_feeds(self) -> QGroupBox:
        self.feeds = FeedsBox(self.ctx)
        self.feeds.sig_status.connect(self.sig_status)
        self.feed_rows, self.feeds_button = self.feeds.rows, self.feeds.button
        return self.feeds

    def _build_test_message(self) -> QGroupBox:
        self.test_box = TestMessageBox(self.ctx)
        self.test_box.sig_status.connect(self.sig_status)
        self.test_channel, self.test_address = self.test_box.channel, self.test_box.address
        self.test_result = self.test_box.result
        return self.test_box

    def _build_backups(self) -> QGroupBox:
        self.backups = BackupBox(self.ctx)
        self.backup_folder, self.backup_choose = self.backups.folder, self.backups.choose
        self.backup_last, self.backup_warning = self.backups.last, self.backups.warning
        return self.backups

    def _build_import(self) -> QGroupBox:
        self.importing = ImportBox(self.ctx, self)
        self.importing.sig_status.connect(self.sig_status)
        self.import_patients_button = self.importing.patients_button
        self.import_appointments_button = self.importing.appointments_button
        return self.importing

    def send_test_message(self) -> bool:
        """Queue the test through the Outbox, then follow it for up to 30 s and say what happened."""
        return self.test_box.send()

    # ----- loading ------------------------------------------------------------------------
    def on_changes(self, changes: Changes) -> None:
        for tab in (self.api_keys, self.online_booking):
            if tab is not None:
                tab.on_changes(changes)
        # A template saved reloads only its tab: the clinic tab keeps its unsaved edits.
        if changes.touches({"clinic_setting"}):
            self.refresh()
        elif changes.touches(self.watches - {"api_key"}) and self._templates is not None:
            self._templates.on_changes(changes)

    def refresh(self) -> None:
        now = self.ctx.clock.now()
        self.ctx.ops.read(
            lambda s: (
                cs.load_settings(s),
                local_time.usual_time_format(s),
                auto_backup.status_in(s, now=now),
            ),
            parent=self,
            on_done=self._show,
            background=False,
        )

    def _show(self, loaded: tuple[cs.ClinicSettings, str, auto_backup.AutoBackupStatus]) -> None:
        self.loaded, usual, backup_status = loaded
        v = self.loaded
        self.time_format.clear()
        words = {"12h": self.tr("12-hour (3:15 PM)"), "24h": self.tr("24-hour (15:15)")}
        self.time_format.addItem(self.tr("Country default: {0}").format(words[usual]), "")
        for key, label in words.items():
            self.time_format.addItem(label, key)
        self.time_format.setCurrentIndex(max(self.time_format.findData(v.time_format), 0))
        self.clinic_name.setText(v.clinic_name)
        self.clinic_phone.setText(v.clinic_phone)
        self.public_base_url.setText(v.public_base_url)
        self.quiet_start.setTime(QTime(v.quiet_start.hour, v.quiet_start.minute))
        self.quiet_end.setTime(QTime(v.quiet_end.hour, v.quiet_end.minute))
        self.daily_budget.setValue(v.daily_budget_per_number)
        self.weekly_budget.setValue(v.weekly_budget_per_number)
        self.allow_procedures.setChecked(v.allow_procedure_names)
        self.waitlist_hold.setValue(v.waitlist_hold_minutes)
        self.waitlist_max_offers.setValue(v.waitlist_max_offers)
        self.sms_provider.setCurrentIndex(max(self.sms_provider.findData(v.sms_provider), 0))
        self.twilio_sid.setText(v.twilio_account_sid)
        self.twilio_from.setText(v.twilio_from)
        self.twilio_service.setText(v.twilio_messaging_service_sid)
        self.twilio_inbound.setText(v.twilio_inbound_numbers)
        self.twilio_base.setText(v.twilio_base_url)
        self.email_provider.setCurrentIndex(max(self.email_provider.findData(v.email_provider), 0))
        self.sendgrid_from.setText(v.sendgrid_from)
        self.sendgrid_base.setText(v.sendgrid_base_url)
        self.email_rate.setValue(v.email_rate_per_second)
        self.backup_folder.setText(v.backup_folder)
        self.backups.describe(backup_status)
        self.importing.set_allowed(self.ctx.actor.can(IMPORT_DATA))
        self.twilio_token.clear()
        self.sendgrid_key.clear()
        self.error_label.clear()
        self._describe_environment()
        self._update_enabled()
        if self._templates is not None and self._templates.loaded:
            self._templates.reload()

    def wait_until_loaded(self, timeout_ms: int = 10_000) -> bool:
        """Block until the background reads have been shown (the screenshot, tests)."""
        return self.ctx.ops.wait(timeout_ms)

    def _describe_environment(self) -> None:
        env_url = os.environ.get(cs.PUBLIC_BASE_URL_ENV, "").strip()
        self.public_url_note.setText(
            self.tr("Links in messages point here; run ‘orca-desk gateway’ behind it. ")
            + (
                self.tr("Overridden by {0}={1}.").format(cs.PUBLIC_BASE_URL_ENV, env_url)
                if env_url
                else self.tr("{0} overrides it when set.").format(cs.PUBLIC_BASE_URL_ENV)
            )
        )
        # Asking the OS keyring takes up to half a second (its backends are found, D-Bus asked).
        self._secrets_asked += 1
        asked = self._secrets_asked
        self.ctx.ops.read(
            lambda _s: secrets_place(),
            parent=self,
            on_done=lambda place: self._describe_secrets(place) if asked == self._secrets_asked else None,
        )

    def _describe_secrets(self, place: SecretsPlace) -> None:
        self.link_secret_note.setText(
            self.tr(
                "Links are signed with a secret kept {link_secret_location} — never in "
                "the database. Desks, the worker and the gateway that share a database "
                "must share it: set {LINK_SECRET_ENV} on each."
            ).format(link_secret_location=place.link_secret_location, LINK_SECRET_ENV=LINK_SECRET_ENV)
        )
        usable = self.keyring_usable = place.keyring_usable
        for field, note, name in (
            (self.twilio_token, self.twilio_token_note, provider_env.TWILIO_AUTH_TOKEN),
            (self.sendgrid_key, self.sendgrid_key_note, provider_env.SENDGRID_API_KEY),
        ):
            source = place.sources[name]
            if not usable:
                field.setPlaceholderText(self.tr("from the environment variable {name}").format(name=name))
                note.setText(
                    self.tr("Read from {name} ({value}).").format(
                        name=name, value=self.tr("set") if source == "environment" else self.tr("not set")
                    )
                )
            elif source == "environment":
                field.setPlaceholderText(self.tr("set by {name}").format(name=name))
                note.setText(
                    self.tr("{name} is set in the environment and wins over the keyring.").format(name=name)
                )
            elif source == "keyring":
                field.setPlaceholderText(self.tr("stored in the OS keyring — type to replace"))
                note.setText("")
            else:
                field.setPlaceholderText(self.tr("saved to the OS keyring, never the database"))
                note.setText("")
        if usable:
            self.keyring_note.setText(
                self.tr(
                    "Secrets (auth token, API key) are saved in the OS keyring "
                    "({keyring_name}), never in the database; an environment variable wins "
                    "when set."
                ).format(keyring_name=place.keyring_name)
            )
        else:
            names = ", ".join(cs.SECRET_NAMES)
            self.keyring_note.setText(
                self.tr(
                    "There is no OS keyring on this computer (keyring only has its ‘fail’ "
                    "backend, as on headless Linux and CI), so secrets cannot be saved "
                    "here: the environment variables {names} are used, and the secret "
                    "fields are disabled."
                ).format(names=names)
            )
        self._update_enabled()

    def _update_enabled(self) -> None:
        twilio = self.sms_provider.currentData() == "twilio"
        sendgrid = self.email_provider.currentData() == "sendgrid"
        twilio_fields = (self.twilio_sid, self.twilio_from, self.twilio_service, self.twilio_inbound)
        for w in (*twilio_fields, self.twilio_base):
            w.setEnabled(twilio)
        for field in (self.sendgrid_from, self.sendgrid_base, self.email_rate):
            field.setEnabled(sendgrid)
        usable = self.keyring_usable
        self.twilio_token.setEnabled(twilio and usable)
        self.sendgrid_key.setEnabled(sendgrid and usable)
        self._update_loopback_note()

    def _update_loopback_note(self) -> None:
        """Warn while real providers are chosen and the link address is this computer itself."""
        edited = self.edited()
        env = cs.provider_environment(edited, secret_reader=lambda _name: None)
        base = os.environ.get(cs.PUBLIC_BASE_URL_ENV, "").strip() or edited.public_base_url
        warning = cs.loopback_link_warning(base, env)
        self.loopback_note.setText(warning or "")
        self.loopback_note.setVisible(warning is not None)

    # ----- saving -------------------------------------------------------------------------
    def edited(self) -> cs.ClinicSettings:
        qs, qe = self.quiet_start.time(), self.quiet_end.time()
        return replace(
            self.loaded,
            clinic_name=self.clinic_name.text(),
            clinic_phone=self.clinic_phone.text(),
            public_base_url=self.public_base_url.text() or cs.DEFAULT_PUBLIC_BASE_URL,
            quiet_start=time(qs.hour(), qs.minute()),
            quiet_end=time(qe.hour(), qe.minute()),
            daily_budget_per_number=self.daily_budget.value(),
            weekly_budget_per_number=self.weekly_budget.value(),
            allow_procedure_names=self.allow_procedures.isChecked(),
            waitlist_hold_minutes=self.waitlist_hold.value(),
            waitlist_max_offers=self.waitlist_max_offers.value(),
            sms_provider=str(self.sms_provider.currentData()),
            twilio_account_sid=self.twilio_sid.text(),
            twilio_from=self.twilio_from.text(),
            twilio_messaging_service_sid=self.twilio_service.text(),
            twilio_inbound_numbers=self.twilio_inbound.text(),
            twilio_base_url=self.twilio_base.text(),
            email_provider=str(self.email_provider.currentData()),
            sendgrid_from=self.sendgrid_from.text(),
            sendgrid_base_url=self.sendgrid_base.text(),
            email_rate_per_second=round(self.email_rate.value(), 1),
            backup_folder=self.backup_folder.text(),
            time_format=str(self.time_format.currentData() or ""),
        )

    def save(self) -> bool:
        """Save every setting or none; secrets typed in go to the OS keyring after the settings."""
        self.error_label.clear()
        edited = self.edited()
        secrets = {
            name: field.text()
            for field, name in (
                (self.twilio_token, provider_env.TWILIO_AUTH_TOKEN),
                (self.sendgrid_key, provider_env.SENDGRID_API_KEY),
            )
            if field.isEnabled() and field.text().strip()
        }
        problems: list[str] = []
        # The secrets are stored before the changes reload the form, so its notes say where they are.
        if not self.ctx.ops.write(
            lambda s: cs.save_settings(s, self.ctx.actor, edited, now=self.ctx.clock.now()),
            parent=self,
            title=self.tr("Settings not saved"),
            on_refused=self._refused,
            on_done=lambda _saved: problems.extend(cs.store_secrets(secrets)),
        ):
            return False
        if problems:
            self.error_label.setText(self.tr("Settings saved, but: {value}").format(value=problems[0]))
            return False
        self.sig_status.emit(self.tr("Settings saved"))
        return True

    def _refused(self, exc: OrcaError) -> None:
        self.error_label.setText(language.say(str(exc)))
        self._focus(getattr(exc, "field", None))

    def _focus(self, field: str | None) -> None:
        widgets = {
            "clinic_name": self.clinic_name,
            "clinic_phone": self.clinic_phone,
            "quiet_start": self.quiet_start,
            "daily_budget_per_number": self.daily_budget,
            "weekly_budget_per_number": self.weekly_budget,
            "twilio_account_sid": self.twilio_sid,
            "twilio_from": self.twilio_from,
            "twilio_messaging_service_sid": self.twilio_service,
            "twilio_base_url": self.twilio_base,
            "sendgrid_from": self.sendgrid_from,
            "sendgrid_base_url": self.sendgrid_base,
            "public_base_url": self.public_base_url,
            "email_rate_per_second": self.email_rate,
            "twilio_inbound_numbers": self.twilio_inbound,
            "waitlist_hold_minutes": self.waitlist_hold,
            "waitlist_max_offers": self.waitlist_max_offers,
            "backup_folder": self.backup_folder,
            "time_format": self.time_format,
        }
        if (widget := widgets.get(field or "")) is not None:
            widget.setFocus()
