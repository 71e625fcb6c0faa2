"""The automation jobs (dispatch, reconcile, inbound, delivery, feature ticks) and who runs them."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from orca_desk.automation.leader import (
    DEFAULT_LEASE_TTL,
    Leadership,
    leadership_for,
    new_worker_id,
)
from orca_desk.db import Database
from orca_desk.services.clock import Clock, SystemClock
from orca_desk.services.messaging import outbox
from orca_desk.services.messaging.dispatch import (
    DispatchOptions,
    dispatch_due,
    poll_delivery,
    reconcile_sending,
)
from orca_desk.services.messaging.inbound import InboundHandlers, poll_inbound
from orca_desk.services.messaging.policy import MessagingPolicy
from orca_desk.services.messaging.providers.base import Provider
from orca_desk.services.messaging.providers.config import providers_from_env
from orca_desk.services.messaging.providers.http import TokenBucket

log = logging.getLogger(__name__)

# Runtime settings beyond the providers' own (ORCA_DESK_TWILIO_* etc.).
PUBLIC_BASE_URL = "ORCA_DESK_PUBLIC_BASE_URL"  # where Twilio status callbacks and links point
SMS_RATE = "ORCA_DESK_SMS_RATE"  # SMS per second through the provider (default 1, a long code)
CLAIM_TIMEOUT = "ORCA_DESK_CLAIM_TIMEOUT_SECONDS"  # when a `sending` claim is presumed dead
LEASE_SECONDS = "ORCA_DESK_LEASE_SECONDS"  # automation lease length on SQLite


@dataclass(frozen=True)
class RuntimeSettings:
    public_base_url: str | None = None
    sms_rate: float | None = None
    claim_timeout: timedelta = timedelta(minutes=5)
    lease_ttl: timedelta = DEFAULT_LEASE_TTL

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RuntimeSettings:
        env = os.environ if env is None else env

        def number(name: str) -> float | None:
            raw = (env.get(name) or "").strip()
            if not raw:
                return None
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number, not {raw!r}") from None
            if value <= 0:
                raise ValueError(f"{name} must be positive, not {raw!r}")
            return value

        claim, lease = number(CLAIM_TIMEOUT), number(LEASE_SECONDS)
        return cls(public_base_url=(env.get(PUBLIC_BASE_URL) or "").strip() or None,
                   sms_rate=number(SMS_RATE),
                   claim_timeout=timedelta(seconds=claim) if claim else cls.claim_timeout,
                   lease_ttl=timedelta(seconds=lease) if lease else cls.lease_ttl)


def providers_from_settings(env: Mapping[str, str], settings: RuntimeSettings) -> dict[str, Provider]:
    """One provider per channel for this process (sharing it keeps its rate limit honest)."""
    sms, email = providers_from_env(env)
    http = getattr(sms, "http", None)
    if settings.sms_rate is not None and http is not None:
        http.limiter = TokenBucket(settings.sms_rate)
    return {"sms": sms, "email": email}


@dataclass(frozen=True)
class JobContext:
    """What a feature's tick job gets: its own sessions come from ``db``."""

    db: Database
    providers: Mapping[str, Provider]
    clock: Clock
    policy: MessagingPolicy
    worker_id: str


@dataclass(frozen=True)
class TickJob:
    """A feature's periodic job (waitlist escalation, reminder planning…).

    ``run`` must be idempotent and compute what is due by ``ctx.clock.now()`` from the
    tables, never from when it was scheduled: after a laptop sleeps it runs once, late.
    """

    name: str
    run: Callable[[JobContext], object]
    every: timedelta


@dataclass(frozen=True)
class JobSpec:
    """One scheduler entry: a name, a no-argument callable, an interval."""

    name: str
    run: Callable[[], object]
    seconds: float


@dataclass(frozen=True)
class RuntimeStatus:
    leader: bool
    holder: str | None
    worker_id: str
    counts: outbox.OutboxCounts
    last_error: str | None = None


@dataclass
class _State:
    leader: bool = False
    last_error: str | None = None
    results: dict[str, Any] = field(default_factory=dict)


