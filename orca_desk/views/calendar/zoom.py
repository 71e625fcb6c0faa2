"""Zoom of the book: Ctrl+wheel, Ctrl+= / Ctrl+− / Ctrl+0 and "Fit all chairs", remembered per user."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QToolButton, QWidget

from orca_desk.ui.time_grid import ZOOM_LEVELS, TimeGridWidget, zoom_step

FIT = "fit"


def settings_key(user: str, view: str) -> str:
    return f"calendar/zoom/{user or 'default'}/{view}"


class BookZoom(QObject):
    """The zoom of one calendar screen's grid, with its actions and toolbar buttons."""

    def __init__(
        self, screen: QWidget, grid: TimeGridWidget, area: QScrollArea, *, user: str, view: str
    ) -> None:
        super().__init__(screen)
        self.grid, self.area, self.key = grid, area, settings_key(user, view)
        self.act_in = self._action(screen, self.tr("Zoom in"), ["Ctrl+=", "Ctrl++"], lambda: self.step(1))
        self.act_out = self._action(screen, self.tr("Zoom out"), ["Ctrl+-"], lambda: self.step(-1))
        self.act_reset = self._action(screen, self.tr("Actual size"), ["Ctrl+0"], self.reset)
        self.act_fit = QAction(self.tr("Fit all chairs"), screen)
        self.act_fit.setCheckable(True)
        self.act_fit.setToolTip(
            self.tr("Every column in the width shown (Ctrl+= or Ctrl+wheel zooms back in)")
        )
        self.act_fit.triggered.connect(lambda on: self.fit() if on else self.reset())
        grid.sig_zoom_requested.connect(self.step)
        # The controls, for the screen to place: − 100% + Fit all chairs.
        self.widget = QWidget()
        self.widget.setObjectName("zoomBar")
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        self.level = QToolButton()
        self.level.setDefaultAction(self.act_reset)
        self.buttons: list[QToolButton] = []
        for act, text in ((self.act_out, "−"), (None, None), (self.act_in, "+"), (self.act_fit, None)):
            if act is None:
                row.addWidget(self.level)
                continue
            button = QToolButton()
            button.setDefaultAction(act)
            if text:
                button.setText(text)
            row.addWidget(button)
            self.buttons.append(button)
        saved = str(QSettings().value(self.key, "1.0"))
        try:
            zoom = 1.0 if saved == FIT else float(saved)
        except ValueError:
            zoom = 1.0
        self._apply(zoom, saved == FIT, save=False)

    @staticmethod
    def _action(screen: QWidget, text: str, keys: list[str], slot: object) -> QAction:
        act = QAction(text, screen)
        act.setShortcuts([QKeySequence(k) for k in keys])
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.setToolTip(f"{text} ({keys[0]})")
        act.triggered.connect(slot)
        screen.addAction(act)
        return act

    @property
    def zoom(self) -> float:
        return self.grid.zoom

    def step(self, steps: int) -> None:
        self._apply(zoom_step(self.grid.zoom, steps), False)

    def reset(self) -> None:
        self._apply(1.0, False)

    def fit(self) -> None:
        self._apply(self.grid.zoom, True)

    def _apply(self, zoom: float, fit: bool, *, save: bool = True) -> None:
        bars = (self.area.horizontalScrollBar(), self.area.verticalScrollBar())
        # Keep the same part of the day in view: the scroll position as a share of the range.
        shares = [b.value() / b.maximum() if b.maximum() else 0.0 for b in bars]
        self.grid.set_zoom(zoom, fit_width=fit)
        self.act_fit.setChecked(fit)
        self.level.setText(f"{round(self.grid.zoom * 100)} %")
        self.act_in.setEnabled(self.grid.zoom < ZOOM_LEVELS[-1] or fit)
        self.act_out.setEnabled(self.grid.zoom > ZOOM_LEVELS[0] or fit)
        if not save:  # the saved zoom, as the screen opens: nothing in view to keep yet
            return
        s = QSettings()
        s.setValue(self.key, FIT if fit else f"{self.grid.zoom:g}")
        s.sync()

        def restore() -> None:
            for bar, share in zip(bars, shares, strict=True):
                bar.setValue(round(share * bar.maximum()))

        QTimer.singleShot(0, restore)
