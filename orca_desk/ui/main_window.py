"""Main window: navigation between screens, date and location toolbar, status bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from orca_desk.services.changes import NO_CHANGES, Changes
from orca_desk.services.clinic.clinic import load_clinic
from orca_desk.services.errors import ValidationError
from orca_desk.ui import language
from orca_desk.ui.change_watcher import ChangeWatcher
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import LONG, fmt_day
from orca_desk.ui.labels import date_edit_format
from orca_desk.ui.operations import Operations
from orca_desk.ui.screen import Screen, ScreenSpec
from orca_desk.ui.theme import icon
from orca_desk.ui.undo import UndoStack

# The screens' titles (ScreenSpec.title, in app.py), for pyside6-lupdate; shown through translate().
NAVIGATION = (
    QT_TRANSLATE_NOOP("Navigation", "Calendar"),
    QT_TRANSLATE_NOOP("Navigation", "Week"),
    QT_TRANSLATE_NOOP("Navigation", "All locations"),
    QT_TRANSLATE_NOOP("Navigation", "Schedules"),
    QT_TRANSLATE_NOOP("Navigation", "Templates"),
    QT_TRANSLATE_NOOP("Navigation", "Waitlist"),
    QT_TRANSLATE_NOOP("Navigation", "Reminders"),
    QT_TRANSLATE_NOOP("Navigation", "Call list"),
    QT_TRANSLATE_NOOP("Navigation", "Recovery"),
    QT_TRANSLATE_NOOP("Navigation", "Campaigns"),
    QT_TRANSLATE_NOOP("Navigation", "Messages"),
    QT_TRANSLATE_NOOP("Navigation", "Outbox"),
    QT_TRANSLATE_NOOP("Navigation", "Settings"),
    QT_TRANSLATE_NOOP("Navigation", "Administration"),
)
KEY_GEOMETRY = "mainWindow/geometry"
KEY_STATE = "mainWindow/state"
KEY_LOCATION = "mainWindow/location"
KEY_SCREEN = "mainWindow/screen"


class MainWindow(QMainWindow):
    sig_clinic_changed = Signal(object)
    """``ctx.clinic`` was reloaded after an edit (Administration): the new ``ClinicInfo``."""

    def __init__(self, ctx: AppContext, screens: list[ScreenSpec], *, database_label: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.tr("Orca Desk — {name}").format(name=ctx.clinic.name))
        self.setWindowIcon(icon("logo"))
        # The navigation shows what the signed-in role may use (a receptionist sees no manager screen).
        self.specs = screens = [spec for spec in screens if spec.shown_to(ctx.actor)]
        self.screens = _LazyScreens(self)
        self._stale: set[str] = set()  # built screens that have not seen the latest day/location
        self._pending: dict[str, Changes] = {}  # hidden screens: changes to show when next shown
        # Every change reaches the screens through here: this desk's operations say what they
        # changed; the watcher reports other desks' commits (~1 s: data_version / LISTEN).
        self.change_watcher = ChangeWatcher(ctx.db, self)
        self.change_watcher.sig_changes.connect(self.on_changes)
        ctx.ops = Operations(ctx.db, self, feed=self.change_watcher.feed)
        ctx.ops.sig_changes.connect(self.on_changes)
        ctx.ops.routed = True
        self.location_id = ctx.clinic.locations[0].id
        self.day = ctx.clock.now().astimezone(ctx.clinic.locations[0].zone).date()

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName(self.tr("Screens"))
        self.nav.setAccessibleDescription(self.tr("Choose the screen to work in"))
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(180)
        self.stack = QStackedWidget()
        # One undo history for the book, shared by the calendar screens; an editor with its own
        # history (Templates) joins the group, and Ctrl+Z acts on the screen in front only.
        self.undo_stack = UndoStack(self)
        self.undo_group = QUndoGroup(self)
        self.undo_group.addStack(self.undo_stack)
        self._undo_stacks: dict[str, QUndoStack | None] = {}
        # Screens are built when first shown: start-up pays only for the one on screen.
        for spec in screens:
            self.stack.addWidget(QWidget())
            QListWidgetItem(icon(spec.icon), QCoreApplication.translate("Navigation", spec.title), self.nav)
        # Wide enough for the longest title in the UI's language (Spanish ones are longer), never scrolled.
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setFixedWidth(max(180, self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth()))
        self.nav.currentRowChanged.connect(self._on_nav_changed)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_toolbar()
        self._build_status_bar(database_label)
        self._restore_settings()
        self._apply_day_and_location()
        ctx.ops.sig_status.connect(self._on_screen_status)
        ctx.ops.sig_busy.connect(self._on_busy)

    # ----- chrome -------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        tb = QToolBar(self.tr("Navigation"))
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setIconSize(QSize(18, 18))
        self.addToolBar(tb)
        self.act_prev = QAction(icon("prev"), self.tr("Previous day"), self)
        self.act_prev.setShortcuts([QKeySequence(Qt.Key.Key_Left), QKeySequence("Alt+Left")])
        self.act_prev.triggered.connect(lambda: self.go_to_date(self.day - timedelta(days=self._step())))
        self.act_today = QAction(icon("today"), self.tr("Today"), self)
        self.act_today.setShortcut(QKeySequence(Qt.Key.Key_T))
        self.act_today.triggered.connect(self.go_to_today)
        self.act_next = QAction(icon("next"), self.tr("Next day"), self)
        self.act_next.setShortcuts([QKeySequence(Qt.Key.Key_Right), QKeySequence("Alt+Right")])
        self.act_next.triggered.connect(lambda: self.go_to_date(self.day + timedelta(days=self._step())))
        self.act_undo = self.undo_group.createUndoAction(self, self.tr("Undo"))
        self.act_undo.setIcon(icon("undo"))
        self.act_undo.setShortcuts([QKeySequence("Ctrl+Z")])
        self.act_redo = self.undo_group.createRedoAction(self, self.tr("Redo"))
        self.act_redo.setIcon(icon("redo"))
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for a in (self.act_prev, self.act_today, self.act_next, self.act_undo, self.act_redo):
            a.setToolTip(f"{a.text()} ({a.shortcut().toString()})")
            tb.addAction(a)
        self.date_title = QLabel()
        self.date_title.setObjectName("dateTitle")
        tb.addWidget(self.date_title)
        self.date_edit = QDateEdit()
        self.date_edit.setAccessibleName(self.tr("Day shown"))
        self.date_edit.setAccessibleDescription(self.tr("Go to another day in the calendar"))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(date_edit_format())
        self.date_edit.dateChanged.connect(self._on_date_edit_changed)
        tb.addWidget(self.date_edit)
        spacer = QWidget()
        spacer.setFixedWidth(16)
        tb.addWidget(spacer)
        tb.addWidget(QLabel(self.tr("Location")))
        self.location_combo = QComboBox()
        self.location_combo.setAccessibleName(self.tr("Location"))
        self.location_combo.setAccessibleDescription(
            self.tr("The location whose calendar and lists are shown")
        )
        for loc in self.ctx.clinic.locations:
            self.location_combo.addItem(loc.name, loc.id)
        self.location_combo.currentIndexChanged.connect(self._on_location_changed)
        tb.addWidget(self.location_combo)
        self.print_handler: Callable[[date, int], object] | None = None
        self.act_print = QAction(icon("print"), self.tr("Print…"), self)
        self.act_print.setShortcut(QKeySequence.StandardKey.Print)
        self.act_print.setToolTip(
            self.tr("Print the day or week ({value})").format(value=self.act_print.shortcut().toString())
        )
        self.act_print.triggered.connect(self.open_print_dialog)
        tb.addAction(self.act_print)
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.activated.connect(self._on_find)
        # Ctrl+N: find next opening, from whichever screen offers it (the Schedules screen does).
        self.opening_shortcut = QShortcut(QKeySequence("Ctrl+N"), self)
        self.opening_shortcut.activated.connect(self._on_find_opening)
        self._build_help_menu(tb)

    def _build_help_menu(self, tb: QToolBar) -> None:
        # A Help button at the toolbar's end rather than a menu bar: every screen keeps its height.
        self.help_menu = QMenu(self.tr("Help"), self)
        self.act_about = QAction(self.tr("About Orca Desk"), self)
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.act_about.triggered.connect(self.open_about_dialog)
        self.help_menu.addAction(self.act_about)
        stretch = QWidget()
        stretch.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tb.addWidget(stretch)
        help_button = QToolButton()
        help_button.setObjectName("helpButton")
        help_button.setText(self.tr("Help"))
        help_button.setAccessibleName(self.tr("Help"))
        help_button.setAccessibleDescription(self.tr("Opens the help menu: about Orca Desk"))
        help_button.setMenu(self.help_menu)
        help_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        tb.addWidget(help_button)

    def open_about_dialog(self) -> None:
        from orca_desk.ui.about_dialog import AboutDialog

        AboutDialog(self.ctx.db, self).exec()

    def _build_status_bar(self, database_label: str) -> None:
        sb = self.statusBar()
        self.status_db = QLabel(database_label)
        self.status_user = QLabel(
            self.tr("Signed in: {value}").format(
                value=language.signed_in_name(self.ctx.actor.display_name, self.ctx.actor.role)
                if self.ctx.actor.display_name
                else self.ctx.actor.username
            )
        )
        self.status_automation = QLabel(self.tr("Automation: not running on this desk"))
        self.status_automation.setObjectName("statusAutomation")
        self.status_busy = QLabel(self.tr("Working…"))
        self.status_busy.setObjectName("statusBusy")
        self.status_busy.setVisible(False)
        for w in (self.status_busy, self.status_db, self.status_user, self.status_automation):
            sb.addPermanentWidget(w)

    # ----- navigation ---------------------------------------------------------------------
    def current_screen(self) -> Screen:
        return self.screens[self.specs[max(0, self.stack.currentIndex())].key]

    def _build_screen(self, key: str) -> Screen:
        index = [sp.key for sp in self.specs].index(key)
        screen = self.specs[index].factory(self.ctx)
        screen.sig_status.connect(self._on_screen_status)
        screen.sig_go_to_date.connect(self.go_to_date)
        screen.sig_go_to_place.connect(self.go_to_place)
        screen.sig_clinic_changed.connect(self.reload_clinic)
        screen.sig_show_screen.connect(self.show_screen)
        attach = getattr(screen, "attach_undo_stack", None)
        own = getattr(screen, "undo_stack", None)
        if attach is not None:
            attach(self.undo_stack)
            self._undo_stacks[key] = self.undo_stack
        elif isinstance(own, QUndoStack):
            self.undo_group.addStack(own)
            self._undo_stacks[key] = own
        else:
            self._undo_stacks[key] = None  # nothing to undo on this screen
        placeholder = self.stack.widget(index)
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, screen)
        if placeholder is not None:
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        self.stack.setCurrentIndex(current)
        screen.show_location(self.location_id)
        screen.show_day(self.day)
        return screen

    def show_screen(self, key: str) -> Screen:
        keys = [s.key for s in self.specs]
        if key not in keys:
            raise ValidationError(
                self.tr("Unknown view {key!r}; choose one of {value}.").format(key=key, value=", ".join(keys))
            )
        self.nav.setCurrentRow(keys.index(key))
        return self.screens[key]

    def go_to_today(self) -> None:
        zone = self.ctx.clinic.location(self.location_id).zone
        self.go_to_date(self.ctx.clock.now().astimezone(zone).date())

    def go_to_date(self, day: date) -> None:
        self.day = day
        self._apply_day_and_location()

    def go_to_place(self, location_id: int, day: date) -> None:
        """Show ``day`` at ``location_id`` (a visit at another location switches the toolbar too)."""
        self.day = day
        index = self.location_combo.findData(location_id)
        if index >= 0 and index != self.location_combo.currentIndex():
            self.location_combo.blockSignals(True)
            self.location_combo.setCurrentIndex(index)
            self.location_combo.blockSignals(False)
            self.location_id = location_id
        self._apply_day_and_location()

    def _sync_period(self) -> None:
        """The title and the ← / → labels name the period the screen in front shows (a day, a week)."""
        screen = self.current_screen()
        title = getattr(screen, "period_title", None)
        self.date_title.setText(title(self.day) if title is not None else fmt_day(self.day, LONG))
        week = self._step() == 7
        self.act_prev.setText(self.tr("Previous week") if week else self.tr("Previous day"))
        self.act_next.setText(self.tr("Next week") if week else self.tr("Next day"))
        for act in (self.act_prev, self.act_next):
            act.setToolTip(f"{act.text()} ({act.shortcut().toString()})")

    def _apply_day_and_location(self) -> None:
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(self.day.year, self.day.month, self.day.day))
        self.date_edit.blockSignals(False)
        # Only the screen on view reloads now; the others catch up when shown.
        current = self.specs[max(0, self.stack.currentIndex())].key
        self._stale = set(self.screens.built()) - {current}
        screen = self.screens[current]
        screen.show_location(self.location_id)
        screen.show_day(self.day)
        self._sync_period()

    def _on_date_edit_changed(self, qdate: QDate) -> None:
        self.go_to_date(date(qdate.year(), qdate.month(), qdate.day()))

    def _on_location_changed(self, index: int) -> None:
        self.location_id = int(self.location_combo.itemData(index))
        self._apply_day_and_location()

    def _on_nav_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self.specs[row].key
        screen = self.screens[key]  # built (and brought up to date) on first show
        pending = self._pending.pop(key, None)
        if key in self._stale:
            self._stale.discard(key)
            screen.show_location(self.location_id)
            screen.show_day(self.day)
        if pending is not None:
            screen.on_changes(pending)
        self.stack.setCurrentWidget(screen)
        self._sync_period()
        # None (Qt's null stack): this screen has no history, so Undo is off while it is in front.
        self.undo_group.setActiveStack(self._undo_stacks.get(key))  # type: ignore[arg-type]

    def reload_clinic(self) -> None:
        """Reload the clinic's reference data into the shared context after an edit; every
        other screen reloads when next shown, and the location list follows renames."""
        with self.ctx.db.read() as s:
            clinic = load_clinic(s)
        if clinic is None:
            return
        self.ctx.clinic = clinic
        self.setWindowTitle(self.tr("Orca Desk — {name}").format(name=clinic.name))
        ids = [loc.id for loc in clinic.locations]
        if self.location_id not in ids:
            self.location_id = ids[0]
        self.location_combo.blockSignals(True)
        self.location_combo.clear()
        for loc in clinic.locations:
            self.location_combo.addItem(loc.name, loc.id)
        self.location_combo.setCurrentIndex(ids.index(self.location_id))
        self.location_combo.blockSignals(False)
        current = self.specs[max(0, self.stack.currentIndex())].key
        self._stale = set(self.screens.built()) - {current}
        for screen in self.screens.values():
            hook = getattr(screen, "on_clinic_changed", None)
            if hook is not None:
                hook(clinic)
        self.sig_clinic_changed.emit(clinic)

    def _on_screen_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 6000)

    def _step(self) -> int:
        return int(getattr(self.current_screen(), "nav_step_days", 1))

    def on_changes(self, changes: Changes) -> None:
        """Hand ``changes`` to the screens that show them: the one in front reloads now, the
        others once, when next shown."""
        current = self.specs[max(0, self.stack.currentIndex())].key
        for key in self.screens.built():
            screen = self.screens[key]
            if not changes.touches(screen.watches):
                continue
            if key == current:
                screen.on_changes(changes)
            else:
                self._pending[key] = self._pending.get(key, NO_CHANGES) | changes

    def _on_busy(self, busy: bool) -> None:
        self.status_busy.setVisible(busy)

    def _on_find_opening(self) -> None:
        screen = self.current_screen()
        if getattr(screen, "find_opening", None) is None:
            # The screen that offers it, built if it has not been shown yet.
            key = next((sp.key for sp in self.specs if hasattr(sp.factory, "find_opening")), None)
            if key is None:
                return
            screen = self.screens[key]
        screen.find_opening()  # type: ignore[attr-defined]

    def _on_find(self) -> None:
        handler = getattr(self.current_screen(), "find_patient", None)
        if handler is not None:
            handler()

    def open_print_dialog(self) -> None:
        """Ctrl+P: the print dialog that the composition root installed (views sit above ui)."""
        if self.print_handler is None:
            self.statusBar().showMessage(self.tr("Printing is not available here."), 6000)
            return
        self.print_handler(self.day, self.location_id)

    # ----- persistence --------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = QSettings()
        geometry = s.value(KEY_GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        state = s.value(KEY_STATE)
        if state is not None:
            self.restoreState(state)
        loc = s.value(KEY_LOCATION)
        ids = [loc_.id for loc_ in self.ctx.clinic.locations]
        if loc is not None and int(loc) in ids:
            self.location_combo.setCurrentIndex(ids.index(int(loc)))
            self.location_id = int(loc)
        screen = s.value(KEY_SCREEN)
        keys = [sp.key for sp in self.specs]
        self.nav.setCurrentRow(keys.index(screen) if screen in keys else 0)

    def closeEvent(self, event: QCloseEvent) -> None:
        s = QSettings()
        s.setValue(KEY_GEOMETRY, self.saveGeometry())
        s.setValue(KEY_STATE, self.saveState())
        s.setValue(KEY_LOCATION, self.location_id)
        s.setValue(KEY_SCREEN, self.specs[self.nav.currentRow()].key)
        self.change_watcher.stop()
        super().closeEvent(event)

    # ----- screenshot ---------------------------------------------------------------------
    def save_screenshot(
        self,
        path: str,
        *,
        view: str = "calendar",
        day: date | None = None,
        size: tuple[int, int] = (1400, 900),
    ) -> int:
        """Render ``view`` at exactly ``size``; a screen that needs a bigger window is an error."""
        self.show_screen(view)
        if day is not None:
            self.go_to_date(day)
        self.resize(*size)
        self.show()
        app = QApplication.instance()
        for _ in range(3):
            if app is not None:
                app.processEvents()
        wait = getattr(self.current_screen(), "wait_until_loaded", None)
        if wait is not None:
            wait()
        if app is not None:
            app.processEvents()
        if (self.width(), self.height()) != size:
            raise ValidationError(
                self.tr(
                    "The {view} screen needs a window of at least {value}×{value2} px; it "
                    "does not fit {value3}×{value4}."
                ).format(view=view, value=self.width(), value2=self.height(), value3=size[0], value4=size[1])
            )
        if not self.grab().save(path):
            raise ValidationError(self.tr("Could not write the screenshot to {path!r}.").format(path=path))
        return 0


class _LazyScreens:
    """The window's screens by key: indexing builds one on first use; iteration sees built ones."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._built: dict[str, Screen] = {}

    def __getitem__(self, key: str) -> Screen:
        if key not in self._built:
            self._built[key] = self._window._build_screen(key)
        return self._built[key]

    def __contains__(self, key: object) -> bool:
        return key in self._built

    def built(self) -> list[str]:
        return list(self._built)

    def values(self) -> list[Screen]:
        return list(self._built.values())
