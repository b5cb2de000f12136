"""The running console: a store, the listener, catch-up pollers and REST clients.

``b24-console listen``, the terminal demo and the window all run one of these, built by
:func:`start_listen_session` (the operator's profiles, credentials from the keyring) or
by :class:`console.demo.DemoSession` (the sandbox portal). Front ends read the session
through :class:`RunningConsole` and never learn which one they have.

Nothing here imports Qt or the command line. The listener (aiohttp), the REST client
(httpx), the keyring and the store are imported when a session starts, not with this
module: a window can name these types before its first paint without paying for them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import datetime

    from console.bitrix.client import BitrixClient
    from console.core.profiles import Profile, ProfileRepository
    from console.core.settings import CatchUpSettings, ListenerSettings, RetentionSettings
    from console.listener.catchup import CatchUpPoller, CatchUpReport
    from console.listener.child import ListenerChild
    from console.listener.presence import ListenerPresence
    from console.listener.resolver import OrderResolver
    from console.listener.server import ListenerServer
    from console.listener.verification import KeyringCredentialSource
    from console.store import EventStore, FeedRow, RetentionPolicy
    from console.store.location import StoreLocation
    from console.store.team import PresenceMember

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListenerBindError:
    """The listener could not take its address; the console runs on without it."""

    host: str
    port: int
    reason: str
    # True when another program (often a second console) already holds the port.
    address_in_use: bool


def bind_error_from(exc: OSError, settings: ListenerSettings) -> ListenerBindError:
    in_use = exc.errno == errno.EADDRINUSE
    reason = exc.strerror or str(exc)
    return ListenerBindError(settings.host, settings.port, reason, in_use)


# Beside the store: where a running listener says it listens, so that `events replay`
# (a separate process) finds it whatever --port it was given.
LISTENER_FILE = "listener.json"


def _location(store: Path | StoreLocation) -> StoreLocation:
    from console.store.location import StoreLocation

    return store if isinstance(store, StoreLocation) else StoreLocation.sqlite(store)


def local_store_anchor(store: Path | StoreLocation) -> Path:
    """The file that stands for ``store`` on this computer: the SQLite file itself, or,
    for a PostgreSQL store, a name in the data directory made from its URL.

    The single-instance lock (``<anchor>.lock``) and the listener file hang off it, so two
    consoles on one computer and one store still find each other when the store is a
    database on another machine.
    """
    import hashlib

    from console.core.paths import data_dir

    location = _location(store)
    if not location.is_postgres:
        assert location.path is not None
        return location.path
    digest = hashlib.sha256(location.url.encode("utf-8")).hexdigest()[:16]
    return data_dir() / f"team-{digest}.store"


def listener_file(store: Path | StoreLocation) -> Path:
    """Where the listener of ``store`` on this computer publishes its address."""
    location = _location(store)
    if not location.is_postgres:
        assert location.path is not None
        return location.path.parent / LISTENER_FILE
    anchor = local_store_anchor(location)
    return anchor.with_name(f"listener-{anchor.stem}.json")


def publish_listener(store_path: Path | StoreLocation, base_url: str) -> Path:
    """Write ``listener.json`` beside the store: base URL, host, port and this process's pid.

    Written whole (temporary file, then rename), readable only by the owner. The window
    calls this too once its listener is bound; :func:`withdraw_listener` removes it.
    """
    import json
    import os
    import tempfile
    from urllib.parse import urlsplit

    from console.core.private_files import make_private_dir

    target = listener_file(store_path)
    make_private_dir(target.parent)
    parts = urlsplit(base_url)
    data = {"base_url": base_url, "host": parts.hostname, "port": parts.port, "pid": os.getpid()}
    fd, tmp = tempfile.mkstemp(prefix=".listener-", suffix=".json", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def withdraw_listener(store_path: Path | StoreLocation) -> None:
    """Remove ``listener.json`` if this process wrote it (another console may own it now)."""
    import os

    target = listener_file(store_path)
    found = _read_listener_file(target)
    if found is not None and found[1] == os.getpid():
        with contextlib.suppress(OSError):
            target.unlink()


def _read_listener_file(target: Path) -> tuple[str, int] | None:
    import json

    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        base_url, pid = data["base_url"], data["pid"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(base_url, str) or not isinstance(pid, int) or isinstance(pid, bool):
        return None
    return base_url, pid


def _pid_alive(pid: int) -> bool:
    import os

    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    except OSError:
        return False
    return True


def running_listener(store_path: Path | StoreLocation) -> str | None:
    """The base URL of the listener serving this store, if its process is still alive."""
    found = _read_listener_file(listener_file(store_path))
    if found is None or not _pid_alive(found[1]):
        return None
    return found[0]


def retention_policy(settings: RetentionSettings) -> RetentionPolicy:
    """The store's retention policy from the declared settings (the one conversion)."""
    from console.store import RetentionPolicy

    return RetentionPolicy(max_age_days=settings.max_age_days, max_count=settings.max_count)


