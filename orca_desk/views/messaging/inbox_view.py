"""Messages inbox: conversations per patient, replies that need staff, mark read, write to a family."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.clinic.clinic_settings import messaging_policy
from orca_desk.services.messaging import inbox_queries as inbox
from orca_desk.services.messaging.inbox_queries import ConversationMessage, ConversationRow
from orca_desk.services.messaging.render import sms_segments
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.rows_table import PaddedDelegate, RowsListModel, empty_state
from orca_desk.ui.screen import Screen

if TYPE_CHECKING:
    from orca_desk.ui.main_window import MainWindow

REVIEW_BACKGROUND = "#fff4d6"
UNREAD_BACKGROUND = "#eaf2fb"
OUT_BACKGROUND = "#e3effa"
IN_BACKGROUND = "#f3f4f6"
KIND_LABELS = {
    "needs_review": QT_TRANSLATE_NOOP("InboxScreen", "needs review"),
    "confirm": QT_TRANSLATE_NOOP("InboxScreen", "confirmation"),
    "decline": QT_TRANSLATE_NOOP("InboxScreen", "can't come"),
    "opt_out": QT_TRANSLATE_NOOP("InboxScreen", "opt-out"),
    "opt_in": QT_TRANSLATE_NOOP("InboxScreen", "opt-in"),
    "help": QT_TRANSLATE_NOOP("InboxScreen", "help"),
    "other": QT_TRANSLATE_NOOP("InboxScreen", "reply"),
}


class InboxScreen(Screen):
    """Left: conversations (needing review and unread first). Right: the messages and a reply box."""

    # Replies and what went out, with the family's name and the visit they likely concern.
    watches = frozenset({"inbound_message", "outbox_message", "outbox_event", "patient", "appointment"})

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.zone = ctx.clinic.locations[0].zone if ctx.clinic.locations else ZoneInfo("UTC")
        self.time_fmt = ctx.time_style()
        self.current: ConversationRow | None = None
        left = self._build_conversations()
        right = self._build_thread()
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([380, 620])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(split, 1)
        self._connect()
        self._show(None)
        self._update_counter()
        self.refresh()

    def _build_conversations(self) -> QWidget:
        """The conversations on the left, with search and Unread only."""
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find a conversation"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleDescription(self.tr("List only conversations whose family or text matches"))
        self.unread_only = QCheckBox(self.tr("Unread only"))
        self.conversations: RowsListModel[ConversationRow] = RowsListModel(
            self._conversation_text,
            bold=lambda r: r.unread > 0,
            background=lambda r: (
                REVIEW_BACKGROUND if r.needs_review else (UNREAD_BACKGROUND if r.unread else None)
            ),
            tooltip=lambda r: f"{r.address_shown} · {self.tr('needs review') if r.needs_review else ''}",
        )
        self.list = QListView()
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setObjectName("conversationList")
        self.list.setModel(self.conversations)
        empty_state(
            self.list,
            self.tr("No conversations yet: replies from families and messages you send appear here."),
        )
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setSpacing(1)
        # A long last message ends in "…" at the list's edge (the delegate fits each item to the
        # list) rather than widening it behind a sideways scroll bar: the whole text is on the
        # right once the conversation is open. Adjust lays the items out again on a resize.
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setAccessibleDescription(
            self.tr("Families' conversations, newest first; select one to read it")
        )
        self.unread_only.setAccessibleDescription(self.tr("List only the conversations with unread replies"))
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.unread_only)
        ll.addLayout(top)
        ll.addWidget(self.list, 1)
        self.list.setItemDelegate(PaddedDelegate(7, self.list, fit=True))
        return left

    def _build_thread(self) -> QWidget:
        """The chosen conversation on the right, and the reply under it."""
        self.title = QLabel(self.tr("Choose a conversation"))
        self.title.setObjectName("conversationTitle")
        self.context_label = QLabel()
        self.context_label.setObjectName("hint")
        self.context_label.setWordWrap(True)
        self.mark_read_button = QPushButton(self.tr("Mark read"))
        self.messages: RowsListModel[ConversationMessage] = RowsListModel(
            self._message_text,
            background=lambda m: (
                REVIEW_BACKGROUND
                if m.needs_review and m.unread
                else (OUT_BACKGROUND if m.direction == "out" else IN_BACKGROUND)
            ),
            bold=lambda m: m.unread,
            alignment=lambda m: (
                Qt.AlignmentFlag.AlignRight if m.direction == "out" else Qt.AlignmentFlag.AlignLeft
            ),
        )
        self.thread_view = QListView()
        self.thread_view.setObjectName("messageThread")
        self.thread_view.setAccessibleName(self.tr("Messages"))
        self.thread_view.setAccessibleDescription(
            self.tr("The messages of the selected conversation, oldest first")
        )
        self.mark_read_button.setAccessibleDescription(
            self.tr("Mark the selected conversation's replies as read")
        )
        self.thread_view.setModel(self.messages)
        empty_state(self.thread_view, self.tr("Select a conversation to read it and reply."))
        self.thread_view.setWordWrap(True)
        self.thread_view.setSpacing(4)
        self.thread_view.setUniformItemSizes(False)
        self.thread_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.thread_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._build_compose()
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.mark_read_button)
        rl.addLayout(head)
        rl.addWidget(self.context_label)
        rl.addWidget(self.thread_view, 1)
        row = QHBoxLayout()
        row.addWidget(self.channel_combo, 0, Qt.AlignmentFlag.AlignLeft)
        row.addWidget(self.subject, 1)
        rl.addLayout(row)
        rl.addWidget(self.compose)
        bottom = QHBoxLayout()
        bottom.addWidget(self.counter, 1)
        bottom.addWidget(self.send_button)
        rl.addLayout(bottom)
        rl.addWidget(self.error_label)
        self.thread_view.setItemDelegate(PaddedDelegate(8, self.thread_view))
        self.title.setProperty("textRole", "subheading")
        return right

    def _build_compose(self) -> None:
        self.channel_combo = QComboBox()
        self.channel_combo.setAccessibleName(self.tr("Send by"))
        self.channel_combo.addItem(self.tr("SMS"), "sms")
        self.channel_combo.addItem(self.tr("Email"), "email")
        # As wide as its longest choice in the UI's language (“Correo electrónico”), no wider.
        self.channel_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.subject = QLineEdit()
        self.subject.setPlaceholderText(self.tr("Subject (email)"))
        self.compose = QPlainTextEdit()
        self.compose.setPlaceholderText(
            self.tr("Write to the family… (quiet hours and consent apply when it is sent)")
        )
        self.compose.setMaximumHeight(90)
        self.counter = QLabel()
        self.counter.setObjectName("hint")
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setDefault(True)
        for w, text in (
            (self.channel_combo, self.tr("Send the reply by text message or by email")),
            (self.compose, self.tr("The reply to send to the family")),
            (self.send_button, self.tr("Send the reply; quiet hours and consent apply")),
        ):
            w.setAccessibleDescription(text)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)

    def _connect(self) -> None:
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.unread_only.toggled.connect(lambda _c: self.refresh())
        self.list.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.mark_read_button.clicked.connect(self.mark_read)
        self.send_button.clicked.connect(self.send)
        self.compose.textChanged.connect(self._update_counter)
        self.channel_combo.currentIndexChanged.connect(lambda _i: self._update_counter())

    # ----- text of the rows ----------------------------------------------------------------
    def _time(self, at: datetime) -> str:
        return local_time.fmt_recent(at, self.zone, self.time_fmt, now=self.ctx.clock.now())

    def _conversation_text(self, r: ConversationRow) -> str:
        badge = f"  ({r.unread} new)" if r.unread else ""
        flag = "⚑ " if r.needs_review else ""
        snippet = " ".join(r.last_text.split())
        snippet = snippet if len(snippet) <= 60 else snippet[:59] + "…"
        return f"{flag}{r.title}{badge}   {self._time(r.last_at)}\n{snippet}"

    def _message_text(self, m: ConversationMessage) -> str:
        if m.direction == "out":
            who = self.tr("Automatic") if m.sent_by in ("", "automation") else m.sent_by
        else:
            who = self.tr("Reply")
        state = (
            language.say(m.state, "message")
            if m.direction == "out"
            else self.tr(str(KIND_LABELS.get(m.state, m.state)))
        )
        channel = self.tr("SMS") if m.channel == "sms" else self.tr("Email")
        subject = f"{m.subject}\n" if m.subject else ""
        return f"{subject}{m.text}\n— {who} · {channel} · {self._time(m.at)} · {state}"

    # ----- loading ------------------------------------------------------------------------
    def refresh(self) -> None:
        now, text, unread_only = self.ctx.clock.now(), self.search.text(), self.unread_only.isChecked()
        self.ctx.ops.read(
            lambda s: (
                local_time.clinic_time_format(s),
                inbox.list_conversations(s, now=now, text=text, unread_only=unread_only),
            ),
            parent=self,
            on_done=self._show_rows,
            background=False,
        )

    def _show_rows(self, loaded: tuple[str, list[ConversationRow]]) -> None:
        self.time_fmt, rows = loaded
        keep = self.current.key if self.current else None
        if (
            self.current is not None
            and self.current.key not in {r.key for r in rows}
            and not self.search.text()
            and not self.unread_only.isChecked()
        ):
            rows.insert(0, self.current)  # a new conversation started from a patient
        self.conversations.set_rows(rows)
        if keep is None or not self._select_key(keep):
            if rows:  # the most urgent conversation is open when the screen appears
                self.list.setCurrentIndex(self.conversations.index(0))
            else:
                self._show(None)

    def _select_key(self, key: str) -> bool:
        for i, r in enumerate(self.conversations.rows()):
            if r.key == key:
                self.list.setCurrentIndex(self.conversations.index(i))
                return True
        return False

    def _on_selection_changed(self, _s: QItemSelection, _d: QItemSelection) -> None:
        indexes = self.list.selectionModel().selectedIndexes()
        self._show(self.conversations.row_at(indexes[0].row()) if indexes else None)

    def _show(self, row: ConversationRow | None) -> None:
        self.current = row
        self.error_label.clear()
        enabled = row is not None and row.patient_id is not None
        for w in (self.compose, self.send_button, self.channel_combo, self.subject):
            w.setEnabled(enabled)
        if row is None:
            self.title.setText(self.tr("Choose a conversation"))
            self.context_label.setText(
                self.tr(
                    "Replies that no automation understood wait here, with the "
                    "patient and appointment they likely concern."
                )
            )
            self.messages.set_rows([])
            self.mark_read_button.setEnabled(False)
            return
        loaded: list[tuple[list[ConversationMessage], str | None]] = []
        self.ctx.ops.read(
            lambda s: (
                inbox.conversation_messages(s, row.key),
                inbox.appointment_label(s, row.appointment_id),
            ),
            parent=self,
            on_done=loaded.append,
            on_error=self.error_label.setText,
            background=False,
        )
        items, appointment = loaded[0] if loaded else ([], None)
        shown = row.address_shown
        address = "" if shown == row.title else f"  <span style='color:#6b7785'>{shown}</span>"
        self.title.setText(f"<b>{row.title}</b>{address}")
        parts = []
        if row.needs_review:
            parts.append("⚑ A reply needs a person: read it and answer or change the appointment.")
        if appointment:
            parts.append(f"Likely about: {appointment}")
        if row.patient_id is None:
            parts.append("No patient uses this address; find the family before replying.")
        self.context_label.setText("  ".join(parts))
        self.messages.set_rows(items)
        self.thread_view.scrollToBottom()
        self.mark_read_button.setEnabled(row.unread > 0)
        index = self.channel_combo.findData(row.channel)
        self.channel_combo.setCurrentIndex(max(index, 0))
        self._update_counter()

    def _update_counter(self) -> None:
        email = self.channel_combo.currentData() == "email"
        self.subject.setVisible(email)
        text = self.compose.toPlainText()
        if email or not text:
            self.counter.setText("")
            return
        info = sms_segments(text)
        self.counter.setText(
            " · ".join(
                (
                    self.tr("%n character(s)", "", info.characters),
                    info.encoding,
                    self.tr("%n segment(s)", "", info.segments),
                )
            )
        )

    # ----- actions ------------------------------------------------------------------------
    def mark_read(self) -> int:
        if self.current is None:
            return 0
        key, now = self.current.key, self.ctx.clock.now()
        counted: list[int] = []
        # The changes reload the list, which keeps this conversation open.
        self.ctx.ops.write(
            lambda s: inbox.mark_conversation_read(s, self.ctx.actor, key, now=now),
            parent=self,
            title=self.tr("Mark read"),
            on_done=counted.append,
        )
        count = counted[0] if counted else 0
        self.sig_status.emit(self.tr("%n reply(s) marked read", "", count))
        return count

    def send(self) -> int | None:
        row = self.current
        if row is None or row.patient_id is None:
            return None
        channel = str(self.channel_combo.currentData())
        now, patient_id = self.ctx.clock.now(), row.patient_id
        body, subject = self.compose.toPlainText(), self.subject.text()
        sent: list[int] = []
        # The compose box empties before the changes reload the conversation, which stays open.
        self.ctx.ops.write(
            lambda s: inbox.send_staff_message(
                s,
                self.ctx.actor,
                patient_id=patient_id,
                channel=channel,
                body=body,
                subject=subject,
                now=now,
                appointment_id=row.appointment_id,
                policy=messaging_policy(s),
            ),
            parent=self,
            title=self.tr("Not sent"),
            on_done=self._sent(sent),
            on_error=self.error_label.setText,
        )
        return sent[0] if sent else None

    def _sent(self, sent: list[int]) -> Callable[[int], None]:
        def done(message_id: int) -> None:
            sent.append(message_id)
            self.compose.clear()
            self.subject.clear()
            self.sig_status.emit(self.tr("Message queued; it goes out with the next dispatch"))

        return done

    def open_conversation(self, patient_id: int) -> ConversationRow | None:
        """Show ``patient_id``'s conversation (an empty one if they have no messages yet)."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.unread_only.setChecked(False)
        now = self.ctx.clock.now()
        found: list[ConversationRow] = []
        self.ctx.ops.read(
            lambda s: inbox.conversation_for_patient(s, patient_id, now=now),
            parent=self,
            on_done=found.append,
            background=False,
        )
        if not found:
            return None
        row = self.current = found[0]
        self.refresh()
        self._select_key(row.key)
        self.compose.setFocus()
        return row


def open_conversation(window: MainWindow, patient_id: int) -> ConversationRow | None:
    """ "Text or email this patient": switch the window to Messages and open their conversation."""
    screen = window.show_screen("messages")
    assert isinstance(screen, InboxScreen)
    return screen.open_conversation(patient_id)
