"""Schedules screen: a provider's weekly hours, exceptions (holidays, PTO, extra days) and blocks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import provider_schedules as ps
from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.ui import language
from orca_desk.ui.accessibility import describe
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import SHORT, fmt_day
from orca_desk.ui.export_button import export_button
from orca_desk.ui.lazy_tabs import LazyTabs
from orca_desk.ui.rows_table import table
from orca_desk.ui.screen import Screen
from orca_desk.views.schedules.forms import ScheduleForms
from orca_desk.views.schedules.models import ProviderListModel, schedule_models
from orca_desk.views.schedules.week_editor import WeekEditor, minute_of, pydate, qdate


class SchedulesScreen(ScheduleForms, Screen):
    """A provider's weekly hours, holidays and time off, and blocks; find the next opening."""

    watches = frozenset({"schedule_period", "schedule_break", "schedule_exception", "schedule_block"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.time_fmt = ctx.time_style()
        self.location_id = ctx.clinic.locations[0].id
        self.today = ctx.clock.now().astimezone(ctx.clinic.locations[0].zone).date()
        self.confirm: Callable[[str, str], bool] = lambda title, text: (
            QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes
        )
        self._highlighted: QWidget | None = None
        self._week_location: int | None = None
        """Where the shown week works first: the blocks form starts there."""
        self._build_models()
        self._build_head()
        self.tabs = QTabWidget()
        # The holidays and blocks tabs are built when first shown: the screen opens sooner.
        self.pages = LazyTabs(self.tabs)
        self.pages.add(self._build_week_tab, self.tr("Weekly hours"), now=True)
        self.exceptions_page = self.pages.add(self._build_exceptions_tab, self.tr("Holidays && time off"))
        self.blocks_page = self.pages.add(self._build_blocks_tab, self.tr("Blocks"))
        self._lay_out()
        if self.providers.rowCount():
            self.provider_list.setCurrentIndex(self.providers.index(0))

    def _build_models(self) -> None:
        self.affected, self.exceptions, self.blocks = schedule_models(self.ctx.clinic, self.time_fmt)

    def _build_head(self) -> None:
        self.providers = ProviderListModel(self.ctx.clinic.providers)
        self.provider_list = QListView()
        self.provider_list.setAccessibleName(self.tr("Providers"))
        self.provider_list.setAccessibleDescription(self.tr("Choose the provider whose schedule is shown"))
        self.provider_list.setModel(self.providers)
        self.provider_list.setFixedWidth(220)
        self.provider_list.selectionModel().currentChanged.connect(self._on_provider_changed)
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.find_button = QPushButton(self.tr("Find next opening…"))
        self.find_button.setToolTip(self.tr("Find the next openings and book one (Ctrl+N)"))
        self.find_button.clicked.connect(self.find_opening)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)

    def _lay_out(self) -> None:
        right = QVBoxLayout()
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.find_button)
        right.addLayout(head)
        right.addWidget(self.error)
        right.addWidget(self.tabs, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(12)
        layout.addWidget(self.provider_list)
        layout.addLayout(right, 1)

    def _build_week_tab(self) -> QWidget:
        tab = QWidget()
        self.week = WeekEditor(self.ctx, time_fmt=self.time_fmt)
        self.check_button = QPushButton(self.tr("Check appointments"))
        self.check_button.clicked.connect(self.preview_affected)
        self.save_button = QPushButton(self.tr("Save hours"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_week)
        self.check_button.setAccessibleDescription(
            self.tr("List the booked visits these hours would leave out, before saving")
        )
        self.save_button.setAccessibleDescription(self.tr("Save the weekly hours from the date chosen"))
        self.affected_label = QLabel()
        self.affected_label.setObjectName("hint")
        self.affected_label.setWordWrap(True)
        self._affected_view: QTableView | None = None
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.save_button)
        self._week_box = box = QVBoxLayout(tab)
        box.addWidget(self.week)
        box.addLayout(buttons)
        box.addWidget(self.affected_label)
        return tab

    @property
    def affected_view(self) -> QTableView:
        """The visits new hours would leave out, under the editor: built by the first check."""
        if self._affected_view is None:
            self._affected_view = table(
                self.affected,
                len(self.affected.columns) - 1,
                empty=self.tr(
                    "No booked visit falls outside these hours: Preview lists any the new week would leave out."  # noqa: E501 - one literal, as lupdate reads it
                ),
            )
            self._affected_view.setVisible(False)
            self._week_box.addWidget(self._affected_view, 1)
        return self._affected_view

    def _build_exceptions_tab(self) -> QWidget:
        tab = QWidget()
        self.exceptions_view = table(
            self.exceptions,
            len(self.exceptions.columns) - 1,
            empty=self.tr("No days off or changed hours: add time off or extra hours with the form below."),
        )
        add = QPushButton(self.tr("Add"))
        add.clicked.connect(self.add_exception)
        remove = QPushButton(self.tr("Remove selected"))
        remove.clicked.connect(self.remove_exception)
        import_ics = QPushButton(self.tr("Import time off (.ics)…"))
        import_ics.clicked.connect(self._on_import_clicked)
        self.exceptions_view.setAccessibleName(self.tr("Schedule exceptions"))
        describe(
            (
                (self.exceptions_view, self.tr("Days off and changed hours, by provider and location")),
                (add, self.tr("Add the exception described in the form above")),
                (import_ics, self.tr("Add time off from a calendar file (.ics)")),
                (remove, self.tr("Remove the selected exception")),
            )
        )
        actions = QHBoxLayout()
        actions.addWidget(add)
        actions.addStretch(1)
        actions.addWidget(import_ics)
        actions.addWidget(remove)
        self.btn_export_exceptions = export_button(
            self, self.exceptions, self.tr("Schedule exceptions"), status=self.sig_status.emit
        )
        actions.addWidget(self.btn_export_exceptions)
        box = QVBoxLayout(tab)
        box.addWidget(self.exceptions_view, 1)
        box.addWidget(self._build_exception_form())
        box.addLayout(actions)
        self._reset_exception_form()
        return tab

    def _reset_exception_form(self) -> None:
        if self.pages.built(self.exceptions_page):
            for d in (self.x_from, self.x_to):
                d.setDate(qdate(self.today))

    def _build_blocks_tab(self) -> QWidget:
        tab = QWidget()
        self.blocks_view = table(
            self.blocks,
            len(self.blocks.columns) - 1,
            empty=self.tr(
                "No blocked time: block a chair or provider for a meeting or lunch with the form below."
            ),
        )
        add = QPushButton(self.tr("Add block"))
        add.clicked.connect(self.add_block)
        remove = QPushButton(self.tr("Remove selected"))
        remove.clicked.connect(self.remove_block)
        self.blocks_view.setAccessibleName(self.tr("Blocked time"))
        describe(
            (
                (
                    self.blocks_view,
                    self.tr("Time blocked for meetings, lunch or training, by chair or provider"),
                ),
                (add, self.tr("Block the time described in the form above")),
                (remove, self.tr("Remove the selected block")),
            )
        )
        actions = QHBoxLayout()
        actions.addWidget(add)
        actions.addStretch(1)
        actions.addWidget(remove)
        self.btn_export_blocks = export_button(
            self, self.blocks, self.tr("Blocked time"), status=self.sig_status.emit
        )
        actions.addWidget(self.btn_export_blocks)
        box = QVBoxLayout(tab)
        box.addWidget(self.blocks_view, 1)
        box.addWidget(self._build_block_form())
        box.addLayout(actions)
        self._fill_block_targets()
        self._reset_block_form()
        return tab

    def _reset_block_form(self) -> None:
        if not self.pages.built(self.blocks_page):
            return
        self.b_day.setDate(qdate(self.today))
        if self._week_location is not None:
            self.b_location.setCurrentIndex(max(0, self.b_location.findData(self._week_location)))

    def show_location(self, location_id: int) -> None:
        self.location_id = location_id

    def current_provider_id(self) -> int | None:
        idx = self.provider_list.currentIndex()
        return self.providers.row_at(idx.row()).id if idx.isValid() else None

    def select_provider(self, provider_id: int) -> None:
        for row in range(self.providers.rowCount()):
            if self.providers.row_at(row).id == provider_id:
                self.provider_list.setCurrentIndex(self.providers.index(row))

    def _on_provider_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.refresh()

    def refresh(self) -> None:
        pid = self.current_provider_id()
        if pid is None:
            return
        name = self.providers.row_at(self.provider_list.currentIndex().row()).name
        self.title.setText(name)
        today = self.today

        def load(session: Any) -> tuple[list[ps.DayHours], list[ps.ExceptionView], list[ps.BlockView]]:
            return (
                ps.week_on(session, pid, today),
                ps.list_exceptions(session, provider_id=pid, start_day=today - timedelta(days=30)),
                ps.list_blocks(session, provider_id=pid),
            )

        self.ctx.ops.read(load, parent=self, on_done=self._show, background=False)

    def _show(self, loaded: tuple[list[ps.DayHours], list[ps.ExceptionView], list[ps.BlockView]]) -> None:
        week, exceptions, blocks = loaded
        self.week.set_week(week, self.today)
        self.exceptions.set_rows(exceptions)
        self.blocks.set_rows(blocks)
        if week:
            self._week_location = week[0].location_id
        self._reset_exception_form()
        self._reset_block_form()
        self.affected.set_rows([])
        if self._affected_view is not None:
            self._affected_view.setVisible(False)
        self.affected_label.clear()
        self._clear_error()

    def _clear_error(self) -> None:
        self.error.clear()
        self.error.setVisible(False)
        if self._highlighted is not None:
            self._highlighted.setStyleSheet("")
            self._highlighted = None

    def _show_error(self, exc: OrcaError, widget: QWidget | None = None, *, status: bool = True) -> None:
        self._clear_error()
        said = language.say(str(exc))
        self.error.setText(said)
        self.error.setVisible(True)
        if widget is not None:
            widget.setStyleSheet("border: 2px solid #b3261e;")
            widget.setFocus()
            self._highlighted = widget
        if status:  # a refusal by an operation is already in the status bar
            self.sig_status.emit(self.tr("Not saved: {exc}").format(exc=said))

    def _refused(self, widgets: Callable[[OrcaError], QWidget | None]) -> Callable[[OrcaError], None]:
        """Show an operation's refusal above the tabs, marking the input ``widgets`` names for it."""
        return lambda exc: self._show_error(exc, widgets(exc), status=False)

    def _write(
        self,
        action: Callable[[Any], object],
        done: str,
        widget: QWidget | None = None,
        *,
        on_done: Callable[[], None] | None = None,
        widgets: Callable[[OrcaError], QWidget | None] | None = None,
    ) -> bool:
        """One operation; its changes reload the screen, then ``done`` goes to the status bar."""

        def finished(_result: object) -> None:
            if on_done is not None:
                on_done()
            self.sig_status.emit(done)

        return self.ctx.ops.write(
            action,
            parent=self,
            title=self.tr("Not saved"),
            on_done=finished,
            on_refused=self._refused(widgets or (lambda _exc: widget)),
        )

    # ----- weekly hours --------------------------------------------------------------------
    def _week_widget(self, exc: OrcaError) -> QWidget | None:
        return self.week.widget_for(getattr(exc, "field", None), str(exc))

    def preview_affected(self) -> list[ps.AffectedAppointment] | None:
        """Show the appointments the new hours would leave outside working time (saves nothing)."""
        pid = self.current_provider_id()
        if pid is None:
            return None
        start, end = self.week.effective_range()
        now = self.ctx.clock.now()
        found: list[list[ps.AffectedAppointment]] = []
        # The typed breaks are read inside the operation: a mistyped one is its refusal.
        if not self.ctx.ops.read(
            lambda s: ps.appointments_outside_new_hours(
                s, pid, self.week.days(), effective_from=start, effective_to=end, now=now
            ),
            parent=self,
            on_done=found.append,
            title=self.tr("Not saved"),
            background=False,
            on_refused=self._refused(self._week_widget),
        ):
            return None
        affected = found[0]
        self._clear_error()
        self.affected.set_rows(affected)
        self.affected_view.setVisible(bool(affected))
        self.affected_label.setText(
            self.tr(
                "%n booked appointment(s) would fall outside the new hours. "
                "They stay booked: saving never moves or deletes an appointment.",
                "",
                len(affected),
            )
            if affected
            else self.tr("No booked appointment falls outside the new hours.")
        )
        return affected

    def save_week(self) -> bool:
        pid = self.current_provider_id()
        affected = self.preview_affected()
        if pid is None or affected is None:
            return False
        if affected:
            time_fmt = self.ctx.time_style()
            lines = "\n".join(f"• {a.local_label(time_fmt)} — {a.patient_name}" for a in affected[:12])
            more = f"\n… and {len(affected) - 12} more" if len(affected) > 12 else ""
            if not self.confirm(
                self.tr("Appointments outside the new hours"),
                self.tr(
                    "These appointments would fall outside the new hours. They stay "
                    "booked; reschedule them if needed.\n\n{lines}{more}\n\nSave the new hours?"
                ).format(lines=lines, more=more),
            ):
                self.sig_status.emit(self.tr("Hours not saved"))
                return False
        start, end = self.week.effective_range()
        return self._write(
            lambda s: ps.set_week(
                s,
                self.ctx.actor,
                pid,
                self.week.days(),
                effective_from=start,
                effective_to=end,
                now=self.ctx.clock.now(),
            ),
            self.tr("Hours saved from {start}").format(start=fmt_day(start, SHORT)),
            widgets=self._week_widget,
        )

    # ----- exceptions ----------------------------------------------------------------------
    def add_exception(self) -> bool:
        pid = self.current_provider_id()
        if pid is None:
            return False
        kind = self.x_kind.currentData()
        first, last = pydate(self.x_from.date()), pydate(self.x_to.date())
        s_min = minute_of(self.x_start.time()) if self.x_partial.isChecked() else None
        e_min = minute_of(self.x_end.time()) if self.x_partial.isChecked() else None
        name, now, actor = self.x_name.text(), self.ctx.clock.now(), self.ctx.actor
        loc = int(self.x_location.currentData())
        time_off_type = self.x_type.currentData()

        def action(s: Any) -> object:
            if kind == "time_off":
                return ps.add_time_off(
                    s,
                    actor,
                    provider_id=pid,
                    start_day=first,
                    end_day=last,
                    time_off_type=time_off_type,
                    name=name,
                    start_minute=s_min,
                    end_minute=e_min,
                    now=now,
                )
            if kind in ("holiday", "location_holiday"):
                return ps.add_holiday(
                    s,
                    actor,
                    name=name,
                    start_day=first,
                    end_day=last,
                    location_id=loc if kind == "location_holiday" else None,
                    start_minute=s_min,
                    end_minute=e_min,
                    now=now,
                )
            return ps.add_extra_day(
                s,
                actor,
                provider_id=pid,
                location_id=loc,
                day=first,
                start_minute=s_min if s_min is not None else 8 * 60,
                end_minute=e_min if e_min is not None else 17 * 60,
                name=name,
                now=now,
            )

        field_widgets = {"name": self.x_name, "end_day": self.x_to, "start_minute": self.x_start}
        return self._write(
            action,
            self.tr("Added {value}").format(value=self.x_kind.currentText().split(" (")[0].lower()),
            on_done=self.x_name.clear,
            widgets=lambda exc: field_widgets.get(getattr(exc, "field", None) or ""),
        )

    def remove_exception(self) -> bool:
        idx = self.exceptions_view.currentIndex()
        if not idx.isValid():
            self.sig_status.emit(self.tr("Select an exception to remove."))
            return False
        row = self.exceptions.row_at(idx.row())
        return self._write(
            lambda s: ps.remove_exception(s, self.ctx.actor, row.id, now=self.ctx.clock.now()),
            self.tr("Removed {label}").format(label=language.say(row.label)),
        )

    def _on_import_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import time off"), "", "iCalendar (*.ics)")
        if path:
            self.import_ics(Path(path))

    def import_ics(self, path: Path) -> ps.IcsImportResult | None:
        pid = self.current_provider_id()
        if pid is None:
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._show_error(
                ValidationError(
                    self.tr("Could not read {name}: {strerror}.").format(
                        name=path.name, strerror=exc.strerror
                    )
                )
            )
            return None
        results: list[ps.IcsImportResult] = []
        kind = self.x_type.currentData()
        self.ctx.ops.write(
            lambda s: ps.import_time_off_ics(
                s, self.ctx.actor, provider_id=pid, data=data, now=self.ctx.clock.now(), time_off_type=kind
            ),
            parent=self,
            title=self.tr("Not imported"),
            on_done=results.append,
            on_refused=self._refused(lambda _exc: None),
        )
        if not results:
            return None
        result = results[0]
        notes = f" ({'; '.join(result.notes[:3])})" if result.notes else ""
        self.sig_status.emit(
            self.tr("Imported %n time-off event(s), ", "", result.created)
            + self.tr("skipped {skipped}{notes}").format(skipped=result.skipped, notes=notes)
        )
        return result

    # ----- blocks ------------------------------------------------------------------------------
    def add_block(self) -> bool:
        pid = self.current_provider_id()
        if pid is None:
            return False
        loc_id = int(self.b_location.currentData())
        zone = self.ctx.clinic.location(loc_id).zone
        day = pydate(self.b_day.date())
        s_min, e_min = minute_of(self.b_start.time()), minute_of(self.b_end.time())
        start = datetime.combine(day, time(s_min // 60, s_min % 60), tzinfo=zone)
        end_day = day + timedelta(days=1 if e_min == 0 else 0)  # 00:00 as the end: midnight after the day
        end = datetime.combine(end_day, time(e_min // 60, e_min % 60), tzinfo=zone)
        target, chair_id = self.b_target.currentData()
        rule = self.b_repeat.currentData()
        if rule == "custom":
            rule = self.b_rrule.text().strip()
            if not rule:
                self._show_error(
                    ValidationError(self.tr("Write the custom repeat rule, e.g. FREQ=WEEKLY;BYDAY=WE.")),
                    self.b_rrule,
                )
                return False
        widgets = {"reason": self.b_reason, "end": self.b_end, "rrule": self.b_rrule, "chair": self.b_target}
        reason, colour = self.b_reason.text(), self.b_colour.currentData()
        return self._write(
            lambda s: ps.create_block(
                s,
                self.ctx.actor,
                location_id=loc_id,
                start=start,
                end=end,
                reason=reason,
                colour=colour,
                provider_id=pid if target == "provider" else None,
                chair_id=chair_id,
                rrule=rule or None,
                now=self.ctx.clock.now(),
            ),
            self.tr("Block added"),
            on_done=self.b_reason.clear,
            widgets=lambda exc: widgets.get(getattr(exc, "field", None) or ""),
        )

    def remove_block(self) -> bool:
        idx = self.blocks_view.currentIndex()
        if not idx.isValid():
            self.sig_status.emit(self.tr("Select a block to remove."))
            return False
        row = self.blocks.row_at(idx.row())
        return self._write(
            lambda s: ps.delete_block(s, self.ctx.actor, row.id, now=self.ctx.clock.now()),
            self.tr("Removed block {reason}").format(reason=row.reason),
        )

    def find_opening(self) -> None:
        """Ctrl+N: the find-next-opening dialog, preset to the selected provider."""
        from orca_desk.views.schedules.find_opening import FindOpeningDialog

        pid = self.current_provider_id()
        dialog = FindOpeningDialog(self.ctx, provider_ids=[pid] if pid is not None else None, parent=self)
        if dialog.exec() and dialog.appointment_id is not None:
            self.sig_status.emit(dialog.booked_text or self.tr("Appointment booked"))
            if dialog.booked_place is not None:
                self.sig_show_screen.emit("calendar")
                self.sig_go_to_place.emit(*dialog.booked_place)
