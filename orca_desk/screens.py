"""The app's screens, each imported when first built, and the warm-up that loads them after first paint."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orca_desk.ui.context import AppContext
    from orca_desk.ui.screen import Screen, ScreenSpec


class LazyScreen:
    """A screen class, imported by ``load`` when it is first built or asked about."""

    def __init__(self, load: Callable[[], type[Screen]]) -> None:
        self.load = load

    def __call__(self, ctx: AppContext) -> Screen:
        screen_class: Any = self.load()  # each feature screen takes the context
        screen: Screen = screen_class(ctx)
        return screen

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(self.load(), attribute)  # a class attribute, e.g. whether it can find openings


def _day() -> type[Screen]:
    from orca_desk.views.calendar.day_view import DayViewScreen

    return DayViewScreen


def _week() -> type[Screen]:
    from orca_desk.views.calendar.week_view import WeekViewScreen

    return WeekViewScreen


def _locations() -> type[Screen]:
    from orca_desk.views.calendar.all_locations import AllLocationsScreen

    return AllLocationsScreen


def _schedules() -> type[Screen]:
    from orca_desk.views.schedules.screen import SchedulesScreen

    return SchedulesScreen


def _templates() -> type[Screen]:
    from orca_desk.views.templates.screen import TemplatesScreen

    return TemplatesScreen


def _waitlist() -> type[Screen]:
    from orca_desk.views.waitlist.screen import WaitlistScreen

    return WaitlistScreen


def _reminders() -> type[Screen]:
    from orca_desk.views.reminders.screen import RemindersScreen

    return RemindersScreen


def _calls() -> type[Screen]:
    from orca_desk.views.reminders.call_list import CallListScreen

    return CallListScreen


def _recovery() -> type[Screen]:
    from orca_desk.views.recovery.screen import RecoveryScreen

    return RecoveryScreen


def _campaigns() -> type[Screen]:
    from orca_desk.views.campaigns.screen import CampaignsScreen

    return CampaignsScreen


def _messages() -> type[Screen]:
    from orca_desk.views.messaging.inbox_view import InboxScreen

    return InboxScreen


def _outbox() -> type[Screen]:
    from orca_desk.views.messaging.outbox_view import OutboxScreen

    return OutboxScreen


def _settings() -> type[Screen]:
    from orca_desk.views.settings.settings_screen import SettingsScreen

    return SettingsScreen


def _admin() -> type[Screen]:
    from orca_desk.views.admin.screen import AdministrationScreen

    return AdministrationScreen


def default_screens() -> list[ScreenSpec]:
    """Every screen of the app, in navigation order (views are wired here, not in ui/)."""
    from orca_desk.services.access.security import MANAGE_CAMPAIGNS, MANAGE_CLINIC, MANAGE_TEMPLATES
    from orca_desk.ui.screen import ScreenSpec

    # services.clinic.clinic_settings.SETTINGS_PERMISSION, named here so the settings service loads with
    # its screen (a test keeps them equal).
    settings_permission = MANAGE_CAMPAIGNS
    return [
        ScreenSpec("calendar", "Calendar", "calendar", LazyScreen(_day)),
        ScreenSpec("week", "Week", "calendar", LazyScreen(_week)),
        ScreenSpec("locations", "All locations", "calendar", LazyScreen(_locations)),
        ScreenSpec("schedules", "Schedules", "clock", LazyScreen(_schedules)),
        ScreenSpec("templates", "Templates", "template", LazyScreen(_templates), needs=MANAGE_TEMPLATES),
        ScreenSpec("waitlist", "Waitlist", "list", LazyScreen(_waitlist)),
        ScreenSpec("reminders", "Reminders", "clock", LazyScreen(_reminders), needs=MANAGE_CAMPAIGNS),
        ScreenSpec("calls", "Call list", "list", LazyScreen(_calls)),
        ScreenSpec("recovery", "Recovery", "undo", LazyScreen(_recovery)),
        ScreenSpec("campaigns", "Campaigns", "chart", LazyScreen(_campaigns), needs=MANAGE_CAMPAIGNS),
        ScreenSpec("messages", "Messages", "message", LazyScreen(_messages)),
        ScreenSpec("outbox", "Outbox", "list", LazyScreen(_outbox)),
        ScreenSpec("settings", "Settings", "settings", LazyScreen(_settings), needs=settings_permission),
        ScreenSpec("admin", "Administration", "user", LazyScreen(_admin), needs=MANAGE_CLINIC),
    ]


# The warm-up's steps before the screens: the book's own actions (a first drag checks the drop
# through booking), services most screens reach on first open (the clinic's time format reads
# the settings) and the heaviest parts of the screens' services
# (the confirmations bring phonenumbers). Not the PostgreSQL dialect: a desk on PostgreSQL loaded
# it to connect, and one on SQLite never needs it.
def _booking_service() -> None:
    from orca_desk.services import provider_schedules  # noqa: F401
    from orca_desk.services.booking import booking  # noqa: F401


def _clinic_settings() -> None:
    from orca_desk.services.clinic import clinic_settings  # noqa: F401


def _outbox_service() -> None:
    from orca_desk.services.messaging import outbox  # noqa: F401


def _recovery_service() -> None:
    from orca_desk.services.recovery import metrics, queries, sequences, staff  # noqa: F401


def _campaigns_service() -> None:
    from orca_desk.services.campaigns import drafts, launch, results  # noqa: F401


def _administration_service() -> None:
    from orca_desk.services import administration  # noqa: F401


def _confirmations_service() -> None:
    from orca_desk.services import confirmations  # noqa: F401


# After the screens: parts built when first shown (a tab, a chart, a dialog) or first used.
def _qt_charts() -> None:
    import PySide6.QtCharts  # noqa: F401


def _charts() -> None:
    from orca_desk.ui import charts  # noqa: F401


def _find_opening() -> None:
    from orca_desk.views.schedules import find_opening  # noqa: F401


def _template_analytics() -> None:
    from orca_desk.views.templates import analytics_panel  # noqa: F401


def _apply_dialog() -> None:
    from orca_desk.views.templates import apply_dialog  # noqa: F401


def _reminder_analytics() -> None:
    from orca_desk.views.reminders import analytics_panel  # noqa: F401


def _templates_editor() -> None:
    from orca_desk.views.settings import templates_editor  # noqa: F401


def _campaign_wizard() -> None:
    from orca_desk.views.campaigns import wizard  # noqa: F401


def _export_writer() -> None:
    from orca_desk.services.exporting import export  # noqa: F401


WARM_FIRST: tuple[Callable[[], None], ...] = (
    _booking_service,
    _clinic_settings,
    _outbox_service,
    _recovery_service,
    _campaigns_service,
    _administration_service,
    _confirmations_service,
)
WARM_LATER: tuple[Callable[[], None], ...] = (
    _qt_charts,
    _charts,
    _find_opening,
    _template_analytics,
    _apply_dialog,
    _reminder_analytics,
    _templates_editor,
    _campaign_wizard,
    _export_writer,
)


def _main_window() -> None:
    from orca_desk.ui import main_window  # noqa: F401


def import_day_reads() -> None:
    """What the book's first load imports as it reads: the day's overlay, marks and missed visits."""
    from orca_desk.services import availability  # noqa: F401
    from orca_desk.services.booking import rebook  # noqa: F401
    from orca_desk.services.template_engine import reading  # noqa: F401
    from orca_desk.services.waitlist import queries  # noqa: F401


def _mappers() -> None:
    # Relationships are resolved once, before the first query; here instead of in the first load.
    from sqlalchemy.orm import configure_mappers

    configure_mappers()


def warm_while_signing_in(specs: list[ScreenSpec], on_done: Callable[[], None] | None = None) -> None:
    """While someone types their name and password: the window, the first screen's class and what
    its first load reads, one step per turn of the sign-in dialog's event loop, so the day paints
    sooner after Enter; ``on_done`` runs after the last."""
    first = [spec.factory.load for spec in specs[:1] if isinstance(spec.factory, LazyScreen)]
    _one_per_turn([_main_window, *first, import_day_reads, _mappers, _booking_service], on_done)


def warm_screens(specs: list[ScreenSpec], on_done: Callable[[], None] | None = None) -> None:
    """Import the screens not shown yet, their services and their parts built on demand, one
    step per turn of the event loop, so the first click on one is quick and the window stays
    responsive meanwhile; ``on_done`` runs after the last."""
    screens = [spec.factory.load for spec in specs if isinstance(spec.factory, LazyScreen)]

    def done() -> None:
        # What was imported lives as long as the app, as start-up's objects: later collections skip it.
        gc.freeze()
        if on_done is not None:
            on_done()

    _one_per_turn([*WARM_FIRST, *screens, *WARM_LATER], done)


def _one_per_turn(pending: list[Callable[[], object]], on_done: Callable[[], None] | None = None) -> None:
    from PySide6.QtCore import QTimer

    def next_one() -> None:
        if pending:
            pending.pop(0)()
            QTimer.singleShot(0, next_one)
        elif on_done is not None:
            on_done()

    next_one()
