"""Qt item models of the Schedules screen: the provider list and the tables of its tabs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from orca_desk.services import local_time
from orca_desk.services import provider_schedules as ps
from orca_desk.services.clinic.clinic import ClinicInfo, ProviderRow
from orca_desk.ui import language
from orca_desk.ui.dates import MEDIUM, fmt_day
from orca_desk.ui.rows_table import RowsModel
from orca_desk.views.schedules.forms import repeat_label

Index = QModelIndex | QPersistentModelIndex


class ProviderListModel(QAbstractListModel):
    """The clinic's providers; the decoration is their calendar colour."""

    def __init__(self, providers: Sequence[ProviderRow]) -> None:
        super().__init__()
        self._rows = list(providers)

    def row_at(self, row: int) -> ProviderRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return p.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return QCoreApplication.translate("SchedulesScreen", "{role}, sees up to {count} at once").format(
                role=p.role, count=p.max_concurrent
            )
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(p.colour)
        return None


def schedule_models(
    clinic: ClinicInfo, time_fmt: str
) -> tuple[RowsModel[ps.AffectedAppointment], RowsModel[ps.ExceptionView], RowsModel[ps.BlockView]]:
    """The visits new hours would leave out, the exceptions and the blocks, as tables."""
    loc_names = {loc.id: loc.name for loc in clinic.locations}
    prov_names = {p.id: p.name for p in clinic.providers}
    chair_names = {c.id: c.name for c in clinic.chairs}
    affected = RowsModel[ps.AffectedAppointment](
        [
            (QCoreApplication.translate("SchedulesScreen", "When"), lambda a: a.local_label(time_fmt)),
            (QCoreApplication.translate("SchedulesScreen", "Patient"), lambda a: a.patient_name),
            (QCoreApplication.translate("SchedulesScreen", "Location"), lambda a: a.location_name),
        ]
    )
    exceptions = RowsModel[ps.ExceptionView](
        [
            (QCoreApplication.translate("SchedulesScreen", "When"), lambda x: x.when),
            (QCoreApplication.translate("SchedulesScreen", "What"), lambda x: language.say(x.label)),
            (
                QCoreApplication.translate("SchedulesScreen", "For"),
                lambda x: (
                    prov_names.get(x.provider_id or 0)
                    or (
                        loc_names.get(x.location_id or 0, "")
                        if x.location_id
                        else QCoreApplication.translate("SchedulesScreen", "Whole clinic")
                    )
                ),
            ),
        ]
    )

    def block_for(b: ps.BlockView) -> str:
        chair = chair_names.get(b.chair_id or 0)
        if chair:
            return chair
        if b.provider_id:
            return QCoreApplication.translate("SchedulesScreen", "this provider")
        return QCoreApplication.translate("SchedulesScreen", "all of {location}").format(
            location=loc_names.get(b.location_id or 0, "")
        )

    blocks = RowsModel[ps.BlockView](
        [
            (QCoreApplication.translate("SchedulesScreen", "Day"), lambda b: fmt_day(b.day, MEDIUM)),
            (
                QCoreApplication.translate("SchedulesScreen", "Time"),
                lambda b: (
                    f"{local_time.fmt_minute(b.start_minute, time_fmt)}–"
                    f"{local_time.fmt_minute(b.end_minute, time_fmt)}"
                ),
            ),
            (QCoreApplication.translate("SchedulesScreen", "Reason"), lambda b: b.reason),
            (QCoreApplication.translate("SchedulesScreen", "For"), block_for),
            (QCoreApplication.translate("SchedulesScreen", "Repeats"), lambda b: repeat_label(b.rrule)),
        ]
    )
    return affected, exceptions, blocks
