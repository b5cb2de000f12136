"""The team store against its own logins (issue 14): what a console-role login, or a
login of the cluster in neither team role, could do to the events, their counts, the
change log and the store's locks, and now cannot.

Every test acts as the hostile login on the throwaway cluster and shows the attack
fails while the honest listener and windows go on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from console.cli import main
from console.store import ChangeKind, ChangeRecord, EventFilter, Verification
from console.store.postgres import PostgresEventStore, locks
from console.store.postgres.leases import AdvisoryLease
from console.store.postgres.migrations import SCHEMA_VERSION
from console.store.postgres.store import InsertOrderLockBusy
from tests.store.records import record
from tests.support.postgres import PgCluster
from tests.support.team_logins import TeamDatabase, team_database

# A bound for waiting on the store in these tests: far beyond what an append takes, and
# reached only when the attack works (the store then waits without end).
STALLED = 60.0
# The keys every team store used before migration 4: fixed, so known to everyone.
OLD_INSERT_ORDER = (1647460215, 1)


def _old_lease_key(name: str) -> int:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


@pytest.fixture
def team(pg_cluster: PgCluster) -> Iterator[TeamDatabase]:
    with team_database(pg_cluster) as database:
        yield database


def _store(team: TeamDatabase, who: str) -> PostgresEventStore:
    return PostgresEventStore(team.location(who), team.passwords[who], create=False)


def test_store_init_shuts_out_logins_in_neither_role(team: TeamDatabase) -> None:
    outsider = team.login("outsider")
    with team.owner_connect() as owner:
        rights = owner.execute(
            "SELECT has_database_privilege(%s, current_database(), 'CONNECT'), "
            "has_database_privilege(%s, current_database(), 'TEMP'), "
            "has_schema_privilege(%s, 'public', 'USAGE')",
            (outsider, outsider, outsider),
        ).fetchone()
    assert rights == (False, False, False)
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        team.connect("outsider").close()
    # The team's logins still connect.
    with team.connect("console") as conn, team.connect("listener") as other:
        assert conn.execute("SELECT 1").fetchone() == other.execute("SELECT 1").fetchone()


def test_a_session_on_the_old_insert_lock_key_stalls_no_delivery(team: TeamDatabase) -> None:
    store = _store(team, "listener")
    try:
        with team.connect("console") as attacker:
            attacker.execute("SELECT pg_advisory_lock(%s, %s)", OLD_INSERT_ORDER)
            stored = store.submit(record()).result(timeout=STALLED)
            # The salted key is out of its reach.
            for statement in (
                "SELECT * FROM store_secrets",
                "SELECT b24_lock_key('insert-order')",
                "SELECT b24_take_insert_order_lock()",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    attacker.execute(statement)
        # (Leaving the block closes the attacker's session before the store closes.)
    finally:
        store.close()
    assert stored.id > 0


def test_a_held_insert_lock_fails_appends_in_bounds_and_names_its_holder(
    team: TeamDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locks, "INSERT_ORDER_WAIT_SECONDS", 1)
    params = {**team.cluster.admin_params(team.dbname), "application_name": "sitting-on-it"}
    store = _store(team, "listener")
    try:
        with psycopg.connect(autocommit=True, **params) as holder:
            holder.execute(
                "SELECT pg_advisory_lock(%s, b24_lock_key(%s))",
                (locks.NAMESPACE, locks.INSERT_ORDER_NAME),
            )
            pid = holder.info.backend_pid
            with pytest.raises(InsertOrderLockBusy) as refused:
                store.submit(record()).result(timeout=STALLED)
            message = str(refused.value)
            assert f"pid {pid}" in message and "sitting-on-it" in message
            # What the listener's /healthz reports.
            last_error = store.health().as_dict()["last_error"]
            assert last_error is not None and f"pid {pid}" in last_error
        assert store.submit(record()).result(timeout=STALLED).id > 0
        assert store.health().ok
    except FutureTimeout:
        pytest.fail("the append waited for the lock without bound")
    finally:
        store.close()


def test_the_catch_up_lease_cannot_be_taken_by_its_old_key(team: TeamDatabase) -> None:
    name = "catch-up:shop.example"
    lease = AdvisoryLease(team.params("listener"), name)
    rival = AdvisoryLease(team.params("operator"), name)
    try:
        with team.connect("console") as attacker:
            attacker.execute("SELECT pg_advisory_lock(1647460464, %s)", (_old_lease_key(name),))
            assert lease.held()
        # A team member that finds it taken learns who has it.
        assert not rival.held()
        assert rival.holder is not None and team.login("listener") in rival.holder
    finally:
        lease.release()
        rival.release()


def test_a_console_login_cannot_change_the_event_counts(team: TeamDatabase) -> None:
    listener = _store(team, "listener")
    try:
        event_ids = [
            listener.append(record(verification=Verification.REJECTED)).id for _ in range(3)
        ]
    finally:
        listener.close()
    with team.connect("console") as attacker:
        for statement in (
            "UPDATE event_counts SET n = 0 WHERE verification = 'rejected'",
            "UPDATE event_counts SET n = -15",
            "INSERT INTO event_counts "
            "VALUES ('bitrix', 'x', 'verified', '', true, false, false, 9)",
            "SELECT * FROM event_counts FOR UPDATE",
            "DELETE FROM event_counts",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                attacker.execute(statement)
    # Pinning through the console role still keeps the counts exact.
    window = _store(team, "operator")
    try:
        assert window.set_pinned(event_ids[0], True)
        assert window.count(EventFilter(verification=frozenset({Verification.REJECTED}))) == 3
        assert window.count(EventFilter(pinned_only=True)) == 1
    finally:
        window.close()


def test_the_change_log_and_pins_name_the_login_that_made_them(team: TeamDatabase) -> None:
    listener = _store(team, "listener")
    try:
        event_ids = [listener.append(record()).id for _ in range(2)]
    finally:
        listener.close()
    with team.connect("operator") as honest:
        honest.execute("UPDATE events SET pinned = true")
    attacker_login = team.login("console")
    with team.connect("console") as attacker:
        # Signing as someone else: the row still names the login that wrote it.
        attacker.execute(
            "INSERT INTO changes (at_us, operator, profile, kind, action, outcome) "
            "VALUES (1, 'Olena', 'main', 'order_status', 'set', 'applied')"
        )
        for statement in (
            "INSERT INTO changes (at_us, operator, profile, kind, action, outcome, login) "
            "VALUES (1, 'Olena', 'main', 'order_status', 'set', 'applied', 'olena')",
            "UPDATE changes SET operator = 'Bohdan'",
            "SELECT * FROM changes FOR UPDATE",
            f"UPDATE events SET order_id = 'o1' WHERE id = {event_ids[0]}",  # noqa: S608
            "UPDATE events SET raw_body = ''",
            "DELETE FROM pin_log",
            "INSERT INTO pin_log (login, event_id, pinned) VALUES ('olena', 1, false)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                attacker.execute(statement)
        # Unpinning everything is allowed to a window, and every unpin is on record.
        attacker.execute("UPDATE events SET pinned = false")
    with team.owner_connect() as owner:
        forged = owner.execute("SELECT operator, login FROM changes").fetchall()
        pins = owner.execute("SELECT login, event_id, pinned FROM pin_log ORDER BY id").fetchall()
    assert forged == [("Olena", attacker_login)]
    honest_login = team.login("operator")
    assert pins == [
        (honest_login, event_ids[0], True),
        (honest_login, event_ids[1], True),
        (attacker_login, event_ids[0], False),
        (attacker_login, event_ids[1], False),
    ]


def test_a_change_recorded_through_the_store_carries_its_login(team: TeamDatabase) -> None:
    window = _store(team, "operator")
    try:
        window.record_change(
            ChangeRecord(
                at=datetime(2026, 1, 2, tzinfo=UTC),
                operator="Bohdan",
                profile="main",
                kind=ChangeKind.ORDER_STATUS,
                action="set",
                order_id="300",
            )
        )
        (change,) = window.changes(order_id="300")
    finally:
        window.close()
    assert (change.operator, change.login) == ("Bohdan", team.login("operator"))


def test_store_init_shows_the_password_way_not_a_password_in_sql(
    team: TeamDatabase, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B24_STORE_PASSWORD", team.cluster.password)
    assert main(["store", "init", team.owner.url]) == 0
    text = capsys.readouterr().out
    # A password in a statement lands in the server's statement log.
    assert re.search(r"PASSWORD\s+'", text, re.IGNORECASE) is None
    assert "\\password alice" in text
    assert f"GRANT {team.dbname}_console TO alice" in text


def test_migrating_a_version_3_store_drops_forged_rows_and_init_again_changes_nothing(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    from console.store.postgres.migrations import MIGRATIONS
    from console.store.postgres.roles import apply_grants
    from console.store.postgres.schema import applied_version, migrate

    dbname = pg_database.rsplit("/", 1)[1]
    with psycopg.connect(autocommit=True, **pg_cluster.admin_params(dbname)) as conn:
        # A store as version 3 left it, with the rows a hostile login could write then.
        conn.execute(
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        )
        for migration in MIGRATIONS[:3]:
            conn.execute(migration.sql)
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
        conn.execute(
            "INSERT INTO presence (session_id, operator, host, pid, last_seen) VALUES "
            "('a', 'm', '<b>x</b>', 1, 'infinity'), ('b', 'm', 'h', 1, '9999-12-31')"
        )
        conn.execute(
            "INSERT INTO rest_buckets (portal, level) VALUES ('a.example', 'NaN'), "
            "('b.example', 1e9), ('c.example', 3)"
        )
        conn.execute(
            "INSERT INTO changes (at_us, operator, profile, kind, action, outcome) "
            "VALUES (1, 'Olena', 'main', 'order_status', 'set', 'applied')"
        )
        assert migrate(conn, create=False) == 3
        assert applied_version(conn) == SCHEMA_VERSION
        assert conn.execute("SELECT count(*) FROM presence").fetchone() == (0,)
        portals = conn.execute("SELECT portal FROM rest_buckets").fetchall()
        assert portals == [("c.example",)]
        # Nobody knows which login wrote a change before: it says so.
        assert conn.execute("SELECT operator, login FROM changes").fetchall() == [("Olena", None)]

        def rights() -> list[tuple[object, ...]]:
            return conn.execute(
                "SELECT datacl::text FROM pg_database WHERE datname = current_database() "
                "UNION ALL SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public' "
                "UNION ALL SELECT relname || ':' || coalesce(relacl::text, '') FROM pg_class "
                "WHERE relnamespace = 'public'::regnamespace "
                "UNION ALL SELECT proname || ':' || coalesce(proacl::text, '') || ':' "
                "|| pg_get_userbyid(proowner) FROM pg_proc "
                "WHERE pronamespace = 'public'::regnamespace ORDER BY 1"
            ).fetchall()

        apply_grants(conn, dbname, create_roles=True)
        once = rights()
        assert migrate(conn, create=True) == SCHEMA_VERSION
        apply_grants(conn, dbname, create_roles=True)
        assert rights() == once
    for role in ("listener", "console"):
        pg_cluster.psql(f"DROP OWNED BY {dbname}_{role}; DROP ROLE {dbname}_{role}", dbname)


def test_a_row_lock_held_by_a_console_login_is_waited_for_in_bounds(
    team: TeamDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from console.store.postgres import store as store_module

    monkeypatch.setattr(store_module, "READER_LOCK_WAIT_SECONDS", 1)
    listener = _store(team, "listener")
    pool = ThreadPoolExecutor(1)
    attacker = team.connect("console")
    try:
        event_id = listener.append(record(order_id=None)).id
        # Pinning needs UPDATE on one column, and that lets a window lock rows too.
        attacker.execute("BEGIN")
        attacker.execute("SELECT id FROM events WHERE id = %s FOR UPDATE", (event_id,))
        waiting = pool.submit(listener.set_order_id, event_id, "300")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            waiting.result(timeout=STALLED)
        # Deliveries go on meanwhile.
        assert listener.submit(record()).result(timeout=STALLED).id > event_id
        attacker.execute("ROLLBACK")
        assert listener.set_order_id(event_id, "300")
    finally:
        # Ends its transaction, so a wait still running (without the bound) ends too.
        attacker.close()
        pool.shutdown()
        listener.close()


def test_a_copy_into_the_team_store_gives_up_on_a_held_lock_and_names_its_holder(
    team: TeamDatabase,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from console.store import SqliteEventStore

    monkeypatch.setattr(locks, "INSERT_ORDER_WAIT_SECONDS", 1)
    desktop = tmp_path / "events.sqlite3"
    with SqliteEventStore(desktop) as source:
        source.append(record())
    monkeypatch.setenv("B24_STORE_PASSWORD", team.cluster.password)
    params = {**team.cluster.admin_params(team.dbname), "application_name": "sitting-on-it"}
    with psycopg.connect(autocommit=True, **params) as holder:
        holder.execute(
            "SELECT pg_advisory_lock(%s, b24_lock_key(%s))",
            (locks.NAMESPACE, locks.INSERT_ORDER_NAME),
        )
        pid = holder.info.backend_pid
        assert main(["store", "copy", f"sqlite://{desktop}", team.owner.url]) != 0
    said = capsys.readouterr().err
    assert f"pid {pid}" in said and "sitting-on-it" in said
