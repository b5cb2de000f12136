"""``b24-console events``: list, show, export, pin, purge and replay stored events."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO, cast

from console.cli.app import CliError, ExitCode, emit, wants_json
from console.cli.store_choice import add_store_argument, chosen_location
from console.core.sanitize import printable
from console.store import (
    EventFilter,
    EventSource,
    EventStore,
    ExportFormat,
    OrderRef,
    StoredEvent,
    StoreNotFound,
    Verification,
    open_store,
)
from console.store.columns import EVENT_COLUMNS, LISTED_COLUMNS
from console.store.export import event_to_json
from console.store.querylang import parse_moment, parse_span


def is_store_access_error(error: BaseException) -> bool:
    """A typed error of reaching a store (password, server, schema): not to be re-worded."""
    from console.store.location import StoreUrlError

    if isinstance(error, StoreUrlError):
        return True
    if "console.store.postgres.access" not in sys.modules:
        return False
    from console.store.postgres.access import StoreAccessError

    return isinstance(error, StoreAccessError)


# SQLite integers (and PostgreSQL bigints) are signed 64-bit: a larger id or limit
# cannot even be asked for.
MAX_SQLITE_INT = 2**63 - 1


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", type=Path, help="use D/events.sqlite3 instead of the configured store"
    )
    add_store_argument(common)
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument(
        "--source", action="append", choices=[source.value for source in EventSource]
    )
    filters.add_argument("--event", action="append", metavar="NAME")
    filters.add_argument(
        "--state", action="append", choices=[state.value for state in Verification]
    )
    filters.add_argument("--profile")
    filters.add_argument(
        "--order",
        metavar="ID",
        help="hs-ID: a Horoshop order, b24-ID: a Bitrix24 order, a bare ID: either of them",
    )
    filters.add_argument("--entity", metavar="ID")
    filters.add_argument("--since", help="ISO time or a span back from now: 30m, 2h, 1d, 1w")
    filters.add_argument("--until", help="ISO time or a span back from now")
    filters.add_argument("--search", metavar="TEXT", help="full-text search in payloads")
    filters.add_argument("--duplicates", action="store_true", help="include duplicates")
    filters.add_argument("--pinned", action="store_true", help="only pinned events")

    events = subparsers.add_parser("events", help="inspect and manage stored events")
    commands = events.add_subparsers(dest="events_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", parents=[common, filters], help="newest events first")
    listing.add_argument("--limit", type=_limit, default=50, metavar="N")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", parents=[common], help="every field of one event")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.add_argument("--raw", action="store_true", help="also print the raw body")
    show.set_defaults(handler=_show)

    export = commands.add_parser("export", parents=[common, filters], help="JSON Lines or CSV")
    export.add_argument("--format", required=True, choices=[fmt.value for fmt in ExportFormat])
    export.add_argument(
        "--out",
        "--output",
        dest="output",
        type=Path,
        metavar="FILE",
        help="write FILE whole or not at all (default: stream to standard output)",
    )
    export.set_defaults(handler=_export)

    for name, pinned in (("pin", True), ("unpin", False)):
        pin = commands.add_parser(
            name, parents=[common], help=f"{name} an event (pinned events are never purged)"
        )
        pin.add_argument("id", metavar="ID")
        pin.add_argument("--json", action="store_true")
        pin.set_defaults(handler=_pin, pinned=pinned)

    purge = commands.add_parser(
        "purge",
        parents=[common],
        help="delete old unpinned events",
        description="Delete unpinned events received longer ago than --older-than. Says how "
        "many first and asks; without a terminal to ask on it needs --yes.",
    )
    purge.add_argument(
        "--older-than",
        required=True,
        metavar="SPAN",
        help="a span back from now as --since takes it (30m, 2h, 1d, 1w); a bare number is days",
    )
    purge.add_argument("--yes", action="store_true", help="do not ask before deleting")
    purge.add_argument(
        "--dry-run", action="store_true", help="only say how many events would be deleted"
    )
    purge.add_argument("--json", action="store_true")
    purge.set_defaults(handler=_purge)

    replay = commands.add_parser(
        "replay", parents=[common], help="re-post a stored event to the listener or a URL"
    )
    replay.add_argument("id", metavar="ID")
    replay.add_argument(
        "--to",
        metavar="URL",
        help="base URL to post to, such as http://127.0.0.1:9000 "
        "(default: the running listener of this store)",
    )
    replay.set_defaults(handler=_replay)

    catch_up = commands.add_parser(
        "catch-up",
        parents=[common],
        help="poll the portal once for order changes that no received event covers",
    )
    catch_up.add_argument("--profile", help="required unless there is only one profile")
    catch_up.add_argument(
        "--lookback",
        default="1d",
        help="how far back the first pass of a profile looks (default %(default)s)",
    )
    catch_up.add_argument("--json", action="store_true")
    catch_up.set_defaults(handler=_catch_up)


# --- helpers ---------------------------------------------------------------------------


def _where(args: argparse.Namespace) -> str:
    """The chosen store in words: its file, or user@host:port/db."""
    return chosen_location(args).display


def _open(args: argparse.Namespace, *, create: bool = False) -> EventStore:
    """The store of ``--store``, ``--data-dir`` or the settings. Only a command that
    records events may ``create`` it: reading a mistyped directory must not leave an empty
    store there (a PostgreSQL store is only ever created by ``store init``)."""
    location = chosen_location(args)
    try:
        return open_store(location, create=create, interactive=True)
    except StoreNotFound:
        raise CliError(
            f"no event store at {location.display}: check --data-dir or --store "
            "(`b24-console listen` creates the store when it first runs)"
        ) from None
    except Exception as exc:
        if is_store_access_error(exc):
            raise  # typed: the command line words it with the command that fixes it
        # sqlite3 errors, a newer schema, an unwritable directory
        raise CliError(f"cannot open the event store {location.display}: {exc}") from None


def _limit(text: str) -> int:
    """``--limit``: a whole number from 1 to what SQLite can count."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_SQLITE_INT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_SQLITE_INT}")
    return value


