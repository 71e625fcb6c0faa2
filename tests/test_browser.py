"""The browser helper drives a real engine: forms post, cookies stay per page, late text is waited for."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from waitress.server import create_server

from tests.browser import BROWSER_MARKS, PHONE, BrowserError, BrowserPage, browser

pytestmark = BROWSER_MARKS

__all__ = ["browser"]

FORM = """<!doctype html><html><body>
<p id="who">cookie={cookie}</p>
<form method="post" action="/said"><label for="n">Name</label><input id="n" name="n">
<button id="go" type="submit">Send</button></form>
<p id="late"></p>
<script>setTimeout(function(){{ document.getElementById('late').textContent = 'arrived'; }}, 300);</script>
</body></html>"""


def _app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    cookie = environ.get("HTTP_COOKIE", "")
    if environ["PATH_INFO"] == "/said":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        said = parse_qs(environ["wsgi.input"].read(size).decode())["n"][0]
        body = f"<!doctype html><p id='said'>you said {html.escape(said)}</p>"
        start_response(
            "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", f"who={said}")]
        )
        return [body.encode()]
    if environ["PATH_INFO"] == "/conflict":
        start_response("409 Conflict", [("Content-Type", "text/html; charset=utf-8")])
        return [b"<!doctype html><p id='why'>already taken</p>"]
    body = FORM.format(cookie=html.escape(cookie))
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body.encode()]


@pytest.fixture
def site() -> Iterator[str]:
    server = create_server(_app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    server.close()


def test_fill_click_and_read(browser: Any, site: str) -> None:
    page: BrowserPage = browser().open(site + "/")
    page.fill("#n", "Ana <b>")
    page.click("#go")
    assert page.text("#said") == "you said Ana <b>"
    assert page.url.endswith("/said")


def test_two_pages_keep_their_own_cookies(browser: Any, site: str) -> None:
    first: BrowserPage = browser().open(site + "/")
    second: BrowserPage = browser().open(site + "/")
    first.fill("#n", "first").click("#go")
    second.fill("#n", "second").click("#go")
    assert first.open(site + "/").text("#who") == "cookie=who=first"
    assert second.open(site + "/").text("#who") == "cookie=who=second"


def test_waits_for_text_written_later_and_fails_clearly(browser: Any, site: str) -> None:
    page: BrowserPage = browser().open(site + "/")
    assert page.wait_for_text("arrived", "#late") == "arrived"
    with pytest.raises(BrowserError, match="never appeared"):
        page.wait_for_text("nothing like this", "#late", timeout=0.3)
    with pytest.raises(BrowserError, match="no element"):
        page.fill("#missing", "x")


def test_screenshot_at_phone_size(browser: Any, site: str, tmp_path: Path) -> None:
    page: BrowserPage = browser().open(site + "/")
    shot = page.screenshot(tmp_path / "phone.png")
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == PHONE
    colours = {image.pixelColor(x, y).name() for x in range(0, 200, 5) for y in range(0, 120, 5)}
    assert len(colours) > 1, "the page was never painted"


def test_an_error_status_page_with_content_is_read_not_refused(browser: Any, site: str) -> None:
    page: BrowserPage = browser().open(site + "/conflict")
    assert page.text("#why") == "already taken"
