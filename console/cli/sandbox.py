"""``b24-console sandbox`` and ``--demo --headless``: run the emulated portal (and for the
demo, a listener and a store) until Ctrl-C or SIGTERM.

The sandbox, the listener and aiohttp are imported when a command runs, not when the
parser is built, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.cli.app import CliError, ExitCode, emit, emit_line, foreground_run, wants_json
from console.core.net import is_loopback_host

if TYPE_CHECKING:
    from console.sandbox import SandboxConfig, SandboxPortal
    from console.store import StoredEvent

_STOP_HINT = "Press Ctrl-C to stop."


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="run the emulated Bitrix24 portal on loopback",
        description="Serve an emulated Bitrix24 portal (REST, OAuth, outgoing events) "
        "on this machine until Ctrl-C.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address (default %(default)s)"
    )
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--burst", type=int, default=50, help="leaky bucket size (default 50)")
    parser.add_argument("--drain-rate", type=float, default=2.0, help="requests/s drained")
    parser.add_argument("--latency", type=float, default=0.0, help="added seconds per call")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of 500 answers")
    parser.add_argument("--seed", type=int, default=1, help="seed of the portal data")
    parser.add_argument(
        "--handler",
        dest="event_handlers",
        action="append",
        default=[],
        metavar="URL",
        help="outgoing-webhook handler for ONSALEORDERSAVED and ONPROPERTYVALUEENTITYSAVED",
    )
    parser.add_argument("--horoshop-handler", metavar="URL", help="Horoshop order_created URL")
    parser.add_argument("--json", action="store_true", help="print the description as JSON")
    parser.set_defaults(handler=run_sandbox)


def _config(args: argparse.Namespace) -> SandboxConfig:
    from console.sandbox import SandboxConfig

    if not is_loopback_host(args.host):
        raise CliError(f"the sandbox only listens on loopback, not {args.host}")
    if not 0 <= args.port <= 65535:
        raise CliError("--port: must be between 0 and 65535 (0 picks a free one)")
    if args.burst < 1:
        raise CliError("--burst: must be at least 1")
    if not (math.isfinite(args.drain_rate) and args.drain_rate > 0):
        raise CliError("--drain-rate: must be a positive number of requests per second")
    if not (math.isfinite(args.latency) and 0 <= args.latency <= 60):
        raise CliError("--latency: must be between 0 and 60 seconds")
    if not 0 <= args.error_rate <= 1:  # also refuses NaN
        raise CliError("--error-rate: must be between 0 and 1")
    return SandboxConfig(
        host=args.host,
        port=args.port,
        burst=args.burst,
        drain_rate=args.drain_rate,
        seed=args.seed,
        latency_seconds=args.latency,
        error_rate=args.error_rate,
    )


def describe_text(portal: SandboxPortal) -> str:
    """What a person needs to point the console (or curl) at the sandbox."""
    from console.demo import describe_portal

    return f"{describe_portal(portal)}\n{_STOP_HINT}"


def serve(portal: SandboxPortal, args: argparse.Namespace) -> int:
    """Start ``portal``, print what it serves and block until SIGINT or SIGTERM."""
    from console.demo import SANDBOX_EVENTS

    with foreground_run() as run:
        try:
            portal.start()
        except OSError as exc:
            raise CliError(f"cannot listen: {exc}", ExitCode.NETWORK) from exc
        try:
            for url in getattr(args, "event_handlers", None) or []:
                for event in SANDBOX_EVENTS:
                    portal.register_handler(event, url)
            if getattr(args, "horoshop_handler", None):
                portal.register_horoshop_handler(args.horoshop_handler)
            emit(args, portal.describe(), lambda: describe_text(portal))
            run.wait()
        finally:
            portal.stop()
    return ExitCode.OK


def run_sandbox(args: argparse.Namespace) -> int:
    from console.sandbox import SandboxPortal

    return serve(SandboxPortal(_config(args)), args)


def started_by_uv_run() -> bool:
    """Whether this process was started by ``uv run`` (a checkout): the commands we
    suggest must then start with it too, or the shell will not find ``b24-console``."""
    return bool(os.environ.get("UV_RUN_RECURSION_DEPTH"))


def demo_guide(
    data_dir: Path, *, temporary: bool, lookback_hours: float, uv_run: bool = False
) -> list[str]:
    """What the terminal demo says before its first event line; ``uv_run``: the command
    to query the store starts with ``uv run``, as the demo was started."""
    kept = (
        "a temporary directory, deleted when the demo exits"
        if temporary
        else "kept after the demo exits"
    )
    query = f"b24-console events list --data-dir {shlex.quote(str(data_dir))}"
    if uv_run:
        query = f"uv run {query}"
    return [
        f"Events are stored in {data_dir} ({kept}).",
        f"Query them from another terminal while the demo runs: {query}",
        f"The first lines are catch-up events: order changes of the last {lookback_hours:g} "
        "hours that no event reported,",
        "  found by polling sale.order.list. Then the shop's live events, one of each kind "
        "first (order status,",
        "  property value, shipment status, Horoshop order, and a forged event the listener "
        "rejects), then one every few seconds.",
    ]


def run_demo(args: argparse.Namespace) -> int:
    """``b24-console --demo --headless``: sandbox portal, listener, store and live demo
    events in the terminal, one line per committed event."""
    from console.cli.listen import event_json, format_event_line
    from console.demo import CATCH_UP_LOOKBACK, DemoSession, demo_description

    # Events committed before the guide is printed (the first catch-up pass starts with
    # the demo) wait here, so the guide comes first and none is lost.
    lock = threading.Lock()
    held: list[StoredEvent] | None = []

    def show(event: StoredEvent) -> None:
        emit_line(args, event_json(event), format_event_line(event))

    def on_event(event: StoredEvent) -> None:
        with lock:
            if held is not None:
                held.append(event)
                return
        show(event)

    demo = DemoSession(data_dir=getattr(args, "data_dir", None), subscriber=on_event)
    with foreground_run() as run:
        try:
            demo.start()
        except OSError as exc:
            raise CliError(f"cannot start the demo: {exc}", ExitCode.NETWORK) from exc
        try:
            guide = demo_guide(
                demo.data_dir,
                temporary=demo.temporary,
                lookback_hours=CATCH_UP_LOOKBACK.total_seconds() / 3600,
                uv_run=started_by_uv_run(),
            )
            if wants_json(args):
                emit_line(
                    args,
                    {
                        "type": "demo",
                        "portal": demo.portal.describe(),
                        "bitrix_handler": demo.bitrix_handler_url,
                        "horoshop_handler": demo.horoshop_handler_url,
                        "data_dir": str(demo.data_dir),
                        "temporary": demo.temporary,
                    },
                    "",
                )
            else:
                print(demo_description(demo), flush=True)
                for line in guide:
                    print(line, flush=True)
                print(_STOP_HINT, flush=True)
            with lock:
                waiting, held = held or [], None
            for event in waiting:
                show(event)
            run.wait()
        finally:
            demo.stop()
            gone = " (its store was deleted)" if demo.temporary else ""
            emit_line(
                args, {"type": "stopped", "store_deleted": demo.temporary}, f"demo stopped{gone}"
            )
    return ExitCode.OK