class ListenerEndpoint(Protocol):
    """Where events are received: the in-process listener or the window's child one."""

    @property
    def base_url(self) -> str: ...

    def handler_urls(self) -> dict[str, str]: ...


class CatchUpStatus(Protocol):
    """What a front end shows of one profile's catch-up polling."""

    @property
    def profile(self) -> str: ...

    @property
    def last_report(self) -> CatchUpReport | None: ...

    @property
    def next_pass_at(self) -> datetime | None: ...


# Receives the feed rows of newly committed events, oldest first, on a background thread.
RowsReceiver = Callable[["list[FeedRow]"], None]
# Hears that the store's database link was lost (False) or is back (True).
ConnectionReceiver = Callable[[bool], None]


def watch_store(
    store: EventStore, on_rows: RowsReceiver, on_connection: ConnectionReceiver | None = None
) -> Callable[[], None]:
    """:meth:`RunningConsole.watch` for a store written in this process: its commits.

    A local store's commits all come through this process; a shared one is followed
    (every process's commits, with its connection state).
    """
    from console.store.sqlite import feed_row

    if store.describe().shared:
        return store.follow(on_rows, on_connection)
    return store.subscribe(lambda event: on_rows([feed_row(event)]))


class RunningConsole(Protocol):
    """What a front end needs from a running console, demo or real."""

    @property
    def store(self) -> EventStore: ...

    @property
    def store_path(self) -> Path:
        """The SQLite file, or for a PostgreSQL store its anchor on this computer."""

    @property
    def store_location(self) -> StoreLocation:
        """Which store: a local file, or a team database (``.display`` says which)."""

    @property
    def listener(self) -> ListenerEndpoint | None:
        """The running listener, or None when it could not bind (see ``bind_error``)."""

    @property
    def bind_error(self) -> ListenerBindError | None: ...

    @property
    def pollers(self) -> Sequence[CatchUpStatus]: ...

    def watch(
        self, on_rows: RowsReceiver, on_connection: ConnectionReceiver | None = None
    ) -> Callable[[], None]:
        """Call ``on_rows`` with the feed rows of events stored from now on, wherever they
        were stored; ``on_connection`` hears when a shared store's link is lost (False)
        and back (True), after the rows missed meanwhile. Returns a function that stops it."""

    @property
    def is_demo(self) -> bool: ...

    def profile_names(self) -> list[str]:
        """Profiles whose events this console receives, sorted."""

    def client_for(self, profile: str) -> BitrixClient:
        """A new REST client for ``profile``; the caller closes it. Raises CredentialsError."""

    def poll_now(self) -> None:
        """Ask every catch-up poller for a pass now."""

    def stop(self) -> None: ...


class _ProfilesConsole:
    """What a console on the operator's own profiles answers from ``profiles``."""

    profiles: ProfileRepository
    store: EventStore

    def profile_names(self) -> list[str]:
        return sorted(profile.name for profile in self.profiles.list())

    def client_for(self, profile: str) -> BitrixClient:
        from console.bitrix.connect import client_for_profile

        # The store's bucket: a team on one database shares one per portal.
        return client_for_profile(self.profiles, profile, bucket_for=self.store.rest_bucket)


