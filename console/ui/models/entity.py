"""The Entity tab's tables: an order's basket and its shipments."""

from __future__ import annotations

from PySide6.QtCore import QObject

from console.bitrix.order_view import OrderView
from console.ui.formatting import money_text
from console.ui.models.headers import TextTableModel


class BasketTableModel(TextTableModel):
    """Basket lines (portal) or products (Horoshop): name, article, quantity, price, total."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                self.tr("Item"),
                self.tr("Article"),
                self.tr("Qty"),
                self.tr("Price"),
                self.tr("Total"),
            ],
            parent,
        )

    def set_view(self, view: OrderView | None) -> None:
        lines = view.basket if view is not None else []
        self.set_rows(
            [
                (b.name, b.article, b.quantity, money_text(b.price), money_text(b.total))
                for b in lines
            ]
        )


class ShipmentTableModel(TextTableModel):
    """Shipments with their delivery status as a colour swatch and a name."""

    STATUS_COLUMN = 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                self.tr("Shipment"),
                self.tr("Delivery"),
                self.tr("Status"),
                self.tr("Tracking"),
                self.tr("Price"),
            ],
            parent,
        )

    def set_view(self, view: OrderView | None) -> None:
        shipments = view.shipments if view is not None else []
        rows = []
        colors: dict[tuple[int, int], str] = {}
        for row, shipment in enumerate(shipments):
            status = shipment.status
            rows.append(
                (
                    shipment.id,
                    shipment.delivery,
                    status.name if status is not None else "",
                    shipment.tracking,
                    money_text(shipment.price),
                )
            )
            if status is not None and status.color:
                colors[(row, self.STATUS_COLUMN)] = status.color
        self.set_rows(rows, colors)
