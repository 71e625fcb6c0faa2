"""The new-campaign wizard: audience with a live count and sample, A/B messages, schedule, review → launch."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from orca_desk.services import local_time
from orca_desk.services.campaigns.audience import AudienceCriteria, AudienceSummary, SampleRow, audience
from orca_desk.services.campaigns.rows import CampaignInput
from orca_desk.services.campaigns.variants import (
    VariantInput,
    campaign_templates,
    preview_message,
    variant_from_template,
)
from orca_desk.services.messaging.message_templates import sample_clinic
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import MEDIUM, date_format
from orca_desk.ui.labels import time_edit_format
from orca_desk.ui.rows_table import RowsModel, table
from orca_desk.ui.sms_counter import SmsCounter, clinic_link_address

STAGES = (("consult", "Consultation"), ("active", "Active treatment"), ("retention", "Retention"))
CUSTOM = QT_TRANSLATE_NOOP("VariantBox", "Custom text")


def _checklist(items: list[tuple[int, str]]) -> QListWidget:
    w = QListWidget()
    for key, label in items:
        it = QListWidgetItem(label)
        it.setData(Qt.ItemDataRole.UserRole, key)
        it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        it.setCheckState(Qt.CheckState.Unchecked)
        w.addItem(it)
    w.setMaximumHeight(90)
    return w


def _checked(w: QListWidget) -> tuple[int, ...]:
    return tuple(
        int(w.item(i).data(Qt.ItemDataRole.UserRole))
        for i in range(w.count())
        if w.item(i).checkState() == Qt.CheckState.Checked
    )


class AudiencePage(QWizardPage):
    """Who: criteria on the left, the live count and a sample on the right."""

    def __init__(self, wizard: CampaignWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Audience"))
        self.setSubTitle(
            self.tr(
                "Who should hear from us? Opted-out and recently contacted patients "
                "are left out automatically."
            )
        )
        layout = QHBoxLayout(self)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(self._build_criteria())
        lv.addStretch(1)
        layout.addWidget(left, 3)
        layout.addLayout(self._build_count(), 2)
        self.summary: AudienceSummary | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.update_count)
        for w in (self.not_seen, self.age_min, self.age_max, self.recent):
            w.valueChanged.connect(self._changed)
        for b in (self.use_not_seen, self.no_future, *self.stage_boxes.values()):
            b.toggled.connect(self._changed)
        self.types.itemChanged.connect(self._changed)
        self.locations.itemChanged.connect(self._changed)
        self.name.textChanged.connect(lambda _t: self.completeChanged.emit())

    def _build_fields(self) -> None:
        ctx = self.wiz.ctx
        self.name = QLineEdit("Retention check-in")
        self.use_not_seen = QCheckBox(self.tr("Not seen for at least"))
        self.use_not_seen.setChecked(True)
        self.not_seen = QSpinBox()
        self.not_seen.setRange(1, 3650)
        self.not_seen.setValue(270)
        self.not_seen.setSuffix(self.tr(" days"))
        self.no_future = QCheckBox(self.tr("No future appointment booked"))
        self.no_future.setChecked(True)
        self.stage_boxes = {key: QCheckBox(label) for key, label in STAGES}
        self.stage_boxes["retention"].setChecked(True)
        self.types = _checklist([(t.id, t.name) for t in ctx.clinic.types])
        self.locations = _checklist([(loc.id, loc.name) for loc in ctx.clinic.locations])
        self.age_min, self.age_max = QSpinBox(), QSpinBox()
        for box, special in ((self.age_min, "any"), (self.age_max, "any")):
            box.setRange(-1, 120)
            box.setSpecialValueText(special)
            box.setValue(-1)
        self.recent = QSpinBox()
        self.recent.setRange(0, 365)
        self.recent.setValue(14)
        self.recent.setSuffix(self.tr(" days"))

    def _build_criteria(self) -> QFormLayout:
        self._build_fields()
        form = QFormLayout()
        form.addRow(self.tr("Campaign name"), self.name)
        seen = QHBoxLayout()
        seen.addWidget(self.use_not_seen)
        seen.addWidget(self.not_seen)
        seen.addStretch(1)
        form.addRow(seen)
        form.addRow(self.no_future)
        stages = QHBoxLayout()
        for stage_box in self.stage_boxes.values():
            stages.addWidget(stage_box)
        stages.addStretch(1)
        form.addRow(self.tr("Treatment stage"), stages)
        form.addRow(self.tr("Had a visit of type"), self.types)
        form.addRow(self.tr("Home location"), self.locations)
        ages = QHBoxLayout()
        ages.addWidget(self.age_min)
        ages.addWidget(QLabel(self.tr("to")))
        ages.addWidget(self.age_max)
        ages.addWidget(QLabel(self.tr("years")))
        ages.addStretch(1)
        form.addRow(self.tr("Age"), ages)
        form.addRow(self.tr("Skip anyone contacted in the last"), self.recent)
        return form

    def _build_count(self) -> QVBoxLayout:
        """The live count and a sample of who it is."""
        self.count = QLabel("")
        self.count.setProperty("textRole", "headline")
        self.count.setWordWrap(True)
        self.sample = RowsModel[SampleRow](
            [
                (self.tr("Sample"), lambda r: r.name),
                (self.tr("Age"), lambda r: r.age or "—"),
                (self.tr("Stage"), lambda r: r.stage),
                (self.tr("Last visit"), lambda r: r.last_visit),
            ]
        )
        self.sample_view = table(self.sample, 0)
        right = QVBoxLayout()
        right.addWidget(self.count)
        right.addWidget(self.sample_view, 1)
        return right

    def _changed(self, *_args: object) -> None:
        self._timer.start()

    def criteria(self) -> AudienceCriteria:
        return AudienceCriteria(
            not_seen_days=self.not_seen.value() if self.use_not_seen.isChecked() else None,
            no_future_appointment=self.no_future.isChecked(),
            treatment_stages=tuple(k for k, b in self.stage_boxes.items() if b.isChecked()),
            appointment_type_ids=_checked(self.types),
            location_ids=_checked(self.locations),
            age_min=None if self.age_min.value() < 0 else self.age_min.value(),
            age_max=None if self.age_max.value() < 0 else self.age_max.value(),
            recently_contacted_days=self.recent.value(),
        )

    def update_count(self) -> None:
        """Recount the audience now (the wizard does this 250 ms after the last change)."""
        self._timer.stop()
        criteria, channels, now = self.criteria(), self.wiz.channels(), self.wiz.ctx.clock.now()
        self.wiz.ctx.ops.read(
            lambda s: audience(s, criteria, channels, now=now),
            parent=self,
            on_done=self._show_count,
            on_error=self._refused,
            background=False,
        )
        self.completeChanged.emit()

    def _show_count(self, summary: AudienceSummary) -> None:
        self.summary = summary
        self.count.setText(self._count_text(summary))
        self.sample.set_rows(list(summary.sample))

    def _count_text(self, summary: AudienceSummary) -> str:
        """The audience's count line in the desk's language (AudienceSummary.describe's, said)."""
        left = [
            text
            for n, text in (
                (summary.opted_out, self.tr("%n opted out", "", summary.opted_out)),
                (summary.unreachable, self.tr("%n without consent or address", "", summary.unreachable)),
                (
                    summary.recently_contacted,
                    self.tr("%n contacted recently", "", summary.recently_contacted),
                ),
            )
            if n
        ]
        head = self.tr("%n patient(s)", "", summary.eligible)
        if not left:
            return head
        return self.tr("{patients} ({matched} match; left out: {left})").format(
            patients=head, matched=summary.matched, left=", ".join(left)
        )

    def _refused(self, message: str) -> None:
        self.summary = None
        self.count.setText(message)
        self.sample.set_rows([])

    def initializePage(self) -> None:
        self.update_count()

    def isComplete(self) -> bool:
        return bool(self.name.text().strip()) and self.summary is not None and self.summary.eligible > 0


class VariantBox(QGroupBox):
    """One message variant: a template from the library (or custom text), its texts and its share."""

    def __init__(self, wizard: CampaignWizard, name: str, template_index: int) -> None:
        super().__init__(QCoreApplication.translate("VariantBox", "Variant {name}").format(name=name))
        self.wiz, self.variant_name = wizard, name
        self.template = QComboBox()
        for key, label in wizard.templates:
            self.template.addItem(label, key)
        self.template.addItem(self.tr(str(CUSTOM)), None)
        self.weight = QSpinBox()
        self.weight.setRange(1, 100)
        self.weight.setValue(1)
        self.sms = QPlainTextEdit()
        self.sms.setMaximumHeight(70)
        self.sms_counter = SmsCounter(
            wizard.link_address, country=wizard.ctx.clinic.country, clinic=sample_clinic(wizard.ctx.clinic)
        )
        self.sms_counter.attach(self.sms)
        self.subject = QLineEdit()
        self.email = QPlainTextEdit()
        self.email.setMaximumHeight(90)
        form = QFormLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.template, 1)
        top.addWidget(QLabel(self.tr("Split weight")))
        top.addWidget(self.weight)
        form.addRow(self.tr("Template"), top)
        form.addRow(self.tr("SMS"), self.sms)
        form.addRow("", self.sms_counter)
        form.addRow(self.tr("Email subject"), self.subject)
        form.addRow(self.tr("Email"), self.email)
        self.template.currentIndexChanged.connect(self._on_template)
        if wizard.templates:
            self.template.setCurrentIndex(min(template_index, len(wizard.templates) - 1))
            self._on_template()

    def _on_template(self, *_args: object) -> None:
        key = self.template.currentData()
        if not key:
            return
        clinic_id = self.wiz.ctx.clinic.id
        self.wiz.ctx.ops.read(
            lambda s: variant_from_template(s, clinic_id, self.variant_name, key),
            parent=self,
            on_done=self._show_variant,
            background=False,
        )

    def _show_variant(self, v: VariantInput) -> None:
        self.sms.setPlainText(v.sms_body)
        self.subject.setText(v.email_subject)
        self.email.setPlainText(v.email_body)

    def value(self) -> VariantInput:
        return VariantInput(
            self.variant_name,
            self.weight.value(),
            self.template.currentData(),
            self.sms.toPlainText(),
            self.subject.text(),
            self.email.toPlainText(),
        )


