"""Every non-secret setting of the console, declared once with its type and default.

Stored as JSON in the platform config directory. Secrets never live here: they are in the
OS keyring (see :mod:`console.core.credentials`).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from console.core.paths import config_dir, data_dir
from console.core.private_files import make_private_dir

SETTINGS_FILE = "settings.json"


class ListenerSettings(BaseModel):
    host: str = Field(
        default="127.0.0.1",
        description="Address the listener binds; 127.0.0.1 accepts only this computer, "
        "0.0.0.0 every network (needs --public).",
    )
    port: int = Field(
        default=8765, ge=0, le=65535, description="TCP port of the listener; 0 picks a free one."
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, gt=0, description="Largest request body accepted, in bytes."
    )
    max_depth: int = Field(default=32, gt=0, description="Deepest nesting accepted in a payload.")
    max_keys: int = Field(default=2000, gt=0, description="Most keys accepted in one payload.")
    # A connection must finish a request head within this long of opening or of its last
    # answer, or it is closed (idle keep-alive and slow headers alike).
    idle_timeout_seconds: float = Field(
        default=15.0, gt=0, description="Seconds a connection may idle before it is closed."
    )
    # A request body must arrive whole within this long of its head.
    body_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Seconds a request body may take to arrive."
    )
    # Open connections at once; None: from the process's file descriptor limit.
    max_connections: int | None = Field(
        default=None, gt=0, description="Open connections at once (no limit: from the OS)."
    )
    # Connections at once from one remote address when listening publicly, and requests
    # at once from one sender behind a trusted proxy (public or not).
    max_connections_per_address: int = Field(
        default=32,
        gt=0,
        description="Connections at once from one address when public; requests at once "
        "from one sender behind a trusted proxy.",
    )
    # Behind a reverse proxy every connection comes from the proxy: its X-Forwarded-For
    # names the sender, and is believed only from these addresses.
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of reverse proxies whose X-Forwarded-For is "
        "believed (e.g. 127.0.0.1, 10.0.0.0/24); none: the header is ignored.",
    )
    # How long a delivery waits for its commit before it is answered 503 (Retry-After):
    # a database that stopped answering must not hold every sender's connection open.
    commit_timeout_seconds: float = Field(
        default=20.0, gt=0, description="Seconds an event may wait for its commit before 503."
    )

    # Behind a reverse proxy the address senders use is not the one bound here.
    public_url: str | None = Field(
        default=None,
        description="The public HTTPS address a reverse proxy serves the listener at "
        "(https://events.example.com): the handler URLs to register are shown with it.",
    )

    @field_validator("public_url")
    @classmethod
    def _public_url_is_https(cls, value: str | None) -> str | None:
        from console.core.net import parse_public_base_url

        return None if value is None else parse_public_base_url(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: list[str]) -> list[str]:
        from console.core.net import parse_network

        return [str(parse_network(entry)) for entry in value]


class CatchUpSettings(BaseModel):
    enabled: bool = Field(
        default=True, description="Poll the portal for orders whose events never arrived."
    )
    interval_seconds: float = Field(
        default=60.0, gt=0, description="Seconds between two catch-up polls."
    )


class RetentionSettings(BaseModel):
    max_age_days: float | None = Field(
        default=90.0, gt=0, description="Remove unpinned events older than this many days."
    )
    max_count: int | None = Field(
        default=1_000_000, gt=0, description="Keep at most this many unpinned events."
    )


class SavedView(BaseModel):
    """An operator's own feed view in the window's sidebar: a name and a query."""

    name: str = Field(min_length=1, max_length=64)
    query: str = ""


class WindowSettings(BaseModel):
    # Warn in the status bar when no verified event arrived for this long (per profile).
    silence_warning_minutes: float = Field(
        default=10.0,
        gt=0,
        description="Warn when no verified event arrived for this many minutes.",
    )
    silence_warning_by_profile: dict[str, float] = Field(default_factory=dict)
    # A desktop notification for each new verified order event (off: it can be a lot).
    notify_new_orders: bool = Field(
        default=False, description="A desktop notification for each new verified order event."
    )
    saved_views: list[SavedView] = Field(default_factory=list)
    # "system" follows the OS; B24_CONSOLE_LANGUAGE overrides both (tests, screenshots).
    language: Literal["system", "en", "uk"] = Field(
        default="system", description="Interface language (applies after a restart)."
    )


class Settings(BaseModel):
    listener: ListenerSettings = Field(
        default_factory=ListenerSettings, description="Listener: where events arrive"
    )
    catch_up: CatchUpSettings = Field(
        default_factory=CatchUpSettings, description="Catch-up: polling for missed orders"
    )
    retention: RetentionSettings = Field(
        default_factory=RetentionSettings, description="Retention: how long events are kept"
    )
    window: WindowSettings = Field(
        default_factory=WindowSettings, description="Window: warnings and notifications"
    )
    # None: events.sqlite3 in the platform data directory.
    store_path: Path | None = None
    # Which store to use, as a URL: sqlite:///path or postgresql://user@host:5432/db (never
    # with a password). Set, it wins over store_path; None: the SQLite file of store_path.
    store_url: str | None = Field(
        default=None,
        description="The event store: sqlite:///path (none: the local file) or "
        "postgresql://user@host:5432/db for a team's shared database.",
    )
    # The profile commands use when several exist and none is named (`profile default`).
    default_profile: str | None = None
    # Who the change log names as the operator; None: the OS user name.
    operator: str | None = Field(
        default=None, description="Who the change log names as the operator (none: OS user)."
    )

    @field_validator("store_url")
    @classmethod
    def _no_password_in_store_url(cls, value: str | None) -> str | None:
        # The full check is the store's (console.store.location); this one only keeps a
        # password from ever being written into the settings file.
        if value is not None and "://" in value:
            try:
                has_password = urlsplit(value.strip()).password is not None
            except ValueError:
                return value
            if has_password:
                raise ValueError(
                    "the store URL carries a password: remove it; the password is kept in "
                    "the OS keyring"
                )
        return value

    def resolved_store_path(self) -> Path:
        return self.store_path or data_dir() / "events.sqlite3"


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    if not path.exists():
        return Settings()
    return Settings.model_validate_json(path.read_text(encoding="utf-8"))


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically so a crash never leaves half a settings file."""
    path = path or settings_path()
    make_private_dir(path.parent)
    text = json.dumps(settings.model_dump(mode="json"), indent=2)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    # mkstemp creates the file 0600, whatever the umask; the rename keeps that mode.
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
