"""Recurring appointment series: preview every occurrence, book, extend, modify, cancel, export."""

from __future__ import annotations

from orca_desk.services.series.cancel import cancel_series
from orca_desk.services.series.change_preview import (
    ChangePlan,
    ChangeRow,
    preview_change,
    preview_series_change,
)
from orca_desk.services.series.conflicts import Problem
from orca_desk.services.series.create import Decision, SlotChoice, create_series
from orca_desk.services.series.horizons import SKIP_TASK, HorizonReport, extend_horizons, plan_extensions
from orca_desk.services.series.modify import SeriesChange, modify_series
from orca_desk.services.series.preview import (
    ALTERNATIVE_DAYS,
    Alternative,
    PreviewOccurrence,
    SeriesPreview,
    load_series_preview,
    preview_series,
)
from orca_desk.services.series.queries import (
    ExportAppointment,
    SeriesDetail,
    SeriesExport,
    SeriesOccurrenceRow,
    load_series,
    series_for_export,
    series_of,
)
from orca_desk.services.series.rows import Scope
from orca_desk.services.series.rules import HORIZON, MAX_OCCURRENCES

__all__ = [
    "ALTERNATIVE_DAYS",
    "HORIZON",
    "MAX_OCCURRENCES",
    "SKIP_TASK",
    "Alternative",
    "ChangePlan",
    "ChangeRow",
    "Decision",
    "ExportAppointment",
    "HorizonReport",
    "PreviewOccurrence",
    "Problem",
    "Scope",
    "SeriesChange",
    "SeriesDetail",
    "SeriesExport",
    "SeriesOccurrenceRow",
    "SeriesPreview",
    "SlotChoice",
    "cancel_series",
    "create_series",
    "extend_horizons",
    "load_series",
    "load_series_preview",
    "modify_series",
    "plan_extensions",
    "preview_change",
    "preview_series",
    "preview_series_change",
    "series_for_export",
    "series_of",
]
