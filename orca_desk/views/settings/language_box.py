"""The language of this desk's screens: stored per desk (QSettings), read at start-up."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from orca_desk.ui import language


class LanguageBox(QGroupBox):
    """English, Español or the system's language; the screens are built once, so the choice
    applies when Orca Desk next starts (another desk keeps its own)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Language of this desk"), parent)
        system = QLocale.system()
        self.combo = QComboBox()
        self.combo.addItem(
            self.tr("System default ({language})").format(
                language=system.nativeLanguageName() or system.name()
            ),
            "",
        )
        for code in language.SHIPPED:
            self.combo.addItem(language.NAMES[code], code)
        self.combo.setCurrentIndex(max(0, self.combo.findData(language.saved_choice())))
        self.combo.currentIndexChanged.connect(self._chosen)
        self.combo.setAccessibleDescription(
            self.tr("The language of this desk's screens, from the next start")
        )
        self.note = QLabel(
            self.tr(
                "The screens, dates and numbers of this computer; messages "
                "to patients follow each patient's language."
            )
        )
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Language"), self.combo)
        form.addRow(self.note)

    def _chosen(self) -> None:
        language.save_choice(str(self.combo.currentData() or ""))
        self.note.setText(self.tr("Saved. The new language applies when Orca Desk is started again."))