def parse_time(value: str, option: str, *, now: datetime | None = None) -> datetime:
    """An ISO time (naive means local time) or a span back from now such as ``2h``,
    read as the query bar reads them."""
    moment = parse_moment(value, now or datetime.now(UTC))
    if isinstance(moment, str):
        raise CliError(f"{option}: expected {moment}")
    return moment


def _filter(args: argparse.Namespace) -> EventFilter:
    order = OrderRef.parse(args.order) if args.order is not None else None
    if order is not None and not order.order_id:
        raise CliError(f"--order: expected a number after {args.order!r}, such as hs-300")
    return EventFilter(
        sources=frozenset(EventSource(value) for value in args.source or ()),
        events=frozenset(args.event or ()),
        verification=frozenset(Verification(value) for value in args.state or ()),
        profile=args.profile,
        entity_id=args.entity,
        order_id=order.order_id if order is not None else None,
        order_system=order.system if order is not None else None,
        since=parse_time(args.since, "--since") if args.since else None,
        until=parse_time(args.until, "--until") if args.until else None,
        text=args.search,
        include_duplicates=args.duplicates,
        pinned_only=args.pinned,
    )


def _event_id(value: str) -> int:
    try:
        event_id = int(value)
    except ValueError:
        raise CliError(f"ID: expected an event number, got {value!r}") from None
    if event_id <= 0:
        raise CliError("ID: event numbers start at 1")
    if event_id > MAX_SQLITE_INT:
        raise CliError(f"ID: no event number is that large (the largest is {MAX_SQLITE_INT})")
    return event_id


def _load(store: EventStore, value: str, where: str) -> StoredEvent:
    event_id = _event_id(value)
    event = store.get(event_id)
    if event is None:
        raise CliError(f"ID: no event {event_id} in {where}")
    return event


def _safe(text: str) -> str:
    return printable(text)


def _one_line(value: object) -> str:
    """A stored value inside a line: escapes for line breaks too, so a field cannot
    print a line that looks like another event's."""
    return printable(value, one_line=True)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


