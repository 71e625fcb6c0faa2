"""Accessible names for every control, derived from what a sighted user reads beside it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QWidget,
)

from orca_desk.ui import time_grid_access

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
)
_TAGS = re.compile(r"<[^>]*>")


def install(app: QApplication) -> None:
    """Name the controls of a window when focus first reaches an unnamed one (dialogs, pages built
    late), and let the appointment book answer for its visits. Screens name theirs when shown."""
    time_grid_access.install()
    if not app.property("orcaAccessibility"):
        app.setProperty("orcaAccessibility", True)
        app.focusChanged.connect(_on_focus)


def _on_focus(_old: QWidget | None, now: QWidget | None) -> None:
    if now is not None and not accessible_name(now):
        name_controls(now.window())


def tab_after(container: QWidget, widgets: Sequence[QWidget]) -> None:
    """Put ``widgets``, in this order, in the Tab order right after the controls inside
    ``container`` (a row added above something built earlier)."""
    last: QWidget = container
    w = container.nextInFocusChain()
    while w is not None and w is not container and container.isAncestorOf(w):
        last, w = w, w.nextInFocusChain()
    for widget in widgets:
        QWidget.setTabOrder(last, widget)
        last = widget


def describe(pairs: Iterable[tuple[QWidget, str]]) -> None:
    """Give each control what a screen reader says it does or holds (its tooltip is not a fit)."""
    for w, text in pairs:
        w.setAccessibleDescription(text)


def is_control(w: QWidget) -> bool:
    """A control a user can reach and operate (the parts Qt builds inside one are not)."""
    if not isinstance(w, CONTROLS) or isinstance(w, QScrollBar):
        return False
    parent = w.parentWidget()
    if isinstance(w, QLineEdit) and isinstance(parent, (QComboBox, QAbstractSpinBox)):
        return False  # the editor inside a combo box or a spin box: the box carries the name
    if isinstance(w, QHeaderView) and isinstance(parent, QAbstractItemView):
        return False  # a table's header: the table carries the name
    if isinstance(w, QAbstractButton) and isinstance(parent, QAbstractItemView):
        return False  # a table's corner button (select all), reached by Ctrl+A in the table
    return not (isinstance(w, QTabBar) and isinstance(parent, QTabWidget))


def controls(root: QWidget, *, visible_only: bool = True) -> list[QWidget]:
    """The controls under ``root`` (those shown, or that would be shown with it)."""
    found = [w for w in root.findChildren(QWidget) if is_control(w)]
    return [w for w in found if w.isVisibleTo(root)] if visible_only else found


def accessible_name(w: QWidget) -> str:
    """The name a screen reader says for ``w`` (Qt's own, from the widget's text or buddy label).
    A combo box's is its accessible name: Qt on Linux says its value there, and its label by relation."""
    if isinstance(w, QComboBox) and w.accessibleName():
        return w.accessibleName()
    iface = QAccessible.queryAccessibleInterface(w)
    return iface.text(QAccessible.Text.Name).strip() if iface is not None else w.accessibleName()


def name_controls(root: QWidget) -> list[QWidget]:
    """Give each unnamed control under ``root`` the name a sighted user reads for it; return the
    controls left without one (tests fail on them)."""
    labels = {id(label.buddy()): label for label in root.findChildren(QLabel) if label.buddy() is not None}
    unnamed = []
    for w in controls(root, visible_only=False):
        if w.accessibleName() or (_meaningful(accessible_name(w)) and not isinstance(w, QComboBox)):
            continue  # a combo box's own name is its current value: it needs its label's
        derived = _derive(w, labels)
        if derived:
            w.setAccessibleName(derived)
        elif w.isVisibleTo(root):
            unnamed.append(w)
        if not w.accessibleDescription() and w.toolTip() and _plain(w.toolTip()) != derived:
            w.setAccessibleDescription(_plain(w.toolTip()))
    return unnamed


def _meaningful(name: str) -> bool:
    """A name to say, not a glyph ("+", "−", "‹")."""
    return any(ch.isalnum() for ch in name)


def unnamed_controls(root: QWidget) -> list[str]:
    """What tests assert empty: each visible control without a name, described to find it."""
    name_controls(root)
    return [_describe(w) for w in controls(root) if not _meaningful(_own_name(w))]


def description(w: QWidget) -> str:
    """What a screen reader says ``w`` does (Qt's: the accessible description, else the tooltip)."""
    iface = QAccessible.queryAccessibleInterface(w)
    return _plain(iface.text(QAccessible.Text.Description)) if iface is not None else ""


