"""Long applications in chunks of days, each its own transaction, with progress and cancel; replacing one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orca_desk.models.template import AppliedSlot, TemplateApplication, TemplateVersion
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_TEMPLATES, Actor
from orca_desk.services.bulk import chunks
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.template_engine.applying import (
    CHUNK_DAYS,
    Writer,
    _new_application,
    _write_days,
    apply_template,
)
from orca_desk.services.template_engine.planning import _check_params, _days, _today, plan_application
from orca_desk.services.template_engine.plans import ApplyParams, ApplyResult, Cancel, PlannedSlot, Progress


def _chosen_days(params: ApplyParams) -> list[date]:
    weekdays = set(params.weekdays)
    return [d for d in _days(params.start_day, params.end_day) if d.weekday() in weekdays]


def _add_counts(total: dict[str, int], counts: dict[str, int]) -> None:
    for k, v in counts.items():
        total[k] = total.get(k, 0) + v


@dataclass
class _ChunkRun:
    """What a chunked run did so far."""

    app_id: int | None = None
    created: int = 0
    done: int = 0
    cancelled: bool = False
    last_done: date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    template_name: str = ""
    version_number: int = 0

    def result(self, total: int) -> ApplyResult:
        return ApplyResult(
            self.app_id,
            self.created,
            self.done,
            total,
            self.cancelled,
            self.counts or {"create": 0, "existing": 0, "off": 0, "applied": 0},
            self.last_done,
        )


def _latest_version(session: Session, template_id: int, version: int | None) -> int:
    number = (
        session.scalar(
            select(TemplateVersion.number)
            .where(TemplateVersion.template_id == template_id)
            .order_by(TemplateVersion.number.desc())
            .limit(1)
        )
        if version is None
        else version
    )
    if number is None:
        raise NotFound(f"Template #{template_id} does not exist or has no version.")
    return number


def _run_chunks(
    write: Writer,
    actor: Actor,
    params: ApplyParams,
    *,
    version: int,
    now: datetime,
    progress: Progress | None,
    cancel: Cancel | None,
    chunk_days: int,
    before_chunk: Callable[[Session, Sequence[date]], object] | None = None,
    after_cancel: Callable[[Session, object, date | None], None] | None = None,
) -> _ChunkRun:
    """Plan and write ``chunk_days`` chosen days per transaction (see ``apply_template_in_chunks``).

    ``before_chunk`` runs first in each chunk's transaction (replace: retire the old slots
    of those days) and its value goes to ``after_cancel`` when the run is cancelled within
    that chunk (replace: put back the old slots of the days not reached).
    """
    if chunk_days < 1:
        raise ValidationError("Apply at least one day per chunk.", field="chunk_days")
    rotation_start = params.rotation_start or (params.start_day - timedelta(days=params.start_day.weekday()))
    params = replace(params, version=version, rotation_start=rotation_start)
    days = _chosen_days(params)
    run = _ChunkRun()
    if progress is not None:
        progress(0, len(days))
    for k in range(0, len(days), chunk_days):
        chunk = days[k : k + chunk_days]
        with write() as session:
            token = before_chunk(session, chunk) if before_chunk is not None else None
            plan = plan_application(session, replace(params, start_day=chunk[0], end_day=chunk[-1]), now=now)
            run.template_name, run.version_number = plan.template_name, plan.version_number
            _add_counts(run.counts, plan.counts)
            by_day: dict[date, list[PlannedSlot]] = defaultdict(list)
            for s in plan.create:
                by_day[s.day].append(s)
            if run.app_id is None and plan.create:
                run.app_id = _new_application(session, actor, params, plan, now=now).id
            if run.app_id is not None:
                n, chunk_done, cancelled = _write_days(session, run.app_id, by_day, chunk, cancel=cancel)
            else:
                n, (chunk_done, cancelled) = 0, _count_days(chunk, cancel)
            if n:
                session.execute(
                    update(TemplateApplication)
                    .where(TemplateApplication.id == run.app_id)
                    .values(created_count=TemplateApplication.created_count + n)
                )
            last = chunk[chunk_done - 1] if chunk_done else run.last_done
            if cancelled and after_cancel is not None:
                after_cancel(session, token, last)
        run.created += n
        run.done += chunk_done
        run.last_done = last
        run.cancelled = cancelled
        if progress is not None:
            progress(run.done, len(days))
        if cancelled:
            break
    if run.app_id is not None:
        with write() as session:
            audit.record(
                session,
                actor,
                "apply",
                "template_application",
                run.app_id,
                now=now,
                after={
                    "template": run.template_name,
                    "version": run.version_number,
                    "created": run.created,
                    "days": run.done,
                    "cancelled": run.cancelled,
                    "skipped": run.counts,
                    "chunk_days": chunk_days,
                },
            )
    return run


def apply_template_in_chunks(
    write: Writer,
    actor: Actor,
    params: ApplyParams,
    *,
    now: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    chunk_days: int = CHUNK_DAYS,
) -> ApplyResult:
    """``apply_template`` in short transactions: ``chunk_days`` chosen days per ``write()``.

    ``write`` opens a unit of work that commits on success (``Database.write``). Each chunk
    is planned afresh in its own transaction, so a booking another desk makes between
    chunks is respected, and each day is still written all or nothing. The version and
    rotation are fixed at the start (a template saved during the run does not mix
    versions); one application row covers the run, its count kept up to date per chunk.
    ``progress`` reports chosen days done after each committed chunk; ``cancel`` is asked
    between days. Nothing is written when the parameters are wrong.
    """
    actor.require(MANAGE_TEMPLATES)
    with write() as session:
        _check_params(session, params, now=now)
        version = _latest_version(session, params.template_id, params.version)
    run = _run_chunks(
        write,
        actor,
        params,
        version=version,
        now=now,
        progress=progress,
        cancel=cancel,
        chunk_days=chunk_days,
    )
    return run.result(len(_chosen_days(params)))


def replace_application_in_chunks(
    write: Writer,
    actor: Actor,
    application_id: int,
    *,
    version: int | None = None,
    now: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    chunk_days: int = CHUNK_DAYS,
) -> ApplyResult:
    """``replace_application`` in short transactions, as ``apply_template_in_chunks``.

    Each chunk retires the old application's unbooked slots of its days and writes the new
    ones in one transaction, so no day is left with neither. A cancelled run keeps the old
    slots of the days not reached and does not mark the old application replaced.
    """
    actor.require(MANAGE_TEMPLATES)
    with write() as session:
        old, start = _replaceable(session, application_id, now=now)
        params = _replacement_params(old, start, version)
        _check_params(session, params, now=now)
        number = _latest_version(session, old.template_id, version)
    old_slots = _OldSlots(application_id, now)
    run = _run_chunks(
        write,
        actor,
        params,
        version=number,
        now=now,
        progress=progress,
        cancel=cancel,
        chunk_days=chunk_days,
        before_chunk=old_slots.retire,
        after_cancel=old_slots.put_back,
    )
    total = len(_chosen_days(params))
    if run.cancelled:
        return run.result(total)
    with write() as session:
        replaced = session.get(TemplateApplication, application_id)
        assert replaced is not None
        new_id = run.app_id
        if new_id is None:  # nothing new to create: record an empty application so the swap is visible
            version_id = session.scalar(
                select(TemplateVersion.id).where(
                    TemplateVersion.template_id == replaced.template_id, TemplateVersion.number == number
                )
            )
            new_id = _empty_application(session, actor, replaced, start, version_id, now=now)
        _mark_replaced(
            session, actor, replaced, new_id, removed=old_slots.removed, created=run.created, now=now
        )
    run.app_id = new_id
    return run.result(total)


@dataclass
class _OldSlots:
    """The old application's open slots a chunked replace retires, and puts back when cancelled."""

    application_id: int
    now: datetime
    removed: int = 0

    def retire(self, session: Session, chunk: Sequence[date]) -> list[int]:
        ids = list(
            session.scalars(
                select(AppliedSlot.id).where(
                    AppliedSlot.application_id == self.application_id,
                    AppliedSlot.status == "open",
                    AppliedSlot.day >= chunk[0],
                    AppliedSlot.day <= chunk[-1],
                    AppliedSlot.start_at >= self.now,
                )
            )
        )
        for part in chunks(ids):
            session.execute(update(AppliedSlot).where(AppliedSlot.id.in_(part)).values(status="removed"))
        self.removed += len(ids)
        return ids

    def put_back(self, session: Session, ids: object, last_done: date | None) -> None:
        assert isinstance(ids, list)
        for part in chunks(ids):
            q = update(AppliedSlot).where(AppliedSlot.id.in_(part))
            if last_done is not None:
                q = q.where(AppliedSlot.day > last_done)
            session.execute(q.values(status="open"))


