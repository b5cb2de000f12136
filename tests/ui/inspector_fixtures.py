"""Fixtures for the inspector's tests (``pytest_plugins = ["tests.ui.inspector_fixtures"]``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.sandbox import SandboxConfig, SandboxPortal
from console.ui.context import ConsoleContext
from tests.ui.loopback import LoopbackConsole, make_context


@pytest.fixture(scope="module")
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(port=0, burst=50, drain_rate=100.0)) as sandbox:
        yield sandbox


@pytest.fixture
def console(tmp_path: Path, portal: SandboxPortal) -> Iterator[LoopbackConsole]:
    running = LoopbackConsole(tmp_path, portal)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def context(console: LoopbackConsole) -> Iterator[ConsoleContext]:
    made = make_context(console)
    try:
        yield made
    finally:
        made.jobs.shutdown()
