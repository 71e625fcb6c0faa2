"""Printed day and week sheets as PDF (reportlab): columns per chair or provider, colour or grey."""

from orca_desk.services.printing.calendar_pdf import render_calendar_pdf
from orca_desk.services.printing.layout import PrintSummary, default_paper
from orca_desk.services.printing.style import BOLD, FONT, INK, MUTED, RULE

__all__ = ["BOLD", "FONT", "INK", "MUTED", "RULE", "PrintSummary", "default_paper", "render_calendar_pdf"]
