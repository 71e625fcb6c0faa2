"""The patient card: edits audited before/after, consent history, same family, alerts, search, merge."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from orca_desk.models.appointment import Appointment
from orca_desk.models.audit import AuditEvent
from orca_desk.models.campaigns import CampaignRecipient
from orca_desk.models.messaging import InboundMessage, OutboxMessage
from orca_desk.models.patient import ConsentEvent, Patient, PatientAlert
from orca_desk.models.recovery import RecoveryCase
from orca_desk.models.reminders import ConfirmationRequest, StaffTask
from orca_desk.models.series import RecurringSeries
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.calendar.calendar_data import load_appointments
from orca_desk.services.errors import ConflictError, PermissionDenied, ValidationError
from orca_desk.services.patient_card import (
    add_alert,
    edit_of,
    link_same_family,
    load_card,
    merge_patients,
    remove_alert,
    set_consent,
    update_patient,
)
from orca_desk.services.patients.patients import PatientInput, create_patient, search_patients
from tests.factories import inbound_reply, make_world


@pytest.fixture
def world(db):
    with db.write() as s:
        w = make_world(s, patients=0)
        return {
            "clinic": w.clinic.id,
            "loc": w.location.id,
            "chair": w.chairs[0].id,
            "chair2": w.chairs[1].id,
            "ortho": w.ortho.id,
            "type": w.adjustment.id,
        }


def _patient(db, world, clock, actor, first="Ava", last="Nguyen", **kw):
    with db.write() as s:
        return create_patient(s, actor, world["clinic"], PatientInput(first, last, **kw), now=clock.now()).id


def _appt(s, world, patient_id, start, minutes=30, status="scheduled", chair=None):
    a = Appointment(
        clinic_id=world["clinic"],
        patient_id=patient_id,
        provider_id=world["ortho"],
        chair_id=chair or world["chair"],
        location_id=world["loc"],
        type_id=world["type"],
        start_at=start,
        end_at=start + timedelta(minutes=minutes),
        status=status,
        created_at=start,
        updated_at=start,
    )
    s.add(a)
    s.flush()
    return a.id


def test_receptionist_edits_demographics_and_the_audit_has_before_and_after(db, world, clock, receptionist):
    pid = _patient(db, world, clock, receptionist, phone="6175550101")
    with db.read() as s:
        edit = edit_of(load_card(s, pid, now=clock.now()).patient)
    edit.preferred_name, edit.chart_number, edit.language = "Avi", "C-1042", "es"
    edit.date_of_birth, edit.notes, edit.phone = date(2012, 5, 1), "Prefers mornings", "(617) 555-0199"
    with db.write() as s:
        update_patient(s, receptionist, pid, edit, now=clock.now())
    with db.read() as s:
        card = load_card(s, pid, now=clock.now())
        assert (card.patient.preferred_name, card.patient.chart_number, card.patient.language) == (
            "Avi",
            "C-1042",
            "es",
        )
        assert card.patient.phone == card.patient.contact_phone == "+16175550199"
        event_ = s.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
        assert event_.actor == "maria" and event_.entity_id == pid
        assert event_.before["phone"] == "+16175550101" and event_.after["phone"] == "+16175550199"
        assert event_.before["chart_number"] is None and event_.after["chart_number"] == "C-1042"
        assert "first_name" not in event_.after  # only what changed


def test_bad_edit_names_the_field_and_changes_nothing(db, world, clock, receptionist):
    pid = _patient(db, world, clock, receptionist)
    with db.read() as s:
        edit = edit_of(load_card(s, pid, now=clock.now()).patient)
    edit.guardian_email, edit.preferred_name = "not-an-email", "X"
    with pytest.raises(ValidationError) as err, db.write() as s:
        update_patient(s, receptionist, pid, edit, now=clock.now())
    assert err.value.field == "guardian_email"
    with db.read() as s:
        assert s.get(Patient, pid).preferred_name is None


def test_clinician_may_not_edit(db, world, clock, receptionist):
    from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor

    pid = _patient(db, world, clock, receptionist)
    clinician = Actor("drx", "clinician", permissions=ROLE_PERMISSIONS["clinician"])
    with db.read() as s:
        edit = edit_of(load_card(s, pid, now=clock.now()).patient)
    with pytest.raises(PermissionDenied), db.write() as s:
        update_patient(s, clinician, pid, edit, now=clock.now())


def test_consent_history_records_when_how_and_who(db, world, clock, receptionist):
    pid = _patient(
        db, world, clock, receptionist, phone="6175550101", sms_consent=True, sms_consent_source="intake form"
    )
    with pytest.raises(ValidationError, match="how consent was withdrawn") as err, db.write() as s:
        set_consent(s, receptionist, pid, "sms", False, "  ", now=clock.now())
    assert err.value.field == "source"
    clock.advance(timedelta(hours=1))
    with db.write() as s:
        set_consent(s, receptionist, pid, "sms", False, "phone call: asked to stop", now=clock.now())
    with db.read() as s:
        card = load_card(s, pid, now=clock.now())
        assert not card.patient.sms_consent
        assert [(c.granted, c.source, c.recorded_by, c.address) for c in card.consent_history] == [
            (False, "phone call: asked to stop", "maria", "(617) 555-0101"),
            (True, "intake form", "maria", "(617) 555-0101"),
        ]
        assert card.consent_history[0].at == clock.now()
        assert (
            s.scalars(select(AuditEvent).where(AuditEvent.action == "consent")).one().after["consent_source"]
            == "phone call: asked to stop"
        )


def test_changing_the_number_withdraws_consent_given_for_the_old_one(db, world, clock, receptionist):
    pid = _patient(
        db, world, clock, receptionist, phone="6175550101", sms_consent=True, sms_consent_source="intake form"
    )
    with db.read() as s:
        edit = edit_of(load_card(s, pid, now=clock.now()).patient)
    edit.phone = "6175550177"
    with db.write() as s:
        update_patient(s, receptionist, pid, edit, now=clock.now())
    with db.read() as s:
        card = load_card(s, pid, now=clock.now())
        assert not card.patient.sms_consent
        assert card.consent_history[0].granted is False
        assert card.consent_history[0].address == "(617) 555-0101"  # the old number, as dialled


def test_same_family_links_siblings_to_one_guardian(db, world, clock, receptionist):
    older = _patient(
        db,
        world,
        clock,
        receptionist,
        "Liam",
        "Rivera",
        guardian_name="Maria Rivera",
        guardian_relation="mother",
        guardian_phone="6175550143",
        sms_consent=True,
        sms_consent_source="intake form",
    )
    younger = _patient(db, world, clock, receptionist, "Mila", "Rivera", phone="6175550188")
    with db.write() as s:
        link_same_family(s, receptionist, younger, older, now=clock.now())
    with db.read() as s:
        a, b = s.get(Patient, older), s.get(Patient, younger)
        assert (b.guardian_name, b.guardian_relation, b.guardian_phone, b.contact_phone) == (
            a.guardian_name,
            a.guardian_relation,
            a.guardian_phone,
            a.contact_phone,
        )
        assert b.sms_consent and b.sms_consent_source == "same family as Liam Rivera"
        card = load_card(s, younger, now=clock.now())
        assert [f.name for f in card.family] == ["Liam Rivera"]
        audit_row = s.scalars(select(AuditEvent).where(AuditEvent.action == "same_family")).one()
        assert audit_row.after["same_family_as"] == older
        assert audit_row.after["contact_phone"] == "+16175550143"


def test_alerts_are_shown_on_the_calendar_without_another_query(db, world, clock, receptionist):
    pid = _patient(db, world, clock, receptionist)
    with db.write() as s:
        alert_id = add_alert(s, receptionist, pid, "allergy", "Latex", now=clock.now())
        add_alert(s, receptionist, pid, "contact", "Call father only", now=clock.now())
        start = datetime(2026, 3, 4, 14, 0, tzinfo=clock.now().tzinfo)
        _appt(s, world, pid, start)
    with db.read() as s:
        s.execute(select(1))  # the transaction's own set-up statements are not the calendar's
        count = []
        listener = lambda *a, **k: count.append(1)  # noqa: E731
        event.listen(s.get_bind(), "before_cursor_execute", listener)
        rows = load_appointments(s, [world["loc"]], start - timedelta(hours=1), start + timedelta(hours=1))
        event.remove(s.get_bind(), "before_cursor_execute", listener)
        assert len(count) == 1
        assert rows[0].alerts == "Allergy: Latex · Contact: Call father only"
    with db.write() as s:
        remove_alert(s, receptionist, alert_id, now=clock.now())
    with db.read() as s:
        assert s.get(Patient, pid).alert_summary == "Contact: Call father only"
        assert [a.text for a in load_card(s, pid, now=clock.now()).alerts] == ["Call father only"]


def test_card_loads_in_a_fixed_number_of_queries(db, world, clock, receptionist):
    def queries(pid):
        with db.read() as s:
            count = []
            listener = lambda *a, **k: count.append(1)  # noqa: E731
            event.listen(s.get_bind(), "before_cursor_execute", listener)
            card = load_card(s, pid, now=clock.now())
            event.remove(s.get_bind(), "before_cursor_execute", listener)
            return len(count), card

    bare = _patient(db, world, clock, receptionist, "Bo", "Bare")
    busy = _patient(db, world, clock, receptionist, guardian_name="Mai", guardian_phone="6175550143")
    with db.write() as s:
        for k in range(6):
            _appt(s, world, busy, clock.now() + timedelta(days=k - 3, hours=1))
            add_alert(s, receptionist, busy, "medical", f"note {k}", now=clock.now())
    n_bare, _ = queries(bare)
    n_busy, card = queries(busy)
    assert n_busy == n_bare + 1  # the family query, asked only when there is a guardian contact
    assert len(card.upcoming) == 3 and len(card.past) == 3
    assert card.upcoming[0].start < card.upcoming[1].start and card.past[0].start > card.past[1].start


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(617) 555-0143", ["Ava Nguyen"]),  # the guardian's phone, typed with punctuation
        ("617.555.0143", ["Ava Nguyen"]),
        ("+1 617 555 0143", ["Ava Nguyen"]),
        ("Mai Tran", ["Ava Nguyen"]),  # guardian's full name
        ("mai", ["Ava Nguyen"]),  # the start of the guardian's name
        ("ava.n@example.com", ["Ava Nguyen"]),
        ("AVA.N@", ["Ava Nguyen"]),
        ("2012-05-01", ["Ava Nguyen"]),
        ("05/01/2012", ["Ava Nguyen"]),  # the clinic's (US) order
        ("C-1042", ["Ava Nguyen"]),
        ("c-1042", ["Ava Nguyen"]),
        ("88123", ["Leo Park"]),  # a chart number of digits
        ("Le", ["Leo Park"]),
        ("%", []),
        ("a\x00va", ["Ava Nguyen"]),  # the NUL is dropped
        ("Mai_", []),  # "_" is no wildcard
        ("2012-13-45", []),
    ],
)
def test_search_kinds(db, world, clock, receptionist, text, expected):
    ava = _patient(
        db,
        world,
        clock,
        receptionist,
        email="ava.n@example.com",
        date_of_birth=date(2012, 5, 1),
        guardian_name="Mai Tran",
        guardian_phone="6175550143",
    )
    leo = _patient(db, world, clock, receptionist, "Leo", "Park", phone="6175550999")
    with db.write() as s:
        s.get(Patient, ava).chart_number = "C-1042"
        s.get(Patient, leo).chart_number = "88123"
    with db.read() as s:
        assert [r.name for r in search_patients(s, text)] == expected


def test_search_reads_dates_in_the_clinics_order(db, world, clock, receptionist):
    _patient(db, world, clock, receptionist, date_of_birth=date(2012, 5, 1))
    with db.read() as s:
        assert [r.name for r in search_patients(s, "01/05/2012", region="GB")] == ["Ava Nguyen"]
        assert search_patients(s, "01/05/2012", region="US") == []


def test_merge_moves_everything_and_keeps_both_in_the_audit(db, world, clock, receptionist, manager):
    keep = _patient(db, world, clock, receptionist, phone="6175550101")
    dupe = _patient(
        db,
        world,
        clock,
        receptionist,
        "Ava",
        "Nguyen",
        email="ava@example.com",
        date_of_birth=date(2012, 5, 1),
        phone="6175550102",
        sms_consent=True,
        sms_consent_source="form",
    )
    now = clock.now()
    with db.write() as s:
        _appt(s, world, keep, now + timedelta(days=1))
        appt = _appt(s, world, dupe, now + timedelta(days=2))
        s.add(RecurringSeries(clinic_id=world["clinic"], patient_id=dupe, **_series_fields(world, now)))
        s.add(
            OutboxMessage(
                clinic_id=world["clinic"],
                patient_id=dupe,
                channel="sms",
                to_address="+1",
                purpose="manual",
                body="hi",
                dedupe_key="k1",
                next_attempt_at=now,
                created_at=now,
            )
        )
        s.add(inbound_reply(world["clinic"], "yes", received_at=now, from_address="+1", patient_id=dupe))
        s.add(
            WaitlistEntry(
                clinic_id=world["clinic"],
                patient_id=dupe,
                type_id=world["type"],
                duration_minutes=30,
                created_at=now,
                updated_at=now,
            )
        )
        s.add(
            RecoveryCase(
                clinic_id=world["clinic"],
                patient_id=dupe,
                appointment_id=appt,
                cause_kind="no_show",
                provider_id=world["ortho"],
                location_id=world["loc"],
                type_id=world["type"],
                missed_start_at=now,
                opened_at=now,
                updated_at=now,
            )
        )
        s.add(ConfirmationRequest(**_confirmation_fields(appt, dupe, now)))
        s.add(StaffTask(**_task_fields(world, dupe, now)))
        add_alert(s, receptionist, dupe, "allergy", "Latex", now=now)
    with pytest.raises(PermissionDenied), db.write() as s:
        merge_patients(s, receptionist, keep, dupe, now=now)
    with db.write() as s:
        result = merge_patients(s, manager, keep, dupe, now=now)
    with db.read() as s:
        for model in (
            Appointment,
            RecurringSeries,
            OutboxMessage,
            InboundMessage,
            WaitlistEntry,
            RecoveryCase,
            ConfirmationRequest,
            StaffTask,
            ConsentEvent,
            PatientAlert,
        ):
            left = s.scalar(select(func.count()).select_from(model).where(model.patient_id == dupe))
            assert left == 0, model.__tablename__
            assert result.moved[model.__tablename__] >= 1, model.__tablename__
        survivor, other = s.get(Patient, keep), s.get(Patient, dupe)
        assert not other.is_active and other.merged_into_id == keep
        assert survivor.email == "ava@example.com" and survivor.date_of_birth == date(2012, 5, 1)
        assert survivor.phone == "+16175550101"  # the survivor's own values win
        assert survivor.alert_summary == "Allergy: Latex"
        actions = {
            (e.action, e.entity_id)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "patient"))
        }
        assert {("merge", keep), ("merged_into", dupe)} <= actions
        assert [r.name for r in search_patients(s, "Nguyen")] == ["Ava Nguyen"]
        assert search_patients(s, "Nguyen")[0].id == keep


def test_merge_refuses_overlapping_visits_and_names_them(db, world, clock, receptionist, manager):
    keep = _patient(db, world, clock, receptionist)
    dupe = _patient(db, world, clock, receptionist, "Ava", "Ng")
    start = clock.now() + timedelta(days=1)
    with db.write() as s:
        a = _appt(s, world, keep, start)
        b = _appt(s, world, dupe, start + timedelta(minutes=15), chair=world["chair2"])
    with pytest.raises(ConflictError, match=f"#{b} .* overlaps #{a}") as refused, db.write() as s:
        merge_patients(s, manager, keep, dupe, now=clock.now())
    assert "UTC" not in str(refused.value)  # the visit's time is the chair's local time
    with db.read() as s:
        assert s.get(Patient, dupe).is_active
        assert s.get(Appointment, b).patient_id == dupe


def test_merge_keeps_one_campaign_recipient_per_patient(db, world, clock, receptionist, manager):
    from orca_desk.models.campaigns import Campaign

    keep = _patient(db, world, clock, receptionist)
    dupe = _patient(db, world, clock, receptionist, "Ava", "Ng")
    with db.write() as s:
        c = Campaign(**_campaign_fields(world, clock.now()))
        s.add(c)
        s.flush()
        for pid in (keep, dupe):
            s.add(CampaignRecipient(campaign_id=c.id, patient_id=pid, **_recipient_fields(clock.now())))
    with db.write() as s:
        merge_patients(s, manager, keep, dupe, now=clock.now())
    with db.read() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(CampaignRecipient)
                .where(CampaignRecipient.patient_id == keep)
            )
            == 1
        )


# --- required columns of other features' rows -----------------------------------------------------


def _required(model, given):
    """Values for the model's other non-null columns without a default (so the tests follow the models)."""
    out = {}
    for col in model.__table__.columns:
        if (
            col.name in given
            or col.primary_key
            or col.nullable
            or col.default is not None
            or col.server_default is not None
        ):
            continue
        if "DateTime" in type(col.type).__name__:
            out[col.name] = given["__now"]
            continue
        py = col.type.python_type
        out[col.name] = {int: 1, str: "x", bool: False, dict: {}, list: []}.get(py)
        if py is date:
            out[col.name] = given["__now"].date()
    return out


