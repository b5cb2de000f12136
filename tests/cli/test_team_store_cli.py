"""A team store end to end: ``listen`` logged in as the listener role stores events, and
``events`` commands logged in as the console role read and pin them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.cli import main
from console.core.credentials import SecretStore
from console.store.location import parse_store_url
from console.store.postgres.password import keyring_name
from tests.support.postgres import PgCluster

SAMPLE = (Path(__file__).resolve().parents[2] / "resources" / "samples").joinpath(
    "bitrix-onsaleordersaved-webhook.form"
)


@pytest.fixture
def team(pg_cluster: PgCluster, pg_database: str) -> Iterator[dict[str, str]]:
    """A database for a team, with the names of its listener and console logins; the
    logins (cluster-wide) are dropped afterwards."""
    dbname = pg_database.rsplit("/", 1)[1]
    base = parse_store_url(pg_database)
    listener, console = f"{dbname}_srv", f"{dbname}_olena"
    yield {
        "owner": pg_database,
        "dbname": dbname,
        "listener_login": listener,
        "console_login": console,
        "listener": base.with_user(listener).url,
        "console": base.with_user(console).url,
    }
    for name in (listener, console):
        pg_cluster.psql(f"DROP OWNED BY {name} CASCADE; DROP ROLE IF EXISTS {name}", dbname)


def _init(team: dict[str, str], password: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``store init`` as the owner, who then leaves: the logins' passwords stay in the keyring."""
    monkeypatch.setenv("B24_STORE_PASSWORD", password)
    argv = ["store", "init", team["owner"], "--listener-login", team["listener_login"]]
    assert main([*argv, "--console-login", team["console_login"]]) == 0
    monkeypatch.delenv("B24_STORE_PASSWORD")


def _saved_password(url: str) -> str:
    password = SecretStore().get_installation_secret(keyring_name(parse_store_url(url)))
    assert password
    return password


def test_the_listener_role_stores_and_the_console_role_reads_and_pins(
    team: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    pg_cluster: PgCluster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _init(team, pg_cluster.password, monkeypatch)
    capsys.readouterr()
    # The listener runs as a service would: no keyring, its password in its environment.
    env = dict(os.environ, B24_STORE_PASSWORD=_saved_password(team["listener"]))
    command = [
        sys.executable, "-m", "console", "listen", "--store", team["listener"],
        "--port", "0", "--no-catch-up", "--json",
    ]  # fmt: skip
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert child.stdout is not None
        first = json.loads(child.stdout.readline() or "{}")
        assert first.get("type") == "listening", child.stderr.read() if child.stderr else ""
        assert first["store"] == parse_store_url(team["listener"]).display
        answer = httpx.post(
            f"{first['url']}/bitrix/shop",
            content=SAMPLE.read_bytes(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
        assert answer.status_code == 401  # no such profile: kept as rejected
        stored = json.loads(child.stdout.readline())
        assert stored["type"] == "event"
    finally:
        child.terminate()
        child.wait(30)
    listener_errors = child.stderr.read() if child.stderr else ""
    assert child.returncode == 0, listener_errors
    assert env["B24_STORE_PASSWORD"] not in " ".join(command)

    assert main(["events", "list", "--store", team["console"], "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in listed] == [stored["id"]]
    # Deleting is the owner's: the console role is refused, and nothing is lost.
    purge = ["events", "purge", "--older-than", "0", "--yes", "--store", team["console"]]
    assert main(purge) != 0
    assert "permission denied" in capsys.readouterr().err
    assert pg_cluster.psql("SELECT count(*) FROM events", team["dbname"]).strip() == "1"
    assert main(["events", "pin", str(stored["id"]), "--store", team["console"]]) == 0
    capsys.readouterr()
    pinned = pg_cluster.psql(
        f"SELECT pinned FROM events WHERE id = {stored['id']}",  # noqa: S608
        team["dbname"],
    )
    assert pinned.strip() == "t"
    assert "permission denied" not in listener_errors
