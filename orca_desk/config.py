"""Settings: where the database is and the defaults that can be overridden by environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "OrcaDesk"
DATABASE_URL_ENV = "ORCA_DESK_DATABASE_URL"


def default_data_dir() -> Path:
    import platformdirs  # only when no database URL is given (and never for --help)

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'orca-desk.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str

    @classmethod
    def resolve(cls, cli_url: str | None, env: Mapping[str, str] | None = None) -> Settings:
        """The command line wins over the environment, which wins over the default."""
        env = os.environ if env is None else env
        url = cli_url or env.get(DATABASE_URL_ENV) or default_database_url()
        return cls(database_url=normalise_database_url(url))


def normalise_database_url(url: str) -> str:
    """Accept plain ``postgresql://`` and route it through psycopg 3, the only driver we ship."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def local_database_file(url: str) -> Path | None:
    """The file of a plain local SQLite URL (``sqlite:///path``); None for a server, memory or a
    URL with options, whose checks are the driver's."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = Path(url[len(prefix) :]).expanduser()
    return None if not path.name or str(path) == ":memory:" else path
