"""Re-engagement campaigns: audience, exclusions, the split, paced sending, pause/cancel, attribution."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.campaigns import Campaign, CampaignRecipient
from orca_desk.models.clinic import Location
from orca_desk.models.messaging import ContactState, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.campaigns.audience import AudienceCriteria, AudienceSummary, audience
from orca_desk.services.campaigns.drafts import _variants, create_campaign
from orca_desk.services.campaigns.launch import (
    cancel_campaign,
    launch_campaign,
    pause_campaign,
    resume_campaign,
)
from orca_desk.services.campaigns.results import campaign_results, list_campaigns
from orca_desk.services.campaigns.rows import CampaignInput
from orca_desk.services.campaigns.sending import process_campaigns
from orca_desk.services.campaigns.variants import (
    VariantInput,
    assign_variant,
    campaign_templates,
    variant_from_template,
)
from orca_desk.services.clock import FrozenClock
from orca_desk.services.errors import PermissionDenied, ValidationError
from orca_desk.services.messaging.dispatch import dispatch_due
from orca_desk.services.messaging.providers.base import Provider
from tests.conftest import NOW
from tests.factories import World, book_ids, make_world
from tests.fakes import sendgrid_for, twilio_for
from tests.fakes.fake_provider import FakeProviderServer

MANAGER = Actor(username="boss", role="manager", display_name="Boss", permissions=ROLE_PERMISSIONS["manager"])
DESK = Actor(
    username="maria", role="receptionist", display_name="Maria", permissions=ROLE_PERMISSIONS["receptionist"]
)
D = timedelta(days=1)
M = timedelta(minutes=1)
A = VariantInput(
    "A",
    1,
    sms_body="{clinic_name}: we miss {patient_first_name}! Call {clinic_phone}.",
    email_subject="We miss {patient_first_name}",
    email_body="Hi {first_name}, call {clinic_phone}.",
)
B = VariantInput(
    "B",
    1,
    sms_body="{clinic_name}: {patient_first_name} is due for a check. Call {clinic_phone}.",
    email_subject="A check is due",
    email_body="Hi {first_name}, {patient_first_name} is due.",
)


@pytest.fixture(autouse=True)
def link_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCA_DESK_LINK_SECRET", "c" * 64)


@dataclass
class Setup:
    clinic_id: int
    world_location: int
    other_location: int
    adjustment: int
    bonding: int
    ortho: int
    chairs: list[int]
    ids: dict[str, int]


def visit(
    s,
    w: World,
    pid: int,
    start: datetime,
    *,
    status: str = "completed",
    type_id: int | None = None,
    created: datetime | None = None,
) -> None:  # type: ignore[no-untyped-def]
    s.add(
        Appointment(
            clinic_id=w.clinic.id,
            patient_id=pid,
            provider_id=w.ortho.id,
            chair_id=w.chairs[0].id,
            location_id=w.location.id,
            type_id=type_id or w.adjustment.id,
            start_at=start,
            end_at=start + timedelta(minutes=20),
            status=status,
            confirmation="confirmed",
            created_at=created or start - 30 * D,
            updated_at=created or start - 30 * D,
        )
    )


def setup(db: Database) -> Setup:
    """Patients named for what makes them (not) match."""
    with db.write() as s:
        w = make_world(s, patients=0)
        other = Location(clinic_id=w.clinic.id, name="Southside", timezone="America/New_York")
        s.add(other)
        s.flush()
        spec = {  # name: (stage, age, home, last visit days ago, future visit)
            "retained": ("retention", 15, w.location.id, 300, False),
            "retained_teen": ("retention", 13, w.location.id, 400, False),
            "recent": ("retention", 15, w.location.id, 30, False),
            "booked": ("retention", 15, w.location.id, 300, True),
            "active": ("active", 15, w.location.id, 300, False),
            "adult": ("retention", 40, w.location.id, 300, False),
            "south": ("retention", 15, other.id, 300, False),
            "never": ("retention", 15, w.location.id, None, False),
            "opted_out": ("retention", 15, w.location.id, 300, False),
            "no_consent": ("retention", 15, w.location.id, 300, False),
            "contacted": ("retention", 15, w.location.id, 300, False),
        }
        ids: dict[str, int] = {}
        for n, (name, (stage, age, home, last, future)) in enumerate(spec.items()):
            p = Patient(
                clinic_id=w.clinic.id,
                first_name=name.title(),
                last_name="Doe",
                date_of_birth=date(2026 - age, 1, 15),
                treatment_stage=stage,
                home_location_id=home,
                contact_phone=f"+1617555{2000 + n}",
                sms_consent=name != "no_consent",
                contact_email=None if name == "no_consent" else f"{name}@example.com",
                email_consent=name != "no_consent",
                preferred_channel="sms",
            )
            s.add(p)
            s.flush()
            ids[name] = p.id
            if last is not None:
                visit(s, w, p.id, NOW - last * D, type_id=w.bonding.id if name == "retained" else None)
            if future:
                visit(s, w, p.id, NOW + 20 * D, status="scheduled")
        s.add_all(
            [
                ContactState(
                    channel=ch,
                    address=addr,
                    opted_out=True,
                    opted_out_at=NOW - 50 * D,
                    opt_source="STOP reply",
                    updated_at=NOW,
                )
                for ch, addr in (("sms", "+16175552008"), ("email", "opted_out@example.com"))
            ]
        )
        s.add(
            OutboxMessage(
                clinic_id=w.clinic.id,
                patient_id=ids["contacted"],
                channel="sms",
                to_address="+16175552010",
                purpose="recovery",
                body="hi",
                dedupe_key="earlier",
                status="sent",
                attempts=1,
                next_attempt_at=NOW - 3 * D,
                created_at=NOW - 3 * D,
                sent_at=NOW - 3 * D,
            )
        )
        return Setup(
            w.clinic.id,
            w.location.id,
            other.id,
            w.adjustment.id,
            w.bonding.id,
            w.ortho.id,
            [c.id for c in w.chairs],
            ids,
        )


def names(db: Database, summary: AudienceSummary, st: Setup) -> set[str]:
    back = {v: k for k, v in st.ids.items()}
    return {back[i] for i in summary.patient_ids}


def aud(db: Database, st: Setup, channels: tuple[str, ...] = ("sms", "email"), **kw) -> AudienceSummary:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return audience(s, AudienceCriteria(**kw), channels, now=NOW)


EVERYONE = {"retained", "retained_teen", "recent", "active", "adult", "south", "never"}


def test_each_audience_criterion(db):
    st = setup(db)
    assert names(db, aud(db, st, no_future_appointment=False), st) == EVERYONE | {"booked"}
    assert names(db, aud(db, st), st) == EVERYONE
    assert names(db, aud(db, st, not_seen_days=270), st) == {
        "retained",
        "retained_teen",
        "active",
        "adult",
        "south",
    }
    assert names(db, aud(db, st, not_seen_days=270, treatment_stages=("retention",)), st) == {
        "retained",
        "retained_teen",
        "adult",
        "south",
    }
    assert names(db, aud(db, st, appointment_type_ids=(st.bonding,)), st) == {"retained"}
    assert names(db, aud(db, st, location_ids=(st.other_location,)), st) == {"south"}
    assert names(db, aud(db, st, age_min=14, age_max=17), st) == EVERYONE - {"retained_teen", "adult"}
    assert names(db, aud(db, st, age_min=13, age_max=13), st) == {"retained_teen"}
    assert names(db, aud(db, st, age_min=18), st) == {"adult"}
    with pytest.raises(ValidationError, match="minimum age is above"):
        aud(db, st, age_min=20, age_max=10)


def test_opted_out_unreachable_and_recently_contacted_are_left_out(db):
    st = setup(db)
    summary = aud(db, st, not_seen_days=270)
    assert (summary.matched, summary.eligible) == (8, 5)
    assert (summary.opted_out, summary.unreachable, summary.recently_contacted) == (1, 1, 1)
    assert "3" not in summary.describe().split(" ")[0] and "1 opted out" in summary.describe()
    assert len(summary.sample) == 5 and {r.stage for r in summary.sample} <= {"retention", "active"}
    # Only SMS: the opted-out number is out; email only: the opted-out address is out too.
    assert "contacted" in names(db, aud(db, st, not_seen_days=270, recently_contacted_days=0), st)
    assert aud(db, st, ("email",), not_seen_days=270).opted_out == 1


def test_variant_assignment_is_deterministic_and_split_as_asked():
    first = [assign_variant("seed-1", pid, [1, 1], 10) for pid in range(1, 20_001)]
    again = [assign_variant("seed-1", pid, [1, 1], 10) for pid in range(1, 20_001)]
    assert first == again
    counts = Counter(first)
    assert abs(counts[None] / 20_000 - 0.10) < 0.01
    assert abs(counts[0] / 20_000 - 0.45) < 0.015 and abs(counts[1] / 20_000 - 0.45) < 0.015
    weighted = Counter(assign_variant("s", pid, [3, 1], 0) for pid in range(1, 20_001))
    assert None not in weighted and abs(weighted[0] / 20_000 - 0.75) < 0.015
    other_seed = [assign_variant("seed-2", pid, [1, 1], 10) for pid in range(1, 2001)]
    assert other_seed != first[:2000]
    # Changing the hold-out only moves patients into or out of the control group.
    wider = [assign_variant("seed-1", pid, [1, 1], 20) for pid in range(1, 20_001)]
    assert all(w is None or w == f for w, f in zip(wider, first, strict=True))


def make(
    db: Database,
    st: Setup,
    *,
    holdout: int = 0,
    rate: int = 60,
    start: datetime = NOW,
    variants: tuple[VariantInput, ...] = (A, B),
    channels: tuple[str, ...] = ("sms",),
    **criteria,
) -> int:  # type: ignore[no-untyped-def]
    with db.write() as s:
        c = create_campaign(
            s,
            MANAGER,
            st.clinic_id,
            CampaignInput(
                "Retention 9 months",
                AudienceCriteria(**criteria),
                channels,
                variants,
                start,
                send_rate_per_hour=rate,
                attribution_days=30,
                holdout_percent=holdout,
                seed="fixed",
            ),
            now=NOW,
        )
        return c.id


def launch(db: Database, cid: int, now: datetime = NOW) -> None:
    with db.write() as s:
        launch_campaign(s, MANAGER, cid, now=now)


def providers(fake: FakeProviderServer) -> dict[str, Provider]:
    return {"sms": twilio_for(fake), "email": sendgrid_for(fake)}


def tick(db: Database, provs: dict[str, Provider], clock: FrozenClock, when: datetime) -> None:
    clock.set(when)
    process_campaigns(db, now=when)
    dispatch_due(db, provs, now=when, worker_id="w")
    process_campaigns(db, now=when)


def recipients(db: Database, cid: int) -> list[CampaignRecipient]:
    with db.read() as s:
        rows = list(
            s.scalars(
                select(CampaignRecipient)
                .where(CampaignRecipient.campaign_id == cid)
                .order_by(CampaignRecipient.due_at)
            )
        )
        for r in rows:
            s.expunge(r)
        return rows


def status(db: Database, cid: int) -> str:
    with db.read() as s:
        return s.get(Campaign, cid).status  # type: ignore[union-attr]


def test_create_validates_and_needs_permission(db):
    st = setup(db)
    bad = VariantInput("A", 1, sms_body="Hi {patient_first_name}, your visit on {date}")
    with db.write() as s:
        with pytest.raises(ValidationError, match=r"Unknown variable \{date\}"):
            create_campaign(
                s,
                MANAGER,
                st.clinic_id,
                CampaignInput("X", AudienceCriteria(), ("sms",), (bad,), NOW),
                now=NOW,
            )
        with pytest.raises(ValidationError, match="hold-out group must be between"):
            create_campaign(
                s,
                MANAGER,
                st.clinic_id,
                CampaignInput("X", AudienceCriteria(), ("sms",), (A,), NOW, holdout_percent=80),
                now=NOW,
            )
        with pytest.raises(PermissionDenied):
            create_campaign(
                s, DESK, st.clinic_id, CampaignInput("X", AudienceCriteria(), ("sms",), (A,), NOW), now=NOW
            )
        lib = variant_from_template(s, st.clinic_id, "A", "campaign.we_miss_you")
        assert "it's been a while" in lib.sms_body and lib.email_subject
        assert ("campaign.check_due", "Campaign: a check is due") in campaign_templates(s, st.clinic_id)


def test_paced_sending_through_the_provider_and_hold_out_gets_nothing(db, fake, shared_clock):
    st = setup(db)
    provs = providers(fake)
    cid = make(db, st, holdout=30, rate=60, not_seen_days=270)
    launch(db, cid)
    rows = recipients(db, cid)
    sendable = [r for r in rows if r.status != "excluded"]
    assert len(sendable) == 5 and {r.status for r in rows} <= {"pending", "control", "excluded"}
    assert sorted(r.reason for r in rows if r.status == "excluded") == [
        "contacted recently",
        "no consent or address for the chosen channels",
        "opted out",
    ]
    # 60 an hour: one a minute, from the start.
    assert [r.due_at for r in sendable] == [NOW + i * M for i in range(5)]
    control = [r for r in rows if r.status == "control"]
    assert control, "seed 'fixed' puts somebody in the 30 % hold-out"
    tick(db, provs, shared_clock, NOW)
    expected_first = 0 if sendable[0].status == "control" else 1
    assert len(fake.sent_sms) == expected_first
    tick(db, provs, shared_clock, NOW + 10 * M)
    assert len(fake.sent_sms) == 5 - len(control)
    control_phones = set()
    with db.read() as s:
        for r in control:
            p = s.get(Patient, r.patient_id)
            assert p is not None
            control_phones.add(p.contact_phone)
    assert control_phones.isdisjoint({m.to for m in fake.sent_sms})
    assert all(r.status in ("sent", "control", "excluded") for r in recipients(db, cid))
    assert status(db, cid) == "completed"
    with db.read() as s:
        res = campaign_results(s, MANAGER, cid, now=NOW + 10 * M)
    assert sum(g.sent for g in res.groups) == 5 - len(control)
    assert [g.name for g in res.groups][-1] == "Control (hold-out)"
    assert res.excluded == 3


def test_pause_resume_and_cancel_mid_send(db, fake, shared_clock):
    st = setup(db)
    provs = providers(fake)
    cid = make(db, st, rate=6, no_future_appointment=True)  # one every 10 minutes
    launch(db, cid)
    n = len([r for r in recipients(db, cid) if r.status == "pending"])
    assert n == 7  # everyone without a future visit, less the opted-out, unreachable and contacted
    tick(db, provs, shared_clock, NOW)
    assert len(fake.sent_sms) == 1
    # The second is queued by the tick but the dispatcher has not run yet when the manager pauses.
    shared_clock.set(NOW + 10 * M)
    process_campaigns(db, now=NOW + 10 * M)
    with db.write() as s:
        pause_campaign(s, MANAGER, cid, now=NOW + 10 * M)
    dispatch_due(db, provs, now=NOW + 11 * M, worker_id="w")
    assert len(fake.sent_sms) == 1
    with db.read() as s:
        cancelled = s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.purpose == "campaign", OutboxMessage.status == "cancelled")
        )
    assert cancelled == 1
    tick(db, provs, shared_clock, NOW + 2 * 60 * M)  # paused: nothing goes
    assert len(fake.sent_sms) == 1 and status(db, cid) == "paused"
    with db.write() as s:
        resume_campaign(s, MANAGER, cid, now=NOW + 2 * 60 * M)
    pending = [r for r in recipients(db, cid) if r.status == "pending"]
    assert [r.due_at for r in pending] == [NOW + 120 * M + i * 10 * M for i in range(6)]
    assert pending[0].attempt == 1  # a fresh outbox key for the withdrawn one
    tick(db, provs, shared_clock, NOW + 120 * M)
    tick(db, provs, shared_clock, NOW + 130 * M)
    assert len(fake.sent_sms) == 3
    process_campaigns(db, now=NOW + 140 * M)  # queued, not yet sent
    with db.write() as s:
        cancel_campaign(s, MANAGER, cid, now=NOW + 140 * M)
    for minutes in (141, 200, 400):
        tick(db, provs, shared_clock, NOW + minutes * M)
    assert len(fake.sent_sms) == 3 and status(db, cid) == "cancelled"
    final = Counter(r.status for r in recipients(db, cid) if r.status != "excluded")
    assert final == {"sent": 3, "skipped": 4}
    with db.write() as s, pytest.raises(ValidationError, match="already cancelled"):
        cancel_campaign(s, MANAGER, cid, now=NOW + 400 * M)


def test_the_contact_budget_applies_to_campaign_texts(db, fake, shared_clock):
    st = setup(db)
    provs = providers(fake)
    with db.write() as s:  # three texts already went to the "retained" family's phone today
        for i in range(3):
            s.add(
                OutboxMessage(
                    clinic_id=st.clinic_id,
                    channel="sms",
                    to_address="+16175552000",
                    purpose="reminder",
                    body="x",
                    dedupe_key=f"r{i}",
                    status="sent",
                    attempts=1,
                    next_attempt_at=NOW,
                    created_at=NOW - 60 * M,
                    sent_at=NOW - 60 * M,
                )
            )
    cid = make(db, st, rate=3600, appointment_type_ids=(st.bonding,))
    launch(db, cid)
    tick(db, provs, shared_clock, NOW)
    assert fake.sent_sms == []
    with db.read() as s:
        msg = s.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "campaign"))
        assert msg is not None and (msg.status, msg.error_code) == ("deferred", "budget")
    assert [r.status for r in recipients(db, cid)] == ["queued"]


def test_attribution_counts_bookings_after_the_send_within_the_window(db, fake, shared_clock):
    st = setup(db)
    provs = providers(fake)
    cid = make(db, st, holdout=0, rate=3600, variants=(A,), not_seen_days=270)
    launch(db, cid)
    tick(db, provs, shared_clock, NOW + 5 * M)  # all five sent by now
    by_name = {v: k for k, v in st.ids.items()}
    sent = {by_name[r.patient_id]: r for r in recipients(db, cid)}
    assert {k for k, r in sent.items() if r.status == "sent"} == {
        "retained",
        "retained_teen",
        "active",
        "adult",
        "south",
    }
    inside = book_ids(
        db,
        DESK,
        patient_id=st.ids["retained"],
        provider_id=st.ortho,
        chair_id=st.chairs[0],
        type_id=st.adjustment,
        start=NOW + 3 * D + 7 * D,
        now=NOW + 3 * D,
    )
    # after the 30-day window
    book_ids(
        db,
        DESK,
        patient_id=st.ids["active"],
        provider_id=st.ortho,
        chair_id=st.chairs[0],
        type_id=st.adjustment,
        start=NOW + 31 * D + 7 * D,
        now=NOW + 31 * D,
    )
    tick(db, provs, shared_clock, NOW + 32 * D)
    rows = {by_name[r.patient_id]: r for r in recipients(db, cid)}
    assert rows["retained"].rebooked_appointment_id == inside
    assert rows["active"].rebooked_at is None
    with db.read() as s:
        res = campaign_results(s, MANAGER, cid, now=NOW + 32 * D)
    [a] = res.groups
    assert (a.assigned, a.sent, a.rebooked) == (5, 5, 1)
    assert res.comparisons == ()
    assert res.summary().startswith("No comparison yet")


def test_a_booking_made_before_the_send_does_not_count(db, fake, shared_clock):
    st = setup(db)
    provs = providers(fake)
    cid = make(db, st, rate=3600, variants=(A,), start=NOW + D, appointment_type_ids=(st.bonding,))
    launch(db, cid)
    assert status(db, cid) == "scheduled"
    with db.write() as s:  # booked in the morning, the message goes out the next day
        s.add(
            Appointment(
                clinic_id=st.clinic_id,
                patient_id=st.ids["retained"],
                provider_id=st.ortho,
                chair_id=st.chairs[0],
                location_id=st.world_location,
                type_id=st.adjustment,
                start_at=NOW + 9 * D,
                end_at=NOW + 9 * D + 20 * M,
                status="scheduled",
                confirmation="unconfirmed",
                created_at=NOW + 2 * 60 * M,
                updated_at=NOW + 2 * 60 * M,
            )
        )
    tick(db, provs, shared_clock, NOW + D)
    assert status(db, cid) == "completed" and len(fake.sent_sms) == 1
    tick(db, provs, shared_clock, NOW + 5 * D)
    [r] = recipients(db, cid)
    assert r.status == "sent" and r.rebooked_at is None


def test_results_compare_each_variant_with_the_control(db):
    st = setup(db)
    cid = make(db, st, holdout=10, variants=(A,), no_future_appointment=False)
    with db.write() as s:  # a finished test, written directly: 60 in A, 40 in control
        c = s.get(Campaign, cid)
        assert c is not None
        c.status = "completed"
        vid = _variants(s, cid)[0].id
        w = s.get(Location, st.world_location)
        assert w is not None
        pats = [Patient(clinic_id=st.clinic_id, first_name=f"P{i}", last_name="X") for i in range(100)]
        s.add_all(pats)
        s.flush()
        for i, p in enumerate(pats):
            in_a = i < 60
            rebooked = (i < 18) if in_a else (i < 68)  # 18/60 vs 8/40
            s.add(
                CampaignRecipient(
                    campaign_id=cid,
                    patient_id=p.id,
                    variant_id=vid if in_a else None,
                    status="sent" if in_a else "control",
                    assigned_at=NOW,
                    due_at=NOW,
                    sent_at=NOW if in_a else None,
                    rebooked_at=NOW + D if rebooked else None,
                )
            )
    with db.read() as s:
        res = campaign_results(s, MANAGER, cid, now=NOW + 40 * D)
        rows = list_campaigns(s)
    [cmp] = res.comparisons
    assert (cmp.x, cmp.n, cmp.baseline_x, cmp.baseline_n) == (18, 60, 8, 40)
    assert cmp.test == "two-proportion z-test"
    assert cmp.verdict.startswith("Not yet significant (p = 0.")
    assert "A vs control: 30.0% vs 20.0% (+10.0 points)" in res.summary()
    assert rows[0].recipients == 100 and rows[0].rebooked == 26


def test_launch_refuses_twice_and_an_empty_audience(db):
    st = setup(db)
    cid = make(db, st, location_ids=(999,))
    with db.write() as s, pytest.raises(ValidationError, match="Nobody in the audience"):
        launch_campaign(s, MANAGER, cid, now=NOW)
    cid2 = make(db, st)
    launch(db, cid2)
    with db.write() as s, pytest.raises(ValidationError, match="only a draft"):
        launch_campaign(s, MANAGER, cid2, now=NOW)
    assert datetime(2026, 1, 1, tzinfo=UTC) < NOW


def test_no_comparison_until_a_variant_message_has_gone_out():
    from orca_desk.services.campaigns.rows import CampaignResults, GroupStats

    # The hold-out's turn has passed (assigned), but the variant's message is still pending.
    groups = (
        GroupStats("A", 1, 1, 1, 0, 0, 0, 0, 0, 0, 0),
        GroupStats("Control (hold-out)", None, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    )
    results = CampaignResults(1, "Retention", "running", 30, groups, (), 0, ())
    assert results.summary() == "No results yet: nothing has gone out."
    sent = (GroupStats("A", 1, 1, 0, 0, 1, 0, 0, 0, 0, 0), groups[1])
    assert (
        CampaignResults(1, "Retention", "running", 30, sent, (), 0, ()).summary()
        != "No results yet: nothing has gone out."
    )
