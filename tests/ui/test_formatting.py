"""Money is written one way in the whole window, as the interface's locale writes it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale

from console.bitrix.order_view import BasketLine, OrderView
from console.operations.orders import OrderSummary
from console.store.model import EventSource
from console.ui.dialogs.order_lookup import summary_text
from console.ui.formatting import money_text
from console.ui.models.entity import BasketTableModel
from console.ui.wording import translated_summary

NBSP = "\u00a0"


@pytest.fixture
def ukrainian() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale("uk_UA"))
    try:
        yield
    finally:
        QLocale.setDefault(before)


def test_money_in_english() -> None:
    assert money_text("5897.0", "UAH") == "5,897.00 UAH"
    assert money_text(Decimal("5897"), "") == "5,897.00"
    assert money_text("not a number", "UAH") == "not a number"


def test_money_in_ukrainian(ukrainian: None) -> None:
    assert money_text("5897.0", "UAH") == f"5{NBSP}897,00 ₴"
    assert money_text(5897, "EUR") == f"5{NBSP}897,00 EUR"


def test_every_place_writes_money_the_same_way(ukrainian: None, qtbot: object) -> None:
    expected = f"5{NBSP}897,00 ₴"
    # The feed's stored summary, the order lookup of the forms, the inspector's basket.
    assert translated_summary("status F · 5897.0 UAH").endswith(expected)
    order = OrderSummary(
        id=300, number="300", created=datetime(2026, 11, 1, tzinfo=UTC),
        total=Decimal("5897"), currency="UAH", status=None, customer="",
    )  # fmt: skip
    assert expected in summary_text(order)
    model = BasketTableModel()
    line = BasketLine(name="MacBook", quantity="1", price="5897.00", total="5897.00")
    view = OrderView(source=EventSource.BITRIX, order_id="300", basket=[line])
    model.set_view(view)
    assert model.index(0, 3).data() == f"5{NBSP}897,00"


def test_moments_carry_their_zone_or_say_they_are_the_storefronts(qtbot: object) -> None:
    from console.ui.formatting import moment_text

    portal = moment_text("2026-11-01 12:30:00+02:00")
    local = datetime(2026, 11, 1, 10, 30, tzinfo=UTC).astimezone()
    assert portal.startswith(local.strftime("%Y-%m-%d %H:%M:%S")) and " UTC" in portal
    assert moment_text("2016-12-05 15:46:40") == "2016-12-05 15:46:40 (the storefront's time)"
    assert moment_text("yesterday") == "yesterday"