# The fields of ``events list --json``: the listed columns of the one declaration.
_SUMMARY_FIELDS = tuple(column.name for column in LISTED_COLUMNS)


def summary_json(event: StoredEvent) -> dict[str, Any]:
    """The fields ``events list --json`` (and ``listen --json``) print, as the export
    writes them."""
    full = event_to_json(event)
    return {name: full[name] for name in _SUMMARY_FIELDS}


def _line(event: StoredEvent) -> str:
    marks = ("*" if event.pinned else " ") + (
        f" dup of #{event.duplicate_of}" if event.duplicate_of is not None else ""
    )
    return _one_line(
        f"{_local(event.received_at)}  #{event.id:<6} {event.source.value:<8} "
        f"{event.event:<28} entity={event.entity_id or '-':<10} order={_order(event):<10} "
        f"{event.verification.value:<9}{marks}"
    ).rstrip()


def _order(event: StoredEvent) -> str:
    """The event's order as ``hs-300`` or ``b24-300``: the number alone names two orders."""
    if event.order_id is None:
        return "-"
    return str(OrderRef.of_event(event.source, event.order_id))


def _with_store(
    args: argparse.Namespace, work: Callable[[EventStore], int], *, create: bool = False
) -> int:
    store = _open(args, create=create)
    try:
        return work(store)
    finally:
        store.close()


# --- handlers ----------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    if args.limit <= 0:
        raise CliError("--limit: must be a positive number")
    flt = _filter(args)

    def work(store: EventStore) -> int:
        events = store.query(flt, limit=args.limit)
        emit(
            args,
            [summary_json(event) for event in events],
            lambda: "\n".join(_line(event) for event in events) or "no events",
        )
        return ExitCode.OK

    return _with_store(args, work)


def _show(args: argparse.Namespace) -> int:
    _event_id(args.id)  # a bad ID is the error to report, whatever the store

    def work(store: EventStore) -> int:
        event = _load(store, args.id, _where(args))
        data = event_to_json(event)
        if not args.raw:
            data.pop("raw_body")
            data.pop("raw_body_encoding")
        emit(args, data, lambda: _describe(event, raw=args.raw))
        return ExitCode.OK

    return _with_store(args, work)


# The one-value fields of an export row, in the same order; bodies are printed below them.
_SHOWN_FIELDS = tuple(column.name for column in EVENT_COLUMNS if column.exported and column.detail)


def _describe(event: StoredEvent, *, raw: bool) -> str:
    lines = [f"event #{event.id}"]
    data = event_to_json(event)
    one = _one_line
    for key in _SHOWN_FIELDS:
        lines.append(f"  {key + ':':<21}{one(data[key]) if data[key] is not None else '-'}")
    lines.append(f"  {'received (local):':<21}{_local(event.received_at)}")
    lines.append("headers:")
    lines.extend(f"  {one(name)}: {one(value)}" for name, value in event.headers)
    lines.append("payload:")
    lines.append(json.dumps(event.payload, ensure_ascii=False, indent=2))
    if raw:
        text, encoding = data["raw_body"], data["raw_body_encoding"]
        lines.append(f"raw body ({len(event.raw_body)} bytes, {encoding}):")
        lines.append(text)
    return _safe("\n".join(lines))


def _export(args: argparse.Namespace) -> int:
    flt = _filter(args)
    fmt = ExportFormat(args.format)

    def work(store: EventStore) -> int:
        if args.output is None:
            # On a terminal the export is read, not kept: escape what would drive it
            # (JSON Lines are escaped already; a CSV cell holds the text as it came).
            out = cast(TextIO, _TerminalText(sys.stdout)) if sys.stdout.isatty() else sys.stdout
            store.export(flt, fmt, out)
            return ExitCode.OK
        written = export_to_file(store, flt, fmt, args.output)
        if wants_json(args):
            emit(args, {"exported": written, "file": str(args.output)}, "")
        else:
            print(f"exported {written} events to {printable(args.output)}", file=sys.stderr)
        return ExitCode.OK

    return _with_store(args, work)


