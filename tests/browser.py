"""A real browser engine for page tests: QtWebEngine (Chromium) offscreen, one profile per page."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Chromium refuses to start as root without it; set before QtWebEngine loads.
if "QTWEBENGINE_CHROMIUM_FLAGS" not in os.environ:
    flags = "--disable-gpu --no-sandbox" if os.geteuid() == 0 else "--disable-gpu"
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

PHONE = (390, 844)
# A process that has installed a Python QAccessible factory (the book's grid does) segfaults when
# QtWebEngine focuses its view (PySide 6.11), so page tests run first, and together on one
# pytest-xdist worker, before any screen test could install it there.
BROWSER_MARKS = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

if QCoreApplication.instance() is None:
    # Must precede the QApplication (pytest-qt's qapp included) or QtWebEngine warns and may not paint.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


class BrowserError(AssertionError):
    """A page did not load, a script failed, or text never appeared in time."""


def application() -> QApplication:
    """The one QApplication; QtWebEngine wants shared GL contexts before it exists."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([])
    assert isinstance(app, QApplication)
    return app


def _spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class BrowserPage:
    """One tab with its own off-the-record profile, so two pages never share cookies."""

    def __init__(self, size: tuple[int, int] = PHONE, timeout: float = 15.0) -> None:
        application()
        self.timeout = timeout
        self.profile = QWebEngineProfile()  # no storage name: off the record, its own cookie jar
        self.page = QWebEnginePage(self.profile)
        self.view = QWebEngineView()
        self.view.setPage(self.page)
        self.view.resize(*size)
        self.view.show()
        self._loaded: bool | None = None
        self.page.loadFinished.connect(self._on_load)

    def _on_load(self, ok: bool) -> None:
        self._loaded = ok

    def open(self, url: str) -> BrowserPage:
        """Navigate and wait for the load to finish."""
        self._loaded = None
        self.page.load(QUrl(url))
        return self.wait_loaded()

    def wait_loaded(self) -> BrowserPage:
        deadline = time.monotonic() + self.timeout
        while self._loaded is None:
            if time.monotonic() > deadline:
                raise BrowserError(f"page did not load in {self.timeout}s: {self.url}")
            _spin(20)
        if not self._loaded and not self.js("return document.body ? document.body.innerText.length : 0;"):
            # Chromium reports an HTTP error status (409, 410) as a failed load even when the
            # site sent a page for it; only a load that rendered nothing is a failure here.
            raise BrowserError(f"page failed to load: {self.url}")
        return self

    @property
    def url(self) -> str:
        return self.page.url().toString()

    def js(self, script: str) -> Any:
        """Run a script in the page; its value comes back via JSON (so strings, numbers, lists, dicts)."""
        box: dict[str, Any] = {}
        wrapped = f"(function(){{ try {{ return JSON.stringify({{v: (function(){{ {script} }})()}}); }}"
        wrapped += " catch (e) { return JSON.stringify({error: String(e)}); } })()"
        self.page.runJavaScript(wrapped, 0, lambda result: box.setdefault("r", result))
        deadline = time.monotonic() + self.timeout
        while "r" not in box:
            if time.monotonic() > deadline:
                raise BrowserError(f"script did not answer: {script[:80]}")
            _spin(10)
        raw = box["r"]
        data = json.loads(raw) if isinstance(raw, str) else {"v": None}
        if "error" in data:
            raise BrowserError(f"script failed: {data['error']} in {script[:80]}")
        return data.get("v")

    def text(self, selector: str = "body") -> str:
        value = self.js(
            f"var e = document.querySelector({json.dumps(selector)}); return e ? e.innerText : null;"
        )
        if value is None:
            raise BrowserError(f"no element {selector} on {self.url}")
        return str(value)

    def fill(self, selector: str, value: str) -> BrowserPage:
        """Set a field's value (input, textarea or select) as a user would, firing input/change."""
        self.js(
            f"var e = document.querySelector({json.dumps(selector)});"
            f"if (!e) throw new Error('no element ' + {json.dumps(selector)});"
            f"e.focus(); e.value = {json.dumps(value)};"
            "e.dispatchEvent(new Event('input', {bubbles: true}));"
            "e.dispatchEvent(new Event('change', {bubbles: true})); return true;"
        )
        return self

    def check(self, selector: str) -> BrowserPage:
        """Click a radio or checkbox."""
        return self.click(selector, navigates=False)

    def click(self, selector: str, *, navigates: bool = True) -> BrowserPage:
        """Click an element; when it submits a form or follows a link, wait for the next page."""
        self._loaded = None
        self.js(
            f"var e = document.querySelector({json.dumps(selector)});"
            f"if (!e) throw new Error('no element ' + {json.dumps(selector)}); e.click(); return true;"
        )
        if navigates:
            self.wait_loaded()
        return self

    def wait_for_text(self, needle: str, selector: str = "body", timeout: float | None = None) -> str:
        """Wait until the element's text holds needle (pages that refresh themselves)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        seen = ""
        while time.monotonic() < deadline:
            try:
                seen = self.text(selector)
            except BrowserError:
                seen = ""
            if needle in seen:
                return seen
            _spin(50)
        raise BrowserError(
            f"{needle!r} never appeared in {selector} on {self.url}; last text: {seen[:300]!r}"
        )

    def screenshot(self, path: str | Path) -> Path:
        """Render the view to a PNG (let paint catch up first)."""
        _spin(150)
        image: QImage = self.view.grab().toImage()
        target = Path(path)
        if not image.save(str(target)):
            raise BrowserError(f"could not save screenshot to {target}")
        return target

    def close(self) -> None:
        self.view.close()
        self.view.setPage(None)  # type: ignore[arg-type]
        self.page.deleteLater()
        self.view.deleteLater()
        _spin(0)
        self.profile.deleteLater()


@pytest.fixture
def browser() -> Iterator[Any]:
    """A factory of pages; every page it opened is closed after the test."""
    pages: list[BrowserPage] = []

    def new_page(size: tuple[int, int] = PHONE) -> BrowserPage:
        page = BrowserPage(size)
        pages.append(page)
        return page

    yield new_page
    for page in pages:
        page.close()
