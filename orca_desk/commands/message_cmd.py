"""``orca-desk message send``: queue one message to a patient (or their responsible party)."""

from __future__ import annotations

import argparse

from orca_desk.commands.common import CommandError, add_user_option, open_database, read_password, sign_in


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("message", parents=[common], help="send messages to patients")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    send = actions.add_parser(
        "send", parents=[common], help="queue a text or email to a patient; the automation sends it"
    )
    send.add_argument("--patient", required=True, type=int, metavar="ID", help="patient id")
    send.add_argument("--channel", required=True, choices=["sms", "email"])
    send.add_argument("--text", required=True, metavar="TEXT", help="the message")
    add_user_option(send, when=" (required)")
    send.set_defaults(func=_send)


def _send(args: argparse.Namespace) -> int:
    # What the words alone say is wrong is said before the database loads.
    if not args.text.strip():
        raise CommandError("--text is empty: write the message to send.")
    password = read_password(args, "sends a message")
    db = open_database(args)
    from orca_desk.models.clinic import Clinic
    from orca_desk.models.messaging import OutboxMessage
    from orca_desk.models.patient import Patient
    from orca_desk.services.access.security import SEND_MESSAGES
    from orca_desk.services.clock import SystemClock
    from orca_desk.services.messaging.inbox_queries import send_staff_message

    now = SystemClock().now()
    try:
        actor = sign_in(db, args, password, SEND_MESSAGES)
        with db.write() as s:
            patient = s.get(Patient, args.patient)
            if patient is None:
                raise CommandError(f"There is no patient with id {args.patient}.")
            clinic = s.get(Clinic, patient.clinic_id)
            subject = f"Message from {clinic.name}" if clinic and args.channel == "email" else None
            message_id = send_staff_message(
                s,
                actor,
                patient_id=patient.id,
                channel=args.channel,
                body=args.text,
                subject=subject,
                now=now,
            )
            msg = s.get(OutboxMessage, message_id)
            to = msg.to_address if msg is not None else "?"
    finally:
        db.dispose()
    print(
        f"queued message #{message_id} to {to} ({args.channel}); the automation sends it "
        "(orca-desk worker, or a desk running Orca Desk)"
    )
    return 0
