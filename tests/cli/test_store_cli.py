"""``b24-console store init / migrate / password`` and choosing a store, against a real
PostgreSQL (the throwaway cluster) and the in-memory keyring."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest

from console.cli import main
from console.core.credentials import SecretStore
from console.store.location import parse_store_url
from console.store.postgres.migrations import SCHEMA_VERSION
from console.store.postgres.password import keyring_name, save_password
from tests.support.postgres import PgCluster, free_port


@pytest.fixture
def admin_url(pg_cluster: PgCluster, pg_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fresh database's URL, its owner's password in the environment (no terminal)."""
    monkeypatch.setenv("B24_STORE_PASSWORD", pg_cluster.password)
    return pg_database


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def _dbname(url: str) -> str:
    return url.rsplit("/", 1)[1]


@pytest.fixture
def initialised(
    admin_url: str, capsys: pytest.CaptureFixture[str], pg_cluster: PgCluster
) -> Iterator[str]:
    dbname = _dbname(admin_url)
    assert (
        main(
            [
                "store",
                "init",
                admin_url,
                "--listener-login",
                f"{dbname}_l1",
                "--console-login",
                f"{dbname}_c1",
                "--json",
            ]
        )
        == 0
    )
    capsys.readouterr()
    yield admin_url
    for name in (f"{dbname}_l1", f"{dbname}_c1"):
        pg_cluster.psql(f"DROP OWNED BY {name} CASCADE; DROP ROLE IF EXISTS {name}", dbname)


def test_init_creates_the_schema_and_roles_and_is_idempotent(
    admin_url: str, capsys: pytest.CaptureFixture[str], pg_cluster: PgCluster
) -> None:
    dbname = _dbname(admin_url)
    assert main(["store", "init", admin_url, "--json"]) == 0
    first = _json(capsys)
    assert first["schema_before"] is None and first["schema_version"] == SCHEMA_VERSION
    assert sorted(first["roles_created"]) == [f"{dbname}_console", f"{dbname}_listener"]  # type: ignore[arg-type]
    assert main(["store", "init", admin_url]) == 0
    text = capsys.readouterr().out
    assert f"already at version {SCHEMA_VERSION}" in text
    assert f"GRANT {dbname}_listener TO" in text and f"GRANT {dbname}_console TO" in text
    roles = pg_cluster.psql(
        f"SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE '{dbname}_%' ORDER BY 1"  # noqa: S608
    )
    assert roles.split() == [f"{dbname}_console|f", f"{dbname}_listener|f"]
    # The owner's password came from the environment and is not put in the keyring by init.
    location = parse_store_url(admin_url)
    assert SecretStore().get_installation_secret(keyring_name(location)) is None


def _login(pg_cluster: PgCluster, url: str, user: str) -> psycopg.Connection[tuple[object, ...]]:
    location = parse_store_url(url).with_user(user)
    password = SecretStore().get_installation_secret(keyring_name(location))
    assert password, "init saved the new login's password in the keyring"
    return psycopg.connect(autocommit=True, **location.conninfo_params(password))


_EVENT = (
    "INSERT INTO events (received_us, source, event, verification, method, path, headers, "
    "raw_body, search) VALUES (1, 'bitrix', 'ONCRMDEALADD', 'verified', 'POST', '/b', '[]', "
    "'\\x00'::bytea, ''::tsvector) RETURNING id"
)


