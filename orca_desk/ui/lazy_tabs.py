"""Tab pages built the first time they are shown, and a screen's newest read off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from orca_desk.ui.operations import Operations

T = TypeVar("T")


class LazyTabs:
    """Pages of ``tabs`` whose contents are built on first show: a screen opens with only the
    tab on view built. Make it before connecting the screen's own ``currentChanged`` handlers,
    so a page is built before they run."""

    def __init__(self, tabs: QTabWidget) -> None:
        self.tabs = tabs
        self._pending: dict[QWidget, Callable[[], QWidget]] = {}
        tabs.currentChanged.connect(self._on_current)

    def add(self, build: Callable[[], QWidget], title: str, *, now: bool = False) -> QWidget:
        """A page titled ``title`` filled by ``build()`` when first shown (at once with ``now``)."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self._pending[page] = build
        self.tabs.addTab(page, title)
        if now:
            self.ensure(page)
        return page

    def built(self, page: QWidget) -> bool:
        return page not in self._pending

    def ensure(self, page: QWidget | None) -> None:
        """Build ``page`` now if it has not been built (a test or an action needs its inputs)."""
        build = self._pending.pop(page, None) if page is not None else None
        if build is not None and page is not None:
            layout = page.layout()
            assert layout is not None
            content = build()
            layout.addWidget(content)
            if page.isVisible():
                content.show()  # at once: a layout shows a widget added to a shown page only later

    def _on_current(self, index: int) -> None:
        self.ensure(self.tabs.widget(index))


class LatestRead(Generic[T]):
    """A screen's reload run off the UI thread through ``ops``: a newer load supersedes one still
    running, so only the newest result reaches ``on_done``. ``loading`` is True meanwhile."""

    def __init__(
        self,
        ops: Callable[[], Operations],
        parent: QWidget,
        on_done: Callable[[T], None],
        on_error: Callable[[str], None],
    ) -> None:
        self._ops = ops
        self._parent = parent
        self._on_done = on_done
        self._on_error = on_error
        self._generation = 0
        self.loading = False

    def start(self, work: Callable[[Session], T]) -> None:
        self._generation += 1
        generation = self._generation
        self.loading = True

        def done(value: Any) -> None:
            if generation == self._generation:
                self.loading = False
                self._on_done(value)

        def failed(message: str) -> None:
            if generation == self._generation:
                self.loading = False
                self._on_error(message)

        self._ops().read(work, parent=self._parent, on_done=done, on_error=failed, background=True)

    def cancel(self) -> None:
        """Drop the result of a load still running (the tab it was for is no longer shown)."""
        self._generation += 1
        self.loading = False

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until the newest load has been shown (screenshots, tests)."""
        return self._ops().wait(timeout_ms) and not self.loading
