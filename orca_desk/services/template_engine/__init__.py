"""Apply template versions to dates and providers: dry-run plan, idempotent bulk apply, replace, fill.

The plan loads the range's schedules (the availability engine's ``load_schedule_data``),
active appointments and already-applied slots in a handful of bulk queries, then decides
every slot in memory with interval arithmetic on epoch minutes. Wall-clock slots become
instants per local day with ``DayClock``, so DST days are exact. Existing appointments are
never overwritten or moved: a slot whose time is taken is skipped and reported.

Each name loads its module when first used: the calendar reads open slots without loading
the writer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orca_desk.services.template_engine.applying import apply_template
    from orca_desk.services.template_engine.chunks import (
        apply_template_in_chunks,
        replace_application,
        replace_application_in_chunks,
    )
    from orca_desk.services.template_engine.filling import on_appointment_change
    from orca_desk.services.template_engine.planning import plan_application
    from orca_desk.services.template_engine.plans import (
        ApplicationPlan,
        ApplicationRow,
        ApplyParams,
        ApplyResult,
        OpenTemplateSlot,
        PlannedSlot,
    )
    from orca_desk.services.template_engine.reading import list_applications, open_template_slots

_HOME = {
    "ApplicationPlan": "plans",
    "ApplicationRow": "plans",
    "ApplyParams": "plans",
    "ApplyResult": "plans",
    "OpenTemplateSlot": "plans",
    "PlannedSlot": "plans",
    "apply_template": "applying",
    "apply_template_in_chunks": "chunks",
    "list_applications": "reading",
    "on_appointment_change": "filling",
    "open_template_slots": "reading",
    "plan_application": "planning",
    "replace_application": "chunks",
    "replace_application_in_chunks": "chunks",
}

__all__ = [
    "ApplicationPlan",
    "ApplicationRow",
    "ApplyParams",
    "ApplyResult",
    "OpenTemplateSlot",
    "PlannedSlot",
    "apply_template",
    "apply_template_in_chunks",
    "list_applications",
    "on_appointment_change",
    "open_template_slots",
    "plan_application",
    "replace_application",
    "replace_application_in_chunks",
]


if not TYPE_CHECKING:  # the type checker reads the imports above, and flags unknown names

    def __getattr__(name: str) -> Any:
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f"{__name__}.{home}"), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
