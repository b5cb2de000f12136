"""Outgoing events: Bitrix24 form-encoded POSTs and Horoshop JSON PUTs from a sender thread."""

from __future__ import annotations

import json
import queue
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from console.core.phpform import encode_php_form
from console.sandbox import seed
from console.sandbox.state import PORTAL_TZ

KNOWN_EVENTS = ("ONSALEORDERSAVED", "ONPROPERTYVALUEENTITYSAVED")
USER_AGENT = "Bitrix24 Webhook Engine"
# Not documented; a vendor blog reports about five seconds.
DELIVERY_TIMEOUT = 5.0


@dataclass(frozen=True)
class Registration:
    handler_id: int
    event: str
    url: str


@dataclass(frozen=True)
class Delivery:
    url: str
    method: str
    body: bytes
    content_type: str
    user_agent: str


class EventSender:
    """Queues deliveries and sends them from one background thread, never retrying."""

    def __init__(self, auth: dict[str, str], seed_value: int = 1) -> None:
        self.auth = auth
        self.registrations: list[Registration] = []
        self.horoshop_urls: list[str] = []
        self.deliveries: list[tuple[str, int | str]] = []
        self._next_handler_id = 1
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._rng = random.Random(seed_value)
        self._next_horoshop_order = 5001
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sandbox-events", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=DELIVERY_TIMEOUT + 1)
            self._thread = None

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every queued delivery has an outcome; TimeoutError if not in time."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{self._pending} event deliveries still pending")
                self._idle.wait(left)

    # ------------------------------------------------------------- registration
    def register(self, event: str, url: str) -> int:
        """Register a handler URL for ``event``; returns its ``event_handler_id``."""
        event = event.upper()
        if event not in KNOWN_EVENTS:
            raise ValueError(f"unknown event {event}; known: {', '.join(KNOWN_EVENTS)}")
        with self._idle:
            for known in self.registrations:
                if known.event == event and known.url == url:
                    return known.handler_id
            registration = Registration(self._next_handler_id, event, url)
            self._next_handler_id += 1
            self.registrations.append(registration)
            return registration.handler_id

    def register_horoshop(self, url: str) -> None:
        with self._idle:
            if url not in self.horoshop_urls:
                self.horoshop_urls.append(url)

    # ------------------------------------------------------------------ sending
    def event_body(self, event: str, handler_id: int, fields: dict[str, str]) -> str:
        """The form body, key order and encoding as the portal sends it."""
        return encode_php_form(
            {
                "event": event,
                "event_handler_id": str(handler_id),
                "data": {"FIELDS": fields},
                "ts": str(int(time.time())),
                "auth": dict(self.auth),
            }
        )

    def send_event(self, event: str, fields: dict[str, str]) -> int:
        """Queue ``event`` for every handler registered for it; returns how many."""
        event = event.upper()
        targets = [r for r in list(self.registrations) if r.event == event]
        for registration in targets:
            body = self.event_body(event, registration.handler_id, fields)
            self._enqueue(
                Delivery(
                    registration.url,
                    "POST",
                    body.encode("ascii"),
                    "application/x-www-form-urlencoded",
                    USER_AGENT,
                )
            )
        return len(targets)

    def send_horoshop_order(self, order: dict[str, Any] | None = None) -> dict[str, Any]:
        """PUT an ``order_created`` JSON to every Horoshop URL; returns the order sent."""
        sent = order if order is not None else self.horoshop_order()
        body = json.dumps(sent, ensure_ascii=False).encode("utf-8")
        for url in list(self.horoshop_urls):
            self._enqueue(Delivery(url, "PUT", body, "application/json", "Horoshop"))
        return sent

    def horoshop_order(self) -> dict[str, Any]:
        """A realistic order in the exact shape of Horoshop's documented example."""
        rng = self._rng
        with self._idle:
            order_id = self._next_horoshop_order
            self._next_horoshop_order += 1
        first, first_latin = rng.choice(seed.FIRST_NAMES)
        last, last_latin = rng.choice(seed.LAST_NAMES)
        products: list[dict[str, Any]] = []
        for title, article, price in rng.sample(seed.PRODUCTS, rng.randint(1, 2)):
            quantity = rng.choice((1, 1, 2))
            slug = article.lower().replace(".", "-")
            products.append(
                {
                    "title": title,
                    "article": article,
                    "price": int(price),
                    "quantity": quantity,
                    "discount_marker": rng.choice(("NONE", "PRICE_OLD", "DISCOUNT_CARD")),
                    "total_price": int(price) * quantity,
                    "url": f"https://shop.example.ua/kupit/{slug}",
                    "photo_url": f"https://shop.example.ua/content/images/{slug}.jpg",
                }
            )
        total = sum(p["total_price"] for p in products)
        delivery = rng.choice([(3, "Нова Пошта"), (8, "Самовивіз"), (9, "Укрпошта")])
        payment = rng.choice(
            [(13, "Готівкою"), (14, "Онлайн оплата карткою"), (15, "Накладений платіж")]
        )
        created = datetime.now(UTC).astimezone(PORTAL_TZ) - timedelta(seconds=rng.randint(0, 60))
        city = rng.choice(seed.CITIES)
        return {
            "order_id": order_id,
            "user": 3000 + order_id,
            "delivery_name": f"{first} {last}",
            "delivery_email": f"{first_latin}.{last_latin}@ukr.net",
            "delivery_phone": f"+38 (0{rng.randint(50, 99)}) {rng.randint(100, 999)}-"
            f"{rng.randint(10, 99)}-{rng.randint(10, 99)}",
            "delivery_city": city,
            "delivery_address": f"Відділення №{rng.randint(1, 120)}" if delivery[0] == 3 else "",
            "delivery_type": {"id": delivery[0], "title": delivery[1]},
            "delivery_price": 0,
            "comment": "",
            "payment_type": {"id": payment[0], "title": payment[1]},
            "payed": 1 if payment[0] == 14 else 0,
            "total_default": total,
            "total_sum": total,
            "total_quantity": sum(p["quantity"] for p in products),
            "discount_percent": 0,
            "discount_value": 0,
            "coupon_code": "",
            "coupon_percent": 0,
            "coupon_discount_value": 0,
            "coupon_type": 0,
            "stat_status": 1,
            "stat_created": created.strftime("%Y-%m-%d %H:%M:%S"),
            "currency": "UAH",
            "order_without_callback": rng.choice((True, False)),
            "products": products,
        }

    def _enqueue(self, delivery: Delivery) -> None:
        with self._idle:
            self._pending += 1
        self._queue.put(delivery)

    def _run(self) -> None:
        with httpx.Client(timeout=DELIVERY_TIMEOUT, follow_redirects=False) as client:
            while True:
                delivery = self._queue.get()
                if delivery is None:
                    return
                outcome: int | str
                try:
                    response = client.request(
                        delivery.method,
                        delivery.url,
                        content=delivery.body,
                        headers={
                            "Content-Type": delivery.content_type,
                            "User-Agent": delivery.user_agent,
                        },
                    )
                    outcome = response.status_code
                except Exception as exc:
                    # Like the portal: log the failure, never resend. Any failure (an
                    # unusable handler URL too) is this delivery's, never the sender's.
                    outcome = f"{type(exc).__name__}: {exc}"
                with self._idle:
                    self.deliveries.append((delivery.url, outcome))
                    self._pending -= 1
                    self._idle.notify_all()
