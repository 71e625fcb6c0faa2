"""Printed day and week sheets of one location as PDF: the data read, then laid out and drawn."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from orca_desk.services import local_time
from orca_desk.services.calendar.calendar_data import load_appointments, local_day_bounds
from orca_desk.services.clinic.clinic import load_clinic
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.messaging.message_locale import message_language, staff_language
from orca_desk.services.printing.drawing import Sheet
from orca_desk.services.printing.layout import BYS, PAPERS, VIEWS, PrintSummary, default_paper


def render_calendar_pdf(
    session: Session,
    *,
    view: str,
    day: date,
    location_id: int,
    by: str = "chair",
    paper: str | None = None,
    landscape: bool = False,
    grayscale: bool = False,
    privacy: bool = False,
    now: datetime,
    out: BinaryIO | Path | str,
    language: str | None = None,
) -> PrintSummary:
    """Write the day (or the Monday-based week holding ``day``) at one location as a PDF.

    Columns are chairs or providers; a day sheet puts a chair group (a room) on its own page
    when they do not all fit. With ``privacy`` only initials are printed. Data: the clinic's
    reference rows (5 small queries) and one appointment query. Its words, dates and times are
    in ``language`` (the desk's when not given); ``paper`` is the clinic's country's usual one
    when not given (A4, or letter in the US and the other letter countries).
    """
    if view not in VIEWS:
        raise ValidationError(f"View {view!r} is not one of: day, week.", field="view")
    if by not in BYS:
        raise ValidationError(f"Columns by {by!r}: choose chair or provider.", field="by")
    if paper is not None and paper not in PAPERS:
        raise ValidationError(f"Paper {paper!r} is not one of: letter, a4.", field="paper")
    clinic = load_clinic(session)
    if clinic is None:
        raise NotFound("There is no clinic in this database yet.")
    paper = paper or default_paper(clinic.country)
    location = next((loc for loc in clinic.locations if loc.id == location_id), None)
    if location is None:
        raise NotFound(f"There is no location with id {location_id}.")
    zone = location.zone
    days = (
        [day]
        if view == "day"
        else [day - timedelta(days=day.weekday()) + timedelta(days=i) for i in range(7)]
    )
    start, _ = local_day_bounds(days[0], zone)
    _, end = local_day_bounds(days[-1], zone)
    appts = load_appointments(session, [location_id], start, end)
    if view == "week":
        used = {a.start.astimezone(zone).date() for a in appts}
        days = [d for d in days if d.weekday() < 5 or d in used]
    sheet = Sheet(
        clinic=clinic,
        location_id=location_id,
        location_name=location.name,
        zone=zone,
        view=view,
        days=days,
        by=by,
        paper=paper,
        landscape=landscape,
        grayscale=grayscale,
        privacy=privacy,
        now=now,
        appts=appts,
        style=local_time.clinic_time_format(session),
        language=message_language(language or staff_language()),
    )
    return sheet.render(out)