def _replaceable(session: Session, application_id: int, *, now: datetime) -> tuple[TemplateApplication, date]:
    """The application to replace and the first day to replace it from (today or later)."""
    old = session.get(TemplateApplication, application_id)
    if old is None:
        raise NotFound(f"Template application #{application_id} does not exist.")
    if old.replaced_by is not None:
        raise ValidationError(f"Application #{application_id} was already replaced by #{old.replaced_by}.")
    today = _today(session, now, old.location_id)
    start = max(old.start_day, today)
    if start > old.end_day:
        raise ValidationError(
            f"Application #{application_id} covers only past dates "
            f"({old.start_day} – {old.end_day}); nothing to replace.",
            field="start_day",
        )
    return old, start


def _replacement_params(old: TemplateApplication, start: date, version: int | None) -> ApplyParams:
    """The old application's providers, chairs, weekdays and rotation, from ``start`` on."""
    return ApplyParams(
        template_id=old.template_id,
        provider_ids=tuple(old.provider_ids),
        start_day=start,
        end_day=old.end_day,
        weekdays=tuple(old.weekdays),
        chair_ids=tuple(old.chair_ids),
        location_id=old.location_id,
        version=version,
        rotation_start=old.rotation_start,
    )


def _empty_application(
    session: Session,
    actor: Actor,
    old: TemplateApplication,
    start: date,
    version_id: int | None,
    *,
    now: datetime,
) -> int:
    """An application that created nothing, so that replacing ``old`` is visible."""
    app = TemplateApplication(
        template_id=old.template_id,
        version_id=version_id,
        provider_ids=list(old.provider_ids),
        chair_ids=list(old.chair_ids),
        location_id=old.location_id,
        start_day=start,
        end_day=old.end_day,
        weekdays=list(old.weekdays),
        rotation_start=old.rotation_start,
        created_count=0,
        created_by=actor.username,
        created_at=now,
    )
    session.add(app)
    session.flush()
    return app.id


