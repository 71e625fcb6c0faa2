"""Export what a list screen shows to CSV: one button per list, added through :func:`export_button`.

The rows are the model's display texts, as the user sees them (filters applied), written by
``services.exporting.export.write_csv`` (UTF-8 with BOM, so Excel on clinic PCs reads accents).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from orca_desk.services.errors import OrcaError
from orca_desk.ui import language

if TYPE_CHECKING:
    from orca_desk.services.exporting.export import ExportResult


def model_table(
    model: QAbstractItemModel, *, skip: Collection[int] = ()
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The header and rows of a table model as display text (``skip``: column numbers left out)."""
    while model.canFetchMore(QModelIndex()):  # a paged model: every row the filters select
        model.fetchMore(QModelIndex())
    columns = [c for c in range(model.columnCount()) if c not in skip]
    header = tuple(
        str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        for c in columns
    )
    rows = []
    for r in range(model.rowCount()):
        cells = []
        for c in columns:
            value = model.data(model.index(r, c, QModelIndex()), Qt.ItemDataRole.DisplayRole)
            cells.append("" if value is None else str(value))
        rows.append(tuple(cells))
    return header, rows


def default_file_name(name: str, *, today: date | None = None) -> str:
    """``Waitlist`` → ``waitlist-2026-12-02.csv``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "export"
    return f"{slug}-{(today or date.today()).isoformat()}.csv"


def export_model(
    parent: QWidget,
    model: QAbstractItemModel,
    name: str,
    *,
    skip: Collection[int] = (),
    today: date | None = None,
) -> ExportResult | None:
    """Ask where to save, then write the model's rows; None when cancelled or it failed (said so)."""
    # The writer (and the importer's field list it reuses) loads when something is exported,
    # not with every list screen that offers the button.
    from orca_desk.services.exporting.export import write_csv

    start = str(Path.home() / default_file_name(name, today=today))
    chosen, _filter = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("ExportButton", "Export {name}").format(name=name),
        start,
        QCoreApplication.translate("ExportButton", "CSV files (*.csv)"),
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".csv":
        path = path.with_name(path.name + ".csv")
    header, rows = model_table(model, skip=skip)
    rows_iter: Iterator[tuple[str, ...]] = iter(rows)
    try:
        return write_csv(path, header, rows_iter)
    except OrcaError as exc:
        QMessageBox.warning(
            parent, QCoreApplication.translate("ExportButton", "Export"), language.say(str(exc))
        )
        return None
    except OSError as exc:
        QMessageBox.warning(
            parent,
            QCoreApplication.translate("ExportButton", "Export"),
            QCoreApplication.translate("ExportButton", "{path} cannot be written: {error}").format(
                path=path, error=exc.strerror
            ),
        )
        return None


def export_button(
    parent: QWidget,
    model: QAbstractItemModel,
    name: str,
    *,
    status: Callable[[str], object] | None = None,
    skip: Collection[int] = (),
) -> QPushButton:
    """A "Export…" button that saves the rows ``model`` shows as CSV; ``status`` hears the result."""
    button = QPushButton(QCoreApplication.translate("ExportButton", "Export…"))
    button.setObjectName("exportButton")
    button.setToolTip(
        QCoreApplication.translate(
            "ExportButton", "Save the rows of this list as a CSV file (opens in Excel)"
        )
    )

    def run() -> None:
        result = export_model(parent, model, name, skip=skip)
        if result is not None and status is not None:
            status(
                QCoreApplication.translate("ExportButton", "Exported {count} rows to {path}").format(
                    count=result.rows, path=result.path
                )
            )

    button.clicked.connect(run)
    return button
