"""``b24-console listen``: run the embedded listener in the foreground.

Prints the handler URLs to register, then one line per committed event, until SIGINT or
SIGTERM. :func:`start_listen_session` builds the running pieces for other front ends
(and for the catch-up poller, which attaches itself through :func:`register_session_hook`).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from console.cli.app import CliError, ExitCode
from console.core.profiles import ProfileRepository
from console.core.settings import ListenerSettings, load_settings
from console.listener.server import ListenerServer, is_loopback_host
from console.listener.verification import KeyringCredentialSource
from console.store import EventStore, RetentionPolicy, StoredEvent, open_store


class Stoppable(Protocol):
    def stop(self) -> None: ...


@dataclass
class ListenSession:
    """A store, the credentials and a running listener; ``stop()`` ends them in order."""

    store: EventStore
    credentials: KeyringCredentialSource
    server: ListenerServer
    profiles: ProfileRepository
    # Started by session hooks (the catch-up poller); stopped before the listener.
    attached: list[Stoppable] = field(default_factory=list)
    _stopped: bool = False

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for piece in reversed(self.attached):
            piece.stop()
        self.server.stop()
        self.store.close()


SessionHook = Callable[[ListenSession], "Stoppable | None"]
_session_hooks: list[SessionHook] = []


def register_session_hook(hook: SessionHook) -> None:
    """Run ``hook`` on each new session once the listener is up; its result is stopped with it."""
    _session_hooks.append(hook)


def start_listen_session(
    settings: ListenerSettings,
    *,
    store_path: Path,
    retention: RetentionPolicy | None = None,
    profile: str | None = None,
    public: bool = False,
    profiles: ProfileRepository | None = None,
) -> ListenSession:
    """Open the store, load credentials from the keyring and start the listener.

    Raises ``ValueError`` for a non-loopback host without ``public``, ``ProfileNotFound``
    for an unknown ``profile``, ``KeyringUnavailable`` and ``OSError`` (port in use).
    """
    repo = profiles or ProfileRepository()
    credentials = KeyringCredentialSource(repo, only=[profile] if profile else None)
    store = open_store(store_path, retention=retention)
    try:
        server = ListenerServer(store, credentials, settings, public=public)
        server.start()
    except BaseException:
        store.close()
        raise
    session = ListenSession(store=store, credentials=credentials, server=server, profiles=repo)
    try:
        for hook in _session_hooks:
            piece = hook(session)
            if piece is not None:
                session.attached.append(piece)
    except BaseException:
        session.stop()
        raise
    return session


def format_event_line(event: StoredEvent) -> str:
    """One line per committed event: time, id, source, event, entity, verification."""
    when = event.received_at.strftime("%Y-%m-%d %H:%M:%S")
    state = event.verification.value
    if event.duplicate_of is not None:
        state += f" (duplicate of #{event.duplicate_of})"
    if event.verification_reason:
        state += f": {event.verification_reason}"
    return (
        f"{when}  #{event.id}  {event.source.value}  {event.event}  "
        f"{event.entity_id or '-'}  {state}"
    )


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``listen`` command."""
    parser = subparsers.add_parser(
        "listen",
        help="receive Bitrix24 and Horoshop events and store them",
        description=(
            "Run the event listener in the foreground until Ctrl+C. Binds to 127.0.0.1 "
            "unless --host says otherwise; a non-loopback address needs --public."
        ),
    )
    parser.add_argument("--host", help="address to bind (default from settings: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to bind (0 = any free port)")
    parser.add_argument("--data-dir", type=Path, help="keep the event store in this directory")
    parser.add_argument("--profile", help="accept events for this profile only")
    parser.add_argument(
        "--public", action="store_true", help="allow binding an address other machines can reach"
    )
    parser.set_defaults(handler=_listen)


def _listen(args: argparse.Namespace) -> int:
    settings = load_settings()
    updates: dict[str, Any] = {}
    if args.host is not None:
        updates["host"] = args.host
    if args.port is not None:
        if not 0 <= args.port <= 65535:
            raise CliError(f"port {args.port} out of range")
        updates["port"] = args.port
    listener_settings = settings.listener.model_copy(update=updates)
    if not is_loopback_host(listener_settings.host) and not args.public:
        raise CliError(
            f"{listener_settings.host} is not a loopback address: add --public to expose "
            "the listener to other machines",
            ExitCode.USAGE,
        )
    store_path = (
        args.data_dir / "events.sqlite3" if args.data_dir else settings.resolved_store_path()
    )
    retention = RetentionPolicy(
        max_age_days=settings.retention.max_age_days, max_count=settings.retention.max_count
    )
    if args.public and not is_loopback_host(listener_settings.host):
        print(
            f"warning: listening on {listener_settings.host}: reachable from other machines",
            file=sys.stderr,
        )
    try:
        session = start_listen_session(
            listener_settings,
            store_path=store_path,
            retention=retention,
            profile=args.profile,
            public=args.public,
        )
    except OSError as exc:
        raise CliError(
            f"cannot listen on {listener_settings.host}:{listener_settings.port}: {exc}"
        ) from exc

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    unsubscribe = session.store.subscribe(lambda event: print(format_event_line(event), flush=True))
    try:
        print(f"listening on {session.server.base_url}  (store: {store_path})", flush=True)
        urls = session.server.handler_urls()
        if not urls:
            print("no profiles: add one with 'b24-console profile add'", flush=True)
        for name, url in urls.items():
            print(f"  {name:24} {url}", flush=True)
        # Wake up now and then: a signal handler runs only between bytecodes of this thread.
        while not stop.wait(0.5):
            pass
    finally:
        unsubscribe()
        session.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        print("listener stopped", flush=True)
    return ExitCode.OK
