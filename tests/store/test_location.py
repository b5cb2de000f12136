"""Store URLs: sqlite:///path or postgresql://user@host/db, never with a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.store.location import StoreKind, StoreUrlError, parse_store_url


def test_a_bare_path_and_a_sqlite_url_name_the_same_file() -> None:
    assert parse_store_url("/data/events.sqlite3") == parse_store_url(
        "sqlite:///data/events.sqlite3"
    )
    location = parse_store_url("sqlite:///data/events.sqlite3")
    assert location.kind is StoreKind.SQLITE
    assert location.path == Path("/data/events.sqlite3")
    assert location.url == "sqlite:///data/events.sqlite3"


def test_a_postgres_url_keeps_host_port_user_database_and_tls_mode() -> None:
    location = parse_store_url("postgresql://b24@db.shop.ua:5433/team?sslmode=verify-full")
    assert location.is_postgres
    assert (location.user, location.host, location.port, location.dbname) == (
        "b24",
        "db.shop.ua",
        5433,
        "team",
    )
    assert location.conninfo_params("pw") == {
        "host": "db.shop.ua",
        "port": "5433",
        "dbname": "team",
        "user": "b24",
        "sslmode": "verify-full",
        "password": "pw",
    }
    assert location.url == "postgresql://b24@db.shop.ua:5433/team?sslmode=verify-full"
    assert location.display == "b24@db.shop.ua:5433/team"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://b24:hunter2@db/team", "carries a password"),
        ("mysql://db/team", "unknown store kind"),
        ("postgresql://db/", "one database name"),
        ("postgresql:///team", "needs a host"),
        ("postgresql://db:99999/team", "port"),
        ("postgresql://db/team?sslmod=require", "unknown connection parameter sslmod"),
        ("sqlite://host/events.sqlite3", "three slashes"),
        ("", "empty"),
    ],
)
def test_an_unusable_url_is_refused_with_what_to_change(url: str, says: str) -> None:
    with pytest.raises(StoreUrlError, match=says):
        parse_store_url(url)


def test_the_refusal_of_a_password_does_not_repeat_it() -> None:
    with pytest.raises(StoreUrlError) as caught:
        parse_store_url("postgresql://b24:hunter2@db/team")
    assert "hunter2" not in str(caught.value)
