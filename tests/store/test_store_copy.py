"""``b24-console store copy``: SQLite -> PostgreSQL -> SQLite, resumable, never twice.

Real stores at both ends: SQLite files and a database in the throwaway cluster, its
schema made by ``store init``.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from console.cli import main
from console.store import ChangeKind, ChangeRecord, SqliteEventStore, Verification
from console.store.copy import EVENT_COLUMNS
from console.store.postgres import locks
from console.store.rows import RECORD_COLUMNS
from tests.store.records import record
from tests.support.postgres import PgCluster


@pytest.fixture
def team_url(pg_cluster: PgCluster, pg_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("B24_STORE_PASSWORD", pg_cluster.password)
    assert main(["store", "init", pg_database, "--json"]) == 0
    return pg_database


def _fill(path: Path, count: int = 0) -> None:
    """A desktop store with every kind of row a copy must keep."""
    with SqliteEventStore(path) as store:
        first = store.append(record(entity_id="dup-1", ts="1"))
        store.append(record(entity_id="dup-1", ts="1"))  # a duplicate delivery
        store.append(record(verification=Verification.REJECTED, verification_reason="bad token"))
        store.append(record(verification=Verification.REJECTED, verification_reason="bad token"))
        store.append(
            record(
                verification=Verification.MALFORMED,
                raw_body=b"\xff\xfe not utf-8 \x00 at all",
                payload=None,
                content_type=None,
            )
        )
        store.append(
            record(
                payload={"comment": "Доставка Олені, olena@example.com, +38 (012) 421-42-14"},
                headers=[("X-Tab", "a\tb"), ("Content-Type", "text/plain; charset=utf-8")],
            )
        )
        store.set_pinned(first.id, True)
        for pending in [store.submit(record()) for _ in range(count)]:
            pending.result()
        store.record_change(
            ChangeRecord(
                at=datetime(2025, 3, 2, 10, 0, 0, 654321, tzinfo=UTC),
                operator="olena",
                profile="main",
                kind=ChangeKind.ORDER_STATUS,
                action="set",
                order_id="o1",
                before={"status": "N"},
                after={"status": "P"},
            )
        )
        store.set_cursor("catch-up:main", "2025-03-01T12:00:00+00:00")


def _rows(path: Path) -> list[tuple[Any, ...]]:
    """Every event as stored, in order, with its duplicate as the original's position."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY id"  # noqa: S608
        ).fetchall()
    finally:
        conn.close()
    position = {row[0]: index for index, row in enumerate(rows)}
    return [(position.get(row[1]) if row[1] is not None else None, *row[2:]) for row in rows]