def _refused(conn: psycopg.Connection[tuple[object, ...]], statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


def test_the_listener_role_stores_events_and_cursors_and_no_more(
    initialised: str, pg_cluster: PgCluster
) -> None:
    dbname = _dbname(initialised)
    with _login(pg_cluster, initialised, f"{dbname}_l1") as conn:
        row = conn.execute(_EVENT).fetchone()
        assert row is not None
        event_id = row[0]
        conn.execute("INSERT INTO cursors VALUES ('catch-up:shop', 'x')")
        conn.execute("UPDATE cursors SET value = 'y' WHERE name = 'catch-up:shop'")
        conn.execute("UPDATE events SET order_id = '7' WHERE id = %s", (event_id,))
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (1,)
        _refused(conn, f"DELETE FROM events WHERE id = {event_id}")  # noqa: S608
        _refused(conn, f"UPDATE events SET pinned = true WHERE id = {event_id}")  # noqa: S608
        _refused(conn, "SELECT * FROM changes")
        _refused(
            conn,
            "INSERT INTO changes (at_us, operator, profile, kind, action, outcome) "
            "VALUES (1, 'x', 'p', 'k', 'a', 'applied')",
        )
        _refused(conn, "DELETE FROM cursors")
        _refused(conn, "CREATE TABLE mine (x int)")
        _refused(conn, "TRUNCATE events")
        # A listener says it is present (migration 3) and leaves when it stops, through
        # the functions that write its own row only (migration 4).
        conn.execute(
            "SELECT presence_beat('l1', 'svc', 'srv-1', 1, 'listener', 'http://srv-1:8080', "
            "'{shop}')"
        )
        assert conn.execute("SELECT login FROM presence").fetchone() == (f"{dbname}_l1",)
        conn.execute("SELECT presence_leave('l1')")
        _refused(conn, "UPDATE presence SET last_seen = now()")


def test_the_console_role_reads_pins_and_records_changes_but_stores_no_events(
    initialised: str, pg_cluster: PgCluster
) -> None:
    dbname = _dbname(initialised)
    event_id = int(pg_cluster.psql(_EVENT, dbname).split()[0])
    with _login(pg_cluster, initialised, f"{dbname}_c1") as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (1,)
        conn.execute("UPDATE events SET pinned = true WHERE id = %s", (event_id,))
        _refused(conn, f"UPDATE events SET order_id = '9' WHERE id = {event_id}")  # noqa: S608
        conn.execute(
            "INSERT INTO changes (at_us, operator, profile, kind, action, outcome) "
            "VALUES (1, 'alice', 'shop', 'order_status', 'set', 'applied')"
        )
        assert conn.execute("SELECT count(*) FROM changes").fetchone() == (1,)
        _refused(conn, _EVENT)
        _refused(conn, f"DELETE FROM events WHERE id = {event_id}")  # noqa: S608
        _refused(conn, f"UPDATE events SET raw_body = '' WHERE id = {event_id}")  # noqa: S608
        _refused(conn, "INSERT INTO cursors VALUES ('x', 'y')")
        _refused(conn, "DELETE FROM changes")
        _refused(conn, "CREATE TABLE mine (x int)")
    # The counts the sidebar reads followed the pin made through the console role.
    pinned = pg_cluster.psql("SELECT sum(n) FROM event_counts WHERE pinned", dbname)
    assert pinned.strip() == "1"


def test_every_table_of_the_schema_has_declared_grants(initialised: str) -> None:
    from console.store.postgres.roles import TABLE_GRANTS

    declared = {grant.table for grant in TABLE_GRANTS}
    location = parse_store_url(initialised)
    with psycopg.connect(**location.conninfo_params(_password())) as conn:
        from console.store.postgres.roles import schema_tables

        assert set(schema_tables(conn)) <= declared


def _password() -> str:
    import os

    return os.environ["B24_STORE_PASSWORD"]


def test_migrate_says_from_which_version_to_which(
    admin_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["store", "migrate", admin_url]) == 2
    assert "store init" in capsys.readouterr().err
    assert main(["store", "init", admin_url]) == 0
    capsys.readouterr()
    assert main(["store", "migrate", admin_url, "--json"]) == 0
    data = _json(capsys)
    assert (data["schema_before"], data["schema_version"]) == (SCHEMA_VERSION, SCHEMA_VERSION)


def test_init_wants_a_postgresql_url(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["store", "init", "sqlite:///tmp/x.sqlite3"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("postgresql://me:hunter2@db.example/shop", 2, "carries a password"),
        ("mysql://db.example/shop", 2, "unknown store kind"),
        ("postgresql://db.example", 2, "database name"),
    ],
)
def test_a_bad_store_url_is_a_usage_error(
    url: str, code: int, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["events", "list", "--store", url]) == code
    err = capsys.readouterr().err
    assert words in err and "hunter2" not in err


def test_opening_errors_name_the_fix(
    admin_url: str,
    pg_cluster: PgCluster,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No schema yet: store init.
    assert main(["events", "list", "--store", admin_url]) == 2
    assert f"store init {admin_url}" in capsys.readouterr().err
    # A wrong password: exit 5, and the password itself is never printed.
    monkeypatch.setenv("B24_STORE_PASSWORD", "wrong-password-123")
    assert main(["events", "list", "--store", admin_url, "--json"]) == 5
    out = capsys.readouterr().out
    assert "refused the login" in out and "wrong-password-123" not in out
    assert "store password" in out
    # No password anywhere: said so.
    monkeypatch.delenv("B24_STORE_PASSWORD")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    assert main(["events", "list", "--store", admin_url]) == 5
    assert "needs a password" in capsys.readouterr().err
    # Nothing listens there: exit 4.
    nowhere = f"postgresql://x@127.0.0.1:{free_port()}/db"
    assert main(["events", "list", "--store", nowhere]) == 4
    assert "cannot reach" in capsys.readouterr().err
    # A database that does not exist.
    monkeypatch.setenv("B24_STORE_PASSWORD", pg_cluster.password)
    missing = admin_url.rsplit("/", 1)[0] + "/no_such_db"
    assert main(["events", "list", "--store", missing]) == 2
    assert "no database 'no_such_db'" in capsys.readouterr().err


def test_store_and_data_dir_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "list", "--store", "sqlite:///tmp/a.sqlite3", "--data-dir", "/tmp"]) == 2
    assert "only one" in capsys.readouterr().err


