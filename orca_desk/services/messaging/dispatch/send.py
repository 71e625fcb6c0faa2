"""The dispatcher's run: claim due messages batch by batch, call the providers, record the outcomes."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from orca_desk.db import Database
from orca_desk.services.clinic import clinic_settings
from orca_desk.services.messaging.dispatch.claim import claim_due
from orca_desk.services.messaging.dispatch.common import (
    Claim,
    DispatchOptions,
    DispatchSummary,
    can_look_up,
)
from orca_desk.services.messaging.dispatch.record import (
    Accepted,
    record_outcome,
    record_sent,
    release,
    start_claim,
)
from orca_desk.services.messaging.policy import MessagingPolicy
from orca_desk.services.messaging.providers.base import (
    Attachment,
    OutgoingMessage,
    Provider,
    ProviderError,
    SendResult,
)


def outgoing(claim: Claim, options: DispatchOptions) -> OutgoingMessage:
    callback = None
    if options.status_callback_base and claim.channel == "sms":
        callback = f"{options.status_callback_base.rstrip('/')}/twilio/status?outbox_id={claim.id}"
    unsubscribe = (
        options.unsubscribe_url(claim.channel, claim.to)
        if options.unsubscribe_url and claim.channel == "email"
        else None
    )
    footer = True
    attachments: tuple[Attachment, ...] = ()
    if options.email_extras is not None and claim.channel == "email":
        extras = options.email_extras(claim.id)
        unsubscribe = extras.unsubscribe_url or unsubscribe
        footer, attachments = extras.unsubscribe_footer, extras.attachments
    return OutgoingMessage(
        outbox_id=claim.id,
        channel="sms" if claim.channel == "sms" else "email",
        to=claim.to,
        body=claim.body,
        subject=claim.subject,
        status_callback=callback,
        html=claim.html,
        unsubscribe_url=unsubscribe,
        unsubscribe_footer=footer,
        attachments=attachments,
    )


def dispatch_due(
    db: Database,
    providers: Mapping[str, Provider],
    *,
    now: datetime,
    worker_id: str,
    batch: int = 50,
    policy: MessagingPolicy | None = None,
    options: DispatchOptions | None = None,
    clock: Callable[[], datetime] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> DispatchSummary:
    """Send every message due by ``now``, batch by batch, under ``policy`` (default: the
    clinic's saved one).

    ``should_stop`` (the worker's SIGTERM) is asked before each provider call: once it says
    yes, nothing more is claimed, the claims not yet tried go back to the queue at once, and
    only the message already in flight is finished and recorded.

    Each batch is claimed (``sending``, ``claimed_by``) and committed before any provider is
    called, so a crash leaves rows ``sending``, which ``reconcile_sending`` settles with the
    provider (``find_sent``), never resending blindly. Outcomes other than "accepted" are
    recorded one by one as they come. Accepted sends of a provider that can be asked
    (Twilio, local) are recorded together (``record.record_sent``): when
    ``options.record_interval`` has passed since the first of them, at the end of the
    batch, before anything else is recorded, and on the way out of an error. Losing them
    in a crash costs a lookup each, not a duplicate: their rows are still ``sending`` with
    this claim. SendGrid cannot be asked, so each email is recorded before the next call.
    With ``clock``, each later batch is claimed at the clock's time, so a long run never
    stamps a fresh claim with an old time (which would make it look abandoned).
    """
    if policy is None:
        with db.read() as s:
            policy = clinic_settings.messaging_policy(s)
    run = _Run(db, providers, worker_id, options or DispatchOptions(), should_stop)
    try:
        for number in range(run.options.max_batches):
            if should_stop is not None and should_stop():
                break
            if number and clock is not None:
                now = clock()
            started = time.monotonic()
            claims = claim_due(
                db,
                now=now,
                worker_id=worker_id,
                limit=batch,
                policy=policy,
                options=run.options,
                summary=run.summary,
            )
            if not claims:
                break
            if run.send_batch(claims, now, started):
                return run.summary
    finally:
        if run.accepted:
            run.flush()
    return run.summary


class _Run:
    """One call of ``dispatch_due``: its tally, and the accepted sends not yet recorded."""

    def __init__(
        self,
        db: Database,
        providers: Mapping[str, Provider],
        worker_id: str,
        options: DispatchOptions,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        self.db, self.providers, self.worker_id = db, providers, worker_id
        self.options, self.should_stop = options, should_stop
        self.summary = DispatchSummary()
        self.budget = options.claim_timeout.total_seconds() / 2
        self.accepted: list[Accepted] = []
        self.first_accepted = 0.0

    def flush(self) -> None:
        items = list(self.accepted)
        self.accepted.clear()  # if writing fails, the rows stay `sending` for reconciliation
        lost = record_sent(self.db, items, worker_id=self.worker_id)
        self.summary.sent += len(items) - len(lost)
        for late in lost:  # reconciliation took the row back meanwhile: say so in its history
            record_outcome(
                self.db,
                late.claim,
                late.result,
                self.providers.get(late.claim.channel) or _MISSING,
                now=late.claim.claimed_at,
                worker_id=self.worker_id,
                options=self.options,
                summary=self.summary,
            )

    def send_batch(self, claims: Sequence[Claim], now: datetime, started: float) -> bool:
        """Send a batch's claims in turn; True when the run must end (stopping, out of time)."""
        for i, claim in enumerate(claims):
            if self.accepted and time.monotonic() - self.first_accepted >= self.options.record_interval:
                self.flush()
            if self.should_stop is not None and self.should_stop():
                self.flush()
                self.summary.released += release(
                    self.db, claims[i:], self.worker_id, now, why="the worker is stopping"
                )
                return True
            if time.monotonic() - started > self.budget:
                self.flush()
                self.summary.released += release(self.db, claims[i:], self.worker_id, now)
                return True
            self.send(claim, now)
        self.flush()
        return False

    def send(self, claim: Claim, now: datetime) -> None:
        """Call the claim's provider; hold an accepted send to record it with others, or record now."""
        provider = self.providers.get(claim.channel)
        if provider is None:
            result = SendResult.retry("no_provider", f"no {claim.channel} provider configured")
        elif not can_look_up(provider) and not start_claim(self.db, claim, self.worker_id):
            self.summary.errors.append(f"#{claim.id}: claim taken back before sending")
            return
        else:
            try:
                result = provider.send(outgoing(claim, self.options))
            except ProviderError as exc:
                result = SendResult.failed("config", str(exc), permanent=False)
            except Exception as exc:  # the request may have gone out: reconcile, never resend
                result = SendResult.unknown(f"{type(exc).__name__}: {exc}")
        if (
            provider is not None
            and result.status == "sent"
            and can_look_up(provider)
            and self.options.record_interval > 0
        ):
            if not self.accepted:
                self.first_accepted = time.monotonic()
            self.accepted.append(Accepted(claim, result, provider.name))
            return
        self.flush()
        record_outcome(
            self.db,
            claim,
            result,
            provider or _MISSING,
            now=now,
            worker_id=self.worker_id,
            options=self.options,
            summary=self.summary,
        )


class _Missing:
    name = "none"
    channel = "sms"


_MISSING: Provider = _Missing()  # type: ignore[assignment]
