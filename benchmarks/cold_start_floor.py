"""The floor of a cold start: Python, a PySide6 window, one sqlite3 query of a day, its paint, a PNG.

With ``--sqlalchemy`` the same query goes through a SQLAlchemy session (SQLAlchemy imported before
Qt, as the app does): the least any start through the app's database layer can take. With
``--models`` too, the models the day reads are declared first, as the app's are.
"""

from __future__ import annotations

import sqlite3
import sys

if "--sqlalchemy" in sys.argv[6:]:
    # Before Qt, as the app imports it: PySide6's import hook makes later imports slower.
    import sqlalchemy.orm  # noqa: F401

    if "--models" in sys.argv[6:]:
        # The tables the app's day reads (its marks and overlay included), declared as the app does.
        from orca_desk.models import appointment, openings, schedule, template, waitlist  # noqa: F401

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget


def main() -> int:
    path, location_id, start_utc, end_utc, out = sys.argv[1:6]
    app = QApplication(sys.argv[:1])
    params = (int(location_id), start_utc, end_utc)
    if "--sqlalchemy" in sys.argv[6:]:
        rows = _through_sqlalchemy(path, params)
    else:
        with sqlite3.connect(path) as con:
            rows = con.execute(DAY_SQL, params).fetchall()
    window = DayPainting(rows)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    return 0 if window.grab().save(out) else 1


DAY_SQL = (
    "SELECT a.chair_id, a.start_at, a.end_at, p.first_name || ' ' || p.last_name "
    "FROM appointment a JOIN patient p ON p.id = a.patient_id "
    "WHERE a.location_id = ? AND a.start_at >= ? AND a.start_at < ? AND a.status != 'cancelled' "
    "ORDER BY a.chair_id, a.start_at"
)


def _through_sqlalchemy(path: str, params: tuple[int, str, str]) -> list[tuple[int, str, str, str]]:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        rows = session.connection().exec_driver_sql(DAY_SQL, params).fetchall()
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


class DayPainting(QWidget):
    """One column per chair, a box with the patient's name per appointment."""

    def __init__(self, rows: list[tuple[int, str, str, str]]) -> None:
        super().__init__()
        self.rows = rows
        self.chairs = sorted({r[0] for r in rows}) or [0]

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        width = self.width() / len(self.chairs)
        first = min((_minute(r[1]) for r in self.rows), default=0)
        for chair, start, end, name in self.rows:
            x = self.chairs.index(chair) * width
            top, bottom = (_minute(start) - first) * 1.2, (_minute(end) - first) * 1.2
            box = QRectF(x + 2, top, width - 4, bottom - top)
            painter.fillRect(box, QColor("#cfe3ff"))
            painter.drawText(box.adjusted(2, 0, -2, 0), Qt.AlignmentFlag.AlignLeft, name)
        painter.end()


def _minute(stamp: str) -> int:
    return int(stamp[11:13]) * 60 + int(stamp[14:16])


if __name__ == "__main__":
    raise SystemExit(main())
