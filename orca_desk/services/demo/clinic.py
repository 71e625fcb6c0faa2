"""The demo clinic's providers when the size asks for more than the definition names."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy.orm import Session

from orca_desk.models.clinic import Chair, Provider


def large_providers(
    session: Session,
    clinic_id: int,
    count: int,
    chairs_by_loc: list[list[Chair]],
    chair_provider: dict[int, Provider],
    d: dict[str, Any],
    rng: random.Random,
) -> list[Provider]:
    palette = ["#3b6fd4", "#2f9e8f", "#b0689b", "#d9822b", "#5c6bc0", "#8d6e63", "#43a047", "#c2185b"]
    providers: list[Provider] = []
    per_loc = [
        count // len(chairs_by_loc) + (1 if i < count % len(chairs_by_loc) else 0)
        for i in range(len(chairs_by_loc))
    ]
    for li, chairs in enumerate(chairs_by_loc):
        free = list(chairs)
        for k in range(per_loc[li]):
            ortho = k < 4
            first = d["first_names"][(li * 17 + k * 7) % len(d["first_names"])]
            last = d["last_names"][(li * 13 + k * 5) % len(d["last_names"])]
            p = Provider(
                clinic_id=clinic_id,
                name=f"{'Dr. ' if ortho else ''}{first} {last} {li}{k}",
                role="orthodontist" if ortho else ("hygienist" if k % 2 else "assistant"),
                colour=palette[(li * 3 + k) % len(palette)],
                max_concurrent=3 if ortho else 1,
            )
            session.add(p)
            session.flush()
            providers.append(p)
            for _ in range(3 if ortho else 1):
                if free:
                    chair_provider[free.pop(0).id] = p
    return providers
