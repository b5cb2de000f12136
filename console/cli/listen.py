"""``b24-console listen``: run the embedded listener in the foreground.

Prints the handler URLs to register, then one line per committed event, until SIGINT or
SIGTERM. The running pieces come from :mod:`console.session`, shared with the window.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.cli.app import CliError, ExitCode, emit_line, foreground_run, wants_json
from console.cli.store_choice import add_store_argument, chosen_location
from console.core.net import is_loopback_host
from console.core.sanitize import printable

if TYPE_CHECKING:
    from console.listener.catchup import CatchUpPoller, CatchUpReport
    from console.session import ListenSession
    from console.store import StoredEvent


def format_catch_up_line(report: CatchUpReport) -> str:
    from console.cli.catch_up_lines import format_catch_up_line as line

    return line(report)


def event_json(event: StoredEvent) -> dict[str, Any]:
    """One committed event as a line of ``listen --json``: the fields of ``events list``."""
    from console.cli.events import summary_json

    return {"type": "event", **summary_json(event)}


def format_event_line(event: StoredEvent) -> str:
    """One line per committed event: time, id, source, event, entity, verification.

    Made printable: the event name, entity and reason come from whoever sent the event."""
    when = event.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    state = event.verification.value
    if event.duplicate_of is not None:
        state += f" (duplicate of #{event.duplicate_of})"
    if event.verification_reason:
        state += f": {event.verification_reason}"
    return printable(
        f"{when}  #{event.id}  {event.source.value}  {event.event}  "
        f"{event.entity_id or '-'}  {state}",
        one_line=True,
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
    add_store_argument(parser)
    parser.add_argument("--profile", help="accept events for this profile only")
    parser.add_argument(
        "--public", action="store_true", help="allow binding an address other machines can reach"
    )
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help="a reverse proxy (IP address or network, e.g. 127.0.0.1 or 10.0.0.0/24) whose "
        "X-Forwarded-For names the sender; repeat for several (default from settings: none)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the public HTTPS address of the reverse proxy in front "
        "(https://events.example.com): the handler URLs are printed with it",
    )
    parser.add_argument(
        "--no-catch-up",
        action="store_true",
        help="do not poll the portal for changes that no event covered",
    )
    parser.add_argument(
        "--catch-up-interval",
        type=float,
        metavar="SECONDS",
        help="seconds between catch-up passes (default from settings: 60); "
        "SIGUSR1 asks for a pass now",
    )
    # For the window, which runs `listen` as its child: no line per event (the window reads
    # the store) and a line for every catch-up pass (it shows the last and the next).
    parser.add_argument("--child-of-window", action="store_true", help=argparse.SUPPRESS)
    # For the windowed demo: the sandbox's listener, its configuration on standard input.
    parser.add_argument("--demo-child", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=_listen)


def _nothing() -> None:
    pass


def _reload_credentials(session: ListenSession) -> None:
    # In a signal handler on the main thread: the keyring read must not end the listener.
    try:
        session.credentials.reload()
    except Exception as exc:
        print(f"cannot re-read the profiles: {exc}", file=sys.stderr, flush=True)


def _stop_with_parent(stop: threading.Event) -> None:
    """A window that dies without stopping its listener (killed, crashed) must not leave
    it holding the port: once this process is handed to another parent, it stops."""
    parent = os.getppid()

    def watch() -> None:
        while not stop.wait(1.0):
            if os.getppid() != parent:
                stop.set()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _listen_for_demo(args: argparse.Namespace) -> int:
    """The windowed demo's listener and order resolver, until the window stops it."""
    from console.demo import DemoListener, DemoListenerConfig

    try:
        config = DemoListenerConfig.from_json(sys.stdin.read())
    except (ValueError, KeyError, TypeError) as exc:
        raise CliError(f"--demo-child: the configuration on standard input: {exc}") from None
    try:
        demo = DemoListener.start(config)
    except OSError as exc:
        raise CliError(f"cannot listen: {exc.strerror or exc}", ExitCode.NETWORK) from None
    with foreground_run() as run:
        _stop_with_parent(run.stop_requested)
        try:
            server = demo.server
            emit_line(
                args,
                {
                    "type": "listening",
                    "url": server.base_url,
                    "store": config.store_path,
                    "handlers": server.handler_urls(),
                },
                "",
            )
            run.wait()
        finally:
            demo.stop()
            emit_line(args, {"type": "stopped"}, "listener stopped")
    return ExitCode.OK


def _trusted_proxies(entries: list[str]) -> list[str]:
    from console.core.net import parse_network

    try:
        return [str(parse_network(entry)) for entry in entries]
    except ValueError as exc:
        raise CliError(f"--trusted-proxy: {exc}", ExitCode.USAGE) from None


def _public_url(text: str) -> str:
    from console.core.net import parse_public_base_url

    try:
        return parse_public_base_url(text)
    except ValueError as exc:
        raise CliError(f"--public-url: {exc}", ExitCode.USAGE) from None


