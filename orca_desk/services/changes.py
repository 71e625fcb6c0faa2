"""What a committed unit of work changed, by table and by appointment, for the screens to follow."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import TextClause, event, text
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from orca_desk.db import Database

T = TypeVar("T")

# Bookkeeping that no screen shows: the audit trail, used link nonces, the automation lease and
# the providers' read cursors (renewed every few seconds; following them would reload for nothing).
UNSEEN_TABLES = frozenset({"audit_event", "link_token_use", "automation_lease", "provider_cursor"})

_WRITE_SQL = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class Changes:
    """Tables written and appointments touched; ``everything`` when a commit cannot be described
    (another desk's, seen through SQLite's ``data_version``)."""

    tables: frozenset[str] = frozenset()
    appointments: frozenset[int] = frozenset()
    everything: bool = False

    def __bool__(self) -> bool:
        return self.everything or bool(self.tables)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.tables | other.tables,
            self.appointments | other.appointments,
            self.everything or other.everything,
        )

    def touches(self, tables: Iterable[str] | None) -> bool:
        """Whether a screen showing ``tables`` (``None``: it cannot say) must reload."""
        if not self:
            return False
        return self.everything or tables is None or not self.tables.isdisjoint(tables)


NO_CHANGES = Changes()
EVERYTHING = Changes(everything=True)


_TRACKER = "orca_desk.change_tracker"


def note_written(session: Session, table: str) -> None:
    """A write the tracker cannot see (rows sent on the driver's own connection, e.g. COPY)."""
    tracker = session.info.get(_TRACKER)
    if isinstance(tracker, ChangeTracker):
        tracker.tables.add(table)


class ChangeTracker:
    """Collects what one Session writes: ORM flushes, Core statements run through it, and what
    bulk writes note (``note_written``)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tables: set[str] = set()
        self.appointments: set[int] = set()
        session.info[_TRACKER] = self
        event.listen(session, "after_flush", self._on_flush)
        event.listen(session, "do_orm_execute", self._on_execute)

    def _on_flush(self, session: Session, _flush: UOWTransaction) -> None:
        for obj in (*session.new, *session.dirty, *session.deleted):
            table = getattr(obj, "__tablename__", None)
            if table is None or (obj in session.dirty and not session.is_modified(obj)):
                continue
            self.tables.add(table)
            if table == "appointment" and getattr(obj, "id", None) is not None:
                self.appointments.add(int(obj.id))

    def _on_execute(self, state: ORMExecuteState) -> None:
        statement = state.statement
        if isinstance(statement, TextClause):  # hand-written SQL: read the table from the text
            found = _WRITE_SQL.match(statement.text)
            if found:
                self.tables.add(found.group(1).lower())
            return
        if not (state.is_insert or state.is_update or state.is_delete):
            return
        name = getattr(getattr(statement, "table", None), "name", None)
        if isinstance(name, str):
            self.tables.add(name)

    def changes(self) -> Changes:
        return Changes(frozenset(self.tables - UNSEEN_TABLES), frozenset(self.appointments))

    def close(self) -> None:
        self.session.info.pop(_TRACKER, None)
        event.remove(self.session, "after_flush", self._on_flush)
        event.remove(self.session, "do_orm_execute", self._on_execute)


@dataclass(frozen=True)
class Written:
    """A committed unit of work: what it returned, what it changed, and (PostgreSQL) its
    transaction id, by which a desk knows its own commits among the notifications."""

    value: Any
    changes: Changes
    txid: int | None


def run_tracked(
    db: Database, work: Callable[[Session], T], *, before_commit: Callable[[int], None] | None = None
) -> tuple[T, Changes, int | None]:
    """``work(session)`` in one write unit of work (``Database.run_write``: retried when the
    database chose it as a deadlock victim), with what it changed. On PostgreSQL
    ``before_commit`` gets the transaction's id while it is still open, so a desk can tell its
    own notifications from others' however soon they arrive."""

    def tracked(session: Session) -> Written:
        tracker = ChangeTracker(session)
        try:
            value = work(session)
            session.flush()
        finally:
            tracker.close()
        txid = None
        changes = tracker.changes()
        if db.is_postgres and changes:
            txid = int(session.execute(text("SELECT txid_current()")).scalar_one())
            if before_commit is not None:
                before_commit(txid)
        return Written(value, changes, txid)

    written = db.run_write(tracked)
    return written.value, written.changes, written.txid
