"""The automation jobs (dispatch, reconcile, inbound, delivery, feature ticks) and who runs them."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from orca_desk.automation.leader import (
    DEFAULT_LEASE_TTL,
    Leadership,
    leadership_for,
    new_worker_id,
)
from orca_desk.db import Database
from orca_desk.services import local_time
from orca_desk.services.clinic import clinic_settings
from orca_desk.services.clock import Clock, SystemClock
from orca_desk.services.messaging import outbox
from orca_desk.services.messaging.dispatch import (
    DispatchOptions,
    dispatch_due,
    poll_delivery,
    reconcile_sending,
)
from orca_desk.services.messaging.email_extras import EmailExtrasBuilder
from orca_desk.services.messaging.inbound import InboundHandlers, poll_inbound
from orca_desk.services.messaging.policy import MessagingPolicy
from orca_desk.services.messaging.providers import config as provider_config
from orca_desk.services.messaging.providers.base import Provider, ProviderError
from orca_desk.services.messaging.providers.config import providers_from_env

log = logging.getLogger(__name__)

# Runtime settings beyond the providers' own (ORCA_DESK_TWILIO_*, ORCA_DESK_SMS_RATE etc.,
# read by providers/config.py).
PUBLIC_BASE_URL = "ORCA_DESK_PUBLIC_BASE_URL"  # where Twilio status callbacks and links point
CLAIM_TIMEOUT = "ORCA_DESK_CLAIM_TIMEOUT_SECONDS"  # when a `sending` claim is presumed dead
LEASE_SECONDS = "ORCA_DESK_LEASE_SECONDS"  # automation lease length on SQLite
SETTINGS_SECONDS = 30.0  # how soon settings saved on any desk reach a running runtime


@dataclass(frozen=True)
class RuntimeSettings:
    public_base_url: str | None = None
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
        return cls(
            public_base_url=(env.get(PUBLIC_BASE_URL) or "").strip() or None,
            claim_timeout=timedelta(seconds=claim) if claim else cls.claim_timeout,
            lease_ttl=timedelta(seconds=lease) if lease else cls.lease_ttl,
        )


SecretReader = Callable[[str], str | None]


@dataclass(frozen=True)
class ClinicRuntimeConfig:
    """What the clinic's saved settings (and the keyring, and the environment) tell the runtime."""

    provider_env: Mapping[str, str]
    policy: MessagingPolicy
    public_base_url: str


def load_clinic_config(
    db: Database,
    env: Mapping[str, str] | None = None,
    *,
    secret_reader: SecretReader = clinic_settings.read_secret,
) -> ClinicRuntimeConfig:
    """The providers' ``ORCA_DESK_*`` mapping (settings, keyring secrets; the environment wins),
    the messaging policy and the public base URL of the clinic in ``db``."""
    env = os.environ if env is None else env
    with db.read() as s:
        saved = clinic_settings.load_settings(s)
        base = clinic_settings.public_base_url(s, env)
    return ClinicRuntimeConfig(
        clinic_settings.provider_environment(saved, env, secret_reader=secret_reader), saved.policy(), base
    )


def _link_secret(env: Mapping[str, str]) -> bytes | None:
    """The patient-link key (for unsubscribe links in emails); None when it is unusable."""
    from orca_desk.services.errors import ValidationError
    from orca_desk.services.links.patient_links import link_secret

    try:
        return link_secret(env)
    except (ValidationError, OSError) as exc:
        log.warning("emails go without unsubscribe links: %s", exc)
        return None


