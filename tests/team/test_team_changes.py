"""Changes two operators make through their own consoles land in the team's store, and
either console's order timeline shows both, each with the operator's name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.limiter import BucketLimits
from console.operations import OperationContext
from console.operations.orders import change_order_status
from console.sandbox import SandboxConfig, SandboxPortal
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from console.ui.models.timeline import ChangeLogTimeline, EntryKind, OrderTimelineTableModel
from tests.support.postgres import PgCluster

ORDER = 130


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(burst=1000, drain_rate=500.0)) as sandbox:
        yield sandbox


def test_the_timeline_shows_every_operators_changes(
    qtbot: QtBot, portal: SandboxPortal, pg_cluster: PgCluster, pg_database: str
) -> None:
    del qtbot  # a QApplication for the model
    location = parse_store_url(pg_database)
    # Two consoles on two desktops: each its own store connection and its own client.
    olena_store = PostgresEventStore(location, pg_cluster.password)
    bohdan_store = PostgresEventStore(location, pg_cluster.password)
    auth = WebhookAuth.from_url(portal.webhook_url)
    limits = BucketLimits(1000, 500.0)
    try:
        with BitrixClient(auth, limits=limits, bucket_for=olena_store.rest_bucket) as client:
            change_order_status(OperationContext(client, "shop", olena_store, "Олена"), ORDER, "P")
        with BitrixClient(auth, limits=limits, bucket_for=bohdan_store.rest_bucket) as client:
            change_order_status(
                OperationContext(client, "shop", bohdan_store, "Bohdan"), ORDER, "D"
            )

        entries = ChangeLogTimeline(olena_store).entries("shop", str(ORDER))
        # Both logged in as the same database login here: it stands beside each name.
        login = pg_cluster.superuser
        assert [(e.kind, e.operator) for e in entries] == [
            (EntryKind.CHANGE, f"Олена ({login})"),
            (EntryKind.CHANGE, f"Bohdan ({login})"),
        ]
        model = OrderTimelineTableModel()
        model.set_entries(entries)
        assert [model.data(model.index(row, 2)) for row in range(2)] == [
            f"Олена ({login})",
            f"Bohdan ({login})",
        ]
        assert "Bohdan:" in model.data(model.index(1, 5))
        assert "→ D" in model.data(model.index(1, 5))
    finally:
        olena_store.close()
        bohdan_store.close()
