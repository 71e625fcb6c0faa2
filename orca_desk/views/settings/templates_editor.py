"""Message templates editor: list, edit with live validation, SMS segment counter and preview."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QTimer, Signal
from PySide6.QtGui import QColor, QShowEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.changes import Changes
from orca_desk.services.clinic.clinic_settings import messaging_policy
from orca_desk.services.links.patient_links import public_base_url
from orca_desk.services.messaging import message_templates as mt
from orca_desk.services.messaging.policy import MessagingPolicy
from orca_desk.services.messaging.render import VARIABLE_DESCRIPTIONS
from orca_desk.ui import language
from orca_desk.ui.accessibility import describe
from orca_desk.ui.context import AppContext
from orca_desk.ui.rows_table import PaddedDelegate, RowsListModel
from orca_desk.ui.sms_counter import segment_help, segment_summary

NON_GSM_HIGHLIGHT = "#ffd9d6"


class TemplatesEditor(QWidget):
    """Edits the clinic's message templates; nothing is saved until the template is valid."""

    sig_status = Signal(str)
    """A short message for the status bar ("Template saved")."""

    def __init__(self, ctx: AppContext, *, load: bool = True) -> None:
        """``load=False``: the templates load when the editor is first shown (a tab not yet seen)."""
        super().__init__()
        self.ctx = ctx
        self.policy = MessagingPolicy()
        self.link_address: str | None = None  # the clinic's public link address, for honest counts
        self.current: mt.TemplateRow | None = None
        self.loaded = False

        split = QSplitter()
        split.addWidget(self._build_list())
        split.addWidget(self._build_editor())
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        split.setSizes([300, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(split)

        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self.update_checks)
        self.body.textChanged.connect(lambda: self._debounce.start())
        self.subject.textChanged.connect(lambda _t: self._debounce.start())
        self.variable_combo.activated.connect(self._on_insert_variable)
        self.list.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(lambda: self._edit(self.current))
        if load:
            self.reload()

    def _build_list(self) -> QListView:
        self.model: RowsListModel[mt.TemplateRow] = RowsListModel(
            lambda r: (
                f"{r.name}\n{r.key} · {'SMS' if r.channel == 'sms' else self.tr('Email')}"
                f" · {language.language_name(r.language)}{'' if r.saved else ' · ' + self.tr('default')}"
            ),
            tooltip=lambda r: r.body,
        )
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setItemDelegate(PaddedDelegate(5, self.list))
        return self.list

    def _build_fields(self) -> None:
        self.name = QLineEdit()
        self.channel_label = QLabel()
        self.subject = QLineEdit()
        self.subject.setPlaceholderText(self.tr("Email subject, e.g. {patient_first_name}'s visit on {date}"))
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText(self.tr("Write the message; insert variables such as {first_name}."))
        self.variable_combo = QComboBox()
        self.variable_combo.addItem(self.tr("Insert a variable…"), None)
        for name, description in sorted(VARIABLE_DESCRIPTIONS.items()):
            self.variable_combo.addItem(f"{{{name}}} — {description}", name)
        self.counter = QLabel()
        self.counter.setObjectName("segmentCounter")
        self.non_gsm_label = QLabel()
        self.non_gsm_label.setObjectName("warningLabel")
        self.non_gsm_label.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setObjectName("errorLabel")
        self.problems.setWordWrap(True)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setObjectName("templatePreview")
        self.preview.setMaximumHeight(140)
        self.save_button = QPushButton(self.tr("Save template"))
        self.save_button.setDefault(True)
        self.revert_button = QPushButton(self.tr("Revert"))
        self._describe_fields()

    def _describe_fields(self) -> None:
        self.list.setAccessibleDescription(
            self.tr("Every message template by kind, channel and language; select one to edit it")
        )
        self.body.setAccessibleName(self.tr("Message text"))
        self.variable_combo.setAccessibleName(self.tr("Insert a variable"))
        self.preview.setAccessibleName(self.tr("Preview"))
        describe(
            (
                (self.name, self.tr("The template's name as staff see it in lists")),
                (self.subject, self.tr("The subject line of the email")),
                (self.body, self.tr("The message sent; variables in braces are filled in for each patient")),
                (self.variable_combo, self.tr("Choose a variable to insert at the cursor in the message")),
                (self.preview, self.tr("The message as a patient would read it, with sample values")),
                (self.revert_button, self.tr("Drop unsaved changes to this template")),
                (self.save_button, self.tr("Save this template; later messages use it")),
            )
        )

    def _build_editor(self) -> QWidget:
        self._build_fields()
        self.form = form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Channel"), self.channel_label)
        form.addRow(self.tr("Subject"), self.subject)
        editor = QWidget()
        el = QVBoxLayout(editor)
        el.setContentsMargins(8, 0, 0, 0)
        el.addLayout(form)
        el.addWidget(self.body, 2)
        tools = QHBoxLayout()
        tools.addWidget(self.variable_combo, 1)
        tools.addWidget(self.counter)
        el.addLayout(tools)
        el.addWidget(self.non_gsm_label)
        el.addWidget(self.problems)
        preview_title = QLabel(self.tr("Preview with sample values"))
        preview_title.setObjectName("sectionTitle")
        el.addWidget(preview_title)
        el.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        el.addLayout(buttons)
        return editor

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.reload()

    watches = frozenset({"message_template", "clinic_setting"})
    """The templates, and the settings their checks follow (the policy, the link address)."""

    def on_changes(self, changes: Changes) -> None:
        """This editor's own saves reload it (and only it: the clinic tab keeps its edits)."""
        if self.loaded and changes.touches(self.watches):
            self.reload()

    def reload(self) -> None:
        self.ctx.ops.read(
            lambda s: (mt.list_templates(s, self.ctx.clinic.id), messaging_policy(s), public_base_url(s)),
            parent=self,
            on_done=self._show,
            background=False,
        )

    def _show(self, loaded: tuple[list[mt.TemplateRow], MessagingPolicy, str]) -> None:
        self.loaded = True
        keep = (self.current.key, self.current.channel, self.current.language) if self.current else None
        rows, self.policy, self.link_address = loaded
        self.model.set_rows(rows)
        target = 0
        for i, r in enumerate(rows):
            if (r.key, r.channel, r.language) == keep:
                target = i
        if rows:
            self.list.setCurrentIndex(self.model.index(target))

    def select(self, key: str, channel: str, language: str = "en") -> bool:
        for i, r in enumerate(self.model.rows()):
            if (r.key, r.channel, r.language) == (key, channel, language):
                self.list.setCurrentIndex(self.model.index(i))
                return True
        return False

    def _on_selection_changed(self, _s: QItemSelection, _d: QItemSelection) -> None:
        indexes = self.list.selectionModel().selectedIndexes()
        self._edit(self.model.row_at(indexes[0].row()) if indexes else None)

    def _edit(self, row: mt.TemplateRow | None) -> None:
        self.current = row
        for w in (self.name, self.subject, self.body, self.save_button, self.revert_button):
            w.setEnabled(row is not None)
        if row is None:
            return
        self.name.setText(row.name)
        self.channel_label.setText(
            f"{self.tr('SMS (text message)') if row.channel == 'sms' else self.tr('Email')} · "
            f"{language.language_name(row.language)}"
        )
        self.subject.setText(row.subject or "")
        self.form.setRowVisible(self.subject, row.channel == "email")
        self.body.setPlainText(row.body)
        self.update_checks()

    def _on_insert_variable(self, index: int) -> None:
        name = self.variable_combo.itemData(index)
        if name:
            self.body.insertPlainText(f"{{{name}}}")
            self.body.setFocus()
        self.variable_combo.setCurrentIndex(0)

    def update_checks(self) -> mt.TemplateCheck | None:
        """Validate the draft, count SMS segments, mark non-GSM characters, render the preview."""
        if self.current is None:
            return None
        channel = self.current.channel
        check = mt.check_template(
            self.body.toPlainText(),
            self.subject.text(),
            channel,
            policy=self.policy,
            base_url=self.link_address,
            language=self.current.language,
            country=self.ctx.clinic.country,
            clinic=mt.sample_clinic(self.ctx.clinic),
        )
        if check.segments is not None:
            seg = check.segments
            capacity = seg.per_segment * max(seg.segments, 1)
            fallback = (
                " · over one segment, so “waitlist.offer_short” is sent instead"
                if self.current.key == "waitlist.offer" and seg.segments > 1
                else ""
            )
            self.counter.setText(f"{segment_summary(seg)} · {seg.units}/{capacity}{fallback}")
            self.counter.setToolTip(segment_help(seg))
        else:
            self.counter.setText(self.tr("{count} characters").format(count=len(check.preview)))
        if check.non_gsm:
            chars = ", ".join(f"“{c}” at character {pos}" for c, pos in check.non_gsm)
            self.non_gsm_label.setText(
                self.tr(
                    "Not in the GSM-7 alphabet: {chars}. The whole text is then sent as "
                    "UCS-2 (70 characters per segment); replace it (e.g. a straight ' for "
                    "’) to save segments."
                ).format(chars=chars)
            )
        else:
            self.non_gsm_label.setText("")
        self._highlight(check)
        self.problems.setText("\n".join(check.problems))
        preview = check.preview
        if check.subject_preview:
            preview = self.tr("Subject: {subject}").format(subject=check.subject_preview) + f"\n\n{preview}"
        self.preview.setPlainText(preview)
        return check

    def _highlight(self, check: mt.TemplateCheck) -> None:
        text = self.body.toPlainText()
        marks = {c for c, _ in check.non_gsm}
        selections: list[QTextEdit.ExtraSelection] = []
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(NON_GSM_HIGHLIGHT))
        for i, ch in enumerate(text):
            if ch in marks:
                sel = QTextEdit.ExtraSelection()
                cursor = QTextCursor(self.body.document())
                cursor.setPosition(i)
                cursor.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
                sel.cursor = cursor  # type: ignore[attr-defined]
                sel.format = fmt  # type: ignore[attr-defined]
                selections.append(sel)
        self.body.setExtraSelections(selections)

    def save(self) -> bool:
        row = self.current
        if row is None:
            return False
        # Its changes then reload the list, keeping the saved template chosen.
        return self.ctx.ops.write(
            lambda s: mt.save_template(
                s,
                self.ctx.actor,
                self.ctx.clinic.id,
                key=row.key,
                channel=row.channel,
                language=row.language,
                name=self.name.text(),
                subject=self.subject.text(),
                body=self.body.toPlainText(),
                now=self.ctx.clock.now(),
                policy=messaging_policy(s),
            ),
            parent=self,
            title=self.tr("Template not saved"),
            on_done=self._saved,
            on_error=self.problems.setText,
        )

    def _saved(self, saved: mt.TemplateRow) -> None:
        self.current = saved
        self.problems.setText("")
        self.sig_status.emit(self.tr("Template “{name}” saved").format(name=saved.name))
