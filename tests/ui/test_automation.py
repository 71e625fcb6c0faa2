"""The embedded automation: a QtScheduler ticks the runtime and reports to the status bar."""

from __future__ import annotations

from orca_desk.services.clock import FrozenClock
from orca_desk.services.messaging import outbox
from orca_desk.ui.automation import AutomationController
from tests.conftest import NOW
from tests.factories import make_world


def test_controller_leads_sends_locally_and_reports(db, qtbot):
    with db.write() as s:
        w = make_world(s)
        outbox.enqueue_for_patient(s, w.patients[0], body="Hi", purpose="manual", dedupe_key="m", now=NOW)
    controller = AutomationController(db, FrozenClock(NOW), env={})  # local providers
    texts: list[str] = []
    controller.sig_status.connect(texts.append)
    controller.start()
    try:
        qtbot.waitUntil(
            lambda: any(t.startswith("Automation: leader · 0 queued") for t in texts), timeout=15000
        )
    finally:
        controller.stop()
    assert controller.runtime is not None and not controller.runtime.is_leader  # released


def test_controller_says_why_it_is_off(db, qtbot):
    controller = AutomationController(db, FrozenClock(NOW), env={"ORCA_DESK_SMS_PROVIDER": "x"})
    with qtbot.waitSignal(controller.sig_status) as blocker:
        controller.start()
    assert blocker.args[0].startswith("Automation off: ORCA_DESK_SMS_PROVIDER must be")
