"""A team login that means harm cannot break the other windows through the shared rows.

Each test logs in as a console-role login (an operator's window, the team's weakest
role) or as a login of the cluster in neither team role, tries an attack that worked
before migration 4 (issue 14), and shows it fails while the team goes on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import psycopg
import pytest

from console.bitrix.limiter import BucketLimits
from console.store.postgres.team import TeamTables
from console.store.team import PresenceMember
from tests.support.postgres import PgCluster
from tests.support.team_logins import TeamDatabase, team_database

LIMITS = BucketLimits(50, 2.0)


@pytest.fixture
def team(pg_cluster: PgCluster) -> Iterator[TeamDatabase]:
    with team_database(pg_cluster) as database:
        yield database


@pytest.fixture
def window(team: TeamDatabase) -> Iterator[TeamTables]:
    """An honest operator's window, on its own console login."""
    tables = TeamTables(team.params("operator"))
    try:
        yield tables
    finally:
        tables.close()


_FORGED_PRESENCE = (
    "INSERT INTO presence (session_id, operator, host, pid, role, last_seen) VALUES "
    "('x', 'Mallory', '<img src=x><a href=\"http://evil\">click</a>', 1, 'console', "
    "%s::timestamptz)"
)


def test_a_console_login_cannot_write_presence_rows_but_its_own(
    team: TeamDatabase, window: TeamTables
) -> None:
    honest = PresenceMember(operator="Олена", host="desk-1", pid=11)
    window.presence().heartbeat(honest)
    with team.connect("console") as conn:
        for last_seen in ("9999-12-31", "infinity"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(_FORGED_PRESENCE, (last_seen,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE presence SET last_seen = 'infinity'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM presence")
        # Through the functions it may call, another login's session stays as it is.
        conn.execute(
            "SELECT presence_beat(%s, 'Mallory', 'evil', 1, 'console', '', '{}')",
            (honest.session_id,),
        )
        conn.execute("SELECT presence_leave(%s)", (honest.session_id,))
        # Values beyond their bounds are refused whoever sends them.
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(
                "SELECT presence_beat('m1', 'Mallory', %s, 1, 'console', '', '{}')", ("h" * 5000,)
            )
    present = window.presence().present()
    assert [(entry.operator, entry.host) for entry in present] == [("Олена", "desk-1")]


def test_a_flood_of_sessions_from_one_login_cannot_hide_the_others(
    team: TeamDatabase, window: TeamTables
) -> None:
    honest = PresenceMember(operator="Олена", host="desk-1", pid=11)
    window.presence().heartbeat(honest)
    with team.connect("console") as conn:
        for n in range(300):
            conn.execute(
                "SELECT presence_beat(%s, '!', 'evil', 1, 'console', '', '{}')", (f"m{n}",)
            )
    operators = [entry.operator for entry in window.presence().present()]
    assert "Олена" in operators
    assert operators.count("!") <= 16


def test_a_login_in_neither_role_cannot_even_connect(team: TeamDatabase) -> None:
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        team.connect("outsider").close()


def test_forged_rows_already_in_the_table_are_ignored_on_read_and_cleaned(
    team: TeamDatabase, window: TeamTables
) -> None:
    # A row from the future, with markup in its host: written before the fix (by the
    # owner here, since no team login can any more).
    with team.owner_connect() as owner:
        owner.execute(_FORGED_PRESENCE, ("9999-12-31",))
        # Heard from now, but started at the end of time.
        owner.execute(
            "INSERT INTO presence (session_id, operator, host, pid, role, started_at) "
            "VALUES ('w', 'Mallory', 'h', 1, 'console', '9999-12-31 23:59:59+00')"
        )
        # An infinite timestamp, which no reader can turn into a datetime, cannot be stored.
        with pytest.raises(psycopg.errors.CheckViolation):
            owner.execute(_FORGED_PRESENCE.replace("'x'", "'y'"), ("infinity",))
    presence = window.presence()
    assert presence.present() == []
    honest = PresenceMember(operator="Олена", host="desk-1", pid=11)
    presence.heartbeat(honest)  # every heartbeat cleans rows from the future
    with team.owner_connect() as owner:
        rows = owner.execute("SELECT session_id FROM presence ORDER BY 1").fetchall()
    assert rows == [(honest.session_id,)]


def test_presence_values_are_bounded_and_printable_on_read(
    team: TeamDatabase, window: TeamTables
) -> None:
    with team.owner_connect() as owner:
        owner.execute(
            "INSERT INTO presence (session_id, operator, host, pid, role, polling) VALUES "
            "('z', %s, 'desk\u202e-2\x1b[2J', 3, 'console', %s)",
            ("M" * 128, [f"p{n}" for n in range(32)]),
        )
    (entry,) = window.presence().present()
    assert len(entry.operator) <= 128
    assert "\u202e" not in entry.host and "\x1b" not in entry.host
    assert entry.host.startswith("desk")


def test_a_console_login_cannot_forge_the_rest_bucket(
    team: TeamDatabase, window: TeamTables
) -> None:
    bucket = window.rest_bucket("shop.example", LIMITS)
    bucket.reserve()
    with team.connect("console") as conn:
        for statement in (
            "UPDATE rest_buckets SET level = 1e9",
            "UPDATE rest_buckets SET level = 'NaN'",
            "INSERT INTO rest_buckets (portal, level) VALUES ('other.example', 'NaN')",
            "SELECT * FROM rest_buckets FOR UPDATE",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        # The function it may call refuses what no honest client sends.
        for cost, drain, capacity in (
            (math.nan, 2.0, 48.0),
            (1e9, 2.0, 48.0),
            (1.0, 0.0, 48.0),
            (1.0, math.inf, 48.0),
            (1.0, 2.0, math.nan),
        ):
            with pytest.raises(psycopg.errors.InvalidParameterValue):
                conn.execute(
                    "SELECT rest_bucket_take('shop.example', %s, %s, %s)",
                    (cost, drain, capacity),
                )
        # Hammering it promises at most one more full bucket, not a billion slots.
        for _ in range(500):
            conn.execute("SELECT rest_bucket_take('shop.example', 1, 2, 48)")
    assert bucket.reserve() <= bucket.longest_wait
    assert 0 <= bucket.level <= 2 * LIMITS.capacity


def test_an_absurd_bucket_row_falls_back_to_the_process_bucket(
    team: TeamDatabase, window: TeamTables
) -> None:
    bucket = window.rest_bucket("absurd.example", LIMITS)
    with team.owner_connect() as owner:
        # NaN and the infinities are refused even to the owner.
        for level in ("NaN", "Infinity"):
            with pytest.raises(psycopg.errors.CheckViolation):
                owner.execute(
                    "INSERT INTO rest_buckets (portal, level) VALUES ('absurd.example', %s)",
                    (level,),
                )
        # A huge but finite level (as a row from before the fix could hold).
        owner.execute("INSERT INTO rest_buckets (portal, level) VALUES ('absurd.example', 999999)")
    # Read as it is, the row is not believed: the process's own bucket answers.
    assert bucket.level <= 2 * LIMITS.capacity
    # Drawn from, the row is capped at one more full bucket than the capacity.
    assert 0 <= bucket.reserve() <= bucket.longest_wait
    assert bucket.level <= 2 * LIMITS.capacity
    # Whatever the database answers (a function replaced behind the team's back), no
    # caller waits longer than a full bucket takes to drain.
    with team.owner_connect() as owner:
        owner.execute(
            "CREATE OR REPLACE FUNCTION rest_bucket_take(p_portal text, p_cost float8, "
            "p_drain float8, p_capacity float8) "
            "RETURNS float8 LANGUAGE sql AS $$ SELECT 'NaN'::float8 $$"
        )
    assert 0 <= bucket.reserve() <= bucket.longest_wait
    with team.owner_connect() as owner:
        owner.execute(
            "CREATE OR REPLACE FUNCTION rest_bucket_take(p_portal text, p_cost float8, "
            "p_drain float8, p_capacity float8) "
            "RETURNS float8 LANGUAGE sql AS $$ SELECT 1e9::float8 $$"
        )
    assert 0 <= bucket.reserve() <= bucket.longest_wait


def test_healthz_names_the_session_that_sits_on_the_insert_lock(
    team: TeamDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from console.core.settings import ListenerSettings
    from console.listener.server import ListenerServer
    from console.store.postgres import PostgresEventStore, locks
    from tests.listener.conftest import FORM, credentials
    from tests.listener.test_team_listeners import delivery

    monkeypatch.setattr(locks, "INSERT_ORDER_WAIT_SECONDS", 1)
    store = PostgresEventStore(team.location("listener"), team.passwords["listener"], create=False)
    server = ListenerServer(store, credentials(), ListenerSettings(port=0))
    server.start()
    client = httpx.Client(base_url=server.base_url, timeout=60)
    params = {**team.cluster.admin_params(team.dbname), "application_name": "sitting-on-it"}
    try:
        with psycopg.connect(autocommit=True, **params) as holder:
            holder.execute(
                "SELECT pg_advisory_lock(%s, b24_lock_key(%s))",
                (locks.NAMESPACE, locks.INSERT_ORDER_NAME),
            )
            pid = holder.info.backend_pid
            refused = client.post("/bitrix/shop", content=delivery(1), headers=FORM)
            assert refused.status_code == 503
            health = client.get("/healthz")
            assert health.status_code == 503
            said = health.json()["store"]["last_error"]
            assert f"pid {pid}" in said and "sitting-on-it" in said
        # The holder gone, deliveries are kept again.
        assert client.post("/bitrix/shop", content=delivery(2), headers=FORM).status_code == 200
        assert client.get("/healthz").status_code == 200
    finally:
        client.close()
        server.stop()
        store.close()


def test_a_bucket_row_locked_by_a_console_login_stalls_no_rest_call(
    team: TeamDatabase, window: TeamTables
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    bucket = window.rest_bucket("shop.example", LIMITS)
    bucket.reserve()
    pool = ThreadPoolExecutor(1)
    attacker = team.connect("console")
    try:
        attacker.execute("BEGIN")
        attacker.execute("SELECT rest_bucket_take('shop.example', 1, 2, 48)")
        # The row stays locked until the attacker's transaction ends: never, here.
        wait = pool.submit(bucket.reserve).result(timeout=60)
        assert 0 <= wait <= bucket.longest_wait
    finally:
        # Ends its transaction, so a wait still running (without the bound) ends too.
        attacker.close()
        pool.shutdown()