def _series_fields(world, now):
    given = {"clinic_id", "patient_id", "__now"}
    fields = _required(RecurringSeries, {k: None for k in given} | {"__now": now})
    for k in ("provider_id", "chair_id", "location_id", "type_id"):
        if k in fields:
            fields[k] = world[
                {"provider_id": "ortho", "chair_id": "chair", "location_id": "loc", "type_id": "type"}[k]
            ]
    return fields


def _confirmation_fields(appt, pid, now):
    given = {"appointment_id": appt, "patient_id": pid}
    return given | _required(ConfirmationRequest, given | {"__now": now})


def _task_fields(world, pid, now):
    given = {"patient_id": pid, "clinic_id": world["clinic"]}
    return given | _required(StaffTask, given | {"__now": now})


def _campaign_fields(world, now):
    from orca_desk.models.campaigns import Campaign

    given = {"clinic_id": world["clinic"]}
    return given | _required(Campaign, given | {"__now": now})


def _recipient_fields(now):
    given = {"campaign_id": 0, "patient_id": 0}
    return _required(CampaignRecipient, given | {"__now": now})


def test_on_postgresql_search_card_and_merge(pg_db, clock, receptionist, manager):
    with pg_db.write() as s:
        w = make_world(s, patients=0)
        world = {
            "clinic": w.clinic.id,
            "loc": w.location.id,
            "chair": w.chairs[0].id,
            "chair2": w.chairs[1].id,
            "ortho": w.ortho.id,
            "type": w.adjustment.id,
        }
    keep = _patient(
        pg_db,
        world,
        clock,
        receptionist,
        guardian_name="Mai Tran",
        guardian_phone="6175550143",
        date_of_birth=date(2012, 5, 1),
    )
    dupe = _patient(
        pg_db,
        world,
        clock,
        receptionist,
        "Ava",
        "Ng",
        email="ava@example.com",
        sms_consent=True,
        phone="6175550102",
        sms_consent_source="form",
    )
    with pg_db.write() as s:
        s.get(Patient, keep).chart_number = "C-1042"
        _appt(s, world, dupe, clock.now() + timedelta(days=2))
        add_alert(s, receptionist, dupe, "medical", "Asthma", now=clock.now())
    with pg_db.read() as s:
        for text in ("mai tran", "(617) 555-0143", "2012-05-01", "c-1042", "nguyen", "AVA@EX"):
            assert search_patients(s, text), text
        assert search_patients(s, "Mai_") == []
    with pg_db.write() as s:
        result = merge_patients(s, manager, keep, dupe, now=clock.now())
    assert result.moved["appointment"] == 1 and result.moved["consent_event"] == 1
    with pg_db.read() as s:
        card = load_card(s, keep, now=clock.now())
        assert len(card.upcoming) == 1 and [a.text for a in card.alerts] == ["Asthma"]
        assert [c.source for c in card.consent_history] == ["form"]
        assert not s.get(Patient, dupe).is_active
