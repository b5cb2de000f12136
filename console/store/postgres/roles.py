"""The two group roles of a team store and exactly what each may do.

``<db>_listener`` is what a listener logs in as (through a login role that is a member):
it stores events, reads them back (deduplication, subscribers, catch-up), sets the order
an event turned out to be about, and keeps its cursors. ``<db>_console`` is an operator's
window: it reads events, pins them, and records the changes made through the forms.
Neither may delete an event or change the schema: purging and migrating are for the
database's owner. Shared rows that both write (presence, the REST bucket, the event
counts, the pin log) are written only by the schema's SECURITY DEFINER functions, each
declared in :data:`FUNCTION_GRANTS`; every other function is the owner's alone.

The declaration is per table; a table of the schema missing from it is an error, so a
new migration cannot ship a table that nobody (or everybody) may touch by accident.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

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
        # The window only pins (migration 4: every pin is logged with its login).
        listener=("SELECT", "INSERT", "UPDATE (order_id)"),
        console=("SELECT", "UPDATE (pinned)"),
    ),
    # Kept by a SECURITY DEFINER trigger (migration 4): the roles only read them.
    TableGrant("event_counts", listener=("SELECT",), console=("SELECT",)),
    TableGrant("cursors", listener=("SELECT", "INSERT", "UPDATE")),
    # Every column but ``login``, which a trigger sets to the session's login.
    TableGrant(
        "changes",
        console=(
            "SELECT",
            "INSERT (at_us, operator, profile, kind, action, order_id, entity_id, before, "
            "after, outcome, summary)",
        ),
    ),
    TableGrant("schema_migrations", listener=("SELECT",), console=("SELECT",)),
    # Migration 2 (the team in the window): every process of the team draws REST calls
    # from one bucket row per portal; consoles say they are present and see who else is.
    # Migration 4: both are written only through the functions below.
    TableGrant("rest_buckets", listener=("SELECT",), console=("SELECT",)),
    TableGrant("presence", listener=("SELECT",), console=("SELECT",)),
    TableGrant("pin_log", listener=("SELECT",), console=("SELECT",)),
    # The lock salt: the owner's alone.
    TableGrant("store_secrets"),
)


@dataclass(frozen=True)
class FunctionGrant:
    """Who may EXECUTE one of the schema's SECURITY DEFINER functions (signature as
    GRANT takes it); a function not declared here is the owner's alone."""

    signature: str
    roles: tuple[Role, ...]


_TEAM = (Role.LISTENER, Role.CONSOLE)
FUNCTION_GRANTS: tuple[FunctionGrant, ...] = (
    FunctionGrant("b24_take_insert_order_lock()", (Role.LISTENER,)),
    # A window's own listener polls too, under its operator's login.
    FunctionGrant("b24_try_lease(text)", _TEAM),
    FunctionGrant("b24_release_lease(text)", _TEAM),
    FunctionGrant("b24_lock_holders(text)", _TEAM),
    FunctionGrant("presence_beat(text, text, text, integer, text, text, text[])", _TEAM),
    FunctionGrant("presence_leave(text)", _TEAM),
    FunctionGrant("rest_bucket_take(text, float8, float8, float8)", _TEAM),
    FunctionGrant("rest_bucket_refused(text, float8, float8)", _TEAM),
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
    # What PUBLIC (every login of the cluster) was refused on this database and schema.
    revoked_from_public: list[str] = field(default_factory=list)


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
        report.revoked_from_public = _revoke_from_public(conn, dbname)
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
            conn.execute(
                sql.SQL("REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {}").format(ident)
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
                if any(text.startswith("INSERT") for text in privileges):
                    for sequence in _owned_sequences(conn, table):
                        conn.execute(
                            sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(
                                sql.SQL(sequence), ident
                            )
                        )
                        given.append(f"USAGE on {sequence}")
            for function in FUNCTION_GRANTS:
                if role not in function.roles:
                    continue
                conn.execute(
                    sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(
                        sql.SQL(function.signature), ident
                    )
                )
                given.append(f"EXECUTE on {function.signature}")
            report.granted[name] = given
    return report


def _revoke_from_public(conn: psycopg.Connection[tuple[object, ...]], dbname: str) -> list[str]:
    """Every login of the cluster may connect to a new database, make temporary tables in
    it and use its public schema: a login outside the team could take the store's locks.
    Only the owner and the team's roles may connect (the roles are granted CONNECT)."""
    conn.execute(
        sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(
            sql.Identifier(dbname)
        )
    )
    conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
    for function in FUNCTION_GRANTS:
        conn.execute(
            sql.SQL("REVOKE ALL ON FUNCTION {} FROM PUBLIC").format(sql.SQL(function.signature))
        )
    return [
        f"CONNECT, TEMPORARY on database {dbname}",
        "ALL on schema public",
        "EXECUTE on the store's functions",
    ]


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
