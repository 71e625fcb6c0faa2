"""Where the packaged resources (theme, icons, demo clinic) live."""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    """``resources/`` beside the package in a checkout, or inside it when installed as a wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Orca Desk resources folder is missing; reinstall the application.")
