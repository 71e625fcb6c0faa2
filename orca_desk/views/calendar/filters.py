"""Calendar filters (location, room, chair, provider, procedure) and column mode, per workstation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from orca_desk.services.clinic.clinic import ChairRow, ClinicInfo

# QSettings keys (per workstation); an empty list means "all".
KEY_COLUMNS_BY = "calendar/columnsBy"  # "chair" or "provider"
KEY_LOCATIONS = "calendar/filter/locations"
KEY_ROOMS = "calendar/filter/rooms"
KEY_CHAIRS = "calendar/filter/chairs"
KEY_PROVIDERS = "calendar/filter/providers"
KEY_TYPES = "calendar/filter/types"
KEY_SHOW_MISSED = "calendar/showCancelled"  # cancelled and no-show visits drawn faded in place

BY_CHAIR, BY_PROVIDER = "chair", "provider"
MISSED_KEY = "Ctrl+Shift+X"  # "Show cancelled"


@dataclass(frozen=True)
class CalendarFilters:
    """What the calendar shows; every set is "only these", and an empty set means all."""

    by: str = BY_CHAIR
    locations: frozenset[int] = field(default_factory=frozenset)
    rooms: frozenset[str] = field(default_factory=frozenset)
    chairs: frozenset[int] = field(default_factory=frozenset)
    providers: frozenset[int] = field(default_factory=frozenset)
    types: frozenset[int] = field(default_factory=frozenset)
    show_missed: bool = False

    def location_ok(self, location_id: int) -> bool:
        return not self.locations or location_id in self.locations

    def chair_ok(self, chair: ChairRow) -> bool:
        return (not self.chairs or chair.id in self.chairs) and (not self.rooms or chair.room in self.rooms)

    def provider_ok(self, provider_id: int) -> bool:
        return not self.providers or provider_id in self.providers

    def type_ok(self, type_id: int) -> bool:
        return not self.types or type_id in self.types

    @property
    def active(self) -> int:
        """How many filter dimensions narrow the view."""
        return sum(bool(s) for s in (self.locations, self.rooms, self.chairs, self.providers, self.types))

    @classmethod
    def load(cls) -> CalendarFilters:
        s = QSettings()
        by = str(s.value(KEY_COLUMNS_BY, BY_CHAIR))
        return cls(
            by=by if by in (BY_CHAIR, BY_PROVIDER) else BY_CHAIR,
            locations=_ints(s.value(KEY_LOCATIONS, "")),
            rooms=frozenset(_strs(s.value(KEY_ROOMS, ""))),
            chairs=_ints(s.value(KEY_CHAIRS, "")),
            providers=_ints(s.value(KEY_PROVIDERS, "")),
            types=_ints(s.value(KEY_TYPES, "")),
            show_missed=str(s.value(KEY_SHOW_MISSED, "false")).lower() in ("true", "1"),
        )

    def save(self) -> None:
        s = QSettings()
        s.setValue(KEY_COLUMNS_BY, self.by)
        s.setValue(KEY_LOCATIONS, _join(self.locations))
        s.setValue(KEY_ROOMS, "\x1f".join(sorted(self.rooms)))
        s.setValue(KEY_CHAIRS, _join(self.chairs))
        s.setValue(KEY_PROVIDERS, _join(self.providers))
        s.setValue(KEY_TYPES, _join(self.types))
        s.setValue(KEY_SHOW_MISSED, "true" if self.show_missed else "false")
        s.sync()


def _strs(value: object) -> list[str]:
    if isinstance(value, (list, tuple)):
        value = "\x1f".join(str(v) for v in value)
    return [v for v in str(value or "").replace(",", "\x1f").split("\x1f") if v]


def _ints(value: object) -> frozenset[int]:
    return frozenset(int(v) for v in _strs(value) if v.strip().lstrip("-").isdigit())


def _join(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in sorted(ids))


class FilterBar(QWidget):
    """Chairs/Providers toggle, one drop-down per filter, "Clear", the "Block time" mode, and the
    "Show cancelled" toggle (``missed_button``, placed by the owner)."""

    sig_changed = Signal(object)
    """The filters changed (the new ``CalendarFilters``); they are already saved."""
    sig_block_mode_toggled = Signal(bool)
    """"Block time" was switched on or off (dragging on empty time then selects a range)."""

    def __init__(
        self,
        clinic: ClinicInfo,
        filters: CalendarFilters,
        *,
        show_locations: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendarFilterBar")
        self.clinic = clinic
        self.filters = filters
        self.scope: list[int] = [loc.id for loc in clinic.locations]
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 4)
        row.setSpacing(6)
        row.addWidget(QLabel(self.tr("Columns")))
        self.by_chair = _button(self.tr("Chairs"), checkable=True)
        self.by_provider = _button(self.tr("Providers"), checkable=True)
        for button, key in ((self.by_chair, BY_CHAIR), (self.by_provider, BY_PROVIDER)):
            button.setObjectName("segment")
            button.clicked.connect(lambda _=False, k=key: self._on_by_clicked(k))
            row.addWidget(button)
        self.by_chair.setAccessibleDescription(self.tr("One column per chair in the appointment book"))
        self.by_provider.setAccessibleDescription(self.tr("One column per provider in the appointment book"))
        row.addSpacing(12)
        self.buttons: dict[str, QToolButton] = {}
        self.menus: dict[str, QMenu] = {}
        kinds = (["locations"] if show_locations else []) + ["rooms", "chairs", "providers", "types"]
        for kind in kinds:
            button = QToolButton()
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(button)
            menu.aboutToShow.connect(lambda k=kind: self._fill_menu(k))
            button.setMenu(menu)
            button.setAccessibleDescription(self._describe(kind))
            self.buttons[kind], self.menus[kind] = button, menu
            row.addWidget(button)
        self.clear_button = _button(self.tr("Clear filters"))
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self.clear_button.setAccessibleDescription(
            self.tr("Show every location, room, chair, provider and procedure again")
        )
        row.addWidget(self.clear_button)
        row.addStretch(1)
        self.missed_button = _button(self.tr("Show cancelled"), checkable=True)
        self.missed_button.setToolTip(
            self.tr(
                "Show cancelled and no-show visits faded in place ({MISSED_KEY}); their time stays free"
            ).format(MISSED_KEY=MISSED_KEY)
        )
        self.missed_button.setShortcut(QKeySequence(MISSED_KEY))
        self.missed_button.toggled.connect(self._on_missed_toggled)
        # Not in this row (a 1280-px screen has no room left): the owner shows it under the book.
        self.block_button = _button(self.tr("Block time"), checkable=True)
        self.block_button.setToolTip(
            self.tr("Drag over free time to block it (or hold Shift while dragging)")
        )
        self.block_button.toggled.connect(self.sig_block_mode_toggled)
        row.addWidget(self.block_button)
        self._sync()

    def _describe(self, kind: str) -> str:
        return {
            "locations": self.tr("Choose which locations the book shows"),
            "rooms": self.tr("Choose which rooms the book shows"),
            "chairs": self.tr("Choose which chairs the book shows"),
            "providers": self.tr("Choose which providers' visits the book shows"),
        }.get(kind, self.tr("Choose which procedures the book shows"))

    # ----- what the menus offer ----------------------------------------------------------
    def set_scope(self, location_ids: list[int]) -> None:
        """Offer the rooms and chairs of these locations."""
        if location_ids == self.scope:
            return  # every rebuild asks: restyling the buttons again costs a day switch ~2 ms
        self.scope = location_ids
        self._sync()

    def set_filters(self, filters: CalendarFilters) -> None:
        self.filters = filters
        self._sync()

    def options(self, kind: str) -> list[tuple[object, str]]:
        c = self.clinic
        chairs = [ch for ch in c.chairs if ch.location_id in self.scope]
        if kind == "locations":
            return [(loc.id, loc.name) for loc in c.locations]
        if kind == "rooms":
            return [(r, r) for r in sorted({ch.room for ch in chairs if ch.room})]
        if kind == "chairs":
            multi = len({ch.location_id for ch in chairs}) > 1
            return [
                (ch.id, f"{ch.name} · {c.location(ch.location_id).name}" if multi else ch.name)
                for ch in chairs
            ]
        if kind == "providers":
            return [(p.id, p.name) for p in c.providers]
        return [(t.id, t.name) for t in c.types]

    def _selected(self, kind: str) -> frozenset[object]:
        return frozenset(getattr(self.filters, kind))

    def _fill_menu(self, kind: str) -> None:
        menu = self.menus[kind]
        menu.clear()
        chosen = self._selected(kind)
        everything = menu.addAction(self.tr("All"))
        everything.setCheckable(True)
        everything.setChecked(not chosen)
        everything.triggered.connect(lambda _=False, k=kind: self.choose(k, frozenset()))
        menu.addSeparator()
        for value, label in self.options(kind):
            act = menu.addAction(label)
            act.setCheckable(True)
            act.setChecked(value in chosen)
            act.setData(value)
            act.triggered.connect(lambda checked, k=kind, v=value: self.toggle(k, v, checked))

    def menu_actions(self, kind: str) -> list[QAction]:
        """The menu's actions as the user would see them (tests trigger these)."""
        self._fill_menu(kind)
        return [a for a in self.menus[kind].actions() if a.text()]

    # ----- changes ------------------------------------------------------------------------
    def toggle(self, kind: str, value: object, checked: bool) -> None:
        chosen = set(self._selected(kind))
        (chosen.add if checked else chosen.discard)(value)
        self.choose(kind, frozenset(chosen))

    def choose(self, kind: str, values: frozenset[object]) -> None:
        fields: dict[str, Any] = {kind: values}
        self._change(replace(self.filters, **fields))

    def _on_by_clicked(self, by: str) -> None:
        self._change(replace(self.filters, by=by))

    def _on_clear_clicked(self) -> None:
        self._change(CalendarFilters(by=self.filters.by, show_missed=self.filters.show_missed))

    def _on_missed_toggled(self, on: bool) -> None:
        self._change(replace(self.filters, show_missed=on))

    def _change(self, filters: CalendarFilters) -> None:
        if filters == self.filters:
            self._sync()
            return
        self.filters = filters
        filters.save()
        self._sync()
        self.sig_changed.emit(filters)

    def _sync(self) -> None:
        self.by_chair.setChecked(self.filters.by == BY_CHAIR)
        self.by_provider.setChecked(self.filters.by == BY_PROVIDER)
        self.missed_button.setChecked(self.filters.show_missed)
        names = {
            "locations": self.tr("Locations"),
            "rooms": self.tr("Rooms"),
            "chairs": self.tr("Chairs"),
            "providers": self.tr("Providers"),
            "types": self.tr("Procedures"),
        }
        for kind, button in self.buttons.items():
            chosen = self._selected(kind)
            labels = [label for value, label in self.options(kind) if value in chosen]
            if not chosen:
                text = self.tr("{0}: all").format(names[kind])
            elif len(labels) == 1:
                text = f"{names[kind]}: {labels[0]}"
            else:
                text = f"{names[kind]}: {len(chosen)}"
            button.setText(text)
            button.setProperty("active", bool(chosen))
            button.style().unpolish(button)
            button.style().polish(button)
        self.clear_button.setEnabled(self.filters.active > 0)


def _button(text: str, *, checkable: bool = False) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setCheckable(checkable)
    return button
