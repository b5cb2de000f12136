"""A Horoshop secret from the real keyring reaches neither store in any spelling.

The same search the log filter and the crash dialog use (``console.core.secret_spellings``)
scrubs what the listener stores; here a storefront sends the secret back spelt every way,
in a body that is not JSON (kept raw), in a header and in the query.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.core.profiles import ProfileRepository
from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.listener.verification import KeyringCredentialSource
from console.store import EventFilter, EventStore, SqliteEventStore
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from tests.listener.test_hardening import on_disk
from tests.support.postgres import PgCluster
from tests.support.secret_spellings import horoshop_secret_in_keyring, leaked, spellings

pytestmark = pytest.mark.real_keyring


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EventStore]:
    opened: EventStore
    if request.param == "sqlite":
        opened = SqliteEventStore(tmp_path / "events.sqlite3")
    else:
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        url = request.getfixturevalue("pg_database")
        opened = PostgresEventStore(parse_store_url(url), cluster.password)
    try:
        yield opened
    finally:
        opened.close()


def test_no_spelling_of_the_secret_is_stored(store: EventStore, tmp_path: Path) -> None:
    with horoshop_secret_in_keyring("shop") as secret:
        server = ListenerServer(
            store, KeyringCredentialSource(ProfileRepository()), ListenerSettings(port=0)
        )
        server.start()
        try:
            every = list(spellings(secret).values())
            body = "\n".join(f"{name}: {spelled}" for name, spelled in spellings(secret).items())
            with httpx.Client(base_url=server.base_url, timeout=30) as client:
                answer = client.post(
                    "/horoshop/shop",
                    content=body.encode("utf-8"),
                    params={"echo": every[1]},
                    headers={"Content-Type": "text/plain", "X-Echo": every[2]},
                )
        finally:
            server.stop()
    assert answer.status_code < 500

    [event] = list(store.iter_events(EventFilter(include_duplicates=True)))
    stored = event.model_dump_json(exclude={"raw_body"}) + event.raw_body.decode("utf-8")
    assert "bytes-repr: " in stored  # the body was kept, only the secret went
    assert leaked(stored, secret) == []
    if isinstance(store, SqliteEventStore):
        assert leaked(on_disk(tmp_path / "events.sqlite3").decode("utf-8", "replace"), secret) == []