def test_a_sqlite_url_works_where_data_dir_did(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from console.store import SqliteEventStore
    from tests.store.records import record

    path = Path(str(tmp_path)) / "elsewhere" / "events.sqlite3"
    with SqliteEventStore(path) as store:
        event_id = store.append(record()).id
    assert main(["events", "list", "--store", f"sqlite://{path}", "--json"]) == 0
    assert [row["id"] for row in json.loads(capsys.readouterr().out)] == [event_id]
    assert main(["--store", f"sqlite://{path}", "events", "show", str(event_id), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == event_id


def test_store_password_checks_then_saves(
    admin_url: str,
    pg_cluster: PgCluster,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    location = parse_store_url(admin_url)
    monkeypatch.setenv("B24_STORE_PASSWORD", "not-it-at-all")
    assert main(["store", "password", admin_url]) == 5
    assert SecretStore().get_installation_secret(keyring_name(location)) is None
    capsys.readouterr()
    monkeypatch.setenv("B24_STORE_PASSWORD", pg_cluster.password)
    assert main(["store", "password", admin_url]) == 0
    assert SecretStore().get_installation_secret(keyring_name(location)) == pg_cluster.password
    assert main(["store", "password", admin_url, "--forget"]) == 0
    assert SecretStore().get_installation_secret(keyring_name(location)) is None


def test_a_saved_password_is_used_without_the_environment(
    admin_url: str,
    pg_cluster: PgCluster,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_password(parse_store_url(admin_url), pg_cluster.password)
    monkeypatch.delenv("B24_STORE_PASSWORD")
    assert main(["store", "migrate", admin_url]) == 2  # reached the database: no schema yet
    assert "store init" in capsys.readouterr().err


def test_an_older_schema_is_named_and_migrate_upgrades_it(
    admin_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.store.postgres import migrations, schema

    assert main(["store", "init", admin_url]) == 0
    capsys.readouterr()
    # This program now knows one migration more than the database has.
    current = migrations.SCHEMA_VERSION
    newer = migrations.Migration(
        current + 1, "test index", "CREATE INDEX events_test_member ON events (member_id)"
    )
    known = (*migrations.MIGRATIONS, newer)
    for module in (migrations, schema):
        monkeypatch.setattr(module, "MIGRATIONS", known)
        monkeypatch.setattr(module, "SCHEMA_VERSION", current + 1)
    assert main(["events", "list", "--store", admin_url]) == 2
    err = capsys.readouterr().err
    assert f"schema version {current}" in err and f"store migrate {admin_url}" in err
    assert main(["store", "migrate", admin_url]) == 0
    assert f"from version {current} to {current + 1}" in capsys.readouterr().out
    assert main(["events", "list", "--store", admin_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_schema_from_a_newer_console_is_refused_not_touched(
    admin_url: str, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["store", "init", admin_url]) == 0
    capsys.readouterr()
    pg_cluster.psql(
        "INSERT INTO schema_migrations (version, name) VALUES (99, 'future')", _dbname(admin_url)
    )
    assert main(["events", "list", "--store", admin_url]) == 2
    assert "newer b24-console" in capsys.readouterr().err
    assert main(["store", "migrate", admin_url]) == 2
    err = capsys.readouterr().err
    assert "newer" in err and "internal error" not in err


def test_the_settings_choose_the_store_and_a_bad_url_there_is_named(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from console.core.settings import Settings, save_settings, settings_path
    from console.store import SqliteEventStore
    from tests.store.records import record

    path = Path(str(tmp_path)) / "team-less" / "events.sqlite3"
    with SqliteEventStore(path) as store:
        event_id = store.append(record()).id
    save_settings(Settings(store_url=f"sqlite://{path}"))
    assert main(["events", "list", "--json"]) == 0
    assert [row["id"] for row in json.loads(capsys.readouterr().out)] == [event_id]
    save_settings(Settings(store_url="postgres://db.example"))
    assert main(["events", "list"]) == 2
    err = capsys.readouterr().err
    assert "store_url" in err and str(settings_path()) in err and "database name" in err


def test_settings_refuse_a_password_in_the_store_url() -> None:
    import pydantic

    from console.core.settings import Settings

    with pytest.raises(pydantic.ValidationError) as caught:
        Settings(store_url="postgresql://alice:hunter2@db.example/shop")
    assert "password" in str(caught.value)


def test_migrate_rewrites_existing_events_search_text_and_shows_how_far(
    admin_url: str,
    pg_cluster: PgCluster,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from console.store import EventFilter, Verification
    from console.store.postgres import PostgresEventStore, migrations, schema
    from console.store.postgres.migrations import m0005_summary_search
    from console.store.postgres.search import search_vector
    from tests.store.records import record

    location = parse_store_url(admin_url)
    with monkeypatch.context() as old:
        before = tuple(m for m in migrations.MIGRATIONS if m.version < 5)
        for module in (migrations, schema):
            old.setattr(module, "MIGRATIONS", before)
            old.setattr(module, "SCHEMA_VERSION", before[-1].version)
        assert main(["store", "init", admin_url]) == 0
        with PostgresEventStore(location, pg_cluster.password) as store:
            for _ in range(5):
                store.append(
                    record(verification=Verification.REJECTED, verification_reason="wrong token")
                )
    # The search vectors as version 4 wrote them: the payload's words only.
    with psycopg.connect(**pg_cluster.admin_params(location.dbname), autocommit=True) as conn:
        for event_id, payload in conn.execute("SELECT id, payload FROM events").fetchall():
            conn.execute(
                "UPDATE events SET search = %s::tsvector WHERE id = %s",
                (search_vector(payload), event_id),
            )
    capsys.readouterr()
    monkeypatch.setattr(m0005_summary_search, "BATCH", 2)
    assert main(["store", "migrate", admin_url]) == 0
    captured = capsys.readouterr()
    assert f"from version 4 to {SCHEMA_VERSION}" in captured.out
    assert "rewrote 2 existing events" in captured.err
    assert "rewrote 5 existing events" in captured.err
    with PostgresEventStore(location, pg_cluster.password) as store:
        assert store.count(EventFilter(phrases=frozenset({"wrong token"}))) == 5
    assert main(["store", "migrate", admin_url]) == 0
    assert "nothing to do" in capsys.readouterr().out
