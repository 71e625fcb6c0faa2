"""The Waitlist screen: openings with their offers and ranked matches, the entries, the analytics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.access.security import VIEW_ANALYTICS
from orca_desk.services.waitlist import analytics as waitlist_analytics
from orca_desk.services.waitlist.rows import PRIORITY_LABELS, EntryRow, MatchRow, OfferRow, OpeningRow
from orca_desk.services.waitlist.settings import WaitlistSettings, default_settings
from orca_desk.ui import language
from orca_desk.ui.accessibility import describe
from orca_desk.ui.context import AppContext
from orca_desk.ui.export_button import export_button
from orca_desk.ui.labels import section_title as _title
from orca_desk.ui.lazy_tabs import LatestRead, LazyTabs
from orca_desk.ui.rows_table import RowsModel, empty_state, selected, table
from orca_desk.ui.screen import Screen
from orca_desk.views.waitlist.entry_dialog import EntryDialog

NOBODY_WAITING = QT_TRANSLATE_NOOP(
    "WaitlistScreen", "Nobody is waiting. Add a patient who wants an earlier visit with Add entry…"
)
SIZED_ROWS = 60
RESPONSES = {
    QT_TRANSLATE_NOOP("WaitlistScreen", "Accepted — book it"): "accepted",
    QT_TRANSLATE_NOOP("WaitlistScreen", "Declined"): "declined",
    QT_TRANSLATE_NOOP("WaitlistScreen", "No answer"): "no_response",
}


class WaitlistScreen(Screen):
    """Openings and offers on the left, the ranked matches of the selected opening on the right."""

    # Offers follow replies and sends; matches follow the book and the families' details.
    watches = frozenset(
        {
            "opening",
            "waitlist_offer",
            "waitlist_entry",
            "appointment",
            "patient",
            "outbox_message",
            "inbound_message",
        }
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings_for: Callable[[Any], WaitlistSettings] = default_settings
        self.openings = RowsModel[OpeningRow](
            [
                (self.tr("When"), lambda r: r.local_text),
                (self.tr("Status"), lambda r: r.label),
                (self.tr("Where"), lambda r: f"{r.chair_name} · {r.location_name}"),
                (self.tr("Provider"), lambda r: r.provider_name),
            ],
            cell_tooltips=True,
        )
        self.offers = RowsModel[OfferRow](
            [
                (self.tr("Patient"), lambda r: r.patient_name),
                (self.tr("Channel"), lambda r: r.channel.upper()),
                (self.tr("State"), lambda r: r.state_text + (self.tr(" · broadcast") if r.broadcast else "")),
                (self.tr("Sent"), lambda r: r.sent_text or "—"),
            ],
            cell_tooltips=True,
        )
        self.matches = RowsModel[MatchRow](
            [
                ("#", lambda r: self.matches.rows.index(r) + 1),
                (self.tr("Patient"), lambda r: r.patient_name),
                (self.tr("Visit"), lambda r: f"{r.type_name} {r.duration_minutes}′"),
                (self.tr("Via"), lambda r: r.channel.upper()),
                (self.tr("Offers"), lambda r: f"{r.notification_count}/3"),
                (self.tr("Why"), lambda r: r.reason),
            ],
            cell_tooltips=True,
        )
        self.entries = RowsModel[EntryRow](
            [
                (self.tr("Patient"), lambda r: r.patient_name),
                (self.tr("Visit"), lambda r: f"{r.type_name} {r.duration_minutes}′"),
                (
                    self.tr("Priority"),
                    lambda r: language.say(PRIORITY_LABELS.get(r.priority, str(r.priority))),
                ),
                (
                    self.tr("Status"),
                    lambda r: language.say(r.status.upper() if r.status == "notified" else r.status),
                ),
                (self.tr("Offers"), lambda r: f"{r.notification_count}/{r.max_offers}"),
                (self.tr("Waiting"), lambda r: f"{r.days_waiting} d"),
                (
                    self.tr("Prefers"),
                    lambda r: " · ".join(language.say(p) for p in r.preferences.split(" · ")),
                ),
                (self.tr("Reason"), lambda r: r.reason),
            ],
            cell_tooltips=True,
        )
        self.groups = RowsModel[tuple[str, waitlist_analytics.GroupStats]](
            [
                ("", lambda r: r[0]),
                (self.tr("Name"), lambda r: r[1].name),
                (self.tr("Openings"), lambda r: r[1].openings),
                (self.tr("Filled"), lambda r: f"{r[1].filled} ({r[1].fill_rate:.0%})"),
                (self.tr("Median time to fill"), lambda r: _minutes(r[1].median_minutes_to_fill)),
                (self.tr("Offers sent"), lambda r: r[1].offers),
                (self.tr("Booked"), lambda r: r[1].booked),
            ],
            cell_tooltips=True,
        )
        # The long waitlist loads off the UI thread; only the newest load is shown.
        self.entries_load = LatestRead[list[EntryRow]](
            lambda: self.ctx.ops, self, self._show_entries, self._entries_failed
        )
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(30_000)  # the hold timers tick
        self._timer.timeout.connect(self.refresh)

    # ----- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        # Each tab is built when first shown, and a reload reads only what the tab on view shows.
        self.tabs = QTabWidget()
        self.pages = LazyTabs(self.tabs)
        self.openings_page = self.pages.add(self._openings_tab, self.tr("Openings && offers"), now=True)
        self.entries_page = self.pages.add(self._entries_tab, self.tr("Waitlist"))
        self.analytics_page = self.pages.add(self._analytics_tab, self.tr("Analytics"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())

    def _openings_tab(self) -> QWidget:
        self.openings_view = table(
            self.openings,
            2,
            empty=self.tr(
                "No openings. A cancelled or missed visit, or free time offered from the calendar, "
                "becomes an opening here and is offered to the waitlist."
            ),
        )
        self.offers_view = table(
            self.offers,
            2,
            empty=self.tr(
                "No offers yet: select an opening, then Notify best now offers it to the top match."
            ),
        )
        self.matches_view = table(
            self.matches,
            5,
            empty=self.tr(
                "Select an opening to rank the waitlist for it; "
                "no fit means: add entries on the Waitlist tab."
            ),
        )
        self.matches_view.setWordWrap(True)  # the reasons are the point of this list
        self.openings_view.selectionModel().selectionChanged.connect(self._on_opening_selected)
        self.btn_best = QPushButton(self.tr("Notify best now"))
        self.btn_all = QPushButton(self.tr("Notify all now (broadcast)"))
        self.btn_entry = QPushButton(self.tr("Notify this entry now"))
        self.btn_response = QPushButton(self.tr("Record response…"))
        self.btn_withdraw = QPushButton(self.tr("Withdraw opening"))
        self.btn_best.clicked.connect(self.notify_best)
        self.btn_all.clicked.connect(self.notify_all)
        self.btn_entry.clicked.connect(self.notify_selected_entry)
        self.btn_response.clicked.connect(self.record_response)
        self.btn_withdraw.clicked.connect(self.withdraw)
        self._describe_openings_tab()
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 6, 0)
        lv.addWidget(_title(self.tr("Open openings")))
        lv.addWidget(self.openings_view, 3)
        self.offers_title = _title(self.tr("Offers of the selected opening"))
        lv.addWidget(self.offers_title)
        lv.addWidget(self.offers_view, 2)
        row = QHBoxLayout()
        for b in (self.btn_response, self.btn_withdraw):
            row.addWidget(b)
        row.addStretch(1)
        self.btn_export_openings = export_button(
            self, self.openings, self.tr("Openings"), status=self.sig_status.emit
        )
        row.addWidget(self.btn_export_openings)
        lv.addLayout(row)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(6, 0, 0, 0)
        self.matches_title = _title(self.tr("Ranked matches"))
        rv.addWidget(self.matches_title)
        rv.addWidget(self.matches_view, 1)
        row2 = QHBoxLayout()
        for b in (self.btn_best, self.btn_all, self.btn_entry):
            row2.addWidget(b)
        row2.addStretch(1)
        rv.addLayout(row2)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([640, 680])
        return split

    def _describe_openings_tab(self) -> None:
        for w, text in (
            (
                self.openings_view,
                self.tr("Free times waiting to be offered; select one to rank the waitlist"),
            ),
            (self.offers_view, self.tr("Who was offered the selected opening and how each answered")),
            (
                self.matches_view,
                self.tr("Waitlist entries that fit the selected opening, best first, with why"),
            ),
            (self.btn_best, self.tr("Offer the selected opening to the best match now")),
            (
                self.btn_all,
                self.tr("Offer the selected opening to several matches at once; the first to accept gets it"),
            ),
            (self.btn_entry, self.tr("Offer the selected opening to the selected waitlist entry")),
            (self.btn_response, self.tr("Record a family's answer given by phone or at the desk")),
            (self.btn_withdraw, self.tr("Stop offering the selected opening")),
        ):
            w.setAccessibleDescription(text)

    def _entries_tab(self) -> QWidget:
        self.entries_view = table(self.entries, 6)
        # Column widths from the first rows: measuring all of a long list holds the UI thread.
        self.entries_view.horizontalHeader().setResizeContentsPrecision(SIZED_ROWS)
        self.entries_empty = empty_state(self.entries_view, self.tr(str(NOBODY_WAITING)))
        self.btn_add = QPushButton(self.tr("Add entry…"))
        self.btn_edit = QPushButton(self.tr("Edit…"))
        self.btn_remove = QPushButton(self.tr("Remove"))
        self.btn_add.clicked.connect(self.add_entry)
        self.btn_edit.clicked.connect(self.edit_entry)
        self.btn_remove.clicked.connect(self.remove_entry)
        describe(
            (
                (
                    self.entries_view,
                    self.tr("Patients waiting for an earlier visit; double-click one to edit it"),
                ),
                (self.btn_add, self.tr("Add a patient who wants an earlier visit")),
                (self.btn_edit, self.tr("Change the selected waitlist entry")),
                (self.btn_remove, self.tr("Take the selected patient off the waitlist")),
            )
        )
        self.entries_view.doubleClicked.connect(lambda _i: self.edit_entry())
        w = QWidget()
        v = QVBoxLayout(w)
        row = QHBoxLayout()
        for b in (self.btn_add, self.btn_edit, self.btn_remove):
            row.addWidget(b)
        row.addStretch(1)
        self.entries_summary = QLabel("")
        row.addWidget(self.entries_summary)
        self.btn_export_entries = export_button(
            self, self.entries, self.tr("Waitlist"), status=self.sig_status.emit
        )
        row.addWidget(self.btn_export_entries)
        v.addLayout(row)
        v.addWidget(self.entries_view, 1)
        return w

    def _analytics_tab(self) -> QWidget:
        # QtCharts loads with the first analytics tab shown, not with the screen.
        from PySide6.QtCharts import QChart

        from orca_desk.ui.charts import analytics_page, chart_view, no_analytics_page

        if not self._may_view_analytics():
            return no_analytics_page()
        self.chart = QChart()
        self.chart.setTitle(self.tr("Offers and bookings by channel (last 90 days)"))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = chart_view(self.chart)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.groups_view = table(
            self.groups,
            1,
            empty=self.tr(
                "No openings in the last 90 days: cancellations offered to the waitlist are counted here."
            ),
        )
        self.groups_view.setAccessibleDescription(
            self.tr(
                "Openings offered, offers sent and visits booked from the waitlist, per provider and location"
            )
        )
        return analytics_page(
            self.summary, self.chart_view, self.tr("By provider and location"), self.groups_view
        )

    def _may_view_analytics(self) -> bool:
        return self.ctx.actor.can(VIEW_ANALYTICS)  # as ui.charts.may_view_analytics

    # ----- loading --------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._timer.start()
        self.refresh()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def refresh(self) -> None:
        now = self.ctx.clock.now()
        page = self.tabs.currentWidget()
        if page is self.entries_page:
            self.entries_summary.setText(self.tr("Loading the waitlist…"))
            if not self.entries.rows:
                self.entries_empty.setText(self.tr("Loading the waitlist…"))
            self.entries_load.start(lambda s: _list_entries(s, now=now))
            return
        self.entries_load.cancel()
        if page is self.analytics_page:
            if self._may_view_analytics():
                self.ctx.ops.read(
                    lambda s: waitlist_analytics.offer_analytics(
                        s, self.ctx.actor, start=now - timedelta(days=90), end=now + timedelta(days=1)
                    ),
                    parent=self,
                    on_done=self._show_analytics,
                    background=False,
                )
            return
        self.ctx.ops.read(
            lambda s: _list_openings(s, now=now),
            parent=self,
            on_done=self._show_openings,
            background=False,
        )

    def wait_until_loaded(self, timeout_ms: int = 10_000) -> bool:
        """Block until a pending background load has been shown (the screenshot, tests)."""
        return self.entries_load.wait(timeout_ms)

    def _show_entries(self, entries: list[EntryRow]) -> None:
        self.entries.set_rows(entries)
        self.entries_empty.setText(self.tr(str(NOBODY_WAITING)))
        notified = sum(e.status == "notified" for e in entries)
        self.entries_summary.setText(
            self.tr("{count} on the list · {notified} notified (holding a slot)").format(
                count=len(entries), notified=notified
            )
        )

    def _entries_failed(self, message: str) -> None:
        self.entries_summary.setText(
            self.tr("The waitlist could not be loaded: {message}").format(message=message)
        )
        self.entries_empty.setText(self.tr("The waitlist could not be loaded."))

    def _show_openings(self, openings: list[OpeningRow]) -> None:
        selected = self.selected_opening()
        self.openings.set_rows(openings)
        ids = [o.id for o in openings]
        if selected is not None and selected.id in ids:
            self.openings_view.selectRow(ids.index(selected.id))
        elif openings:
            self.openings_view.selectRow(0)
        else:
            self.offers.set_rows([])
            self.matches.set_rows([])
        self._on_opening_selected()

    def _on_opening_selected(self, *_args: object) -> None:
        o = self.selected_opening()
        if o is None:
            return
        fresh = [x for x in self.openings.rows if x.id == o.id]
        self.offers.set_rows(list(fresh[0].offers) if fresh else [])
        self.offers_title.setText(
            self.tr("Offers of the selected opening (from a {value}, {mode})").format(
                value=o.source.replace("_", "-"), mode=o.mode
            )
        )
        from orca_desk.services.waitlist.matching import match_opening  # with its models, when first needed

        rows: list[MatchRow] = []
        # An opening that was just taken has no matches any more: an empty list says so.
        self.ctx.ops.read(
            lambda s: match_opening(s, o.id, now=self.ctx.clock.now()),
            parent=self,
            on_done=rows.extend,
            on_error=lambda _message: None,
            background=False,
        )
        self.matches.set_rows(rows)
        self.matches_view.resizeRowsToContents()
        self.matches_title.setText(
            self.tr("Ranked matches for {local_text} ({count})").format(
                local_text=o.local_text, count=len(rows)
            )
        )
        if rows:
            self.matches_view.selectRow(0)

    def _show_analytics(self, a: waitlist_analytics.WaitlistAnalytics) -> None:
        from orca_desk.ui.charts import show_count_bars

        show_count_bars(
            self.chart,
            [f"{c.channel.upper()} · {c.conversion:.0%}" for c in a.channels],
            [
                (self.tr("Offers sent"), "#7aa7e0", [c.sent for c in a.channels]),
                (self.tr("Booked"), "#2e9e62", [c.booked for c in a.channels]),
            ],
            empty=self.tr("no offers yet"),
        )
        self.summary.setText(
            self.tr(
                "<b>{offers_sent}</b> offers sent · <b>{booked}</b> booked "
                "({conversion:.0%}) · median time to respond <b>{value}</b> · "
                "<b>{filled}</b> of {openings} openings filled, median <b>{value2}</b> "
                "after they opened"
            ).format(
                offers_sent=a.offers_sent,
                booked=a.booked,
                conversion=a.conversion,
                value=_minutes(a.median_minutes_to_respond),
                filled=a.filled,
                openings=a.openings,
                value2=_minutes(a.median_minutes_to_fill),
            )
        )
        self.groups.set_rows(
            [("Provider", g) for g in a.by_provider] + [("Location", g) for g in a.by_location]
        )

    # ----- selection ------------------------------------------------------------------------
    def selected_opening(self) -> OpeningRow | None:
        return selected(self.openings_view, self.openings)

    def selected_match(self) -> MatchRow | None:
        return selected(self.matches_view, self.matches)

    def selected_offer(self) -> OfferRow | None:
        return selected(self.offers_view, self.offers)

    def selected_entry(self) -> EntryRow | None:
        if not self.pages.built(self.entries_page):
            return None
        return selected(self.entries_view, self.entries)

    # ----- actions --------------------------------------------------------------------------
    def _act(self, what: str, fn: Callable[[Any], str]) -> bool:
        # The operation's changes reload this screen (and the calendar when next shown).
        return self.ctx.ops.write(fn, parent=self, title=what, on_done=self.sig_status.emit)

    def _offer(self, what: str, **kwargs: Any) -> bool:
        o = self.selected_opening()
        if o is None:
            return False

        def run(s: Any) -> str:
            from orca_desk.services.waitlist.offers import offer_opening

            rows = offer_opening(
                s, self.ctx.actor, o.id, now=self.ctx.clock.now(), settings=self.settings_for(s), **kwargs
            )
            return "Offered to " + ", ".join(f"{r.patient_name} ({r.channel})" for r in rows)

        return self._act(what, run)

    def notify_best(self) -> bool:
        return self._offer(self.tr("Notify best now"))

    def notify_all(self) -> bool:
        return self._offer(
            self.tr("Notify all now"), broadcast=True, size=max(1, min(len(self.matches.rows), 5))
        )

    def notify_selected_entry(self) -> bool:
        m = self.selected_match()
        return m is not None and self._offer(self.tr("Notify this entry now"), entry_id=m.entry_id)

    def record_response(self, response: str | None = None) -> bool:
        offer = self.selected_offer()
        if offer is None:
            return False
        if response is None:
            label, ok = QInputDialog.getItem(
                self,
                self.tr("Record response"),
                self.tr("What did {patient_name} say?").format(patient_name=offer.patient_name),
                [self.tr(str(label)) for label in RESPONSES],
                0,
                False,
            )
            if not ok:
                return False
            response = next(v for k, v in RESPONSES.items() if self.tr(str(k)) == label)

        def run(s: Any) -> str:
            from orca_desk.services.waitlist.responses import record_response

            return record_response(
                s, self.ctx.actor, offer.id, response, now=self.ctx.clock.now(), settings=self.settings_for(s)
            ).message

        return self._act(self.tr("Record response"), run)

    def withdraw(self) -> bool:
        o = self.selected_opening()
        if o is None:
            return False

        def run(s: Any) -> str:
            from orca_desk.services.waitlist.openings import close_opening

            close_opening(s, self.ctx.actor, o.id, now=self.ctx.clock.now())
            return f"Opening {o.local_text} withdrawn"

        return self._act(self.tr("Withdraw opening"), run)

    def add_entry(self) -> bool:
        dialog = EntryDialog(self.ctx, None, self)
        return bool(dialog.exec()) and self._save_entry(dialog)

    def edit_entry(self) -> bool:
        e = self.selected_entry()
        if e is None:
            return False
        dialog = EntryDialog(self.ctx, e, self)
        return bool(dialog.exec()) and self._save_entry(dialog)

    def _save_entry(self, dialog: EntryDialog) -> bool:
        data, entry_id = dialog.value(), dialog.entry_id

        def run(s: Any) -> str:
            from orca_desk.services.waitlist.entries import add_entry, update_entry

            if entry_id is None:
                add_entry(s, self.ctx.actor, data, now=self.ctx.clock.now())
                return "Added to the waitlist"
            update_entry(s, self.ctx.actor, entry_id, data, now=self.ctx.clock.now())
            return "Waitlist entry saved"

        return self._act(self.tr("Waitlist entry"), run)

    def remove_entry(self) -> bool:
        e = self.selected_entry()
        if e is None:
            return False

        def run(s: Any) -> str:
            from orca_desk.services.waitlist.entries import remove_entry

            remove_entry(s, self.ctx.actor, e.id, now=self.ctx.clock.now())
            return f"{e.patient_name} removed from the waitlist"

        return self._act(self.tr("Remove entry"), run)


def _minutes(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 90:
        return f"{value / 60:.1f} h"
    return f"{value:.0f} min"


def _list_entries(session: Any, *, now: datetime) -> list[EntryRow]:
    from orca_desk.services.waitlist.entries import list_entries

    return list_entries(session, now=now)


def _list_openings(session: Any, *, now: datetime) -> list[OpeningRow]:
    from orca_desk.services.waitlist.queries import list_openings

    return list_openings(session, now=now)