class AutomationRuntime:
    """The jobs of one process. Only the leader runs them; the others keep trying to lead.

    Every job opens its own sessions, is idempotent and reads what is due from the tables,
    so running it twice, late, or in another process after a crash is harmless.
    """

    def __init__(self, db: Database, providers: Mapping[str, Provider], *,
                 clock: Clock | None = None, policy: MessagingPolicy | None = None,
                 settings: RuntimeSettings | None = None, worker_id: str | None = None,
                 handlers: InboundHandlers | None = None, leadership: Leadership | None = None,
                 dispatch_interval: float = 2.0, batch: int = 20) -> None:
        self.db, self.providers = db, providers
        self.clock = clock or SystemClock()
        self.policy = policy or MessagingPolicy()
        self.settings = settings or RuntimeSettings()
        self.worker_id = worker_id or new_worker_id()
        self.handlers = handlers if handlers is not None else InboundHandlers()
        self.leadership = leadership or leadership_for(db, self.worker_id, ttl=self.settings.lease_ttl)
        self.options = DispatchOptions(claim_timeout=self.settings.claim_timeout,
                                       status_callback_base=self.settings.public_base_url)
        self.dispatch_interval = dispatch_interval
        self.batch = batch
        self.ticks: list[TickJob] = []
        self._state = _State()
        self._lock = threading.Lock()

    # -- registration ----------------------------------------------------------------------

    def register_tick(self, job: TickJob) -> None:
        """Add a feature's periodic job (before the scheduler starts)."""
        if any(t.name == job.name for t in self.ticks):
            raise ValueError(f"a tick job named {job.name!r} is already registered")
        self.ticks.append(job)

    def context(self) -> JobContext:
        return JobContext(self.db, self.providers, self.clock, self.policy, self.worker_id)

    # -- leadership ------------------------------------------------------------------------

    @property
    def is_leader(self) -> bool:
        return self._state.leader

    def heartbeat(self) -> bool:
        """Take or keep the lead; standbys call this on every beat until they get it."""
        was = self._state.leader
        try:
            self._state.leader = self.leadership.acquire(self.clock.now())
        except Exception as exc:  # a database hiccup makes this desk a standby
            log.warning("automation heartbeat failed: %s", exc)
            self._state.leader = False
        if self._state.leader != was:
            log.info("automation on %s: %s", self.worker_id,
                     "leading" if self._state.leader else "standby")
        return self._state.leader

    # -- jobs ------------------------------------------------------------------------------

    def _run(self, name: str, fn: Callable[[], object]) -> object:
        if not self._state.leader:
            return None
        try:
            result = fn()
        except Exception as exc:  # one failed job must not stop the others
            log.exception("automation job %s failed", name)
            self._state.last_error = f"{name}: {exc}"
            return None
        self._state.results[name] = result
        return result

    def dispatch(self) -> object:
        return self._run("dispatch", lambda: dispatch_due(
            self.db, self.providers, now=self.clock.now(), worker_id=self.worker_id,
            policy=self.policy, options=self.options, batch=self.batch, clock=self.clock.now))

    def reconcile(self) -> object:
        return self._run("reconcile", lambda: reconcile_sending(
            self.db, self.providers, now=self.clock.now(), options=self.options))

    def poll_inbound(self) -> object:
        def poll() -> list[object]:
            seen: set[int] = set()
            out: list[object] = []
            for provider in self.providers.values():
                if id(provider) in seen or provider.name == "local":
                    continue
                seen.add(id(provider))
                out.append(poll_inbound(self.db, provider, now=self.clock.now(),
                                        handlers=self.handlers))
            return out
        return self._run("inbound", poll)

    def poll_delivery(self) -> object:
        def poll() -> list[object]:
            return [poll_delivery(self.db, p, now=self.clock.now())
                    for p in self.providers.values() if p.name != "local"]
        return self._run("delivery", poll)

    def run_tick(self, job: TickJob) -> object:
        return self._run(job.name, lambda: job.run(self.context()))

    def jobs(self) -> list[JobSpec]:
        """What the scheduler runs, and how often (seconds)."""
        lease = self.settings.lease_ttl.total_seconds()
        specs = [
            JobSpec("heartbeat", self.heartbeat, max(1.0, lease / 3)),
            JobSpec("dispatch", self.dispatch, self.dispatch_interval),
            # Often enough that a dead worker's claims are settled soon after they go stale.
            JobSpec("reconcile", self.reconcile,
                    max(1.0, min(30.0, self.settings.claim_timeout.total_seconds() / 2))),
            JobSpec("inbound", self.poll_inbound, 15.0),
            JobSpec("delivery", self.poll_delivery, 60.0),
        ]
        for tick in self.ticks:
            specs.append(JobSpec(tick.name, (lambda t=tick: self.run_tick(t)),  # type: ignore[misc]
                                 tick.every.total_seconds()))
        return specs

    def run_once(self) -> dict[str, object]:
        """Every job once, in the order that keeps promises: settle the uncertain sends,
        read replies (a STOP must land before the next text), let features queue, send."""
        if not self.heartbeat():
            return {}
        results: dict[str, object] = {"reconcile": self.reconcile(), "inbound": self.poll_inbound()}
        for tick in self.ticks:
            results[tick.name] = self.run_tick(tick)
        results["dispatch"] = self.dispatch()
        results["delivery"] = self.poll_delivery()
        return results

    # -- status ----------------------------------------------------------------------------

    def status(self) -> RuntimeStatus:
        with self.db.read() as s:
            counts = outbox.outbox_counts(s)
        holder = self.worker_id if self._state.leader else self.leadership.current_holder(
            self.clock.now())
        return RuntimeStatus(self._state.leader, holder, self.worker_id, counts,
                             self._state.last_error)

    def close(self) -> None:
        with self._lock:
            if self._state.leader:
                try:
                    self.leadership.release(self.clock.now())
                except Exception as exc:  # the lease expires by itself anyway
                    log.warning("automation lead not released: %s", exc)
            self._state.leader = False
            for provider in {id(p): p for p in self.providers.values()}.values():
                close = getattr(provider, "close", None)
                if close is not None:
                    close()


def describe_status(status: RuntimeStatus) -> str:
    """One line for the status bar: role and what waits."""
    c = status.counts
    role = "leader" if status.leader else "standby"
    text = f"Automation: {role} · {c.queued} queued · {c.deferred} deferred · {c.failed} failed"
    if status.last_error and status.leader:
        text += " · last error: " + status.last_error[:60]
    return text
