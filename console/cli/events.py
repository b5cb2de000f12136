"""``b24-console events``: list, show, export, pin, purge and replay stored events."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.cli.app import CliError, ExitCode, emit
from console.store import (
    EventFilter,
    EventSource,
    EventStore,
    ExportFormat,
    StoredEvent,
    Verification,
    open_store,
)
from console.store.columns import EVENT_COLUMNS, LISTED_COLUMNS
from console.store.export import event_to_json

STORE_FILE = "events.sqlite3"
_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# C0/C1 control characters except newline and tab: a payload must not drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", type=Path, help="use D/events.sqlite3 instead of the configured store"
    )
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument(
        "--source", action="append", choices=[source.value for source in EventSource]
    )
    filters.add_argument("--event", action="append", metavar="NAME")
    filters.add_argument(
        "--state", action="append", choices=[state.value for state in Verification]
    )
    filters.add_argument("--profile")
    filters.add_argument("--order", metavar="ID")
    filters.add_argument("--entity", metavar="ID")
    filters.add_argument("--since", help="ISO time or a span back from now: 30m, 2h, 1d, 1w")
    filters.add_argument("--until", help="ISO time or a span back from now")
    filters.add_argument("--search", metavar="TEXT", help="full-text search in payloads")
    filters.add_argument("--duplicates", action="store_true", help="include duplicates")
    filters.add_argument("--pinned", action="store_true", help="only pinned events")

    events = subparsers.add_parser("events", help="inspect and manage stored events")
    commands = events.add_subparsers(dest="events_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", parents=[common, filters], help="newest events first")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", parents=[common], help="every field of one event")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.add_argument("--raw", action="store_true", help="also print the raw body")
    show.set_defaults(handler=_show)

    export = commands.add_parser("export", parents=[common, filters], help="JSON Lines or CSV")
    export.add_argument("--format", required=True, choices=[fmt.value for fmt in ExportFormat])
    export.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    export.set_defaults(handler=_export)

    for name, pinned in (("pin", True), ("unpin", False)):
        pin = commands.add_parser(
            name, parents=[common], help=f"{name} an event (pinned events are never purged)"
        )
        pin.add_argument("id", metavar="ID")
        pin.set_defaults(handler=_pin, pinned=pinned)

    purge = commands.add_parser("purge", parents=[common], help="delete old unpinned events")
    purge.add_argument("--older-than", required=True, metavar="DAYS")
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


def _store_path(args: argparse.Namespace) -> Path:
    if args.data_dir is not None:
        return Path(args.data_dir) / STORE_FILE
    from console.core.settings import load_settings

    return load_settings().resolved_store_path()


def _open(args: argparse.Namespace) -> EventStore:
    path = _store_path(args)
    try:
        return open_store(path)
    except Exception as exc:  # sqlite3 errors, a newer schema, an unwritable directory
        raise CliError(f"cannot open the event store {path}: {exc}") from None


def parse_time(value: str, option: str, *, now: datetime | None = None) -> datetime:
    """An ISO time (naive means local time) or a span back from now such as ``2h``."""
    match = _RELATIVE.match(value)
    if match:
        amount, unit = match.groups()
        try:
            return (now or datetime.now(UTC)) - timedelta(**{_UNITS[unit]: float(amount)})
        except OverflowError:
            raise CliError(f"{option}: {value} reaches back before the year 1") from None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{option}: expected an ISO time or a span like 30m, 2h, 1d") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the operator typed their own wall-clock time
    return moment.astimezone(UTC)


def _filter(args: argparse.Namespace) -> EventFilter:
    return EventFilter(
        sources=frozenset(EventSource(value) for value in args.source or ()),
        events=frozenset(args.event or ()),
        verification=frozenset(Verification(value) for value in args.state or ()),
        profile=args.profile,
        entity_id=args.entity,
        order_id=args.order,
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
    return event_id


def _load(store: EventStore, value: str, path: Path) -> StoredEvent:
    event_id = _event_id(value)
    event = store.get(event_id)
    if event is None:
        raise CliError(f"ID: no event {event_id} in {path}")
    return event


def _safe(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


# The fields of ``events list --json``: the listed columns of the one declaration.
_SUMMARY_FIELDS = tuple(column.name for column in LISTED_COLUMNS)


def _summary(event: StoredEvent) -> dict[str, Any]:
    """The fields ``events list --json`` prints, as the export writes them."""
    full = event_to_json(event)
    return {name: full[name] for name in _SUMMARY_FIELDS}


def _line(event: StoredEvent) -> str:
    marks = ("*" if event.pinned else " ") + (
        f" dup of #{event.duplicate_of}" if event.duplicate_of is not None else ""
    )
    return _safe(
        f"{_local(event.received_at)}  #{event.id:<6} {event.source.value:<8} "
        f"{event.event:<28} entity={event.entity_id or '-':<10} order={event.order_id or '-':<10} "
        f"{event.verification.value:<9}{marks}"
    ).rstrip()


def _with_store(args: argparse.Namespace, work: Callable[[EventStore], int]) -> int:
    store = _open(args)
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
            [_summary(event) for event in events],
            lambda: "\n".join(_line(event) for event in events) or "no events",
        )
        return ExitCode.OK

    return _with_store(args, work)


def _show(args: argparse.Namespace) -> int:
    def work(store: EventStore) -> int:
        event = _load(store, args.id, _store_path(args))
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
    for key in _SHOWN_FIELDS:
        lines.append(f"  {key + ':':<21}{data[key] if data[key] is not None else '-'}")
    lines.append(f"  {'received (local):':<21}{_local(event.received_at)}")
    lines.append("headers:")
    lines.extend(f"  {name}: {value}" for name, value in event.headers)
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
            written = store.export(flt, fmt, sys.stdout)
        else:
            try:
                # newline="": the CSV writer ends lines itself.
                with open(args.output, "w", encoding="utf-8", newline="") as out:
                    written = store.export(flt, fmt, out)
            except OSError as exc:
                raise CliError(f"--output: {exc.strerror or exc}") from None
            print(f"exported {written} events to {args.output}", file=sys.stderr)
        return ExitCode.OK

    return _with_store(args, work)


def _pin(args: argparse.Namespace) -> int:
    event_id = _event_id(args.id)

    def work(store: EventStore) -> int:
        if not store.set_pinned(event_id, args.pinned):
            raise CliError(f"ID: no event {event_id} in {_store_path(args)}")
        print(f"event #{event_id} {'pinned' if args.pinned else 'unpinned'}")
        return ExitCode.OK

    return _with_store(args, work)


def _purge(args: argparse.Namespace) -> int:
    try:
        days = float(args.older_than)
    except ValueError:
        raise CliError("--older-than: expected a number of days") from None
    if not days >= 0:  # also refuses NaN
        raise CliError("--older-than: must be zero or more days")
    try:
        cutoff = datetime.now(UTC) - timedelta(days=days)
    except OverflowError:
        raise CliError("--older-than: too many days; nothing is that old") from None

    def work(store: EventStore) -> int:
        removed = store.purge(cutoff)
        print(f"removed {removed} events older than {args.older_than} days (pinned kept)")
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

    path = _store_path(args)
    found = running_listener(path)
    if found is None:
        raise CliError(
            f"no running listener for {path} (no live {listener_file(path).name} beside it): "
            "start `b24-console listen` or pass --to URL",
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

    base_url = _replay_target(args)
    store = _open(args)
    try:
        event = _load(store, args.id, _store_path(args))
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
        shown = _CONTROL.sub("", " ".join(body.split()))[:500]
        raise CliError(request.shown(f"{line}: {shown}"), ExitCode.PORTAL_REFUSED)
    print(line)
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

    return _with_store(args, work)