def undescribed_controls(root: QWidget) -> list[str]:
    """What tests assert empty: each visible control whose description says nothing its name
    does not (none, a glyph, a lone word such as "Button", or the name again)."""
    name_controls(root)
    return [f"{_describe(w)} {_own_name(w)!r}" for w in controls(root) if not _says_more(w)]


def _says_more(w: QWidget) -> bool:
    said = description(w)
    return _meaningful(said) and len(said.split()) > 1 and said.casefold() != _own_name(w).casefold()


def _own_name(w: QWidget) -> str:
    """The name of ``w``; a combo box's is never its current value."""
    return w.accessibleName() if isinstance(w, QComboBox) else accessible_name(w)


def _describe(w: QWidget) -> str:
    path: list[str] = []
    node: QObject | None = w
    while node is not None and len(path) < 4:
        path.append(f"{type(node).__name__}({node.objectName()})")
        node = node.parent()
    return " < ".join(path)


def _plain(text: str) -> str:
    return (
        _TAGS.sub("", text)
        .replace("&nbsp;", " ")
        .replace("&&", "\0")
        .replace("&", "")
        .replace("\0", "&")
        .strip()
    )


def _derive(w: QWidget, labels: dict[int, QLabel]) -> str:
    """Where a sighted user reads what ``w`` is, in order of how surely it names ``w``."""
    for candidate in (
        _form_label(w),
        labels[id(w)].text() if id(w) in labels else "",
        _button_text(w) if _meaningful(_button_text(w)) else "",
        _placeholder(w),
        w.toolTip(),
        _label_before(w),
        _titled_ancestor(w),
    ):
        text = _plain(candidate).rstrip(":").strip()
        if text:
            return text
    return ""


def _form_label(w: QWidget) -> str:
    parent = w.parentWidget()
    layouts = parent.findChildren(QFormLayout) if parent is not None else []
    if parent is not None and isinstance(parent.layout(), QFormLayout):
        layouts.append(parent.layout())  # type: ignore[arg-type]
    for form in layouts:
        label = form.labelForField(w)
        if isinstance(label, QLabel):
            return label.text()
    return ""


def _button_text(w: QWidget) -> str:
    if isinstance(w, QToolButton) and w.defaultAction() is not None:
        action = w.defaultAction()
        return action.text() or action.toolTip()
    return w.text() if isinstance(w, QAbstractButton) else ""


def _placeholder(w: QWidget) -> str:
    if isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox)):
        return w.placeholderText()
    return ""


def _label_before(w: QWidget) -> str:
    """A label just before ``w`` in the same row or column ("Location [Northside ▾]"), or the title
    leading the row just above it (a section title over a table)."""
    parent = w.parentWidget()
    if parent is None or parent.layout() is None:
        return ""
    box = _layout_holding(parent.layout(), w)  # type: ignore[arg-type]
    if box is None:
        return ""
    k = box.indexOf(w)
    item = box.itemAt(k - 1) if k > 0 else None
    before = item.widget() if item is not None else None
    row = item.layout() if item is not None else None
    if before is None and isinstance(row, QBoxLayout) and row.count():
        first = row.itemAt(0)
        before = first.widget() if first is not None else None  # a row of buttons led by its title
    return before.text() if isinstance(before, QLabel) and before.buddy() is None else ""


def _layout_holding(layout: QLayout, w: QWidget) -> QBoxLayout | None:
    if isinstance(layout, QBoxLayout) and layout.indexOf(w) >= 0:
        return layout
    for k in range(layout.count()):
        item = layout.itemAt(k)
        inner = item.layout() if item is not None else None
        if inner is not None:
            found = _layout_holding(inner, w)
            if found is not None:
                return found
    return None


def _titled_ancestor(w: QWidget) -> str:
    """The title of the group box or the tab page that holds ``w``."""
    child, node = w, w.parentWidget()
    while node is not None and not node.isWindow():
        if isinstance(node, QGroupBox) and node.title():
            return node.title()
        if isinstance(node, QStackedWidget) and isinstance(node.parentWidget(), QTabWidget):
            tabs = node.parentWidget()
            assert isinstance(tabs, QTabWidget)
            k = tabs.indexOf(child)
            if k >= 0:
                return tabs.tabText(k)
        child, node = node, node.parentWidget()
    return ""