class _TerminalText(io.TextIOBase):
    """Writes to ``target`` with control characters escaped, line breaks kept."""

    def __init__(self, target: TextIO) -> None:
        self._target = target

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._target.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()


def export_to_file(store: EventStore, flt: EventFilter, fmt: ExportFormat, path: Path) -> int:
    """Export into ``path`` whole or not at all; returns how many events were written.

    The events go to a hidden temporary file next to ``path`` that is renamed over it only
    once everything is written and flushed: an export that fails or is killed never leaves
    a file that looks complete.
    """
    path = Path(path)
    if path.is_dir():
        raise CliError(f"--out: {path} is a directory")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise CliError(f"--out: {path}: {exc.strerror or exc}") from None
    try:
        # newline="": the CSV writer ends lines itself.
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            written = store.export(flt, fmt, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise CliError(f"--out: {path}: {exc.strerror or exc}") from None
        raise
    return written


def _pin(args: argparse.Namespace) -> int:
    event_id = _event_id(args.id)

    def work(store: EventStore) -> int:
        if not store.set_pinned(event_id, args.pinned):
            raise CliError(f"ID: no event {event_id} in {_where(args)}")
        emit(
            args,
            {"id": event_id, "pinned": args.pinned},
            f"event #{event_id} {'pinned' if args.pinned else 'unpinned'}",
        )
        return ExitCode.OK

    return _with_store(args, work)


def _older_than(text: str, now: datetime) -> datetime:
    """``--older-than``: a span as ``--since`` takes it, or a bare number of days."""
    span = parse_span(text)
    if span is None:
        try:
            span = timedelta(days=float(text))
        except (ValueError, OverflowError):
            raise CliError(
                "--older-than: expected a span like 30m, 2h, 1d, 1w (or a number of days)"
            ) from None
    if isinstance(span, str):
        raise CliError(f"--older-than: expected {span}")
    if not span >= timedelta(0):
        raise CliError("--older-than: must be zero or more")
    try:
        return now - span
    except OverflowError:
        raise CliError("--older-than: too far back; nothing is that old") from None


def _confirm(question: str) -> bool:
    """Ask on the terminal; the question goes to stderr so stdout stays the command's."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _purge(args: argparse.Namespace) -> int:
    cutoff = _older_than(args.older_than, datetime.now(UTC))
    # The events purge() deletes: received before the cutoff and unpinned, duplicates too.
    doomed = EventFilter(until=cutoff, unpinned_only=True, include_duplicates=True)
    when = f"older than {args.older_than.strip()} (received before {_local(cutoff)})"

    def work(store: EventStore) -> int:
        count = store.count(doomed)
        if count == 0 or args.dry_run:
            verb = "would delete" if args.dry_run else "nothing to delete:"
            emit(
                args,
                {
                    "deleted": 0,
                    "would_delete": count,
                    "before": cutoff.isoformat(),
                    "dry_run": args.dry_run,
                },
                f"{verb} {count} events {when}; pinned events are kept"
                if args.dry_run
                else f"nothing to delete: no unpinned events {when}",
            )
            return ExitCode.OK
        if not args.yes:
            if not sys.stdin.isatty():
                raise CliError(
                    f"purge would delete {count} events {when}: pass --yes to delete them "
                    "without a terminal to ask on (or --dry-run to only count)"
                )
            if not _confirm(f"Delete {count} events {when}? Pinned events are kept."):
                emit(args, {"deleted": 0, "cancelled": True}, "nothing deleted")
                return ExitCode.OK
        removed = store.purge(cutoff)
        emit(
            args,
            {"deleted": removed, "before": cutoff.isoformat(), "dry_run": False},
            f"deleted {removed} events {when} (pinned kept)",
        )
        return ExitCode.OK

    return _with_store(args, work)


def _replay_target(args: argparse.Namespace) -> str:
    """``--to`` checked, or the base URL the running listener of this store published."""
    from urllib.parse import urlsplit

    if args.to is not None:
        text = str(args.to).strip()
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError as exc:
            raise CliError(
                f"--to: not a URL ({exc}): give one like http://127.0.0.1:8765"
            ) from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CliError("--to: give a base URL such as http://127.0.0.1:8765")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise CliError("--to: a base URL has no user, query or fragment")
        del port
        return text.rstrip("/")
    from console.session import listener_file, running_listener

    location = chosen_location(args)
    found = running_listener(location)
    if found is None:
        raise CliError(
            f"no running listener on this computer for {location.display} (no live "
            f"{listener_file(location).name}): start `b24-console listen` or pass --to URL",
            ExitCode.NETWORK,
        )
    return found


def _replay_secrets() -> tuple[Any, str | None]:
    """The keyring as a secret source, or ``None`` and why it cannot be used."""
    from console.core.credentials import (
        CredentialsError,
        SecretStore,
        install_fingerprint_key,
    )
    from console.core.profiles import ProfileRepository

    try:
        SecretStore().check_backend()
    except CredentialsError as exc:
        return None, str(exc)
    warning = install_fingerprint_key()
    if warning is not None:
        return None, warning
    return ProfileRepository(), None


def _replay(args: argparse.Namespace) -> int:
    import httpx

    from console.listener.replay import build_replay, deliver_replay

    _event_id(args.id)  # a bad id is a usage error before any listener is looked for
    base_url = _replay_target(args)
    store = _open(args)
    try:
        event = _load(store, args.id, _where(args))
    finally:
        store.close()
    profiles, unavailable = _replay_secrets()
    if unavailable is not None:
        print(f"note: {unavailable}; sending without secrets", file=sys.stderr)
    request = build_replay(event, base_url=base_url, profiles=profiles)
    for note in request.notes:
        if profiles is not None or "keyring" not in note:
            print(f"note: {note}", file=sys.stderr)
    try:
        status, body = deliver_replay(request)
    except httpx.HTTPError as exc:
        # shown_url / shown(): a Horoshop URL ends in the store's secret, and httpx may
        # quote the URL in its message.
        message = request.shown(f"replay to {request.shown_url} failed: {exc}")
        raise CliError(message, ExitCode.NETWORK) from None
    line = f"{request.method} {request.shown_url} -> HTTP {status}"
    if not 200 <= status < 300:
        shown = printable(body, one_line=True)[:500]
        raise CliError(request.shown(f"{line}: {shown}"), ExitCode.PORTAL_REFUSED)
    emit(
        args,
        {"method": request.method, "url": request.shown_url, "status": status},
        printable(line, one_line=True),
    )
    return ExitCode.OK


def _catch_up(args: argparse.Namespace) -> int:
    from console.bitrix.connect import client_for_profile
    from console.cli.portal import profile_name
    from console.core.profiles import ProfileRepository
    from console.listener.catchup import CatchUpPoller

    now = datetime.now(UTC)
    lookback = now - parse_time(args.lookback, "--lookback", now=now)
    if lookback <= timedelta(0):
        raise CliError("--lookback: give a span back from now, such as 2h or 1d")
    repo = ProfileRepository()
    name = profile_name(args)
    profile = repo.get(name)

    def work(store: EventStore) -> int:
        poller = CatchUpPoller(
            store,
            name,
            lambda: client_for_profile(repo, name),
            portal_domain=profile.domain,
            interval_seconds=None,
            initial_lookback=lookback,
        )
        report = poller.poll_once(raise_errors=True)
        data = {
            "profile": name,
            "changes": report.changes,
            "covered": report.covered,
            "recorded": report.recorded,
            "recorded_orders": report.recorded_ids,
            "cursor": report.cursor.updated.isoformat() if report.cursor else None,
        }
        emit(
            args,
            data,
            f"{name}: {report.changes} order changes since the last pass, "
            f"{report.covered} already covered by received events, "
            f"{report.recorded} recorded as catch-up events",
        )
        return ExitCode.OK

    return _with_store(args, work, create=True)
