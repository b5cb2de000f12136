"""A sandbox portal, a webhook client on it, a real store and an operation context."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.limiter import BucketLimits, forget_limiters
from console.operations import OperationContext
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import SqliteEventStore

FAST = BucketLimits(50, 100.0)
NOW = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    forget_limiters()
    with SandboxPortal(SandboxConfig(burst=1000, drain_rate=500.0)) as sandbox:
        yield sandbox
    forget_limiters()


@pytest.fixture
def client(portal: SandboxPortal) -> Iterator[BitrixClient]:
    with BitrixClient(WebhookAuth.from_url(portal.webhook_url), limits=FAST) as c:
        yield c


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteEventStore]:
    with SqliteEventStore(tmp_path / "events.sqlite3") as opened:
        yield opened


@pytest.fixture
def ctx(client: BitrixClient, store: SqliteEventStore) -> OperationContext:
    return OperationContext(client, "shop", store, operator="olena", clock=lambda: NOW)
