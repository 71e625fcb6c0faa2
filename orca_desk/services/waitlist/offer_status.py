"""Whether an offered slot is still free for the family holding its link, and how long the hold lasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from orca_desk.models.clinic import Location, Provider
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.services.errors import NotFound
from orca_desk.services.waitlist.holds import hold_window

# open: free and held for this family; booked: this family took it; taken: someone else did;
# expired: the hold ran out; closed: answered, withdrawn or passed; pending: not sent yet.
OFFER_STATES = ("open", "booked", "taken", "expired", "closed", "pending")


@dataclass(frozen=True)
class OfferStatus:
    state: str  # OFFER_STATES
    seconds_left: int | None  # of the hold, while open
    start: datetime  # UTC
    zone: ZoneInfo
    location: str
    provider: str
    first_name: str
    language: str

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.zone)


def offer_status(session: Session, offer_id: int, now: datetime) -> OfferStatus:
    """The live state of one offer (reads only); NotFound when the offer is gone."""
    offer = session.get(WaitlistOffer, offer_id)
    o = session.get(Opening, offer.opening_id) if offer is not None else None
    if offer is None or o is None:
        raise NotFound("This offer no longer exists. Please call us.")
    location = session.get(Location, o.location_id)
    provider = session.get(Provider, o.provider_id)
    patient = session.get(Patient, offer.patient_id)
    state, left = _state(session, offer, o, now)
    return OfferStatus(
        state=state,
        seconds_left=left,
        start=o.start_at,
        zone=ZoneInfo(location.timezone if location else "UTC"),
        location=location.name if location else "",
        provider=provider.name if provider else "",
        first_name=patient.first_name if patient else "",
        language=((patient.language if patient else None) or "en").lower(),
    )


def _state(session: Session, offer: WaitlistOffer, o: Opening, now: datetime) -> tuple[str, int | None]:
    if offer.response == "accepted" or (
        offer.booked_appointment_id is not None and o.filled_appointment_id == offer.booked_appointment_id
    ):
        return "booked", None
    if o.status == "filled":
        return "taken", None
    if o.status in ("expired", "withdrawn") or o.start_at <= now:
        return "closed", None
    if offer.response in ("no_response", "expired"):
        return "expired", None
    if offer.response is not None or offer.hold_released:
        return "closed", None
    started, expires = hold_window(session, offer)
    if started is None or started > now:
        return "pending", None
    if expires is not None and now >= expires:
        return "expired", None
    return "open", int((expires - now).total_seconds()) if expires is not None else None
