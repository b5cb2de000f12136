"""``b24-console store``: create, upgrade and copy event stores; keep a store's password.

``init`` and ``migrate`` are for a team's PostgreSQL database (a SQLite store creates and
upgrades itself when it is opened); ``copy`` works between any two stores.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from typing import TYPE_CHECKING, Any

from console.cli.app import CliError, ExitCode, emit, emit_line, wants_json
from console.cli.store_choice import location_from_url
from console.store.location import StoreLocation

if TYPE_CHECKING:
    from console.store.copy import CopyProgress
    from console.store.postgres.password import StorePassword

# Seconds between two progress lines under --json (a terminal's bar redraws as often).
PROGRESS_EVERY = 0.5


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    store = subparsers.add_parser(
        "store",
        help="create, upgrade and copy event stores (team mode: PostgreSQL)",
        description="A team keeps its events in one PostgreSQL database: `store init` "
        "creates it, `store migrate` upgrades it, `store copy` moves a desktop's history "
        "into it (and back). The password is never part of a URL: it is asked without "
        "echo and kept in the OS keyring, or read from B24_STORE_PASSWORD or PGPASSWORD.",
    )
    commands = store.add_subparsers(dest="store_command", metavar="ACTION", required=True)

    init = commands.add_parser(
        "init",
        help="create the schema and the listener and console roles in a PostgreSQL database",
        description="Create the event store's schema in an existing database (as its "
        "owner) and two group roles without login: DB_listener (store events, keep "
        "cursors) and DB_console (read, pin, record changes). Run again at any time: it "
        "changes nothing that is already right.",
    )
    init.add_argument("url", metavar="URL", help="postgresql://owner@host:5432/db")
    init.add_argument(
        "--listener-login",
        metavar="NAME",
        help="also make login role NAME a listener (created with a random password, which "
        "is saved in this computer's keyring, if it does not exist)",
    )
    init.add_argument(
        "--console-login",
        metavar="NAME",
        action="append",
        help="also make login role NAME a console (as --listener-login); may be repeated",
    )
    init.set_defaults(handler=_init)

    migrate = commands.add_parser(
        "migrate", help="upgrade a PostgreSQL store's schema to this version's"
    )
    migrate.add_argument("url", metavar="URL", help="postgresql://owner@host:5432/db")
    migrate.set_defaults(handler=_migrate)

    copy = commands.add_parser(
        "copy",
        help="copy every event, pin, change and cursor from one store into another",
        description="Copy a store's history into another store: a desktop's SQLite file "
        "into the team database, or back. Interrupted, it resumes where it stopped; run "
        "again, it copies only what is new; it never writes an event twice.",
    )
    copy.add_argument("source", metavar="FROM", help="sqlite:///path or postgresql://...")
    copy.add_argument(
        "target", metavar="TO", help="sqlite:///path (created if missing) or postgresql://..."
    )
    copy.add_argument("--batch", type=int, default=500, metavar="N", help="events per transaction")
    copy.set_defaults(handler=_copy)

    password = commands.add_parser(
        "password",
        help="save (or --forget) a PostgreSQL store's password in the OS keyring",
        description="Ask for the password without echo (or read B24_STORE_PASSWORD when "
        "there is no terminal), check it against the database, and save it in the keyring "
        "where the window, its listener and every command find it.",
    )
    password.add_argument("url", metavar="URL", help="postgresql://user@host:5432/db")
    password.add_argument("--forget", action="store_true", help="remove the saved password")
    password.set_defaults(handler=_password)

    for sub in (init, migrate, copy, password):
        sub.add_argument("--json", action="store_true", help="machine-readable output")


def _postgres(url: str, command: str) -> StoreLocation:
    location = location_from_url(url, "URL")
    if not location.is_postgres:
        raise CliError(
            f"store {command} is for a PostgreSQL store (postgresql://user@host/db); a SQLite "
            "store is created and upgraded when it is first opened"
        )
    return location


def _privilege_error(exc: Exception, location: StoreLocation, needs: str) -> CliError:
    return CliError(
        f"the database {location.display} refused: {str(exc).strip().splitlines()[0]}; {needs}",
        ExitCode.CREDENTIALS,
    )


def _cannot_grant(exc: Exception) -> CliError:
    # Tables the schema has but the role declarations do not know: a bug of this version.
    return CliError(f"{exc}: this b24-console cannot grant them", ExitCode.INTERNAL)


def _admin_password(location: StoreLocation) -> StorePassword:
    from console.store.postgres.password import find_password

    return find_password(location, interactive=True)


def _init(args: argparse.Namespace) -> int:
    import psycopg.errors

    from console.store.postgres import schema
    from console.store.postgres.access import connect
    from console.store.postgres.password import remember_password, save_password
    from console.store.postgres.roles import (
        Role,
        UndeclaredTables,
        apply_grants,
        ensure_login,
        group_role_name,
    )

    location = _postgres(args.url, "init")
    password = _admin_password(location)
    logins: list[tuple[str, Role]] = []
    if args.listener_login:
        logins.append((args.listener_login, Role.LISTENER))
    logins.extend((name, Role.CONSOLE) for name in args.console_login or ())
    created_logins: list[str] = []
    with connect(location, password) as conn:
        try:
            before = schema.migrate(conn, create=True)
            after = schema.applied_version(conn)
            report = apply_grants(conn, location.dbname, create_roles=True)
            for login, role in logins:
                new_password = secrets.token_urlsafe(24)
                if ensure_login(conn, login, group_role_name(location.dbname, role), new_password):
                    save_password(location.with_user(login), new_password)
                    created_logins.append(login)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise _privilege_error(
                exc,
                location,
                "store init needs the database's owner, with the right to create roles "
                "(CREATEROLE), in the URL",
            ) from None
        except UndeclaredTables as exc:
            raise _cannot_grant(exc) from None
    remember_password(location, password)
    listener = group_role_name(location.dbname, Role.LISTENER)
    console = group_role_name(location.dbname, Role.CONSOLE)
    data = {
        "store": location.url,
        "schema_before": before,
        "schema_version": after,
        "roles_created": report.created_roles,
        "roles_existing": report.existing_roles,
        "grants": report.granted,
        "revoked_from_public": report.revoked_from_public,
        "logins": [{"name": name, "role": role.value} for name, role in logins],
        "logins_created": created_logins,
    }

    def human() -> str:
        lines = []
        if before is None:
            lines.append(f"created the event store schema (version {after}) in {location.display}")
        elif before != after:
            lines.append(f"upgraded the schema of {location.display} from {before} to {after}")
        else:
            lines.append(f"the schema of {location.display} is already at version {after}")
        for name in report.created_roles:
            lines.append(f"created role {name} (NOLOGIN)")
        for name in report.existing_roles:
            lines.append(f"role {name} exists; its privileges were set again")
        for name, given in report.granted.items():
            lines.append(f"  {name}: " + "; ".join(given))
        if report.revoked_from_public:
            lines.append("revoked from PUBLIC: " + "; ".join(report.revoked_from_public))
        for name, role in logins:
            state = (
                "created, its password saved in this computer's keyring"
                if name in created_logins
                else "exists; its password was not changed"
            )
            lines.append(
                f"login {name} ({state}) is a member of {group_role_name(location.dbname, role)}"
            )
        lines.append("")
        # A password in a CREATE ROLE statement lands in clear in the server's statement
        # log; psql's \password sends only a SCRAM verifier computed on this side.
        lines.append("Give logins the roles (in psql, as the owner), for example:")
        lines.append(f"  CREATE ROLE listener1 LOGIN; GRANT {listener} TO listener1;")
        lines.append(f"  CREATE ROLE alice LOGIN; GRANT {console} TO alice;")
        lines.append("  \\password listener1")
        lines.append("  \\password alice")
        lines.append("Then, on each computer, save that login's password in the keyring:")
        lines.append(
            f"  b24-console store password postgresql://alice@{location.host}:{location.port}/"
            f"{location.dbname}"
        )
        lines.append(
            f"and use the URL: b24-console --store postgresql://alice@{location.host}:"
            f"{location.port}/{location.dbname}"
        )
        return "\n".join(lines)

    emit(args, data, human)
    return ExitCode.OK


class _BackfillProgress:
    """How far a migration's rewrite of existing events is, on one line of stderr."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, rows: int) -> None:
        print(f"\rrewrote {rows:,} existing events", end="", file=sys.stderr, flush=True)
        self.shown = True

    def end(self) -> None:
        if self.shown:
            print(file=sys.stderr, flush=True)


