"""The reminder sequence editor: its steps, the timeline, the live preview of each message."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.messaging.message_templates import default_templates, sample_clinic
from orca_desk.ui.context import AppContext
from orca_desk.ui.sms_counter import SmsCounter, clinic_link_address, segment_summary
from orca_desk.views.reminders.timeline import StepTimeline

# The reminders service (with its models) is imported where used: the screen opens without it and
# its first load, off the UI thread, brings it in.
if TYPE_CHECKING:
    from orca_desk.services import reminders
    from orca_desk.services.reminders import SequenceInput, StepInput


class SequenceEditor(QWidget):
    """Edit one sequence: name, types, default; steps on a timeline; the selected step's texts."""

    saved = Signal(str)  # the status line after a save

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sequence_id: int | None = None
        self.steps: list[StepInput] = []
        self.current = -1
        self._loading = False
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_head())
        self._build_steps()
        layout.addWidget(self.timeline)
        layout.addWidget(self.step_list)
        lower = QHBoxLayout()
        lower.addWidget(self._build_step_box(), 3)
        lower.addLayout(self._build_preview(), 2)
        layout.addLayout(lower, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_step)
        buttons.addWidget(self.remove_step)
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        layout.addLayout(buttons)

    # -- building ----------------------------------------------------------------------------

    def _build_head(self) -> QFormLayout:
        self.name = QLineEdit()
        self.is_default = QCheckBox(self.tr("Default (types without their own sequence)"))
        self.is_active = QCheckBox(self.tr("Active"))
        self.types = QListWidget()
        self.types.setMaximumHeight(86)
        for t in self.ctx.clinic.types:
            item = QListWidgetItem(t.name, self.types)
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        head = QFormLayout()
        head.addRow(self.tr("Name"), self.name)
        flags = QHBoxLayout()
        flags.addWidget(self.is_default)
        flags.addWidget(self.is_active)
        flags.addStretch(1)
        head.addRow("", flags)
        head.addRow(self.tr("Appointment types"), self.types)
        for w, text in (
            (self.name, self.tr("The sequence's name, as the desk sees it")),
            (self.is_default, self.tr("Use this sequence for appointment types that have none of their own")),
            (self.is_active, self.tr("Send this sequence's reminders; off keeps it without sending")),
            (self.types, self.tr("Tick the appointment types whose visits get this sequence")),
        ):
            w.setAccessibleDescription(text)
        return head

    def _build_steps(self) -> None:
        self.timeline = StepTimeline()
        self.timeline.sig_step_clicked.connect(self._select)
        self.step_list = QListWidget()
        self.step_list.setMaximumHeight(70)
        self.step_list.currentRowChanged.connect(self._select)
        self.add_step = QPushButton(self.tr("Add step"))
        self.remove_step = QPushButton(self.tr("Remove step"))
        self.add_step.clicked.connect(self._on_add_step)
        self.remove_step.clicked.connect(self._on_remove_step)
        self.step_list.setAccessibleName(self.tr("Steps"))
        self.step_list.setAccessibleDescription(
            self.tr("The reminders of this sequence; select one to edit it")
        )
        self.add_step.setAccessibleDescription(self.tr("Add a reminder step to this sequence"))
        self.remove_step.setAccessibleDescription(self.tr("Remove the selected step from this sequence"))

    def _build_step_box(self) -> QGroupBox:
        self.days, self.hours, self.minutes = QSpinBox(), QSpinBox(), QSpinBox()
        self.days.setRange(0, 60)
        self.hours.setRange(0, 23)
        self.minutes.setRange(0, 59)
        self.minutes.setSingleStep(15)
        for spin, suffix, name in (
            (self.days, self.tr(" d"), self.tr("Days before the visit")),
            (self.hours, self.tr(" h"), self.tr("Hours before the visit")),
            (self.minutes, self.tr(" min"), self.tr("Minutes before the visit")),
        ):
            spin.setSuffix(suffix)
            spin.setAccessibleName(name)
            spin.setAccessibleDescription(self.tr("How long before the visit this reminder is sent"))
            spin.valueChanged.connect(self._on_step_edited)
        self.sms = QCheckBox(self.tr("SMS"))
        self.email = QCheckBox(self.tr("Email"))
        self.asks = QCheckBox(self.tr("Asks to confirm"))
        for check in (self.sms, self.email, self.asks):
            check.toggled.connect(self._on_step_edited)
        self.template = QComboBox()
        self.template.addItem(self.tr("(own text)"), "")
        for key in dict.fromkeys(t.key for t in default_templates()):
            self.template.addItem(key, key)
        self.template.currentIndexChanged.connect(self._on_template_changed)
        for w, text in (
            (self.sms, self.tr("Send this step by text message")),
            (self.email, self.tr("Send this step by email")),
            (self.asks, self.tr("The message asks the family to confirm or decline the visit")),
            (self.template, self.tr("A saved message template for this step, or its own text below")),
        ):
            w.setAccessibleDescription(text)
        when = QHBoxLayout()
        for spin in (self.days, self.hours, self.minutes):
            when.addWidget(spin)
        when.addStretch(1)
        chans = QHBoxLayout()
        for check in (self.sms, self.email, self.asks):
            chans.addWidget(check)
        chans.addStretch(1)
        form = QFormLayout()
        # The row's label says the rest ("7 d 0 h 0 min"): a words label after the boxes was cut
        # off in a narrow window in Spanish.
        form.addRow(self.tr("Before the visit"), when)
        form.addRow(self.tr("Channels"), chans)
        form.addRow(self.tr("Template"), self.template)
        self._add_text_rows(form)
        self.step_box = QGroupBox(self.tr("Step"))
        self.step_box.setLayout(form)
        return self.step_box

    def _add_text_rows(self, form: QFormLayout) -> None:
        self.sms_text = QPlainTextEdit()
        self.sms_text.setPlaceholderText(
            self.tr("SMS text; variables like {patient_first_name}, {date}, {link}")
        )
        self.link_address = clinic_link_address(self.ctx, self)
        # The preview shows the sample.
        self.sms_counter = SmsCounter(
            self.link_address,
            show_sample=False,
            country=self.ctx.clinic.country,
            clinic=sample_clinic(self.ctx.clinic),
        )
        self.sms_counter.attach(self.sms_text)
        self.email_subject = QLineEdit()
        self.email_text = QPlainTextEdit()
        for edit in (self.sms_text, self.email_text):
            edit.setMaximumHeight(84)
            edit.textChanged.connect(self._on_step_edited)
        self.email_subject.textChanged.connect(self._on_step_edited)
        for w, text in (
            (
                self.sms_text,
                self.tr("The text message sent at this step; variables are filled for each family"),
            ),
            (self.email_subject, self.tr("The subject of the email sent at this step")),
            (self.email_text, self.tr("The email sent at this step; variables are filled for each family")),
        ):
            w.setAccessibleDescription(text)
        form.addRow(self.tr("SMS text"), self.sms_text)
        form.addRow("", self.sms_counter)
        form.addRow(self.tr("Email subject"), self.email_subject)
        form.addRow(self.tr("Email text"), self.email_text)

    def _build_preview(self) -> QVBoxLayout:
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setObjectName("reminderPreview")
        self.preview.setStyleSheet(
            "QLabel#reminderPreview { background: #f5f7fa; border: 1px solid #d0d7de;"
            " border-radius: 6px; padding: 8px; }"
        )
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b71c1c;")
        self.save = QPushButton(self.tr("Save sequence"))
        self.save.setDefault(True)
        self.save.clicked.connect(self._on_save)
        self.save.setAccessibleDescription(
            self.tr("Save this sequence; it applies to reminders not yet sent")
        )
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Preview (sample family)")))
        right.addWidget(self.preview, 1)
        right.addWidget(self.problems)
        return right

    # -- loading -----------------------------------------------------------------------------

    def load(self, seq: reminders.SequenceRow | None) -> None:
        from orca_desk.services import reminders

        self._loading = True
        data = (
            seq.as_input()
            if seq
            else replace(reminders.DEFAULT_SEQUENCE, name="New sequence", is_default=False)
        )
        self.sequence_id = seq.id if seq else None
        self.name.setText(data.name)
        self.is_default.setChecked(data.is_default)
        self.is_active.setChecked(data.is_active)
        for i in range(self.types.count()):
            item = self.types.item(i)
            item.setCheckState(
                Qt.CheckState.Checked
                if item.data(Qt.ItemDataRole.UserRole) in data.appointment_type_ids
                else Qt.CheckState.Unchecked
            )
        self.steps = list(data.steps)
        self._loading = False
        self._refresh_steps(0 if self.steps else -1)

    def data(self) -> SequenceInput:
        from orca_desk.services.reminders import SequenceInput

        ids = tuple(
            self.types.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.types.count())
            if self.types.item(i).checkState() == Qt.CheckState.Checked
        )
        return SequenceInput(
            self.name.text(), ids, self.is_active.isChecked(), self.is_default.isChecked(), tuple(self.steps)
        )

    def _step_text(self, st: reminders.StepInput) -> str:
        """``7 days before · email``, in the UI's language."""
        days, rest = divmod(st.offset_minutes, 24 * 60)
        hours, mins = divmod(rest, 60)
        parts = [self.tr("%n day(s)", "", days)] if days else []
        parts += [self.tr("{n} h").format(n=hours)] if hours else []
        parts += [self.tr("{n} min").format(n=mins)] if mins or not parts else []
        chans = " + ".join(self.tr("SMS") if c == "sms" else self.tr("email") for c in st.channels)
        ask = self.tr(" · asks to confirm") if st.asks_for_confirmation else ""
        return self.tr("{value} before · {chans}{ask}").format(
            value=" ".join(parts), chans=chans or self.tr("no channel"), ask=ask
        )

    def _refresh_steps(self, select: int) -> None:

        self._loading = True
        self.step_list.clear()
        for st in self.steps:
            self.step_list.addItem(self._step_text(st))
        self._loading = False
        self._select(select)

    def _select(self, index: int) -> None:
        if self._loading or index >= len(self.steps):
            return
        self.current = index
        self._loading = True
        self.step_list.setCurrentRow(index)
        self.step_box.setEnabled(index >= 0)
        if index >= 0:
            st = self.steps[index]
            days, rest = divmod(st.offset_minutes, 24 * 60)
            self.days.setValue(days)
            self.hours.setValue(rest // 60)
            self.minutes.setValue(rest % 60)
            self.sms.setChecked("sms" in st.channels)
            self.email.setChecked("email" in st.channels)
            self.asks.setChecked(st.asks_for_confirmation)
            self.template.setCurrentIndex(max(0, self.template.findData(st.template_key)))
            self._show_texts(st)
        self._loading = False
        self._update_views()

    def _show_texts(self, st: StepInput) -> None:
        from orca_desk.services import reminders

        clinic_id, language = self.ctx.clinic.id, self.ctx.clinic.language
        # The texts in the clinic's language, as its families get them (a Madrid practice's Spanish).
        self.ctx.ops.read(
            lambda s: (
                reminders.step_texts(s, clinic_id, st, "sms", language),
                reminders.step_texts(s, clinic_id, st, "email", language),
            ),
            parent=self,
            on_done=self._set_texts,
            background=False,
        )

    def _set_texts(self, texts: tuple[tuple[str | None, str], tuple[str | None, str]]) -> None:
        (_, sms), (subject, email) = texts
        self.sms_text.setPlainText(sms)
        self.email_subject.setText(subject or "")
        self.email_text.setPlainText(email)

    # -- editing -----------------------------------------------------------------------------

    def _edited_step(self) -> StepInput:
        from orca_desk.services import reminders

        st = self.steps[self.current]
        channels = tuple(c for c, box in (("sms", self.sms), ("email", self.email)) if box.isChecked())
        clinic_id, language = self.ctx.clinic.id, self.ctx.clinic.language
        defaults: list[tuple[tuple[str | None, str], tuple[str | None, str]]] = []
        self.ctx.ops.read(
            lambda s: (
                reminders.step_texts(s, clinic_id, replace(st, sms_body=None), "sms", language),
                reminders.step_texts(
                    s, clinic_id, replace(st, email_body=None, email_subject=None), "email", language
                ),
            ),
            parent=self,
            on_done=defaults.append,
            background=False,
        )
        if not defaults:
            return st
        (_, sms_default), (subj_default, email_default) = defaults[0]
        sms = self.sms_text.toPlainText()
        email = self.email_text.toPlainText()
        subject = self.email_subject.text()
        own_email = email != email_default or subject != (subj_default or "")
        return replace(
            st,
            offset_minutes=reminders.offset_minutes(
                self.days.value(), self.hours.value(), self.minutes.value()
            ),
            channels=channels,
            asks_for_confirmation=self.asks.isChecked(),
            sms_body=sms if sms != sms_default else None,
            email_subject=subject if own_email else None,
            email_body=email if own_email else None,
        )

    def _on_step_edited(self) -> None:

        if self._loading or self.current < 0:
            return
        self.steps[self.current] = self._edited_step()
        item = self.step_list.item(self.current)
        st = self.steps[self.current]
        if item is not None:
            item.setText(self._step_text(st))
        self._update_views()

    def _on_template_changed(self) -> None:
        if self._loading or self.current < 0:
            return
        st = replace(
            self.steps[self.current],
            template_key=self.template.currentData() or "",
            sms_body=None,
            email_subject=None,
            email_body=None,
        )
        self.steps[self.current] = st
        self._loading = True
        self._show_texts(st)
        self._loading = False
        self._update_views()

    def _on_add_step(self) -> None:
        from orca_desk.services.reminders import StepInput

        taken = {s.offset_minutes for s in self.steps}
        offset = 24 * 60  # a new step: the day before, by SMS, with the day-of template
        while offset in taken:
            offset += 60
        self.steps.append(StepInput(offset_minutes=offset, channels=("sms",), template_key="reminder.day_of"))
        self._refresh_steps(len(self.steps) - 1)

    def _on_remove_step(self) -> None:
        if self.current < 0:
            return
        del self.steps[self.current]
        self._refresh_steps(min(self.current, len(self.steps) - 1))

    def _update_views(self) -> None:
        from orca_desk.services import reminders

        self.timeline.set_steps(self.steps, self.current)
        self.sms_text.setEnabled(self.sms.isChecked())
        self.email_subject.setEnabled(self.email.isChecked())
        self.email_text.setEnabled(self.email.isChecked())
        clinic_id, data, sequence_id = self.ctx.clinic.id, self.data(), self.sequence_id
        step = self.steps[self.current] if 0 <= self.current < len(self.steps) else None
        self.ctx.ops.read(
            lambda s: (
                []
                if step is None
                else reminders.preview_step(
                    s, clinic_id, step, base_url=self.link_address, clinic=sample_clinic(self.ctx.clinic)
                ),
                reminders.sequence_problems(s, clinic_id, data, sequence_id=sequence_id),
            ),
            parent=self,
            on_done=self._show_checks,
            background=False,
        )

    def _show_checks(self, checks: tuple[list[reminders.StepPreview], list[str]]) -> None:
        previews, problems = checks
        parts = []
        if previews:
            for pv in previews:
                if pv.channel == "sms":
                    info = segment_summary(pv.segments) if pv.segments else ""
                    parts.append(f"<b>SMS</b> — {info}<br>{_html(pv.text) or '<i>(cannot render)</i>'}")
                else:
                    parts.append(f"<b>Email</b> — {_html(pv.subject)}<br>{_html(pv.text)}")
        self.preview.setText(
            "<br><br>".join(parts) or "<i>" + self.tr("Select a step to preview it.") + "</i>"
        )
        self.problems.setText("\n".join(f"• {p}" for p in problems))
        self.save.setEnabled(not problems)

    def _on_save(self) -> bool:
        from orca_desk.services import reminders

        now, clinic_id, data, sequence_id = (
            self.ctx.clock.now(),
            self.ctx.clinic.id,
            self.data(),
            self.sequence_id,
        )
        # A refusal is shown where the problems are listed (a modal box would hide the editor);
        # the changes reload the list, which then selects the saved sequence.
        return self.ctx.ops.write(
            lambda s: reminders.save_sequence(
                s, self.ctx.actor, clinic_id, data, now=now, sequence_id=sequence_id
            ),
            parent=self,
            on_done=self._saved,
            on_error=lambda message: self.problems.setText(
                self.tr("Not saved: {message}").format(message=message)
            ),
        )

    def _saved(self, sequence_id: int) -> None:
        self.sequence_id = sequence_id
        self.problems.setText("")
        self.saved.emit(
            self.tr("Saved “{value}”; upcoming visits re-planned").format(value=self.name.text().strip())
        )


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
