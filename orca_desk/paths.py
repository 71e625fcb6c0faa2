"""Where the packaged resources (theme, icons, demo clinic) live."""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    """``resources/`` beside the package in a checkout, or inside it when installed as a wheel.

    In the PyInstaller bundle a module's ``__file__`` lies under ``sys._MEIPASS/orca_desk``,
    where packaging/orca-desk.spec puts ``orca_desk/resources``: the same lookup finds it."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Orca Desk resources folder is missing; reinstall the application.")
