"""Where Orca Desk writes its log and crash reports, and what it keeps out of them."""

from __future__ import annotations

import faulthandler
import json
import logging
import logging.handlers
import os
import platform
import re
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import platformdirs

from orca_desk import __version__

APP_NAME = "OrcaDesk"
LOG_DIR_ENV = "ORCA_DESK_LOG_DIR"
LOG_FILE = "orca-desk.log"
FAULT_FILE = "faults.log"
LOG_BYTES, LOG_BACKUPS = 5 * 1024 * 1024, 4  # five files of 5 MB: the live one and four old
REDACTED = "[redacted]"

# A log may travel to a support desk: phones, e-mail addresses, signed link tokens, API keys and
# provider credentials never reach it, whatever a message or a third-party library puts in.
_SECRETS = [
    re.compile(r"(?i)(password|secret|token|authorization|api[_-]?key)([\"']?\s*[:=]\s*)\S+"),
    re.compile(r"\b(?:AC|SK|MG|SM)[0-9a-f]{32}\b|\bSG\.[A-Za-z0-9_.-]{16,}"),  # Twilio SIDs, SendGrid keys
    re.compile(r"\borca_[A-Za-z0-9_]{8,}_[A-Za-z0-9_-]{16,}"),  # the gateway's API keys
    re.compile(r"(?<=/)[A-Za-z0-9_-]{24,}(?![A-Za-z0-9_-])"),  # signed tokens in link paths
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail addresses
    # Phones: E.164 (also URL-encoded), North American writings, bare runs of 10+ digits (not dates).
    re.compile(r"(?:\+|%2B)\d{8,15}\b|\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b|\b\d{10,15}\b"),
]
_KEYWORD_SECRET = 0  # the first pattern keeps its keyword and hides only the value


def redact(text: str) -> str:
    """The text with phones, e-mails, keys and link tokens replaced."""
    for index, pattern in enumerate(_SECRETS):
        if index == _KEYWORD_SECRET:
            text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Renders each record's message once, redacted, so no handler sees the raw arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = redact(record.getMessage())
        record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        return True


def log_dir() -> Path:
    """The user log directory (ORCA_DESK_LOG_DIR overrides it, for tests and support)."""
    override = os.environ.get(LOG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def install_file_logging(folder: Path | None = None, *, level: int = logging.INFO) -> Path | None:
    """The desk's rotating log (5 × 5 MB); returns its path, or None when the folder cannot be
    written (the desk still starts: a log is never a reason not to work). Safe to call twice."""
    folder = folder or log_dir()
    path = folder / LOG_FILE
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        print(f"orca-desk: no log file ({folder}: {exc.strerror or exc})", file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.WARNING, level))
    logging.getLogger(__name__).info(
        "Orca Desk %s started (Python %s)", __version__, platform.python_version()
    )
    return path


def _writable_log_dir() -> Path:
    """The log folder, or the system's temporary folder when that one cannot be made."""
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    return folder


class OneLineFormatter(logging.Formatter):
    """One JSON object per line: what log collectors on a server read without a parser of ours."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.exc_text:
            event["error"] = record.exc_text
        return json.dumps(event, ensure_ascii=False)


def install_structured_stdout(
    service: str, *, level: int = logging.INFO, stream: IO[str] | None = None
) -> None:
    """The worker's and the gateway's log: one redacted JSON line per event on stdout."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(OneLineFormatter(service))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)


def write_crash_report(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None, *, thread: str = ""
) -> tuple[Path, str]:
    """Writes a redacted report of an uncaught error; returns its path and text."""
    lines = [
        f"Orca Desk {__version__} crash report",
        f"when: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"python: {platform.python_version()} on {platform.platform()}",
    ]
    if thread:
        lines.append(f"thread: {thread}")
    lines += ["", *traceback.format_exception(kind, error, tb)]
    text = redact("\n".join(line.rstrip("\n") for line in lines)) + "\n"
    folder = _writable_log_dir()
    path = folder / f"crash-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S-%f')}.txt"
    path.write_text(text, encoding="utf-8")
    return path, text


CrashCallback = Callable[[Path, str], None]


def install_crash_hooks(on_crash: CrashCallback | None = None) -> IO[str]:
    """Uncaught errors on any thread are logged, reported to a file and passed to ``on_crash``;
    hard faults (segfaults) are dumped by faulthandler into the log folder, through the file
    returned: the caller keeps it open for as long as the process runs."""
    log = logging.getLogger("orca_desk.crash")

    def report(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None, thread: str
    ) -> None:
        path, text = write_crash_report(kind, error, tb, thread=thread)
        log.error("Uncaught %s (report: %s)", kind.__name__, path.name)
        if on_crash is not None:
            on_crash(path, text)

    def on_main(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        report(kind, error, tb, "main")

    def on_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        report(args.exc_type, args.exc_value, args.exc_traceback, args.thread.name if args.thread else "")

    sys.excepthook = on_main
    threading.excepthook = on_thread
    faults = open(_writable_log_dir() / FAULT_FILE, "a", encoding="utf-8")  # noqa: SIM115 - open while the process runs
    faulthandler.enable(faults)
    return faults