def build_providers(provider_env: Mapping[str, str], *, check_inbound: bool = True) -> dict[str, Provider]:
    """One provider per channel for this process (sharing it keeps its rate limit honest).

    ``check_inbound``: make sure each provider knows where replies arrive (a Twilio Messaging
    Service lists its numbers here), else raise ProviderError: running while every YES and
    STOP is lost is worse than not starting.
    """
    sms, email = providers_from_env(provider_env)
    providers: dict[str, Provider] = {"sms": sms, "email": email}
    if check_inbound:
        try:
            for provider in providers.values():
                targets = getattr(provider, "inbound_targets", None)
                if targets is not None:
                    targets()
        except ProviderError:
            for provider in providers.values():
                close = getattr(provider, "close", None)
                if close is not None:
                    close()
            raise
    return providers


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

    def __init__(
        self,
        db: Database,
        providers: Mapping[str, Provider],
        *,
        clock: Clock | None = None,
        policy: MessagingPolicy | None = None,
        settings: RuntimeSettings | None = None,
        worker_id: str | None = None,
        handlers: InboundHandlers | None = None,
        leadership: Leadership | None = None,
        dispatch_interval: float = 2.0,
        batch: int = 20,
    ) -> None:
        """``policy``: a fixed policy; None (the normal case) follows the clinic's saved
        settings, re-read by ``reload_settings``."""
        self.db, self.providers = db, providers
        self.clock = clock or SystemClock()
        self._policy_fixed = policy is not None
        if policy is None:
            with db.read() as s:
                policy = clinic_settings.messaging_policy(s)
        self.policy = policy
        self.settings = settings or RuntimeSettings()
        # Set by ``from_clinic``: (environment, secret reader) to rebuild providers from.
        self._follow: tuple[Mapping[str, str], SecretReader] | None = None
        self._provider_env: Mapping[str, str] = {}
        self._retired: list[Provider] = []
        self.worker_id = worker_id or new_worker_id()
        self.handlers = handlers if handlers is not None else InboundHandlers()
        self.leadership = leadership or leadership_for(db, self.worker_id, ttl=self.settings.lease_ttl)
        self.options = DispatchOptions(
            claim_timeout=self.settings.claim_timeout, status_callback_base=self.settings.public_base_url
        )
        self.dispatch_interval = dispatch_interval
        self.batch = batch
        self.ticks: list[TickJob] = []
        self._state = _State()
        self._lock = threading.Lock()
        # Set by ``stop`` (SIGTERM): no job starts any more, dispatch claims nothing more.
        self._stopping = threading.Event()
        self._busy = 0  # jobs running now
        self._idle = threading.Condition()
        self._failing: dict[str, str] = {}  # job → its last error, logged once until it recovers

    @classmethod
    def from_clinic(
        cls,
        db: Database,
        env: Mapping[str, str] | None = None,
        *,
        settings: RuntimeSettings | None = None,
        secret_reader: SecretReader = clinic_settings.read_secret,
        **kwargs: Any,
    ) -> AutomationRuntime:
        """The runtime of ``orca-desk worker`` and of the GUI: providers built from the clinic's
        saved settings and keyring secrets (an ``ORCA_DESK_*`` variable in ``env`` wins), the
        clinic's messaging policy, status callbacks to its public base URL; all followed
        while it runs (``reload_settings``). Raises ``ProviderError``/``ValueError``."""
        env = os.environ if env is None else env
        settings = settings or RuntimeSettings.from_env(env)
        config = load_clinic_config(db, env, secret_reader=secret_reader)
        providers = build_providers(config.provider_env)
        settings = replace(settings, public_base_url=config.public_base_url)
        runtime = cls(db, providers, settings=settings, policy=None, **kwargs)
        runtime.options = replace(
            runtime.options,
            email_extras=EmailExtrasBuilder(
                db,
                secret=_link_secret(env),
                now=runtime.clock.now,
                base_url=lambda: runtime.options.status_callback_base,
                sender=config.provider_env.get(provider_config.SENDGRID_FROM),
            ),
        )
        runtime._follow = (env, secret_reader)
        runtime._provider_env = dict(config.provider_env)
        runtime.policy = config.policy
        return runtime

    def reload_settings(self) -> bool:
        """Pick up settings saved since: the policy and public address at once, new providers
        when their settings or secrets changed (a wrong new setting keeps the old providers
        and is reported). Returns whether the providers were replaced."""
        if self._follow is None:
            if not self._policy_fixed:
                with self.db.read() as s:
                    self.policy = clinic_settings.messaging_policy(s)
            return False
        env, reader = self._follow
        config = load_clinic_config(self.db, env, secret_reader=reader)
        if not self._policy_fixed:
            self.policy = config.policy
        if config.public_base_url != self.options.status_callback_base:
            self.options = replace(self.options, status_callback_base=config.public_base_url)
        if dict(config.provider_env) == dict(self._provider_env):
            return False
        try:
            providers = build_providers(config.provider_env)
        except ProviderError as exc:
            self._state.last_error = f"settings: {exc}"
            return False
        # The old clients may be in a job right now: they are closed with the runtime.
        self._retired.extend(self.providers.values())
        self.providers, self._provider_env = providers, dict(config.provider_env)
        log.info("automation providers rebuilt from the saved settings")
        return True

    def _refresh_settings(self) -> None:
        try:
            self.reload_settings()
        except Exception as exc:  # a database hiccup: keep what we have
            log.warning("automation settings not reloaded: %s", exc)

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

    @property
    def last_error(self) -> str | None:
        return self._state.last_error

    def heartbeat(self) -> bool:
        """Take or keep the lead; standbys call this on every beat until they get it."""
        was = self._state.leader
        try:
            self._state.leader = self.leadership.acquire(self.clock.now())
        except Exception as exc:  # a database hiccup makes this desk a standby
            log.warning("automation heartbeat failed: %s", exc)
            self._state.leader = False
            self._state.last_error = f"heartbeat: {exc}"
        if self._state.leader != was:
            log.info("automation on %s: %s", self.worker_id, "leading" if self._state.leader else "standby")
        return self._state.leader

    # -- jobs ------------------------------------------------------------------------------

    def _run(self, name: str, fn: Callable[[], object]) -> object:
        if not self._state.leader or self._stopping.is_set():
            return None
        with self._idle:
            self._busy += 1
        try:
            result = fn()
        except Exception as exc:  # one failed job must not stop the others
            # Logged when it starts failing or fails differently, not on every tick.
            text = f"{type(exc).__name__}: {exc}"
            if self._failing.get(name) != text:
                log.exception("automation job %s failed", name)
            self._failing[name] = text
            self._state.last_error = f"{name}: {exc}"
            return None
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()
        if self._failing.pop(name, None) is not None:
            log.info("automation job %s works again", name)
        self._state.results[name] = result
        return result

    # -- stopping --------------------------------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        """Stop at once (SIGTERM): no job starts any more and dispatch claims nothing more;
        a send in flight is finished and recorded (see ``wait_idle``)."""
        self._stopping.set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no job runs (after ``stop``); False when ``timeout`` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def link_warning(self) -> str | None:
        """A warning when real providers send links (and status callbacks) to this machine."""
        base = self.options.status_callback_base or clinic_settings.DEFAULT_PUBLIC_BASE_URL
        # The providers' names are the values of ORCA_DESK_SMS_PROVIDER / _EMAIL_PROVIDER.
        env = {
            provider_config.SMS_PROVIDER: getattr(self.providers.get("sms"), "name", "local"),
            provider_config.EMAIL_PROVIDER: getattr(self.providers.get("email"), "name", "local"),
        }
        return clinic_settings.loopback_link_warning(base, env)

    def dispatch(self) -> object:
        return self._run(
            "dispatch",
            lambda: dispatch_due(
                self.db,
                self.providers,
                now=self.clock.now(),
                worker_id=self.worker_id,
                policy=self.policy,
                options=self.options,
                batch=self.batch,
                clock=self.clock.now,
                should_stop=self._stopping.is_set,
            ),
        )

    def reconcile(self) -> object:
        return self._run(
            "reconcile",
            lambda: reconcile_sending(self.db, self.providers, now=self.clock.now(), options=self.options),
        )

    def poll_inbound(self) -> object:
        def poll() -> list[object]:
            seen: set[int] = set()
            out: list[object] = []
            for provider in self.providers.values():
                if id(provider) in seen or provider.name == "local":
                    continue
                seen.add(id(provider))
                out.append(poll_inbound(self.db, provider, now=self.clock.now(), handlers=self.handlers))
            return out

        return self._run("inbound", poll)

    def poll_delivery(self) -> object:
        def poll() -> list[object]:
            return [
                poll_delivery(self.db, p, now=self.clock.now())
                for p in self.providers.values()
                if p.name != "local"
            ]

        return self._run("delivery", poll)

    def run_tick(self, job: TickJob) -> object:
        return self._run(job.name, lambda: job.run(self.context()))

    def jobs(self) -> list[JobSpec]:
        """What the scheduler runs, and how often (seconds)."""
        lease = self.settings.lease_ttl.total_seconds()
        specs = [
            JobSpec("heartbeat", self.heartbeat, max(1.0, lease / 3)),
            JobSpec("settings", self._refresh_settings, SETTINGS_SECONDS),
            JobSpec("dispatch", self.dispatch, self.dispatch_interval),
            # Often enough that a dead worker's claims are settled soon after they go stale.
            JobSpec(
                "reconcile",
                self.reconcile,
                max(1.0, min(30.0, self.settings.claim_timeout.total_seconds() / 2)),
            ),
            JobSpec("inbound", self.poll_inbound, 15.0),
            JobSpec("delivery", self.poll_delivery, 60.0),
        ]
        for tick in self.ticks:
            specs.append(
                JobSpec(
                    tick.name,
                    (lambda t=tick: self.run_tick(t)),  # type: ignore[misc]
                    tick.every.total_seconds(),
                )
            )
        return specs

    def run_once(self) -> dict[str, object]:
        """Every job once, in the order that keeps promises: settle the uncertain sends,
        read replies (a STOP must land before the next text), let features queue, send."""
        if not self.heartbeat():
            return {}
        self.reload_settings()
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
        holder = self.worker_id if self._state.leader else self.leadership.current_holder(self.clock.now())
        return RuntimeStatus(self._state.leader, holder, self.worker_id, counts, self._state.last_error)

    def close(self) -> None:
        with self._lock:
            if self._state.leader:
                try:
                    self.leadership.release(self.clock.now())
                except Exception as exc:  # the lease expires by itself anyway
                    log.warning("automation lead not released: %s", exc)
            self._state.leader = False
            everyone = [*self.providers.values(), *self._retired]
            for provider in {id(p): p for p in everyone}.values():
                close = getattr(provider, "close", None)
                if close is not None:
                    close()


def _lease_time(runtime: AutomationRuntime, at: datetime) -> str:
    """The lease's end in the clinic's home time and format (this computer's zone if unreadable)."""
    try:
        with runtime.db.read() as s:
            tz, style = local_time.location_zone(s, None), local_time.clinic_time_format(s)
    except SQLAlchemyError:  # the database may be what keeps this process on standby
        tz, style = None, "12h"
    return local_time.fmt_time(at, tz, style, seconds=True)


def standby_reason(runtime: AutomationRuntime) -> str:
    """Why this process does not lead, in one line naming the leader (for ``worker --once``)."""
    now = runtime.clock.now()
    failed = runtime.last_error
    if failed and failed.startswith("heartbeat: "):
        return f"standby: could not take the lead ({failed.removeprefix('heartbeat: ')}); nothing was run"
    holder = runtime.leadership.current_holder(now) or "another process"
    until = getattr(runtime.leadership, "lease_until", None)
    expires = until(now) if until is not None else None
    if expires is not None:
        how = (
            f"its lease runs until {_lease_time(runtime, expires)}; if that process "
            "has died, it is "
            "replaced then, or at once when it ran on this computer"
        )
    elif runtime.db.is_postgres:
        how = "it holds the PostgreSQL advisory lock while it is connected"
    else:
        how = "its lease has just been renewed or released"
    return f"standby: automation is led by {holder} ({how}); nothing was run"


def describe_status(status: RuntimeStatus) -> str:
    """One line for the status bar: role and what waits."""
    c = status.counts
    role = "leader" if status.leader else "standby"
    text = f"Automation: {role} · {c.queued} queued · {c.deferred} deferred · {c.failed} failed"
    if status.last_error and status.leader:
        text += " · last error: " + status.last_error[:60]
    return text
