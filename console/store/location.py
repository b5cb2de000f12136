"""Where the event store lives: a SQLite file (the default) or a PostgreSQL database.

A store is named by a URL, ``sqlite:///path/to/events.sqlite3`` or
``postgresql://user@host:5432/db?sslmode=verify-full``. The password of a PostgreSQL
store never travels in the URL: a URL that carries one is refused, so that it cannot end
up in the settings file, a log line or the process list; it is looked up separately
(see :mod:`console.store.postgres.password`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

DEFAULT_PG_PORT = 5432
# libpq parameters a store URL may carry in its query string; anything else is a typo.
ALLOWED_PG_PARAMS = frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "sslcrl",
        "connect_timeout",
        "application_name",
        "target_session_attrs",
        "options",
    }
)


class StoreKind(enum.StrEnum):
    SQLITE = "sqlite"
    POSTGRES = "postgresql"


class StoreUrlError(ValueError):
    """A store URL that cannot be used, with what is wrong in words a person can act on."""


@dataclass(frozen=True, slots=True)
class StoreLocation:
    kind: StoreKind
    # SQLite: the database file.
    path: Path | None = None
    # PostgreSQL: where and as whom; the password is never part of a location.
    host: str = ""
    port: int = DEFAULT_PG_PORT
    user: str = ""
    dbname: str = ""
    params: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def sqlite(cls, path: Path | str) -> StoreLocation:
        return cls(kind=StoreKind.SQLITE, path=Path(path))

    @property
    def is_postgres(self) -> bool:
        return self.kind is StoreKind.POSTGRES

    @property
    def url(self) -> str:
        """The URL this location was parsed from, normalised; never holds a password."""
        if self.kind is StoreKind.SQLITE:
            assert self.path is not None
            return f"sqlite://{self.path.absolute().as_posix()}"
        user = f"{quote(self.user, safe='')}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = f"?{urlencode(self.params)}" if self.params else ""
        return f"postgresql://{user}{host}:{self.port}/{quote(self.dbname, safe='')}{query}"

    @property
    def display(self) -> str:
        """Short words for the status bar and messages: the file, or user@host/db."""
        if self.kind is StoreKind.SQLITE:
            return str(self.path)
        user = f"{self.user}@" if self.user else ""
        return f"{user}{self.host}:{self.port}/{self.dbname}"

    def conninfo_params(self, password: str | None = None) -> dict[str, str]:
        """Keyword arguments for libpq (psycopg.connect(**params))."""
        if self.kind is not StoreKind.POSTGRES:
            raise StoreUrlError("a SQLite store has no connection parameters")
        params = {"host": self.host, "port": str(self.port), "dbname": self.dbname}
        if self.user:
            params["user"] = self.user
        params.update(dict(self.params))
        if password is not None:
            params["password"] = password
        return params

    def with_dbname(self, dbname: str) -> StoreLocation:
        # For PostgreSQL locations, which have no path (one given here is dropped, as before).
        return replace(self, path=None, dbname=dbname)

    def with_user(self, user: str) -> StoreLocation:
        return replace(self, path=None, user=user)


def parse_store_url(text: str) -> StoreLocation:
    """Parse ``sqlite:///path`` or ``postgresql://user@host:port/db?...``.

    A bare path (no scheme) is a SQLite file, as ``store_path`` always was.
    """
    text = text.strip()
    if not text:
        raise StoreUrlError("the store URL is empty")
    if "://" not in text:
        if text.startswith("sqlite:"):
            return StoreLocation.sqlite(Path(text.removeprefix("sqlite:")).expanduser())
        return StoreLocation.sqlite(Path(text).expanduser())
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///abs/path -> /abs/path; sqlite://~/x is not a thing: say so.
        if parts.netloc:
            raise StoreUrlError(
                f"a SQLite URL has no host: write sqlite:///{parts.netloc}{parts.path} "
                "(three slashes before an absolute path)"
            )
        if not parts.path or parts.path == "/":
            raise StoreUrlError("a SQLite URL needs a file: sqlite:///path/to/events.sqlite3")
        return StoreLocation.sqlite(Path(unquote(parts.path)).expanduser())
    if scheme not in ("postgresql", "postgres"):
        raise StoreUrlError(
            f"unknown store kind {parts.scheme!r}: use sqlite:///path or postgresql://user@host/db"
        )
    if parts.password is not None:
        raise StoreUrlError(
            "the store URL carries a password; remove it from the URL. The password is kept "
            "in the OS keyring (b24-console asks for it), or read from B24_STORE_PASSWORD "
            "or PGPASSWORD when there is no terminal"
        )
    host = parts.hostname or ""
    if not host:
        raise StoreUrlError("a PostgreSQL URL needs a host: postgresql://user@host:5432/db")
    try:
        port = parts.port or DEFAULT_PG_PORT
    except ValueError:
        raise StoreUrlError(f"the port in {text!r} is not a number between 1 and 65535") from None
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise StoreUrlError("a PostgreSQL URL needs one database name: postgresql://user@host/db")
    params = tuple(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted({key for key, _ in params} - ALLOWED_PG_PARAMS)
    if unknown:
        raise StoreUrlError(
            f"unknown connection parameter {', '.join(unknown)}; allowed: "
            + ", ".join(sorted(ALLOWED_PG_PARAMS))
        )
    return StoreLocation(
        kind=StoreKind.POSTGRES,
        host=host,
        port=port,
        user=unquote(parts.username or ""),
        dbname=dbname,
        params=params,
    )