@dataclass
class ListenSession(_ProfilesConsole):
    """A store, the credentials, a running listener and its catch-up pollers.

    ``stop()`` ends them in order: pollers first (they write to the store), then the
    listener, then the store.
    """

    store: EventStore
    store_location: StoreLocation
    credentials: KeyringCredentialSource
    server: ListenerServer | None
    profiles: ProfileRepository
    bind_error: ListenerBindError | None = None
    pollers: list[CatchUpPoller] = field(default_factory=list)
    # Set when the keyring could not give the fingerprint key: what that costs, to show.
    fingerprint_warning: str | None = None
    # Property-value events -> their orders (issue 7); None until started.
    resolver: OrderResolver | None = None
    # The heartbeat into a team database's presence table; None on a local store.
    presence: ListenerPresence | None = None
    _stopped: bool = False

    @property
    def store_path(self) -> Path:
        return local_store_anchor(self.store_location)

    @property
    def listener(self) -> ListenerServer | None:
        return self.server

    @property
    def is_demo(self) -> bool:
        return False

    def watch(
        self, on_rows: RowsReceiver, on_connection: ConnectionReceiver | None = None
    ) -> Callable[[], None]:
        return watch_store(self.store, on_rows, on_connection)

    def poll_now(self) -> None:
        for poller in self.pollers:
            poller.poll_now()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        from console.listener.catchup import QUICK_STOP_SECONDS

        # Every poller is told first, then each waited for briefly: a portal that hangs
        # must not hold the listener (and the window that stops it) for seconds.
        for poller in self.pollers:
            poller.stop(timeout=0)
        for poller in self.pollers:
            poller.stop(timeout=QUICK_STOP_SECONDS)
        if self.resolver is not None:
            # Before the store closes: it writes order ids through the store's writer.
            self.resolver.stop()
        if self.presence is not None:
            # Before the store closes: leaving is a statement on the store's team pool.
            self.presence.stop()
        if self.server is not None:
            self.server.stop()
            withdraw_listener(self.store_location)
        self.store.close()

    def describe_member(self, member: PresenceMember) -> PresenceMember:
        """This listener as the team sees it now: where it listens, which portals it polls."""
        return dataclasses.replace(
            member,
            address=self.server.base_url if self.server is not None else "",
            polling=tuple(sorted(poller.profile for poller in self.pollers if poller.polling)),
        )


def start_presence(session: ListenSession) -> None:
    """Heartbeat into the team's presence table, when the store has one."""
    from console.listener.presence import ListenerPresence
    from console.operations.base import current_operator
    from console.store.team import ROLE_LISTENER, PresenceMember

    team = session.store.presence()
    if team is None:
        return
    member = PresenceMember(operator=current_operator(), role=ROLE_LISTENER)
    session.presence = ListenerPresence(team, member, session.describe_member)
    session.presence.start()


def catch_up_profiles(repo: ProfileRepository, only: str | None) -> list[Profile]:
    """Profiles the poller can read orders for: those with an inbound webhook stored."""
    from console.core.credentials import SecretKind
    from console.core.profiles import AuthMode

    chosen = [repo.get(only)] if only else repo.list()
    return [
        profile
        for profile in chosen
        if profile.auth_mode is AuthMode.WEBHOOK
        and repo.secret(profile.name, SecretKind.WEBHOOK_CODE)
    ]


def start_catch_up(
    session: ListenSession,
    settings: CatchUpSettings,
    *,
    only: str | None = None,
    on_report: Callable[[CatchUpReport], None] | None = None,
    only_new: bool = False,
) -> list[CatchUpPoller]:
    """Start one background poller per webhook profile: a pass now, then every interval.

    ``only_new``: only for profiles without a poller yet (a profile added while the
    listener runs). Returns the pollers started.
    """
    from console.bitrix.connect import client_for_profile
    from console.listener.catchup import CatchUpPoller

    repo = session.profiles
    polled = {poller.profile for poller in session.pollers} if only_new else set()
    started: list[CatchUpPoller] = []
    for profile in catch_up_profiles(repo, only):
        if profile.name in polled:
            continue
        poller = CatchUpPoller(
            session.store,
            profile.name,
            functools.partial(
                client_for_profile, repo, profile.name, bucket_for=session.store.rest_bucket
            ),
            portal_domain=profile.domain,
            interval_seconds=settings.interval_seconds,
        )
        poller.on_report = on_report
        session.pollers.append(poller)
        poller.start()
        started.append(poller)
    return started


def start_listen_session(
    settings: ListenerSettings,
    *,
    store_path: Path | StoreLocation,
    retention: RetentionPolicy | None = None,
    profile: str | None = None,
    public: bool = False,
    profiles: ProfileRepository | None = None,
    keep_running_without_listener: bool = False,
    interactive: bool = False,
) -> ListenSession:
    """Open the store, load credentials from the keyring and start the listener.

    ``store_path``: a SQLite file or any store location; ``interactive``: the store's
    password may be asked on the terminal (``listen`` run by a person).

    Raises ``ValueError`` for a non-loopback host without ``public``, ``ProfileNotFound``
    for an unknown ``profile`` and ``KeyringUnavailable``. A port that cannot be bound
    raises ``OSError``, unless ``keep_running_without_listener``: then the session runs
    with ``server=None`` and the reason in ``bind_error`` (the window still shows the store).
    """
    from console.core.credentials import install_fingerprint_key
    from console.core.profiles import ProfileRepository
    from console.listener.server import ListenerServer
    from console.listener.verification import KeyringCredentialSource
    from console.store import open_store

    warning = install_fingerprint_key()
    if warning is not None:
        log.warning("%s", warning)
    repo = profiles or ProfileRepository()
    credentials = KeyringCredentialSource(repo, only=[profile] if profile else None)
    location = _location(store_path)
    store = open_store(location, retention=retention, interactive=interactive)
    server: ListenerServer | None = None
    bind_error: ListenerBindError | None = None
    try:
        server = ListenerServer(store, credentials, settings, public=public)
        server.start()
    except OSError as exc:
        if not keep_running_without_listener:
            store.close()
            raise
        log.warning("listener could not bind %s:%s: %s", settings.host, settings.port, exc)
        server = None
        bind_error = bind_error_from(exc, settings)
    except BaseException:
        store.close()
        raise
    if server is not None:
        try:
            publish_listener(location, server.base_url)
        except OSError as exc:
            log.warning("cannot write %s: %s", listener_file(location), exc)
    session = ListenSession(
        store=store,
        store_location=location,
        credentials=credentials,
        server=server,
        profiles=repo,
        bind_error=bind_error,
        fingerprint_warning=warning,
    )
    start_order_resolver(session)
    start_presence(session)
    return session


