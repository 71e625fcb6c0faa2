"""Which process leads automation: a PostgreSQL advisory lock, or a lease row with expiry."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from orca_desk.db import Database
from orca_desk.models.messaging import AutomationLease
from orca_desk.services.errors import BusyError

log = logging.getLogger(__name__)

# pg_try_advisory_lock key: the ASCII of "orcaauto", so no other feature picks it by chance.
ADVISORY_KEY = 0x6F72636161757466
LEASE_NAME = "automation"
DEFAULT_LEASE_TTL = timedelta(seconds=30)


def new_worker_id() -> str:
    """``host:pid:random`` — unique per process, and says where a dead holder ran."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead_local_holder(holder: str) -> bool:
    """Whether ``holder`` names a process on this machine that no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:60] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Leadership(Protocol):
    holder: str

    def acquire(self, now: datetime) -> bool:
        """Take or keep the lead; False means standby (try again on the next heartbeat)."""
        ...

    def current_holder(self, now: datetime) -> str | None: ...

    def release(self, now: datetime) -> None: ...


class AdvisoryLockLeadership:
    """PostgreSQL: the lead is a session advisory lock held on a dedicated connection.

    The lock goes with the connection, so a crashed or disconnected leader frees it at once.
    """

    def __init__(self, db: Database, holder: str, *, key: int = ADVISORY_KEY) -> None:
        self.db, self.holder, self.key = db, holder, key
        self._conn: Connection | None = None
        self._leading = False

    def acquire(self, now: datetime) -> bool:
        try:
            if self._conn is None:
                self._conn = self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                self._conn.execute(
                    text("SELECT set_config('application_name', :n, false)"),
                    {"n": f"orca-desk automation {self.holder}"[:63]},
                )
            if self._leading:
                self._conn.execute(text("SELECT 1"))  # still connected, so still holding it
            else:
                self._leading = bool(
                    self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
                )
        except (DBAPIError, OperationalError) as exc:
            log.warning("automation lead lost: %s", exc)
            self._drop()
        return self._leading

    def current_holder(self, now: datetime) -> str | None:
        if self._leading:
            return self.holder
        with self.db.engine.connect() as conn:
            name = conn.execute(
                text(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND "
                    "((l.classid::bigint << 32) | l.objid::bigint) = :k LIMIT 1"
                ),
                {"k": self.key},
            ).scalar()
        return str(name).removeprefix("orca-desk automation ") if name else None

    def _drop(self) -> None:
        self._leading = False
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except Exception:  # the connection is already gone
                pass
        self._conn = None

    def release(self, now: datetime) -> None:
        if self._conn is not None and self._leading:
            with contextlib.suppress(DBAPIError, OperationalError):
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        if self._conn is not None:
            self._conn.close()
        self._conn, self._leading = None, False


class LeaseLeadership:
    """SQLite (one desk, or several on a file share): a lease row renewed by heartbeats.

    A standby takes over once the lease expires, or at once when the holder was a process
    on this machine that has died (a desk restarting after a crash).
    """

    def __init__(
        self, db: Database, holder: str, *, ttl: timedelta = DEFAULT_LEASE_TTL, name: str = LEASE_NAME
    ) -> None:
        self.db, self.holder, self.ttl, self.name = db, holder, ttl, name

    def acquire(self, now: datetime) -> bool:
        try:
            with self.db.write() as s:
                lease = s.get(AutomationLease, self.name)
                if lease is None:
                    s.add(
                        AutomationLease(
                            name=self.name, holder=self.holder, expires_at=now + self.ttl, heartbeat_at=now
                        )
                    )
                    return True
                if (
                    lease.holder != self.holder
                    and lease.expires_at > now
                    and not _dead_local_holder(lease.holder)
                ):
                    return False
                if lease.holder != self.holder:
                    log.info("automation lead taken over from %s", lease.holder)
                lease.holder, lease.expires_at, lease.heartbeat_at = self.holder, now + self.ttl, now
                return True
        except (IntegrityError, OperationalError, BusyError) as exc:  # BusyError: db locked
            log.warning("automation lease not renewed: %s", exc)
            return False

    def current_holder(self, now: datetime) -> str | None:
        with self.db.read() as s:
            lease = s.get(AutomationLease, self.name)
            return lease.holder if lease is not None and lease.expires_at > now else None

    def lease_until(self, now: datetime) -> datetime | None:
        """When the current holder's lease runs out unless renewed (None: nobody holds it)."""
        with self.db.read() as s:
            lease = s.get(AutomationLease, self.name)
            return lease.expires_at if lease is not None and lease.expires_at > now else None

    def release(self, now: datetime) -> None:
        with self.db.write() as s:
            lease = s.get(AutomationLease, self.name)
            if lease is not None and lease.holder == self.holder:
                lease.expires_at = now


def leadership_for(db: Database, holder: str, *, ttl: timedelta = DEFAULT_LEASE_TTL) -> Leadership:
    if db.is_postgres:
        return AdvisoryLockLeadership(db, holder)
    return LeaseLeadership(db, holder, ttl=ttl)
