"""The Reminders screen: sequences with a step timeline, live message preview, validation; analytics;
confirmation settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.changes import Changes
from orca_desk.ui.context import AppContext
from orca_desk.ui.lazy_tabs import LatestRead, LazyTabs
from orca_desk.ui.screen import Screen
from orca_desk.views.reminders.sequence_editor import SequenceEditor

# The reminders service (with its models) is imported where used: the screen opens without it and
# its first load, off the UI thread, brings it in.
if TYPE_CHECKING:
    from orca_desk.services import reminders
    from orca_desk.views.reminders.analytics_panel import AnalyticsPanel
    from orca_desk.views.reminders.confirmation_settings import ConfirmationSettingsPanel


def _list_sequences(session: Any, clinic_id: int) -> list[reminders.SequenceRow]:
    from orca_desk.services import reminders

    return reminders.list_sequences(session, clinic_id)


# What each tab shows: a change elsewhere leaves the others (and the editor's unsaved edits) alone.
SEQUENCE_TABLES = frozenset({"reminder_sequence", "reminder_step", "appointment_type", "message_template"})
ANALYTICS_TABLES = frozenset(
    {
        "planned_reminder",
        "outbox_message",
        "outbox_event",
        "confirmation_request",
        "inbound_message",
        "appointment",
    }
)
SETTINGS_TABLES = frozenset({"clinic_setting"})


class RemindersScreen(Screen):
    """Reminder sequences (list + editor with timeline and preview) and their analytics."""

    watches = SEQUENCE_TABLES | ANALYTICS_TABLES | SETTINGS_TABLES

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.sequences = QListWidget()
        self.sequences.currentRowChanged.connect(self._on_sequence_selected)
        self.new_button = QPushButton(self.tr("New sequence"))
        self.editor = SequenceEditor(ctx)
        self.editor.saved.connect(self.sig_status.emit)
        self.new_button.clicked.connect(lambda: self.editor.load(None))
        self.sequences.setAccessibleDescription(self.tr("The reminder sequences; select one to edit it"))
        self.new_button.setAccessibleDescription(self.tr("Start a new reminder sequence in the editor"))
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel(self.tr("Sequences")))
        lv.addWidget(self.sequences, 1)
        lv.addWidget(self.new_button)
        # The editor is taller than a 1280×720 window leaves it: it scrolls instead of growing the window.
        editor_scroll = QScrollArea()
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setFrameShape(QFrame.Shape.NoFrame)
        editor_scroll.setWidget(self.editor)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(editor_scroll)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setSizes([220, 900])
        self.analytics: AnalyticsPanel | None = None
        self.confirmations: ConfirmationSettingsPanel | None = None
        # The analytics (with QtCharts) and confirmations tabs are built when first shown.
        self.tabs = QTabWidget()
        self.pages = LazyTabs(self.tabs)
        self.tabs.addTab(split, self.tr("Sequences"))
        self.pages.add(self._build_analytics, self.tr("Analytics"))
        self.pages.add(self._build_confirmations, self.tr("Confirmations"))
        self.tabs.currentChanged.connect(
            lambda i: self.analytics.refresh() if i == 1 and self.analytics else None
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._rows: list[reminders.SequenceRow] = []
        self.sequences_load: LatestRead[tuple[list[reminders.SequenceRow], int | None, Literal[12, 24]]] = (
            LatestRead(
                lambda: self.ctx.ops, self, lambda loaded: self._show_sequences(*loaded), self._load_failed
            )
        )
        self.reload_sequences()

    def _on_tab_changed(self, index: int) -> None:
        if index == 1 and self.analytics is not None:
            self.analytics.refresh()

    def _build_analytics(self) -> QWidget:
        from orca_desk.views.reminders.analytics_panel import AnalyticsPanel

        self.analytics = AnalyticsPanel(self.ctx)
        return self.analytics

    def _build_confirmations(self) -> QWidget:
        from orca_desk.views.reminders.confirmation_settings import ConfirmationSettingsPanel

        self.confirmations = ConfirmationSettingsPanel(self.ctx)
        self.confirmations.saved.connect(self.sig_status.emit)
        return self.confirmations

    def reload_sequences(self, select_id: int | None = None) -> None:
        """Load the sequences off the UI thread, then show them and select ``select_id``."""
        clinic_id = self.ctx.clinic.id
        # With the clock the clinic's texts are written on: the SMS count is of the text as sent.
        self.sequences_load.start(
            lambda s: (_list_sequences(s, clinic_id), select_id, local_time.message_hour_format(s))
        )

    def _load_failed(self, message: str) -> None:
        QMessageBox.warning(self, QCoreApplication.translate("Operations", "Could not load"), message)

    def wait_until_loaded(self, timeout_ms: int = 10_000) -> bool:
        """Block until the sequences loading off the UI thread have been shown (the screenshot, tests)."""
        return self.sequences_load.wait(timeout_ms)

    def _show_sequences(
        self, rows: list[reminders.SequenceRow], select_id: int | None, hour_format: Literal[12, 24]
    ) -> None:
        self._rows = rows
        self.editor.sms_counter.hour_format = hour_format
        self.sequences.blockSignals(True)
        self.sequences.clear()
        for row in self._rows:
            tags = [self.tr("default")] if row.is_default else []
            if row.type_names:
                tags.append(", ".join(row.type_names))
            if not row.is_active:
                tags.append(self.tr("inactive"))
            self.sequences.addItem(f"{row.name}\n   {' · '.join(tags) or self.tr('no types')}")
        index = next((i for i, r in enumerate(self._rows) if r.id == select_id), 0)
        if self._rows:
            self.sequences.setCurrentRow(index)
        self.sequences.blockSignals(False)
        if self._rows:  # once: the selection above told nobody
            self.editor.load(self._rows[index])

    def _on_sequence_selected(self, index: int) -> None:
        if 0 <= index < len(self._rows):
            self.editor.load(self._rows[index])

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(SEQUENCE_TABLES):
            self.reload_sequences(select_id=self.editor.sequence_id)
        if self.analytics and self.tabs.currentIndex() == 1 and changes.touches(ANALYTICS_TABLES):
            self.analytics.refresh()
        elif self.confirmations and self.tabs.currentIndex() == 2 and changes.touches(SETTINGS_TABLES):
            self.confirmations.refresh()

    def refresh(self) -> None:
        self.reload_sequences(select_id=self.editor.sequence_id)
        if self.analytics and self.tabs.currentIndex() == 1:
            self.analytics.refresh()
        elif self.confirmations and self.tabs.currentIndex() == 2:
            self.confirmations.refresh()