def _mark_replaced(
    session: Session,
    actor: Actor,
    old: TemplateApplication,
    new_id: int,
    *,
    removed: int,
    created: int,
    now: datetime,
) -> None:
    old.replaced_by = new_id
    session.flush()
    audit.record(
        session,
        actor,
        "replace",
        "template_application",
        old.id,
        now=now,
        after={"replaced_by": new_id, "removed": removed, "created": created},
    )


def _count_days(days: Sequence[date], cancel: Cancel | None) -> tuple[int, bool]:
    """Days passed when nothing is written (cancel is still honoured between days)."""
    for n, _ in enumerate(days):
        if cancel is not None and cancel():
            return n, True
    return len(days), False


def replace_application(
    session: Session,
    actor: Actor,
    application_id: int,
    *,
    version: int | None = None,
    now: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ApplyResult:
    """Swap an earlier application for a version (default: the newest) over its remaining dates.

    Only its unbooked slots from today on are removed; booked ones stay and the new slots
    avoid them. A cancelled run puts the old open slots of the days not reached back.
    """
    actor.require(MANAGE_TEMPLATES)
    old, start = _replaceable(session, application_id, now=now)
    now_dt = now
    removed_ids = list(
        session.scalars(
            select(AppliedSlot.id).where(
                AppliedSlot.application_id == old.id,
                AppliedSlot.status == "open",
                AppliedSlot.day >= start,
                AppliedSlot.start_at >= now_dt,
            )
        )
    )
    for chunk in chunks(removed_ids):
        session.execute(update(AppliedSlot).where(AppliedSlot.id.in_(chunk)).values(status="removed"))
    params = _replacement_params(old, start, version)
    result = apply_template(session, actor, params, now=now, progress=progress, cancel=cancel)
    if result.cancelled:
        # Days not reached keep the old slots: no date ends up with neither.
        for chunk in chunks(removed_ids):
            q = update(AppliedSlot).where(AppliedSlot.id.in_(chunk))
            if result.last_day_done is not None:
                q = q.where(AppliedSlot.day > result.last_day_done)
            session.execute(q.values(status="open"))
        return result
    new_id = result.application_id
    if new_id is None:  # nothing new to create: record an empty application so the swap is visible
        ver_q = select(TemplateVersion.id).where(TemplateVersion.template_id == old.template_id)
        ver_q = (
            ver_q.where(TemplateVersion.number == version)
            if version is not None
            else ver_q.order_by(TemplateVersion.number.desc()).limit(1)
        )
        new_id = _empty_application(session, actor, old, start, session.scalar(ver_q), now=now)
    _mark_replaced(session, actor, old, new_id, removed=len(removed_ids), created=result.created, now=now)
    return ApplyResult(
        new_id,
        result.created,
        result.days_done,
        result.days_total,
        False,
        result.counts,
        result.last_day_done,
    )
