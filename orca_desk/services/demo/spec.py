"""The demo's sizes and the working day its generators fill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Table

from orca_desk.models.base import Base

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoSize:
    name: str
    extra_locations: int  # added to the two of the definition
    chairs_per_location: int | None  # None: the definition's chairs
    providers: int | None
    patients: int
    days_back: int
    days_ahead: int
    waitlist: int


SIZES = {
    "small": DemoSize("small", 0, None, None, 300, 28, 42, 40),
    "large": DemoSize("large", 1, 20, 40, 20_000, 852, 112, 10_000),
}

DAY_START, DAY_END, LUNCH = 8 * 60, 17 * 60, (12 * 60, 13 * 60)


def table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]