def _migrate(args: argparse.Namespace) -> int:
    import psycopg.errors

    from console.store.postgres import schema
    from console.store.postgres.access import connect
    from console.store.postgres.password import remember_password
    from console.store.postgres.roles import UndeclaredTables, apply_grants

    location = _postgres(args.url, "migrate")
    password = _admin_password(location)
    progress = _BackfillProgress()
    with connect(location, password) as conn:
        try:
            before = schema.migrate(conn, create=False, progress=progress)
            # Picks up a backfill that an earlier run did not finish (nothing when none).
            rewritten = schema.finish_backfills(conn, progress)
            after = schema.applied_version(conn)
            # New tables need their grants; roles that were never created stay absent.
            report = apply_grants(conn, location.dbname, create_roles=False)
        except schema.SchemaMissingError:
            raise CliError(
                f"the database {location.display} has no event store yet: run "
                f"`b24-console store init {location.url}`"
            ) from None
        except (schema.SchemaOutdatedError, psycopg.errors.InsufficientPrivilege) as exc:
            raise _privilege_error(
                exc, location, "store migrate needs the database's owner in the URL"
            ) from None
        except UndeclaredTables as exc:
            raise _cannot_grant(exc) from None
        finally:
            progress.end()
    remember_password(location, password)
    data = {
        "store": location.url,
        "schema_before": before,
        "schema_version": after,
        "roles": sorted(report.granted),
    }
    if before == after and rewritten:
        text = f"finished rewriting existing events for version {after} of {location.display}"
    elif before == after:
        text = f"the schema of {location.display} is already at version {after}: nothing to do"
    else:
        text = f"upgraded the schema of {location.display} from version {before} to {after}"
    emit(args, data, text)
    return ExitCode.OK


