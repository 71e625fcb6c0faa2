"""Which of the file's columns holds each of our patient fields: the user picks, a ``Mapping`` results."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.importing.mapping import Mapping
from orca_desk.services.importing.table import Table, normalise_header
from orca_desk.ui.labels import hint

# Open Dental columns the preset reads for nothing (addresses are not kept): not "unknown".
OPEN_DENTAL_UNUSED = frozenset({"address", "address2", "city", "state", "zip"})


def needs_mapping(mapping: Mapping, table: Table) -> bool:
    """Whether the user must look at the columns: a required one is missing, or a header is unknown."""
    if mapping.missing(table.headers):
        return True
    unknown = set(mapping.unknown(table.headers))
    if mapping.open_dental:
        unknown -= OPEN_DENTAL_UNUSED
    return bool(unknown)


class MappingDialog(QDialog):
    """One row per field of the preset; each a choice of the file's headers (or none)."""

    def __init__(self, base: Mapping, table: Table, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base, self.table = base, table
        self.setWindowTitle(self.tr("Match the file's columns"))
        self.resize(620, 600)
        missing = base.missing(table.headers)
        unknown = [
            table.original_headers[table.headers.index(h)]
            for h in base.unknown(table.headers)
            if not (base.open_dental and h in OPEN_DENTAL_UNUSED)
        ]
        intro = []
        if missing:
            intro.append(
                self.tr("The file has no column for {fields}: choose the column that holds it.").format(
                    fields=", ".join(f.replace("_", " ") for f in missing)
                )
            )
        if unknown:
            intro.append(
                self.tr("These columns are not read yet: {headers}.").format(headers=", ".join(unknown))
            )
        intro.append(
            self.tr("Fields marked * are required. A column left at “not in the file” is not imported.")
        )
        self.combos: dict[str, QComboBox] = {}
        form_host = QWidget()
        form = QFormLayout(form_host)
        for field in base.columns:
            combo = QComboBox()
            combo.addItem(self.tr("— not in the file —"), "")
            for original, normal in zip(table.original_headers, table.headers, strict=True):
                combo.addItem(original, normal)
            current = combo.findData(base.columns.get(field, ""))
            combo.setCurrentIndex(max(current, 0))
            combo.currentIndexChanged.connect(lambda _i: self._check())
            label = field.replace("_", " ") + (" *" if field in base.required else "")
            form.addRow(label, combo)
            self.combos[field] = combo
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        self.problem = QLabel()
        self.problem.setObjectName("errorLabel")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(" ".join(intro)))
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._check()

    def choose(self, field: str, header: str) -> None:
        """Pick ``header`` (as the file writes it, any case) for ``field``; tests use it too."""
        combo = self.combos[field]
        combo.setCurrentIndex(max(combo.findData(normalise_header(header)), 0))

    def mapping(self) -> Mapping:
        columns = {
            field: str(combo.currentData()) for field, combo in self.combos.items() if combo.currentData()
        }
        return Mapping(
            f"{self.base.name} (columns chosen)", columns, self.base.open_dental, self.base.required
        )

    def problems(self) -> list[str]:
        out = []
        mapping = self.mapping()
        missing = mapping.missing(self.table.headers)
        if missing:
            out.append(
                self.tr("Choose a column for {fields}.").format(
                    fields=", ".join(f.replace("_", " ") for f in missing)
                )
            )
        used: dict[str, str] = {}
        for field, header in mapping.columns.items():
            if header in used:
                out.append(
                    self.tr("{a} and {b} read the same column.").format(
                        a=used[header].replace("_", " "), b=field.replace("_", " ")
                    )
                )
            used[header] = field
        return out

    def _check(self) -> None:
        problems = self.problems()
        self.problem.setText(" ".join(problems))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problems)
