"""Settings → Online booking: what families may book on /book, the off switch, and matches to review."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services import online_booking as ob
from orca_desk.services.access.security import BOOK, MANAGE_CAMPAIGNS
from orca_desk.services.changes import Changes
from orca_desk.services.errors import OrcaError
from orca_desk.services.online_booking.settings import HORIZON_RANGE, NOTICE_RANGE
from orca_desk.ui import language
from orca_desk.ui.accessibility import describe
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import hint
from orca_desk.ui.rows_table import RowsModel, selected, table

Loaded = tuple[
    ob.OnlineBookingSettings,
    tuple[list[tuple[int, str]], list[tuple[int, str]]],
    list[ob.ReviewRow],
    ZoneInfo,
    str,
]


class OnlineBookingTab(QWidget):
    """Managers choose the locations and types families may book; anyone at the desk can stop it."""

    watches = frozenset({"clinic_setting", "booking_review"})

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.loaded = ob.OnlineBookingSettings()
        self.zone, self.time_style = ZoneInfo("UTC"), "12h"
        self.location_boxes: dict[int, QCheckBox] = {}
        self.type_boxes: dict[int, QCheckBox] = {}
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.pause_button = QPushButton()
        self.pause_button.clicked.connect(self.toggle_pause)
        top = QHBoxLayout()
        top.addWidget(self.state, 1)
        top.addWidget(self.pause_button)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                self.tr(
                    "Families book at /book on the patient-link gateway: live openings, a 5-minute hold, "
                    "a code texted to their phone. Bookings appear on the calendar as “Booked online”."
                )
            )
        )
        layout.addLayout(top)
        layout.addWidget(self._build_form())
        layout.addWidget(self._build_reviews(), 1)
        may = ctx.actor.can(MANAGE_CAMPAIGNS)
        for w in (self.enabled, self.horizon, self.notice, self.colour, self.save_button):
            w.setEnabled(may)
        describe(
            [
                (self.pause_button, self.tr("Stop or restart online booking at once, for every family")),
                (self.enabled, self.tr("Whether families may book on the booking page")),
                (self.horizon, self.tr("How many days ahead families may book")),
                (self.notice, self.tr("How many hours before a visit online booking closes")),
                (self.colour, self.tr("The booking page's colour, as #rrggbb")),
                (self.save_button, self.tr("Save what families may book")),
                (self.review_view, self.tr("Online bookings whose family may already be a patient")),
                (self.resolve_button, self.tr("Mark the selected booking as reviewed")),
            ]
        )
        self.refresh()

    def _build_form(self) -> QGroupBox:
        box = QGroupBox(self.tr("What families may book"))
        form = QFormLayout(box)
        self.enabled = QCheckBox(self.tr("Offer online booking"))
        self.locations_grid, self.types_grid = QGridLayout(), QGridLayout()
        self.horizon = QSpinBox()
        self.horizon.setRange(*HORIZON_RANGE)
        self.horizon.setSuffix(self.tr(" days ahead"))
        self.notice = QSpinBox()
        self.notice.setRange(*NOTICE_RANGE)
        self.notice.setSuffix(self.tr(" hours"))
        self.colour = QLineEdit()
        self.colour.setPlaceholderText("#2f6fb3")
        self.colour.setMaximumWidth(120)
        for spin in (self.horizon, self.notice):
            spin.setMaximumWidth(180)
        self.save_button = QPushButton(self.tr("Save online booking"))
        self.save_button.clicked.connect(self.save)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        form.addRow(self.enabled)
        form.addRow(self.tr("Locations"), self.locations_grid)
        form.addRow(self.tr("Visit types"), self.types_grid)
        form.addRow(self.tr("Booking horizon"), self.horizon)
        form.addRow(self.tr("Minimum notice"), self.notice)
        form.addRow(self.tr("Page colour"), self.colour)
        row = QHBoxLayout()
        row.addWidget(self.error_label, 1)
        row.addWidget(self.save_button)
        form.addRow(row)
        return box

    def _build_reviews(self) -> QGroupBox:
        box = QGroupBox(self.tr("Online bookings to review (may be an existing patient)"))
        self.reviews: RowsModel[ob.ReviewRow] = RowsModel(
            [
                (self.tr("Booked"), lambda r: self._when(r.created_at)),
                (self.tr("Visit"), lambda r: self._when(r.appointment_start)),
                (self.tr("Booked as"), lambda r: r.booked_name),
                (self.tr("Possible match"), lambda r: f"{r.candidate_name} (#{r.candidate_id})"),
            ],
            cell_tooltips=True,
        )
        self.review_view = table(self.reviews, 3, empty=self.tr("Nothing to review."))
        self.resolve_button = QPushButton(self.tr("Mark reviewed"))
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.resolve_button.setEnabled(self.ctx.actor.can(BOOK))
        v = QVBoxLayout(box)
        v.addWidget(self.review_view, 1)
        row = QHBoxLayout()
        row.addWidget(hint(self.tr("Merge the records on the patient card if they are the same child.")), 1)
        row.addWidget(self.resolve_button)
        v.addLayout(row)
        return box

    # ----- data ---------------------------------------------------------------------------
    def _when(self, at: datetime) -> str:
        return local_time.fmt_datetime(at, self.zone, self.time_style)

    def refresh(self) -> None:
        self.ctx.ops.read(
            lambda s: (
                ob.load_settings(s),
                ob.booking_choices(s),
                ob.open_reviews(s),
                local_time.location_zone(s, None),
                local_time.clinic_time_format(s),
            ),
            parent=self,
            on_done=self._show,
            background=False,
        )

    def _show(self, loaded: Loaded) -> None:
        self.loaded, (locations, types), reviews, self.zone, self.time_style = loaded
        v = self.loaded
        self.enabled.setChecked(v.enabled)
        self._fill(self.locations_grid, self.location_boxes, locations, v.location_ids)
        self._fill(self.types_grid, self.type_boxes, types, v.type_ids)
        self.horizon.setValue(v.horizon_days)
        self.notice.setValue(v.min_notice_hours)
        self.colour.setText(v.colour)
        self.reviews.set_rows(reviews)
        self._describe()
        # The boxes are made after the rest: Tab goes through them in the order they are shown.
        chain = [self.enabled, *self.location_boxes.values(), *self.type_boxes.values(), self.horizon]
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _fill(
        self,
        grid: QGridLayout,
        boxes: dict[int, QCheckBox],
        items: list[tuple[int, str]],
        on: tuple[int, ...],
    ) -> None:
        for box in boxes.values():
            grid.removeWidget(box)
            box.deleteLater()
        boxes.clear()
        for k, (item_id, name) in enumerate(items):
            box = QCheckBox(name)
            box.setAccessibleDescription(self.tr("Families may book this online"))
            box.setChecked(item_id in on)
            box.setEnabled(self.ctx.actor.can(MANAGE_CAMPAIGNS))
            boxes[item_id] = box
            grid.addWidget(box, k // 3, k % 3)

    def _describe(self) -> None:
        v = self.loaded
        if v.paused:
            text, button = (
                self.tr("Online booking is OFF: families see “please call us”."),
                self.tr("Turn back on"),
            )
        elif v.open:
            text, button = self.tr("Online booking is ON."), self.tr("Turn online booking off now")
        else:
            text, button = self.tr("Online booking is not set up."), self.tr("Turn online booking off now")
        self.state.setText(text)
        self.pause_button.setText(button)
        need = MANAGE_CAMPAIGNS if v.paused else BOOK
        self.pause_button.setEnabled(self.ctx.actor.can(need) and (v.paused or v.open))

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(self.watches):
            self.refresh()

    # ----- actions ------------------------------------------------------------------------
    def edited(self) -> ob.OnlineBookingSettings:
        return replace(
            self.loaded,
            enabled=self.enabled.isChecked(),
            location_ids=tuple(i for i, b in self.location_boxes.items() if b.isChecked()),
            type_ids=tuple(i for i, b in self.type_boxes.items() if b.isChecked()),
            horizon_days=self.horizon.value(),
            min_notice_hours=self.notice.value(),
            colour=self.colour.text().strip(),
        )

    def save(self) -> bool:
        self.error_label.clear()
        value = self.edited()
        ok = self.ctx.ops.write(
            lambda s: ob.save_settings(s, self.ctx.actor, value, now=self.ctx.clock.now()),
            parent=self,
            title=self.tr("Online booking not saved"),
            on_refused=self._refused,
        )
        if ok:  # a refusal keeps what was typed, to be corrected
            self.refresh()
        return ok

    def toggle_pause(self) -> bool:
        paused = not self.loaded.paused
        ok = self.ctx.ops.write(
            lambda s: ob.set_paused(s, self.ctx.actor, paused, now=self.ctx.clock.now()),
            parent=self,
            title=self.tr("Online booking not changed"),
            on_refused=self._refused,
        )
        self.refresh()
        return ok

    def resolve_selected(self) -> bool:
        row = selected(self.review_view, self.reviews)
        if row is None:
            self.error_label.setText(self.tr("Select a booking to mark reviewed."))
            return False
        ok = self.ctx.ops.write(
            lambda s: ob.resolve_review(s, self.ctx.actor, row.id, now=self.ctx.clock.now()),
            parent=self,
            title=self.tr("Not marked reviewed"),
            on_refused=self._refused,
        )
        self.refresh()
        return ok

    def _refused(self, exc: OrcaError) -> None:
        self.error_label.setText(language.say(str(exc)))
