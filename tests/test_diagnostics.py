"""The log and crash reports: rotating, redacted, and free of patient data after a day of activity."""

from __future__ import annotations

import faulthandler
import io
import json
import logging
import logging.handlers
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from orca_desk import diagnostics
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.booking import booking
from tests.conftest import NOW
from tests.factories import book
from tests.services.test_reminders import (
    DESK,
    FAMILY,
    TUE_1530,
    D,
    H,
    at,
    clinic,
    providers,
    reply,
    tick,
)


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(diagnostics.LOG_DIR_ENV, str(tmp_path / "logs"))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = sys.excepthook, threading.excepthook
    yield tmp_path / "logs"
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    sys.excepthook, threading.excepthook = hooks


def test_redact_hides_phones_emails_keys_and_link_tokens():
    text = (
        "to +16175551234 and (617) 555-1234, ?To=%2B16175559876&,  mail emma.smith@example.com, "
        "sid ACabcdef0123456789abcdef0123456789, key SG.abcdefghijklmnop.qrstuvwx, "
        "link https://x.example/l/confirm/eyJhbGciOiJIUzI1NiJ9abcdefgh12345, password=hunter2"
    )
    out = diagnostics.redact(text)
    for secret in (
        "6175551234",
        "6175559876",
        "555-1234",
        "emma.smith",
        "ACabcdef",
        "SG.abc",
        "eyJhbGci",
        "hunter2",
    ):
        assert secret not in out, secret
    assert "password=[redacted]" in out and out.startswith("to [redacted]")


def test_the_file_log_rotates_five_by_five_mb_and_redacts_arguments(log_folder):
    path = diagnostics.install_file_logging()
    assert path == log_folder / "orca-desk.log"
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    assert (handler.maxBytes, handler.backupCount) == (5 * 1024 * 1024, 4)
    assert diagnostics.install_file_logging() == path  # a second call adds no second handler
    assert sum(isinstance(h, logging.handlers.RotatingFileHandler) for h in logging.getLogger().handlers) == 1
    logging.getLogger("orca_desk.test").warning("texting %s failed", "+16175551234")
    handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "texting [redacted] failed" in text and "6175551234" not in text


def test_a_day_of_activity_leaves_no_patient_data_in_the_log(db, fake, shared_clock, log_folder):
    path = diagnostics.install_file_logging(level=logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)  # everything any library says, at its most verbose
    c = clinic(db, shared=2, email=True)
    provs = providers(fake)
    ava = book(db, DESK, c, patient=0, start=TUE_1530, now=NOW, chair=0)
    book(db, DESK, c, patient=1, start=TUE_1530 + H, now=NOW, chair=1)
    solo = book(db, DESK, c, patient=2, start=TUE_1530, now=NOW, chair=2)
    for before in (7 * D, 2 * D, D):
        tick(db, provs, at(shared_clock, TUE_1530 - before + timedelta(minutes=1)))
    now = at(shared_clock, TUE_1530 - D + 2 * H)
    reply(db, fake, provs, "Yes", now)
    reply(db, fake, provs, "Can we come at 5 instead? Ava has piano", now, sender="+16175551002")
    with db.write() as s:
        booking.cancel_appointment(s, DESK, solo, reason="school event", now=now)
    tick(db, provs, at(shared_clock, now + H))
    for handler in logging.getLogger().handlers:
        handler.flush()
    with db.read() as s:
        patients = s.scalars(select(Patient)).all()
        bodies = [m.body for m in s.scalars(select(OutboxMessage)).all()]
    assert ava and len(bodies) >= 3 and fake.sent_sms
    log = path.read_text(encoding="utf-8")
    assert "orca_desk" in log  # the day was logged at all
    forbidden = {FAMILY, FAMILY.removeprefix("+1"), "emma@example.com", "Emma Smith", "Ava has piano"}
    for p in patients:
        forbidden |= {f"{p.first_name} {p.last_name}", p.contact_phone or "", (p.contact_phone or "")[-7:]}
    forbidden |= {body[:40] for body in bodies if body}
    leaked = sorted(item for item in forbidden if item and item in log)
    assert leaked == []


def test_an_uncaught_error_writes_a_redacted_report_and_calls_back(log_folder):
    seen: list[tuple[Path, str]] = []
    faults = diagnostics.install_crash_hooks(lambda report, text: seen.append((report, text)))
    faulthandler.enable(sys.__stderr__)  # hard faults of later tests go back to the terminal
    faults.close()
    try:
        raise RuntimeError("could not text +16175551234")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    worker = threading.Thread(target=lambda: 1 / 0, name="tick")
    worker.start()
    worker.join()
    assert len(seen) == 2
    first, second = seen
    assert first[0].parent == log_folder and first[0].read_text(encoding="utf-8") == first[1]
    assert "RuntimeError: could not text [redacted]" in first[1] and "6175551234" not in first[1]
    assert "thread: tick" in second[1] and "ZeroDivisionError" in second[1]
    assert (log_folder / "faults.log").exists()  # faulthandler writes hard faults there


def test_the_worker_and_gateway_log_one_json_line_per_event(log_folder):
    stream = io.StringIO()
    diagnostics.install_structured_stdout("worker", stream=stream)
    logging.getLogger("orca_desk.automation").info("sent %d texts to %s", 3, "+16175551234")
    line = stream.getvalue().strip().splitlines()[-1]
    event = json.loads(line)
    assert event["service"] == "worker" and event["level"] == "info"
    assert event["event"] == "sent 3 texts to [redacted]" and event["logger"] == "orca_desk.automation"
