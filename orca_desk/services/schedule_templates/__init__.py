"""Schedule templates: create, edit as immutable versions, validate, copy, restore, list."""

from __future__ import annotations

from orca_desk.services.schedule_templates.reading import (
    find_template,
    get_template,
    list_templates,
    version_history,
)
from orca_desk.services.schedule_templates.rows import (
    DAY_MINUTES,
    MAX_CHAIRS,
    MAX_ROTATION,
    MAX_ROTATION_LABEL,
    WEEKDAY_SHORT,
    SlotSpec,
    TemplateDetail,
    TemplateRow,
    VersionRow,
    hhmm,
    slot_label,
)
from orca_desk.services.schedule_templates.standard_week import seed_standard_week
from orca_desk.services.schedule_templates.validation import validate_slots
from orca_desk.services.schedule_templates.writing import (
    copy_template,
    create_template,
    restore_version,
    save_template,
    update_template,
)

__all__ = [
    "DAY_MINUTES",
    "MAX_CHAIRS",
    "MAX_ROTATION",
    "MAX_ROTATION_LABEL",
    "WEEKDAY_SHORT",
    "SlotSpec",
    "TemplateDetail",
    "TemplateRow",
    "VersionRow",
    "copy_template",
    "create_template",
    "find_template",
    "get_template",
    "hhmm",
    "list_templates",
    "restore_version",
    "save_template",
    "seed_standard_week",
    "slot_label",
    "update_template",
    "validate_slots",
    "version_history",
]