def _table(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _copy(capsys: pytest.CaptureFixture[str], source: str, target: str) -> dict[str, Any]:
    assert main(["store", "copy", source, target, "--json", "--batch", "3"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[-1]["type"] == "done"
    assert any(line["type"] == "progress" for line in lines)
    done: dict[str, Any] = lines[-1]
    return done


def test_a_round_trip_keeps_every_byte(
    team_url: str, tmp_path: Path, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    desktop = tmp_path / "desktop" / "events.sqlite3"
    back = tmp_path / "back" / "events.sqlite3"
    _fill(desktop, count=5)
    first = _copy(capsys, f"sqlite://{desktop}", team_url)
    assert (first["copied"], first["already_there"], first["changes"]) == (11, 0, 1)
    assert first["cursors"] == ["catch-up:main"]
    dbname = team_url.rsplit("/", 1)[1]
    assert pg_cluster.psql("SELECT count(*) FROM events", dbname).strip() == "11"
    # The team store answers full-text searches on what was copied.
    found = pg_cluster.psql(
        "SELECT count(*) FROM events WHERE search @@ to_tsquery('simple', 'олені')", dbname
    )
    assert found.strip() == "1"

    again = _copy(capsys, f"sqlite://{desktop}", team_url)
    assert (again["copied"], again["already_there"], again["changes"]) == (0, 0, 0)
    assert pg_cluster.psql("SELECT count(*) FROM events", dbname).strip() == "11"

    _copy(capsys, team_url, f"sqlite://{back}")
    assert _rows(back) == _rows(desktop)
    # Every column of the record, pinned, and the duplicate's link came back unchanged.
    assert len(_rows(back)[0]) == len(RECORD_COLUMNS) + 2
    changes = "SELECT at_us, operator, profile, kind, action, order_id, before, after FROM changes"
    assert _table(back, changes) == _table(desktop, changes)
    assert _table(back, "SELECT * FROM cursors WHERE name = 'catch-up:main'") == _table(
        desktop, "SELECT * FROM cursors WHERE name = 'catch-up:main'"
    )
    with SqliteEventStore(back) as restored, SqliteEventStore(desktop) as original:
        for a, b in zip(original.iter_events(), restored.iter_events(), strict=True):
            assert a.model_dump(exclude={"id", "duplicate_of"}) == b.model_dump(
                exclude={"id", "duplicate_of"}
            )


def test_a_delivery_the_team_already_has_is_not_copied_again(
    team_url: str, tmp_path: Path, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"
    with SqliteEventStore(one) as store:
        store.append(record(entity_id="same", ts="9"))
        store.append(record(verification=Verification.REJECTED))
    with SqliteEventStore(two) as store:
        store.append(record(entity_id="same", ts="9"))  # the same delivery, seen by another
        store.append(record(entity_id="same", ts="9"))  # and its duplicate
    assert _copy(capsys, f"sqlite://{one}", team_url)["copied"] == 2
    second = _copy(capsys, f"sqlite://{two}", team_url)
    assert (second["copied"], second["already_there"]) == (1, 1)
    dbname = team_url.rsplit("/", 1)[1]
    originals = pg_cluster.psql(
        "SELECT count(*) FROM events WHERE entity_id = 'same' AND duplicate_of IS NULL", dbname
    )
    duplicates = pg_cluster.psql(
        "SELECT count(*) FROM events WHERE entity_id = 'same' AND duplicate_of IS NOT NULL",
        dbname,
    )
    assert (originals.strip(), duplicates.strip()) == ("1", "1")


def test_a_killed_copy_resumes_and_never_duplicates(
    team_url: str, tmp_path: Path, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    desktop = tmp_path / "events.sqlite3"
    _fill(desktop, count=6000)
    total = len(_rows(desktop))
    command = [
        sys.executable, "-m", "console", "store", "copy",
        f"sqlite://{desktop}", team_url, "--json", "--batch", "20",
    ]  # fmt: skip
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    assert child.stdout is not None
    dbname = team_url.rsplit("/", 1)[1]
    # Once some batches are in, the test takes the insert-order lock every insert into the
    # team store waits for: the copy cannot finish before the kill, however fast it runs.
    with psycopg.connect(**pg_cluster.admin_params(dbname), autocommit=True) as blocker:
        for line in child.stdout:
            data = json.loads(line)
            if data["type"] == "progress" and 0 < data["done"] < total:
                blocker.execute(
                    "SELECT pg_advisory_lock(%s, b24_lock_key(%s))",
                    (locks.NAMESPACE, locks.INSERT_ORDER_NAME),
                )
                child.send_signal(signal.SIGKILL)
                break
        child.wait(30)
    assert child.returncode == -signal.SIGKILL, "the copy finished before it could be killed"
    partial = int(pg_cluster.psql("SELECT count(*) FROM events", dbname))
    assert 0 < partial < total

    resumed = _copy(capsys, f"sqlite://{desktop}", team_url)
    assert resumed["resumed_after_id"] > 0
    assert resumed["copied"] + partial == total
    assert int(pg_cluster.psql("SELECT count(*) FROM events", dbname)) == total
    assert _copy(capsys, f"sqlite://{desktop}", team_url)["copied"] == 0
    # Every copied row is there once: no two rows share a received time and entity.
    twice = pg_cluster.psql(
        "SELECT count(*) FROM (SELECT received_us, entity_id, count(*) FROM events "
        "GROUP BY 1, 2 HAVING count(*) > 1 AND bool_and(duplicate_of IS NULL)) AS t",
        dbname,
    )
    assert twice.strip() == "0"


def test_copy_refuses_the_same_store_and_a_missing_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.sqlite3"
    assert main(["store", "copy", f"sqlite://{path}", f"sqlite://{path}"]) == 2
    assert "same store" in capsys.readouterr().err
    assert main(["store", "copy", f"sqlite://{path}", f"sqlite://{tmp_path}/b.sqlite3"]) == 2
    assert "no event store" in capsys.readouterr().err
    assert not path.exists()


def test_on_a_terminal_the_copy_draws_a_progress_bar(tmp_path: Path) -> None:
    import pty

    source, target = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    _fill(source, count=50)
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "console",
                "store",
                "copy",
                f"sqlite://{source}",
                f"sqlite://{target}",
                "--batch",
                "10",
            ],
            stderr=follower,
            stdout=subprocess.PIPE,
            text=True,
            timeout=60,
            check=True,
        )
        os.close(follower)
        follower = -1
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert b"copying events [" in drawn and b"56/56 (100%)" in drawn
    assert result.stdout.startswith("copied 56 events")


def _letters(count: int) -> str:
    import random
    import string

    # Random, so PostgreSQL cannot compress the index entry below its limit.
    chooser = random.Random(count)
    return "".join(chooser.choice(string.ascii_letters) for _ in range(count))


def test_a_row_an_older_version_kept_whole_is_copied_within_the_bounds(
    team_url: str, tmp_path: Path, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    from console.store.bounds import MAX_INDEXED_BYTES

    desktop = tmp_path / "events.sqlite3"
    huge = _letters(3000)
    with SqliteEventStore(desktop) as store:
        store.append(record())
        forged = store.append(
            record(verification=Verification.REJECTED, payload={"comment": _letters(2047)})
        ).id
        store.append(record())
    # As a store without the bounds kept a forged event: its values whole.
    conn = sqlite3.connect(desktop)
    try:
        conn.execute(
            "UPDATE events SET profile = ?, order_id = ?, entity_id = ?, event = ? WHERE id = ?",
            (huge, huge, huge, huge, forged),
        )
        conn.commit()
    finally:
        conn.close()

    done = _copy(capsys, f"sqlite://{desktop}", team_url)
    assert (done["copied"], done["refused"]) == (3, [])
    dbname = team_url.rsplit("/", 1)[1]
    lengths = pg_cluster.psql(
        "SELECT octet_length(profile), octet_length(order_id), octet_length(entity_id), "
        "verification_reason FROM events WHERE verification = 'rejected'",
        dbname,
    )
    sizes, reason = lengths.strip().rsplit("|", 1)
    assert sizes.split("|") == [str(MAX_INDEXED_BYTES)] * 3
    assert "cut" in reason


_REFUSE_POISON = (
    "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the target refuses this one'; END $$; "
    "CREATE TRIGGER poison BEFORE INSERT ON events FOR EACH ROW "
    "WHEN (strpos(new.payload, 'poison') > 0) EXECUTE FUNCTION poison()"
)


def test_a_row_the_team_database_refuses_is_reported_and_skipped(
    team_url: str, tmp_path: Path, pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    desktop = tmp_path / "events.sqlite3"
    with SqliteEventStore(desktop) as store:
        store.append(record(entity_id="first", ts="1"))
        refused = store.append(record(payload={"note": "poison"})).id
        store.append(record(entity_id="first", ts="1"))  # a duplicate, after it
        store.append(record())
    dbname = team_url.rsplit("/", 1)[1]
    pg_cluster.psql(_REFUSE_POISON, dbname)

    done = _copy(capsys, f"sqlite://{desktop}", team_url)
    assert done["copied"] == 3
    assert [row["source_id"] for row in done["refused"]] == [refused]
    assert "the target refuses this one" in done["refused"][0]["reason"]
    assert pg_cluster.psql("SELECT count(*) FROM events", dbname).strip() == "3"
    # Its duplicate still points at its original there.
    linked = pg_cluster.psql(
        "SELECT count(*) FROM events d JOIN events o ON d.duplicate_of = o.id "
        "WHERE d.entity_id = 'first'",
        dbname,
    )
    assert linked.strip() == "1"
    assert _copy(capsys, f"sqlite://{desktop}", team_url)["copied"] == 0


def test_a_row_a_sqlite_target_refuses_is_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    with SqliteEventStore(source) as store:
        store.append(record())
        refused = store.append(record(payload={"note": "poison"})).id
        store.append(record())
    SqliteEventStore(target).close()
    conn = sqlite3.connect(target)
    try:
        conn.execute(
            "CREATE TRIGGER poison BEFORE INSERT ON events WHEN new.payload LIKE '%poison%' "
            "BEGIN SELECT RAISE(ABORT, 'the target refuses this one'); END"
        )
    finally:
        conn.close()
    done = _copy(capsys, f"sqlite://{source}", f"sqlite://{target}")
    assert done["copied"] == 2
    assert [row["source_id"] for row in done["refused"]] == [refused]
    assert len(_rows(target)) == 2
