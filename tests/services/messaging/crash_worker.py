"""A worker that is killed (SIGKILL, as kill -9) right after its N-th provider request.

Run by ``test_crash_recovery.test_kill_9_mid_batch_loses_no_twin_and_fails_no_untried_email``:
``python -m tests.services.messaging.crash_worker DB_URL FAKE_BASE_URL ACCOUNT_SID AUTH_TOKEN
API_KEY FROM_NUMBER N NOW_ISO``. It sends through the fake provider over HTTP like the worker,
and dies with nothing after the request recorded (no handler, no ``finally``).
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime

from orca_desk.db import Database
from orca_desk.services.messaging.dispatch import DispatchOptions, dispatch_due
from orca_desk.services.messaging.providers.base import OutgoingMessage, Provider, SendResult
from orca_desk.services.messaging.providers.sendgrid import SendGridProvider
from orca_desk.services.messaging.providers.twilio import TwilioProvider


def main(argv: list[str]) -> int:
    url, base, sid, token, key, from_number, kill_after, now_iso = argv
    requests = 0

    def doomed(provider: Provider) -> Provider:
        original = provider.send

        def send(msg: OutgoingMessage) -> SendResult:
            nonlocal requests
            result = original(msg)
            requests += 1
            if requests == int(kill_after):
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        provider.send = send  # type: ignore[method-assign]
        return provider

    providers: dict[str, Provider] = {
        "sms": doomed(
            TwilioProvider(sid, token, from_number=from_number, base_url=f"{base}", rate_per_second=1e9)
        ),
        "email": doomed(
            SendGridProvider(key, "desk@clinic.example", base_url=f"{base}", rate_per_second=1e9)
        ),
    }
    db = Database(url)
    dispatch_due(
        db, providers, now=datetime.fromisoformat(now_iso), worker_id="doomed", options=DispatchOptions()
    )
    return 0  # not reached when the kill comes


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