def _password(args: argparse.Namespace) -> int:
    import getpass
    import os

    from console.store.postgres.password import (
        PASSWORD_ENV,
        check_and_save_password,
        forget_password,
    )

    location = _postgres(args.url, "password")
    if args.forget:
        removed = forget_password(location)
        emit(
            args,
            {"store": location.url, "forgotten": removed},
            f"forgot the saved password of {location.display}"
            if removed
            else f"no password of {location.display} was saved",
        )
        return ExitCode.OK
    if sys.stdin.isatty():
        typed = getpass.getpass(f"password for the store {location.display}: ")
    else:
        typed = os.environ.get(PASSWORD_ENV, "")
    if not typed:
        raise CliError(
            f"no password given: type it at the prompt, or set {PASSWORD_ENV} when stdin is "
            "not a terminal"
        )
    check_and_save_password(location, typed)
    emit(
        args,
        {"store": location.url, "saved": True},
        f"the password of {location.display} is saved in the OS keyring",
    )
    return ExitCode.OK


class _ProgressBar:
    """A one-line bar on a terminal (stderr), JSON lines on stdout under --json."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args
        self._terminal = not wants_json(args) and sys.stderr.isatty()
        self._last = 0.0

    def __call__(self, progress: CopyProgress) -> None:
        now = time.monotonic()
        finished = progress.done >= progress.total
        if not finished and now - self._last < PROGRESS_EVERY / 5:
            return
        if wants_json(self._args):
            if not finished and now - self._last < PROGRESS_EVERY:
                return
            emit_line(
                self._args,
                {
                    "type": "progress",
                    "done": progress.done,
                    "total": progress.total,
                    "copied": progress.copied,
                    "already_there": progress.already_there,
                },
                "",
            )
        elif self._terminal:
            share = progress.done / progress.total if progress.total else 1.0
            width = 30
            filled = int(share * width)
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(
                f"\rcopying events [{bar}] {progress.done:,}/{progress.total:,} ({share:.0%})"
            )
            sys.stderr.flush()
        self._last = now

    def finish(self) -> None:
        if self._terminal:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _copy(args: argparse.Namespace) -> int:
    from console.store import StoreNotFound
    from console.store.copy import CopyError, copy_store, open_side

    if args.batch < 1:
        raise CliError("--batch: must be a positive number")
    source_location = location_from_url(args.source, "FROM")
    target_location = location_from_url(args.target, "TO")
    if source_location == target_location:
        raise CliError("FROM and TO are the same store")
    try:
        source = open_side(source_location, create=False, interactive=True)
    except StoreNotFound:
        raise CliError(f"FROM: no event store at {source_location.display}") from None
    except CopyError as exc:
        raise CliError(f"FROM: {exc}") from None
    try:
        try:
            target = open_side(target_location, create=True, interactive=True)
        except CopyError as exc:
            raise CliError(f"TO: {exc}") from None
        try:
            bar = _ProgressBar(args)
            try:
                progress = copy_store(source, target, batch=args.batch, on_progress=bar)
            except CopyError as exc:
                raise CliError(str(exc)) from None
            finally:
                bar.finish()
        finally:
            target.close()
    finally:
        source.close()
    data = {
        "type": "done",
        "from": source_location.url,
        "to": target_location.url,
        "copied": progress.copied,
        "already_there": progress.already_there,
        "resumed_after_id": progress.resumed_after,
        "changes": progress.changes,
        "cursors": progress.cursors,
        "refused": [{"source_id": row.source_id, "reason": row.reason} for row in progress.refused],
    }
    resumed = (
        f" (resumed after source event #{progress.resumed_after})" if progress.resumed_after else ""
    )
    text = (
        f"copied {progress.copied} events from {source_location.display} to "
        f"{target_location.display}{resumed}; {progress.already_there} were there already; "
        f"{progress.changes} changes and {len(progress.cursors)} cursors came along"
    )
    if progress.refused:
        # Each on a line of its own: the operator has to look at these events.
        text += f"\n{len(progress.refused)} events the target refused were skipped:" + "".join(
            f"\n  source event #{row.source_id}: {row.reason}" for row in progress.refused
        )
    if wants_json(args):
        emit_line(args, data, "")
    else:
        emit(args, data, text)
    return ExitCode.OK
