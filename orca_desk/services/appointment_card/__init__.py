"""The appointment card and the calendar's hover quick card: one visit's facts in a few queries."""

from __future__ import annotations

from orca_desk.services.appointment_card.card import load_appointment_card, save_notes
from orca_desk.services.appointment_card.family import render_card_pdf, suggested_text, text_family
from orca_desk.services.appointment_card.quick import (
    QuickCard,
    QuickVisit,
    load_quick_card,
    quick_card_rows,
    quick_card_text,
)
from orca_desk.services.appointment_card.rows import (
    AppointmentCard,
    ConfirmationRow,
    HistoryRow,
    MessageRow,
    SeriesRow,
    age_on,
)

__all__ = [
    "AppointmentCard",
    "ConfirmationRow",
    "HistoryRow",
    "MessageRow",
    "QuickCard",
    "QuickVisit",
    "SeriesRow",
    "age_on",
    "load_appointment_card",
    "load_quick_card",
    "quick_card_rows",
    "quick_card_text",
    "render_card_pdf",
    "save_notes",
    "suggested_text",
    "text_family",
]
