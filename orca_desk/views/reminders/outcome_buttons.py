"""The call list's outcome buttons, drawn in each row's last cell by one delegate: a long list
does not build four push buttons a row on the UI thread."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QHelpEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QToolTip,
)

Index = QModelIndex | QPersistentModelIndex
MARGIN, SPACING = 2, 4


class OutcomeButtons(QStyledItemDelegate):
    """One button per outcome, drawn as the theme draws a push button; a click tells
    ``sig_clicked`` the row and the outcome. ``outcomes`` maps each outcome to its label
    (the tooltip), ``short`` to a shorter button text."""

    sig_clicked = Signal(int, str)
    """This row's button of this outcome was clicked."""

    def __init__(
        self, view: QAbstractItemView, outcomes: dict[str, str], short: dict[str, str] | None = None
    ) -> None:
        super().__init__(view)
        self._view = view
        self._pressed: tuple[int, str] | None = None
        self._outcomes, self._short = outcomes, short or {}
        self._made: list[tuple[str, str, QPushButton]] = []

    @property
    def _buttons(self) -> list[tuple[str, str, QPushButton]]:
        """Never shown: each gives the theme's look and size of its button to what is drawn.
        Made when first needed (rows to draw), not with the screen."""
        if not self._made:
            for outcome, label in self._outcomes.items():
                button = QPushButton(self._short.get(outcome, label), self._view)
                button.setObjectName(f"outcome_{outcome}")
                button.setStyleSheet("padding: 3px 8px;")
                button.hide()
                button.ensurePolished()
                self._made.append((outcome, label, button))
        return self._made

    def width(self) -> int:
        """The width the buttons need side by side."""
        widths = [b.sizeHint().width() for _o, _l, b in self._buttons]
        return 2 * MARGIN + sum(widths) + SPACING * (len(widths) - 1)

    def height(self) -> int:
        """The height of a row that shows the buttons whole."""
        return max(b.sizeHint().height() for _o, _l, b in self._buttons) + 2

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(self.width(), self.height())

    def button_rect(self, index: Index, outcome: str) -> QRect:
        """Where ``outcome``'s button of the row of ``index`` is drawn, in the viewport."""
        return dict(self._rects(self._view.visualRect(index)))[outcome]

    def _rects(self, cell: QRect) -> list[tuple[str, QRect]]:
        rects, x = [], cell.left() + MARGIN
        for outcome, _label, button in self._buttons:
            hint = button.sizeHint()
            height = min(hint.height(), cell.height() - 2)
            rects.append(
                (outcome, QRect(x, cell.top() + (cell.height() - height) // 2, hint.width(), height))
            )
            x += hint.width() + SPACING
        return rects

    def _hit(self, cell: QRect, event: QEvent) -> str | None:
        assert isinstance(event, QMouseEvent)
        pos = event.position().toPoint()
        return next((outcome for outcome, rect in self._rects(cell) if rect.contains(pos)), None)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)  # the row's background and selection
        rect = option.rect  # type: ignore[attr-defined]
        for (outcome, button_rect), (_o, _l, button) in zip(self._rects(rect), self._buttons, strict=True):
            opt = QStyleOptionButton()
            opt.initFrom(button)
            opt.rect, opt.text = button_rect, button.text()  # type: ignore[attr-defined]
            state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
            held = QGuiApplication.mouseButtons() & Qt.MouseButton.LeftButton  # released elsewhere: up
            if held and self._pressed == (index.row(), outcome):
                state |= QStyle.StateFlag.State_Sunken
            opt.state = state  # type: ignore[attr-defined]
            button.style().drawControl(QStyle.ControlElement.CE_PushButton, opt, painter, button)

    def editorEvent(self, event: QEvent, model: object, option: QStyleOptionViewItem, index: Index) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            return False
        assert isinstance(event, QMouseEvent)
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        outcome = self._hit(option.rect, event)  # type: ignore[attr-defined]
        pressed, self._pressed = self._pressed, None
        if kind == QEvent.Type.MouseButtonPress:
            self._pressed = (index.row(), outcome) if outcome is not None else None
        elif outcome is not None and pressed == (index.row(), outcome):
            self.sig_clicked.emit(index.row(), outcome)
        self._view.viewport().update()
        return outcome is not None

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: Index
    ) -> bool:
        cell: QRect = option.rect  # type: ignore[attr-defined]
        for (_outcome, rect), (_o, label, _b) in zip(self._rects(cell), self._buttons, strict=True):
            if rect.contains(event.pos()):
                QToolTip.showText(event.globalPos(), label, view)
                return True
        return super().helpEvent(event, view, option, index)
