"""``b24-console sandbox`` and ``--demo``: run the emulated portal until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import math
from typing import Any

from console.cli.app import CliError, ExitCode, emit, foreground_run
from console.core.net import is_loopback_host
from console.demo import SANDBOX_EVENTS, DemoSession
from console.sandbox import SandboxConfig, SandboxPortal


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
    info = portal.describe()
    lines = [
        f"Sandbox portal on {info['base_url']}",
        f"  inbound webhook (admin):   {info['webhook_url']}",
        f"  inbound webhook (limited): {info['limited_webhook_url']}",
        f"  outgoing application_token: {info['application_token']}",
        f"  member_id: {info['member_id']}",
        f"  OAuth client: {info['oauth_client_id']} / {info['oauth_client_secret']}",
        f"  OAuth token URL: {info['oauth_token_url']}",
        "  control endpoints:",
    ]
    lines += [f"    {endpoint}" for endpoint in info["control"].values()]
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def serve(portal: SandboxPortal, args: argparse.Namespace) -> int:
    """Start ``portal``, print what it serves and block until SIGINT or SIGTERM."""
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
    return serve(SandboxPortal(_config(args)), args)


def demo_text(demo: DemoSession) -> str:
    assert demo.listener is not None
    return "\n".join(
        [
            describe_text(demo.portal).removesuffix("Press Ctrl-C to stop."),
            f"Listener on {demo.listener.base_url} (store in {demo.data_dir})",
            f"  Bitrix24 handler:  {demo.bitrix_handler_url}",
            f"  Horoshop handler:  {demo.horoshop_handler_url}",
            "Shop activity every few seconds; each committed event prints one line.",
            "Press Ctrl-C to stop.",
        ]
    )


def run_demo(args: argparse.Namespace) -> int:
    """``b24-console --demo``: sandbox portal, listener, store and live demo events."""
    from console.cli.listen import format_event_line

    demo = DemoSession()
    with foreground_run() as run:
        try:
            demo.start()
        except OSError as exc:
            raise CliError(f"cannot start the demo: {exc}", ExitCode.NETWORK) from exc
        try:
            assert demo.store is not None
            demo.store.subscribe(lambda event: print(format_event_line(event), flush=True))
            print(demo_text(demo), flush=True)
            run.wait()
        finally:
            demo.stop()
            print("demo stopped", flush=True)
    return ExitCode.OK