class MessagePage(QWizardPage):
    """How: channels, variant A (and B) from the template library, the split and the hold-out."""

    def __init__(self, wizard: CampaignWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Messages"))
        self.setSubTitle(
            self.tr(
                "Two variants test which message brings families back; the hold-out group gets "
                "nothing, so the lift is measured against doing nothing."
            )
        )
        self.sms = QCheckBox(self.tr("SMS"))
        self.sms.setChecked(True)
        self.email = QCheckBox(self.tr("Email"))
        self.email.setChecked(True)
        self.variant_a = VariantBox(wizard, "A", 0)
        self.variant_b = VariantBox(wizard, "B", 1)
        self.use_b = QCheckBox(self.tr("Test a second variant (A/B)"))
        self.use_b.setChecked(True)
        self.use_b.toggled.connect(self.variant_b.setEnabled)
        self.holdout = QSpinBox()
        self.holdout.setRange(0, 50)
        self.holdout.setValue(10)
        self.holdout.setSuffix(self.tr(" % hold-out (control, gets nothing)"))
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b71c1c;")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Channels:")))
        top.addWidget(self.sms)
        top.addWidget(self.email)
        top.addSpacing(20)
        top.addWidget(self.use_b)
        top.addSpacing(20)
        top.addWidget(self.holdout)
        top.addStretch(1)
        grid = QGridLayout()
        grid.addWidget(self.variant_a, 0, 0)
        grid.addWidget(self.variant_b, 0, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        layout.addWidget(self.problems)
        for w in (self.sms, self.email, self.use_b):
            w.toggled.connect(lambda _c: self.completeChanged.emit())

    def channels(self) -> tuple[str, ...]:
        return tuple(ch for ch, box in (("sms", self.sms), ("email", self.email)) if box.isChecked())

    def variants(self) -> tuple[VariantInput, ...]:
        return (
            (self.variant_a.value(), self.variant_b.value())
            if self.use_b.isChecked()
            else (self.variant_a.value(),)
        )

    def validatePage(self) -> bool:
        from orca_desk.services.campaigns.drafts import campaign_problems

        data = self.wiz.campaign_input()
        problems = campaign_problems(data)
        self.problems.setText("\n".join(problems))
        return not problems


class SchedulePage(QWizardPage):
    """When and how fast: the start, the send rate, the attribution window."""

    def __init__(self, wizard: CampaignWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Schedule"))
        self.setSubTitle(
            self.tr(
                "Messages go out at the send rate from the start; quiet hours and each family's "
                "contact budget still apply when each one is sent."
            )
        )
        zone = wizard.zone
        start = wizard.ctx.clock.now().astimezone(zone) + timedelta(hours=1)
        start = start.replace(minute=0, second=0, microsecond=0)
        self.start = QDateTimeEdit(QDateTime(start.year, start.month, start.day, start.hour, 0, 0))
        self.start.setDisplayFormat(f"{date_format(MEDIUM)} {time_edit_format(wizard.time_fmt)}")
        self.start.setCalendarPopup(True)
        self.rate = QSpinBox()
        self.rate.setRange(1, 10_000)
        self.rate.setValue(200)
        self.rate.setSuffix(self.tr(" messages / hour"))
        self.attribution = QSpinBox()
        self.attribution.setRange(1, 365)
        self.attribution.setValue(30)
        self.attribution.setSuffix(self.tr(" days"))
        form = QFormLayout(self)
        form.addRow(self.tr("Start ({key})").format(key=zone.key), self.start)
        form.addRow(self.tr("Send rate"), self.rate)
        form.addRow(self.tr("Count a booking as a result within"), self.attribution)

    def start_at(self) -> datetime:
        d = self.start.dateTime()
        local = datetime(
            d.date().year(),
            d.date().month(),
            d.date().day(),
            d.time().hour(),
            d.time().minute(),
            tzinfo=self.wiz.zone,
        )
        return local.astimezone(UTC)


class ReviewPage(QWizardPage):
    """Everything in one place before launching."""

    def __init__(self, wizard: CampaignWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Review and launch"))
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.launch_now = QCheckBox(self.tr("Launch when I click Finish (otherwise save as a draft)"))
        self.launch_now.setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.launch_now)

    def initializePage(self) -> None:
        d = self.wiz.campaign_input()
        summary = self.wiz.audience_page.summary
        reach = summary.eligible if summary else 0
        control = round(reach * d.holdout_percent / 100)
        hours = (reach - control) / max(1, d.send_rate_per_hour)
        split = " / ".join(f"{v.name} ({v.weight})" for v in d.variants)
        preview = preview_message(d.variants[0], "sms", clinic=sample_clinic(self.wiz.ctx.clinic))
        starts = local_time.fmt_datetime(d.start_at, self.wiz.zone, self.wiz.time_fmt)
        self.text.setText(
            self.tr(
                "<b>{name}</b><br>Audience: {value} — <b>{reach}</b> patients (about "
                "{control} held out as the control group)<br>Channels: "
                "{value2}<br>Variants: {split}<br>Starts {starts} at "
                "{send_rate_per_hour}/hour: about {hours:.1f} h of sending<br>Results: "
                "bookings within {attribution_days} days of each message, against the "
                "control group.<br><br><i>Preview of A (SMS):</i> {value3}"
            ).format(
                name=d.name,
                value=d.criteria.describe(),
                reach=reach,
                control=control,
                value2=", ".join(d.channels),
                split=split,
                starts=starts,
                send_rate_per_hour=d.send_rate_per_hour,
                hours=hours,
                attribution_days=d.attribution_days,
                value3=html.escape(preview),
            )
        )


class CampaignWizard(QWizard):
    """Creates (and launches) a campaign; ``campaign_id`` is set when Finish succeeds."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("New campaign"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.resize(1040, 680)
        tz = ctx.clinic.locations[0].timezone if ctx.clinic.locations else "UTC"
        self.zone = ZoneInfo(tz)
        self.templates: list[tuple[str, str]] = []
        self.time_fmt = ctx.time_style()
        self.ctx.ops.read(
            lambda s: (campaign_templates(s, ctx.clinic.id), local_time.clinic_time_format(s)),
            parent=self,
            on_done=self._set_library,
            background=False,
        )
        self.link_address = clinic_link_address(ctx, self)
        self.campaign_id: int | None = None
        self.error = ""
        self.message_page = MessagePage(self)
        self.audience_page = AudiencePage(self)
        self.schedule_page = SchedulePage(self)
        self.review_page = ReviewPage(self)
        for page in (self.audience_page, self.message_page, self.schedule_page, self.review_page):
            self.addPage(page)

    def _set_library(self, loaded: tuple[list[tuple[str, str]], str]) -> None:
        self.templates, self.time_fmt = loaded

    def channels(self) -> tuple[str, ...]:
        return self.message_page.channels() or ("sms",)

    def campaign_input(self) -> CampaignInput:
        return CampaignInput(
            self.audience_page.name.text().strip(),
            self.audience_page.criteria(),
            self.message_page.channels(),
            self.message_page.variants(),
            self.schedule_page.start_at(),
            self.schedule_page.rate.value(),
            self.schedule_page.attribution.value(),
            self.message_page.holdout.value(),
        )

    def save(self) -> bool:
        """Create the campaign and launch it (or keep it a draft); False with ``error`` set on failure."""
        from orca_desk.services.campaigns.launch import start_campaign

        data, launch = self.campaign_input(), self.review_page.launch_now.isChecked()
        actor, clinic_id, now = self.ctx.actor, self.ctx.clinic.id, self.ctx.clock.now()
        self.error = ""
        return self.ctx.ops.write(
            lambda s: start_campaign(s, actor, clinic_id, data, now=now, launch=launch),
            parent=self,
            title=self.tr("New campaign"),
            on_done=self._saved,
            on_error=self._refused,
        )

    def _saved(self, campaign_id: int) -> None:
        self.campaign_id = campaign_id

    def _refused(self, message: str) -> None:
        self.error = message

    def accept(self) -> None:
        if self.save():
            super().accept()
        else:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, self.tr("New campaign"), self.error)
