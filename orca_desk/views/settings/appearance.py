"""This desk's appearance: the standard or the high-contrast theme (kept per workstation)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from orca_desk.ui import theme


class AppearanceBox(QGroupBox):
    """ "Theme: Standard / High contrast", applied at once and remembered on this desk only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("This desk"))
        self.theme_combo = QComboBox()
        self.theme_combo.addItem(self.tr("Standard"), theme.STANDARD)
        self.theme_combo.addItem(self.tr("High contrast"), theme.HIGH_CONTRAST)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(theme.desk_theme())))
        self.theme_combo.setAccessibleName(self.tr("Theme"))
        self.theme_combo.setAccessibleDescription(self.tr("The colours of this desk's screens"))
        self.theme_combo.currentIndexChanged.connect(self._on_theme)
        note = QLabel(
            self.tr(
                "High contrast: black on white, strong outlines and focus. Text follows the "
                "system's size. Kept on this computer only."
            )
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Theme"), self.theme_combo)
        form.addRow(note)

    def _on_theme(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.set_desk_theme(app, str(self.theme_combo.currentData()))
