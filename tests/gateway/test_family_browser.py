"""The family pages in a real browser engine (QtWebEngine offscreen), phone size: move, cancel, live offer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.browser import BROWSER_MARKS, BrowserPage, browser
from tests.gateway.family_world import (
    VISIT,
    appointment,
    family_world,
    fill_opening_elsewhere,
    gateway,
    offered_opening,
    on,
)

pytestmark = BROWSER_MARKS

__all__ = ["browser"]

# Set to a folder to keep phone-size screenshots of each step (to look at them).
SHOTS = os.environ.get("ORCA_DESK_PAGE_SHOTS")


def _shot(page: BrowserPage, name: str) -> None:
    if SHOTS:
        page.screenshot(Path(SHOTS) / f"{name}.png")


def test_reschedule_from_a_reminder_link(db, manager, clock, browser: Any) -> None:
    f = family_world(db, manager, clock)
    with gateway(db, clock) as gw:
        page: BrowserPage = browser().open(on(gw, f.link))
        assert "Change Kid0's visit" in page.text("h1")
        _shot(page, "reschedule")
        chosen = page.js("var r = document.querySelector('input[name=slot]'); r.click(); return r.value;")
        page.click("form button[type=submit]")
        done = page.wait_for_text("the visit is moved", "h1")
        _shot(page, "moved")
    assert done
    moved = appointment(db, f.appointment_id)
    assert moved.start_at != VISIT and chosen.startswith(moved.start_at.isoformat())


def test_cancel_with_a_reason_in_spanish(db, manager, clock, browser: Any) -> None:
    f = family_world(db, manager, clock, language="es")
    with gateway(db, clock) as gw:
        page: BrowserPage = browser().open(on(gw, f.link))
        assert page.js("return document.documentElement.lang;") == "es"
        page.fill("#reason", "schedule").fill("#note", "examen escolar")
        _shot(page, "cancel-es")
        page.click("button.secondary")
        page.wait_for_text("La cita está cancelada", "h1")
        _shot(page, "cancelled-es")
    appt = appointment(db, f.appointment_id)
    assert (
        appt.status == "cancelled" and appt.cancel_reason == "Schedule conflict: examen escolar (family link)"
    )


def test_the_offer_page_turns_to_taken_by_itself(db, manager, clock, browser: Any) -> None:
    _, link, offer_id = offered_opening(db, manager, clock)
    with gateway(db, clock) as gw:
        page: BrowserPage = browser().open(on(gw, link))
        assert "Still free" in page.text("#state")
        _shot(page, "offer-open")
        spanish: BrowserPage = browser().open(on(gw, link) + "?lang=es")
        assert "Todavía libre" in spanish.text("#state")
        _shot(spanish, "offer-open-es")
        fill_opening_elsewhere(db, offer_id, clock)
        page.wait_for_text("another family has just taken", "#state", timeout=20)
        assert page.js("return document.getElementById('book').hidden;") is True
        assert page.js("return document.getElementById('live').hidden;") is True
        _shot(page, "offer-taken")
        spanish.wait_for_text("otra familia", "#state", timeout=20)


def test_two_browsers_race_for_one_time(db, manager, clock, browser: Any) -> None:
    from orca_desk.models.appointment import Appointment
    from orca_desk.services.links.reschedule_links import reschedule_link
    from tests.gateway.family_world import SECRET, book_other, local

    f = family_world(db, manager, clock)
    other_id = book_other(db, manager, f.w, local(VISIT.date(), 11), patient=1, chair=1)
    with db.read() as s:
        other_link = reschedule_link(
            s.get(Appointment, other_id), secret=SECRET, base_url="http://127.0.0.1:8765"
        )
    with gateway(db, clock) as gw:
        first: BrowserPage = browser().open(on(gw, f.link))
        second: BrowserPage = browser().open(on(gw, other_link))
        # Both families pick the first time the first page offers, in the same chair.
        value = first.js("var r = document.querySelector('input[name=slot]'); r.click(); return r.value;")
        second.js(
            "var r = document.querySelector('input[name=slot]'); r.value = "
            + repr(value)
            + "; r.click(); return 1;"
        )
        first.click("form button[type=submit]")
        second.click("form button[type=submit]")
        first.wait_for_text("the visit is moved", "h1")
        second.wait_for_text("just taken", ".notice")
        _shot(second, "raced")
        assert value not in str(second.js("return document.body.innerHTML;"))
    starts = {appointment(db, i).start_at.isoformat() for i in (f.appointment_id, other_id)}
    assert value.split("|")[0] in starts and VISIT.isoformat() not in starts


UNLABELLED = """
return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea, button'))
  .filter(function (e) {
    var named = e.getAttribute('aria-label') || (e.id && document.querySelector('label[for="' + e.id + '"]'))
      || e.closest('label') || (e.tagName === 'BUTTON' && e.innerText.trim());
    return !named;
  }).map(function (e) { return e.outerHTML.slice(0, 80); });
"""


def test_every_control_has_a_name_and_tab_order_follows_the_page(db, manager, clock, browser: Any) -> None:
    f = family_world(db, manager, clock)
    with gateway(db, clock) as gw:
        page: BrowserPage = browser().open(on(gw, f.link))
        assert page.js(UNLABELLED) == []
        assert (
            page.js("return document.querySelectorAll('[tabindex]').length;") == 0
        )  # DOM order is the order
        assert page.js("return document.documentElement.lang;") == "en"
        widths = page.js("return [document.documentElement.scrollWidth, window.innerWidth];")
        assert widths[0] <= widths[1], "nothing overflows sideways at phone width"
