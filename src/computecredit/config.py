"""Settings read from the environment, with defaults that work on a fresh clone.

- ``COMPUTECREDIT_DATABASE_URL``: SQLAlchemy URL; default the embedded SQLite file ``var/computecredit.db``.
- ``COMPUTECREDIT_SECRET_KEY``: signs session cookies; default a random key stored in ``var/secret.key``.

>>> settings = Settings(database_url="sqlite:///:memory:")
>>> settings.database_url
'sqlite:///:memory:'
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA_DIR = Path(os.environ.get("COMPUTECREDIT_DATA_DIR", "var"))


def _default_database_url() -> str:
    return os.environ.get("COMPUTECREDIT_DATABASE_URL") or f"sqlite:///{DEFAULT_DATA_DIR / 'computecredit.db'}"


def _default_secret_key() -> str:
    from_env = os.environ.get("COMPUTECREDIT_SECRET_KEY")
    if from_env:
        return from_env
    key_file = DEFAULT_DATA_DIR / "secret.key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    """Runtime settings; build one with :func:`get_settings` or directly in tests."""

    database_url: str = field(default_factory=_default_database_url)
    secret_key: str = field(default_factory=_default_secret_key)
    data_dir: Path = DEFAULT_DATA_DIR


def get_settings() -> Settings:
    """Settings from the current environment."""
    return Settings()