def start_order_resolver(session: ListenSession) -> None:
    """Resolve property-value events to their orders in the background (see resolver.py)."""
    from console.bitrix.connect import client_for_profile
    from console.listener.resolver import OrderResolver

    factory = functools.partial(
        client_for_profile, session.profiles, bucket_for=session.store.rest_bucket
    )
    session.resolver = OrderResolver(session.store, factory).start()


def _as_running_console(session: ListenSession) -> RunningConsole:
    # Never called: mypy checks here that a listen session offers what front ends read.
    return session


@dataclass
class WindowSession(_ProfilesConsole):
    """The window's console: the listener runs as a child process (``listen``), and the
    window follows the store it writes.

    The window keeps the store open itself for reading, pinning and the change log, and
    calls the portal itself for the forms; catch-up polling and order resolution run in
    the child, beside the listener.
    """

    store: EventStore
    store_location: StoreLocation
    profiles: ProfileRepository
    child: ListenerChild
    listener_settings: ListenerSettings
    bind_error: ListenerBindError | None = None
    _unwatch: list[Callable[[], None]] = field(default_factory=list)
    _stopped: bool = False

    @property
    def store_path(self) -> Path:
        return local_store_anchor(self.store_location)

    @property
    def listener(self) -> ListenerChild | None:
        return self.child if self.child.running else None

    @property
    def credentials(self) -> ListenerChild:
        """``reload()`` makes the listener re-read the profiles, as in-process sessions do."""
        return self.child

    @property
    def pollers(self) -> list[CatchUpStatus]:
        return list(self.child.catch_ups.values())

    @property
    def is_demo(self) -> bool:
        return False

    def poll_now(self) -> None:
        self.child.poll_now()

    def watch(
        self, on_rows: RowsReceiver, on_connection: ConnectionReceiver | None = None
    ) -> Callable[[], None]:
        # The listener is another process: follow the store (a file's tail, or a team
        # database's notifications) rather than this process's commits.
        stop = self.store.follow(on_rows, on_connection)
        self._unwatch.append(stop)
        return stop

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for stop in self._unwatch:
            stop()
        self.child.stop()
        self.store.close()


def start_window_session(
    listener_settings: ListenerSettings,
    *,
    store_path: Path | StoreLocation,
    data_dir: Path | None,
    profiles: ProfileRepository | None = None,
    store_url: str | None = None,
) -> WindowSession:
    """Open the store and start ``b24-console listen`` beside the window.

    ``data_dir`` goes to the child as ``--data-dir``, ``store_url`` as ``--store`` (None:
    the settings' store, as the window's own). The child is never handed the store's
    password: it reads the keyring itself. A child that cannot listen (the port is taken,
    the keyring is locked) leaves the session running without a listener, with the
    reason in ``bind_error``.
    """
    from console.core.profiles import ProfileRepository
    from console.listener.child import NETWORK_EXIT, ListenerChild, ListenerChildFailed
    from console.store import open_store

    repo = profiles or ProfileRepository()
    location = _location(store_path)
    store = open_store(location)
    child = ListenerChild(data_dir=data_dir, store_url=store_url)
    bind_error: ListenerBindError | None = None
    try:
        child.start()
    except ListenerChildFailed as exc:
        log.warning("the listener did not start: %s", exc.message)
        bind_error = ListenerBindError(
            listener_settings.host,
            listener_settings.port,
            exc.message,
            address_in_use=exc.exit_code == NETWORK_EXIT and "in use" in exc.message,
        )
    except BaseException:
        store.close()
        raise
    return WindowSession(
        store=store,
        store_location=location,
        profiles=repo,
        child=child,
        listener_settings=listener_settings,
        bind_error=bind_error,
    )
