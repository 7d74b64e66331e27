"""Settings: environment variables over a TOML file over defaults, with one data directory.

Each setting comes from the first of these that has it:

1. the environment: ``COMPUTECREDIT_DATA_DIR``, ``COMPUTECREDIT_DATABASE_URL``,
   ``COMPUTECREDIT_DASK_SCHEDULER``, ``COMPUTECREDIT_LOG_FORMAT``, ``COMPUTECREDIT_LOG_LEVEL``;
2. a TOML file: the one ``COMPUTECREDIT_CONFIG`` names, else ``$XDG_CONFIG_HOME/computecredit/config.toml``
   (``~/.config/...``) if it exists, with the keys ``data_dir``, ``database_url``, ``dask_scheduler``,
   ``log_format``, ``log_level`` (a relative ``data_dir`` there is relative to the file);
3. defaults: the data directory ``$XDG_DATA_HOME/computecredit`` (``~/.local/share/computecredit``), the
   SQLite database ``computecredit.db`` in it, no Dask scheduler (a local cluster), JSON logs at INFO.

The data directory is the one place the platform writes files of its own; it never falls back to the
current directory. There is no signing key to keep: sessions and API tokens are random secrets stored
only as their SHA-256 in the database (see :mod:`computecredit.web.security`).

>>> settings = load_settings({"COMPUTECREDIT_DATA_DIR": "/srv/cc"})
>>> settings.database_url, settings.dask_scheduler
('sqlite:////srv/cc/computecredit.db', None)
>>> load_settings({"COMPUTECREDIT_DATA_DIR": "/srv/cc", "COMPUTECREDIT_DATABASE_URL": "postgresql+psycopg://db/cc"}).database_url
'postgresql+psycopg://db/cc'
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from computecredit.errors import InputError

PACKAGE_DIR = Path(__file__).resolve().parent
KEYS = ("data_dir", "database_url", "dask_scheduler", "log_format", "log_level")
LOG_FORMATS = ("json", "text")


@dataclass(frozen=True)
class Settings:
    """Runtime settings; build them with :func:`get_settings` (or :func:`load_settings` in tests)."""

    data_dir: Path
    database_url: str
    dask_scheduler: str | None = None
    log_format: str = "json"
    log_level: str = "INFO"
    config_file: Path | None = None  # the TOML file read, if any


def _config_file(environ: Mapping[str, str]) -> Path | None:
    named = environ.get("COMPUTECREDIT_CONFIG")
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise InputError("COMPUTECREDIT_CONFIG", named, "must name an existing TOML file")
        return path
    home = Path(environ.get("XDG_CONFIG_HOME") or Path(environ.get("HOME", "~")) / ".config").expanduser()
    default = home / "computecredit" / "config.toml"
    return default if default.is_file() else None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError("config", str(path), f"must be valid TOML ({exc})") from exc
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise InputError("config", str(path), f"unknown keys {', '.join(unknown)}; known: {', '.join(KEYS)}")
    if "data_dir" in values:
        values["data_dir"] = str((path.parent / Path(str(values["data_dir"])).expanduser()).resolve())
    return values


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Settings from ``environ`` (and the TOML file it points to); see the module's docstring for the order."""
    path = _config_file(environ)
    values: dict[str, Any] = _read_file(path) if path else {}
    for key in KEYS:
        from_env = environ.get(f"COMPUTECREDIT_{key.upper()}")
        if from_env:
            values[key] = from_env
    data_home = Path(environ.get("XDG_DATA_HOME") or Path(environ.get("HOME", "~")) / ".local" / "share")
    data_dir = Path(values.get("data_dir") or data_home / "computecredit").expanduser().absolute()
    log_format = str(values.get("log_format", "json")).lower()
    if log_format not in LOG_FORMATS:
        raise InputError("log_format", log_format, f"must be one of {', '.join(LOG_FORMATS)}")
    return Settings(
        data_dir=data_dir,
        database_url=str(values.get("database_url") or f"sqlite:///{data_dir / 'computecredit.db'}"),
        dask_scheduler=str(values["dask_scheduler"]) if values.get("dask_scheduler") else None,
        log_format=log_format,
        log_level=str(values.get("log_level", "INFO")).upper(),
        config_file=path,
    )


def examples_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The examples folder (demo bank, example projects): ``COMPUTECREDIT_EXAMPLES_DIR`` if set, else the
    copy an installed wheel carries inside the package, else the repository's ``examples/``.

    >>> (examples_dir() / "demo_bank" / "bank.yaml").is_file()
    True
    """
    named = environ.get("COMPUTECREDIT_EXAMPLES_DIR")
    if named:
        return Path(named)
    packaged = PACKAGE_DIR / "examples"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parents[1] / "examples"


def get_settings() -> Settings:
    """Settings from the current environment (and its TOML file)."""
    return load_settings(os.environ)
