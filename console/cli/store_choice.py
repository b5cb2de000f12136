"""Which event store a command uses: ``--store URL``, ``--data-dir DIR`` or the settings.

Shared by ``listen``, every ``events`` command and the window's top-level flags, so that
each of them chooses the store, and words a bad choice, the same way.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from console.cli.app import CliError
from console.store.location import StoreLocation, StoreUrlError, parse_store_url

STORE_FILE = "events.sqlite3"
STORE_HELP = (
    "the event store: sqlite:///path/events.sqlite3 or postgresql://user@host:5432/db "
    "(default: store_url in the settings, else the local file); never put the password "
    "in the URL"
)


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="URL", help=STORE_HELP)


def location_from_url(text: str, option: str = "--store") -> StoreLocation:
    try:
        return parse_store_url(text)
    except StoreUrlError as exc:
        raise CliError(f"{option}: {exc}") from None


def chosen_location(args: argparse.Namespace) -> StoreLocation:
    """``--store``, else ``--data-dir``/events.sqlite3, else the settings' store."""
    url = getattr(args, "store", None)
    data_dir = getattr(args, "data_dir", None)
    if url is not None and data_dir is not None:
        raise CliError("--store and --data-dir both choose the event store: give only one")
    if url is not None:
        return location_from_url(url)
    if data_dir is not None:
        return StoreLocation.sqlite(Path(data_dir) / STORE_FILE)
    from console.store import configured_location

    try:
        return configured_location()
    except StoreUrlError as exc:
        raise CliError(str(exc)) from None
