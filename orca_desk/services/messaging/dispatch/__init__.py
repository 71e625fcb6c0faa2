"""Sends due outbox messages: claim, enforce the policy at send time, call providers, reconcile."""

from orca_desk.services.messaging.dispatch.common import DispatchOptions, DispatchSummary
from orca_desk.services.messaging.dispatch.delivery import (
    DeliverySummary,
    apply_status_callback,
    poll_delivery,
)
from orca_desk.services.messaging.dispatch.reconcile import ReconcileSummary, reconcile_sending
from orca_desk.services.messaging.dispatch.send import dispatch_due, outgoing

__all__ = [
    "DeliverySummary",
    "DispatchOptions",
    "DispatchSummary",
    "ReconcileSummary",
    "apply_status_callback",
    "dispatch_due",
    "outgoing",
    "poll_delivery",
    "reconcile_sending",
]
