"""ORM models (persistence only; every rule lives in ``orca_desk.services``).

Each model is imported from its own module (``from orca_desk.models.patient import Patient``), so
a start-up declares only the tables its first screen reads. Each module imports the modules
whose tables its foreign keys name, so the tables loaded are always complete for a flush.
``load_all()`` declares every module: migrations, ``create_all`` and anything reading every
table of ``Base.metadata`` call it first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orca_desk.models.base import Base


def load_all() -> type[Base]:
    """Declare every model; ``Base``, whose metadata then holds every table."""
    from orca_desk.models import (  # noqa: F401 (each registers its tables)
        api_key,
        appointment,
        audit,
        campaigns,
        clinic,
        clinic_setting,
        messaging,
        online_booking,
        openings,
        patient,
        recovery,
        reminders,
        schedule,
        series,
        staff,
        template,
        waitlist,
    )
    from orca_desk.models.base import Base

    return Base
