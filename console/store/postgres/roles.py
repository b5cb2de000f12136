"""The two group roles of a team store and exactly what each may do.

``<db>_listener`` is what a listener logs in as (through a login role that is a member):
it stores events, reads them back (deduplication, subscribers, catch-up), sets the order
an event turned out to be about, and keeps its cursors. ``<db>_console`` is an operator's
window: it reads events, pins them, sets their order, and records the changes made
through the forms. Neither may delete an event or change the schema: purging and
migrating are for the database's owner.

The declaration is per table; a table of the schema missing from it is an error, so a
new migration cannot ship a table that nobody (or everybody) may touch by accident.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import psycopg
from psycopg import sql


class Role(enum.StrEnum):
    LISTENER = "listener"
    CONSOLE = "console"


def group_role_name(dbname: str, role: Role) -> str:
    """``<db>_listener`` / ``<db>_console``: roles are cluster-wide, so the database names them."""
    return f"{dbname}_{role.value}"


@dataclass(frozen=True)
class TableGrant:
    """What each role may do with one table: privilege texts as GRANT takes them."""

    table: str
    listener: tuple[str, ...] = ()
    console: tuple[str, ...] = ()

    def for_role(self, role: Role) -> tuple[str, ...]:
        return self.listener if role is Role.LISTENER else self.console


TABLE_GRANTS: tuple[TableGrant, ...] = (
    TableGrant(
        "events",
        # SELECT: RETURNING ids, the original of a duplicate, subscribers reading rows;
        # order_id: the resolver in the listener attaches orders to property events.
        listener=("SELECT", "INSERT", "UPDATE (order_id)"),
        console=("SELECT", "UPDATE (pinned, order_id)"),
    ),
    # Kept by triggers that run with the rights of whoever changed the events.
    TableGrant(
        "event_counts",
        listener=("SELECT", "INSERT", "UPDATE"),
        console=("SELECT", "INSERT", "UPDATE"),
    ),
    TableGrant("cursors", listener=("SELECT", "INSERT", "UPDATE")),
    TableGrant("changes", console=("SELECT", "INSERT")),
    TableGrant("schema_migrations", listener=("SELECT",), console=("SELECT",)),
    # Migration 2 (the team in the window): every process of the team draws REST calls
    # from one bucket row per portal; consoles say they are present and see who else is
    # (and forget sessions silent for a day).
    TableGrant(
        "rest_buckets",
        listener=("SELECT", "INSERT", "UPDATE"),
        console=("SELECT", "INSERT", "UPDATE"),
    ),
    # Migration 3: listeners heartbeat too (with their address and the portals they poll).
    TableGrant(
        "presence",
        listener=("SELECT", "INSERT", "UPDATE", "DELETE"),
        console=("SELECT", "INSERT", "UPDATE", "DELETE"),
    ),
)


class UndeclaredTables(RuntimeError):
    """The schema has tables :data:`TABLE_GRANTS` does not mention."""


def schema_tables(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1"
    ).fetchall()
    return [str(row[0]) for row in rows]


def role_exists(conn: psycopg.Connection[tuple[object, ...]], name: str) -> bool:
    found = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    return found is not None


@dataclass
class GrantReport:
    created_roles: list[str]
    existing_roles: list[str]
    granted: dict[str, list[str]]


def _owned_sequences(conn: psycopg.Connection[tuple[object, ...]], table: str) -> list[str]:
    rows = conn.execute(
        "SELECT pg_get_serial_sequence(quote_ident(%s), a.attname) FROM pg_attribute a "
        "WHERE a.attrelid = to_regclass(quote_ident(%s)) AND a.attnum > 0 "
        "AND NOT a.attisdropped",
        (table, table),
    ).fetchall()
    return [str(row[0]) for row in rows if row[0] is not None]


def apply_grants(
    conn: psycopg.Connection[tuple[object, ...]], dbname: str, *, create_roles: bool
) -> GrantReport:
    """Create the group roles (``create_roles``) and give them exactly what they may do.

    Idempotent: every privilege the roles had on the schema's tables and sequences is
    revoked first, in the same transaction, so a narrower declaration takes effect too.
    Raises :class:`UndeclaredTables` when the schema has a table nobody declared.
    """
    report = GrantReport([], [], {})
    with conn.transaction():
        tables = schema_tables(conn)
        declared = {grant.table: grant for grant in TABLE_GRANTS}
        undeclared = sorted(set(tables) - set(declared))
        if undeclared:
            raise UndeclaredTables("tables without a declared grant: " + ", ".join(undeclared))
        for role in Role:
            name = group_role_name(dbname, role)
            ident = sql.Identifier(name)
            if role_exists(conn, name):
                report.existing_roles.append(name)
            elif create_roles:
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(ident))
                report.created_roles.append(name)
            else:
                continue
            conn.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(dbname), ident)
            )
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident))
            conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(ident))
            conn.execute(
                sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(ident)
            )
            given: list[str] = []
            for table in tables:
                privileges = declared[table].for_role(role)
                if not privileges:
                    continue
                conn.execute(
                    sql.SQL("GRANT {} ON TABLE {} TO {}").format(
                        sql.SQL(", ").join(sql.SQL(text) for text in privileges),
                        sql.Identifier(table),
                        ident,
                    )
                )
                given.append(f"{', '.join(privileges)} on {table}")
                if "INSERT" in privileges:
                    for sequence in _owned_sequences(conn, table):
                        conn.execute(
                            sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(
                                sql.SQL(sequence), ident
                            )
                        )
                        given.append(f"USAGE on {sequence}")
            report.granted[name] = given
    return report


def ensure_login(
    conn: psycopg.Connection[tuple[object, ...]], login: str, group: str, password: str
) -> bool:
    """Make ``login`` a member of ``group``, creating it with ``password`` if it is new.

    Returns whether it was created. The password reaches the server only as a SCRAM
    verifier computed here, so it never appears in the server's statement log.
    """
    created = False
    if not role_exists(conn, login):
        verifier = conn.pgconn.encrypt_password(
            password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256"
        ).decode("ascii")
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(login), sql.Literal(verifier)
            )
        )
        created = True
    conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login)))
    return created
