"""Tab pages built on first show, and a screen's newest background read (ui/lazy_tabs.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from orca_desk.services.errors import ValidationError
from orca_desk.ui.lazy_tabs import LatestRead, LazyTabs


def test_a_page_is_built_when_first_shown_and_only_once(qtbot):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    built: list[str] = []

    def page(name: str):
        def build() -> QWidget:
            built.append(name)
            return QLabel(name)

        return build

    pages = LazyTabs(tabs)
    first = pages.add(page("first"), "First", now=True)
    second = pages.add(page("second"), "Second")
    tabs.show()
    assert built == ["first"] and pages.built(first) and not pages.built(second)
    tabs.setCurrentIndex(1)
    label = second.findChild(QLabel)
    assert built == ["first", "second"] and label is not None and label.isVisible()
    tabs.setCurrentIndex(0)
    tabs.setCurrentIndex(1)
    assert built == ["first", "second"]


def test_only_the_newest_read_is_shown(qtbot, ctx):
    owner = QWidget()
    qtbot.addWidget(owner)
    shown: list[int] = []
    errors: list[str] = []
    read = LatestRead[int](lambda: ctx.ops, owner, shown.append, errors.append)
    read.start(lambda _s: 1)
    read.start(lambda _s: 2)  # supersedes the first, whichever ends first
    assert read.loading
    assert read.wait()
    assert shown == [2] and errors == [] and not read.loading
    read.start(lambda _s: 3)
    read.cancel()  # the tab it was for is no longer shown
    assert ctx.ops.wait()
    assert shown == [2]


def test_a_refused_read_says_why_and_stops_loading(qtbot, ctx):
    owner = QWidget()
    qtbot.addWidget(owner)
    errors: list[str] = []

    def refuse(_s: object) -> int:
        raise ValidationError("Not today.")

    read = LatestRead[int](lambda: ctx.ops, owner, lambda _v: None, errors.append)
    read.start(refuse)
    assert ctx.ops.wait()
    assert errors == ["Not today."] and not read.loading
