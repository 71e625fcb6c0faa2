"""The dialogs one feature opens on behalf of another, handed in by the composition root (``app.py``).

Feature packages under ``views/`` never import one another (an import-linter contract): the calendar
asks ``ctx.dialogs.patient_card(...)``, and ``app.feature_dialogs()`` says which dialog that is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from orca_desk.services.availability import Opening
    from orca_desk.services.patients.patients import PatientRow
    from orca_desk.ui.context import AppContext


@dataclass(frozen=True)
class CardClosed:
    """How a patient card closed: where the calendar should go next (location id, day), if anywhere,
    and whether anything on the card was changed."""

    go_to: tuple[int, date] | None
    changed: bool


@dataclass(frozen=True)
class NewPatient:
    """A patient just created, and the text that finds them in a search ("Last, First")."""

    patient_id: int
    search_text: str


@dataclass(frozen=True)
class OpeningRequest:
    """What Find next opening looks for: a visit of this type and length with this provider; the
    patient, when it books for one already chosen."""

    title: str
    type_id: int
    minutes: int
    provider_id: int
    patient: PatientRow | None = None


@dataclass(frozen=True)
class Booked:
    """What Find next opening booked: the status line, and where the new visit is (location id, day)."""

    text: str
    place: tuple[int, date] | None


def _not_wired(*_args: object, **_kwargs: object) -> Any:
    """Every dialog until the composition root wires them (a screen built on its own, in a test)."""
    raise RuntimeError("The dialogs of other features are not wired: app.feature_dialogs() supplies them.")


@dataclass(frozen=True)
class FeatureDialogs:
    """One callable per dialog; each takes the context and the parent widget first."""

    patient_card: Callable[[AppContext, QWidget, int], CardClosed] = _not_wired
    new_patient: Callable[[AppContext, QWidget, str], NewPatient | None] = _not_wired
    # Books the opening chosen (for ``OpeningRequest.patient`` when given).
    book_opening: Callable[[AppContext, QWidget, OpeningRequest], Booked | None] = _not_wired
    # Only chooses an opening (to move a visit there); nothing is booked.
    pick_opening: Callable[[AppContext, QWidget, OpeningRequest], Opening | None] = _not_wired
    # The import wizard for "patients" or "appointments"; its status lines go to the callback.
    import_wizard: Callable[[AppContext, QWidget, str, Callable[[str], None]], None] = _not_wired