def _listen(args: argparse.Namespace) -> int:
    from console.cli.catch_up_lines import CatchUpAnnouncer, catch_up_json
    from console.core.settings import load_settings
    from console.listener.server import StoreNotWritable
    from console.session import retention_policy, start_catch_up, start_listen_session

    if getattr(args, "child_of_window", False):
        from console.listener.child import yield_cpu_to_window

        yield_cpu_to_window()
    if getattr(args, "demo_child", False):
        return _listen_for_demo(args)
    settings = load_settings()
    updates: dict[str, Any] = {}
    if args.host is not None:
        updates["host"] = args.host
    if args.port is not None:
        if not 0 <= args.port <= 65535:
            raise CliError(f"port {args.port} out of range")
        updates["port"] = args.port
    if args.trusted_proxy:
        updates["trusted_proxies"] = _trusted_proxies(args.trusted_proxy)
    if args.public_url is not None:
        updates["public_url"] = _public_url(args.public_url)
    listener_settings = settings.listener.model_copy(update=updates)
    catch_up = settings.catch_up
    if args.catch_up_interval is not None:
        if not (math.isfinite(args.catch_up_interval) and args.catch_up_interval > 0):
            raise CliError("--catch-up-interval: give a positive number of seconds")
        catch_up = catch_up.model_copy(update={"interval_seconds": args.catch_up_interval})
    if args.no_catch_up:
        catch_up = catch_up.model_copy(update={"enabled": False})
    if not is_loopback_host(listener_settings.host) and not args.public:
        raise CliError(
            f"{listener_settings.host} is not a loopback address: add --public to expose "
            "the listener to other machines",
            ExitCode.USAGE,
        )
    location = chosen_location(args)
    retention = retention_policy(settings.retention)
    if args.public and not is_loopback_host(listener_settings.host):
        print(
            f"warning: listening on {listener_settings.host}: reachable from other machines",
            file=sys.stderr,
        )
    try:
        session = start_listen_session(
            listener_settings,
            store_path=location,
            retention=retention,
            profile=args.profile,
            public=args.public,
            interactive=not getattr(args, "child_of_window", False),
        )
    except OSError as exc:
        where = f"{listener_settings.host}:{listener_settings.port}"
        if exc.errno == errno.EADDRINUSE:
            raise CliError(
                f"cannot listen on {where}: the port is in use by another program or another "
                "console; pick another with --port, or stop the one holding it",
                ExitCode.NETWORK,
            ) from None
        raise CliError(
            f"cannot listen on {where}: {exc.strerror or exc}", ExitCode.NETWORK
        ) from None
    except StoreNotWritable as exc:
        raise CliError(f"{exc} ({location.display})") from None

    server = session.server
    assert server is not None  # binding failures raise here; only the window runs without
    # SIGUSR1 asks for a catch-up pass now; SIGHUP re-reads the profiles and their secrets
    # (a profile added or edited, a portal's other domain accepted). POSIX only.
    extra: dict[signal.Signals, Callable[[], None]] = {}
    if hasattr(signal, "SIGUSR1"):
        extra[signal.SIGUSR1] = session.poll_now
        extra[signal.SIGHUP] = lambda: _reload_profiles()
    child = bool(getattr(args, "child_of_window", False))
    unsubscribe: Callable[[], None] = _nothing
    if not child:
        unsubscribe = session.store.subscribe(
            lambda event: emit_line(args, event_json(event), format_event_line(event))
        )
    announcer = CatchUpAnnouncer()

    def on_report(report: CatchUpReport) -> None:
        if child or announcer.worth_showing(report):
            emit_line(args, catch_up_json(report), format_catch_up_line(report))

    def announce_pollers(pollers: list[CatchUpPoller]) -> None:
        every = f"{catch_up.interval_seconds:g} s"
        for poller in pollers:
            emit_line(
                args,
                {
                    "type": "catch-up-polling",
                    "profile": poller.profile,
                    "interval_seconds": catch_up.interval_seconds,
                },
                f"catch-up polling for {poller.profile} every {every}; a line "
                "when a pass finds something, fails, or recovers",
            )

    def _reload_profiles() -> None:
        # From the signal handler: the keyring reads and the new pollers' start run in a
        # thread, so the handler returns at once.
        def reload() -> None:
            _reload_credentials(session)
            if catch_up.enabled and not args.profile:
                announce_pollers(
                    start_catch_up(session, catch_up, on_report=on_report, only_new=True)
                )

        threading.Thread(target=reload, name="reload-profiles", daemon=True).start()

    with foreground_run(extra) as run:
        if child:
            _stop_with_parent(run.stop_requested)
        try:
            urls = server.handler_urls()
            if wants_json(args):
                emit_line(
                    args,
                    {
                        "type": "listening",
                        "url": server.base_url,
                        "store": location.display,
                        "handlers": urls,
                    },
                    "",
                )
            else:
                print(f"listening on {server.base_url}  (store: {location.display})", flush=True)
                if listener_settings.trusted_proxies:
                    proxies = ", ".join(listener_settings.trusted_proxies)
                    print(f"  X-Forwarded-For believed from {proxies} only", flush=True)
                if not urls:
                    print("no profiles: add one with 'b24-console profile add'", flush=True)
                for name, url in urls.items():
                    print(f"  {name:24} {url}", flush=True)
            if catch_up.enabled:
                announce_pollers(
                    start_catch_up(session, catch_up, only=args.profile, on_report=on_report)
                )
            run.wait()
        finally:
            unsubscribe()
            session.stop()
            emit_line(args, {"type": "stopped"}, "listener stopped")
    return ExitCode.OK
