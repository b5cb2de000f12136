"""Build a large, realistic event store for benchmarks, fast.

``uv run python -m tests.benchmarks.build_store PATH [--events N]`` (default 1,000,000).
A file that already holds N events is reused as it is.

The store is created by :class:`SqliteEventStore` (the real schema and migrations), then
filled with multi-row INSERTs in large transactions on one connection, so the triggers
(full-text index, per-view counts) run exactly as they do for the listener, without the
per-event cost of building pydantic records. The mix: Bitrix24 order and property-value
saves about a few thousand orders, Horoshop orders with Cyrillic names, e-mails and
phones, catch-up records, forged (rejected) and malformed deliveries, and redeliveries
stored as duplicates. Bodies average about 1.5 KB.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.store import SCHEMA_VERSION, SqliteEventStore
from console.store.rows import (
    MAX_ROWS_PER_INSERT,
    RECORD_COLUMNS,
    encode_payload,
    insert_rows_sql,
    to_micros,
)
from console.store.schema import connect
from console.store.summary import summarize

DEFAULT_EVENTS = 1_000_000
ORDERS = 4000
# Rows per transaction: big enough that commits cost nothing, small enough for the WAL.
TRANSACTION_ROWS = 20_000
SPAN = timedelta(days=60)

FIRST_NAMES = (
    "Олександр", "Андрій", "Марія", "Олена", "Іван", "Наталія", "Дмитро", "Ірина",
    "Сергій", "Тетяна", "Юлія", "Богдан", "Оксана", "Василь", "Катерина", "Михайло",
)  # fmt: skip
LAST_NAMES = (
    "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник",
    "Мельник", "Поліщук", "Лисенко", "Руденко", "Савченко", "Петренко", "Гончаренко",
)  # fmt: skip
LATIN = {
    "Олександр": "oleksandr", "Андрій": "andrii", "Марія": "mariia", "Олена": "olena",
    "Іван": "ivan", "Наталія": "nataliia", "Дмитро": "dmytro", "Ірина": "iryna",
    "Сергій": "serhii", "Тетяна": "tetiana", "Юлія": "yuliia", "Богдан": "bohdan",
    "Оксана": "oksana", "Василь": "vasyl", "Катерина": "kateryna", "Михайло": "mykhailo",
}  # fmt: skip
CITIES = ("Київ", "Львів", "Одеса", "Харків", "Дніпро", "Вінниця", "Полтава", "Чернігів")
PRODUCTS = (
    "Батут Atleto 140 см з сіткою, синій",
    "Ноутбук MacBook Air 13, 256 GB",
    "Чайник електричний Philips HD9350",
    "Кросівки бігові, розмір 42",
    "Рюкзак міський 25 л, чорний",
    "Навушники бездротові з шумозаглушенням",
    "Кавоварка ріжкова DeLonghi",
    "Набір посуду з нержавіючої сталі, 12 предметів",
)
STATUSES = ("N", "P", "S", "D", "F")
DOMAIN = "shop.bitrix24.ua"
MEMBER = "a223c6b3710f85df22e9377d6c4f7553"


class _Maker:
    """Builds rows in :data:`RECORD_COLUMNS` order plus ``duplicate_of``."""

    def __init__(self, events: int, seed: int = 6) -> None:
        self.rng = random.Random(seed)
        self.events = events
        self.start_us = to_micros(datetime.now(UTC) - SPAN)
        self.step_us = max(1, int(SPAN.total_seconds() * 1_000_000) // max(events, 1))
        # Originals that may be delivered again: (id, values).
        self.recent: list[tuple[int, dict[str, Any]]] = []

    def rows(self, first_id: int, count: int) -> Iterator[tuple[Any, ...]]:
        for event_id in range(first_id, first_id + count):
            values, duplicate_of = self._one(event_id)
            yield (*(values[name] for name in RECORD_COLUMNS), duplicate_of)

    def _one(self, event_id: int) -> tuple[dict[str, Any], int | None]:
        received_us = self.start_us + event_id * self.step_us
        roll = self.rng.random()
        if roll < 0.06 and self.recent:
            # A redelivery: the same dedup key, stored pointing at its original.
            original, values = self.rng.choice(self.recent)
            return dict(values, received_us=received_us), original
        if roll < 0.50:
            values = self._bitrix(event_id, "ONSALEORDERSAVED")
        elif roll < 0.62:
            values = self._bitrix(event_id, "ONPROPERTYVALUEENTITYSAVED")
        elif roll < 0.89:
            values = self._horoshop(event_id)
        elif roll < 0.92:
            values = self._catch_up(event_id)
        elif roll < 0.97:
            values = self._bitrix(event_id, "ONSALEORDERSAVED", forged=True)
        else:
            values = self._malformed(event_id)
        values["received_us"] = received_us
        values["summary"] = summarize(values["source"], values["event"], values["_payload"])
        values["payload"] = encode_payload(values.pop("_payload"))
        if values["dedup_key"] is not None:
            self.recent.append((event_id, values))
            if len(self.recent) > 200:
                del self.recent[: len(self.recent) - 200]
        return values, None

    def _base(self, **fields: Any) -> dict[str, Any]:
        values: dict[str, Any] = dict.fromkeys(RECORD_COLUMNS)
        values.update(method="POST", verification="verified", remote_addr="3.217.33.54")
        values.update(fields)
        return values

    def _headers(self, content_type: str, length: int, agent: str) -> str:
        pairs = [
            ("Host", "console.example.net:8787"),
            ("User-Agent", agent),
            ("Content-Type", content_type),
            ("Content-Length", str(length)),
            ("Accept", "*/*"),
            ("Accept-Encoding", "gzip, deflate"),
            ("X-Forwarded-For", "3.217.33.54"),
            ("X-Request-Id", f"{self.rng.getrandbits(64):016x}"),
        ]
        return json.dumps(pairs, ensure_ascii=False)

    def _bitrix(self, event_id: int, event: str, *, forged: bool = False) -> dict[str, Any]:
        rng = self.rng
        order = str(100 + rng.randrange(ORDERS))
        entity = order if event == "ONSALEORDERSAVED" else str(50_000 + rng.randrange(ORDERS * 6))
        ts = str(1_727_000_000 + event_id)
        profile = "shop2" if rng.random() < 0.2 else "shop"
        form = {
            "event": event,
            "event_handler_id": "58",
            "data[FIELDS][ID]": entity,
            "data[FIELDS][XML_ID]": f"bx_{rng.getrandbits(40):010x}",
            "data[FIELDS][ACTION]": rng.choice(("save", "update", "status")),
            "ts": ts,
            "auth[domain]": DOMAIN,
            "auth[client_endpoint]": f"https://{DOMAIN}/rest/",
            "auth[server_endpoint]": "https://oauth.bitrix.info/rest/",
            "auth[member_id]": MEMBER,
            "auth[application_token]": "***",
        }
        raw = urllib.parse.urlencode(form).encode()
        payload = {
            "event": event,
            "event_handler_id": "58",
            "data": {
                "FIELDS": {
                    "ID": entity,
                    "XML_ID": form["data[FIELDS][XML_ID]"],
                    "ACTION": form["data[FIELDS][ACTION]"],
                }
            },
            "ts": ts,
            "auth": {
                "domain": DOMAIN,
                "client_endpoint": f"https://{DOMAIN}/rest/",
                "server_endpoint": "https://oauth.bitrix.info/rest/",
                "member_id": MEMBER,
                "application_token": "***",
            },
        }
        values = self._base(
            source="bitrix",
            event=event,
            profile=None if forged and rng.random() < 0.5 else profile,
            entity_id=entity,
            order_id=order if event == "ONSALEORDERSAVED" else None,
            portal_domain=DOMAIN,
            member_id=MEMBER,
            handler_id="58",
            ts=ts,
            path=f"/bitrix/{profile}",
            content_type="application/x-www-form-urlencoded",
            headers=self._headers(
                "application/x-www-form-urlencoded", len(raw), "Bitrix24 Webhook Engine"
            ),
            raw_body=raw,
            _payload=payload,
        )
        if forged:
            values["verification"] = "rejected"
            values["verification_reason"] = "application_token does not match this profile"
            values["remote_addr"] = f"185.{rng.randrange(256)}.{rng.randrange(256)}.7"
            values["dedup_key"] = None
        else:
            values["dedup_key"] = "\x1f".join((profile, "bitrix", event, entity, ts, "58"))
        return values

    def _horoshop(self, event_id: int) -> dict[str, Any]:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        order = 900_000 + event_id
        products = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            price = rng.randrange(199, 45_000)
            quantity = rng.choice((1, 1, 1, 2))
            products.append(
                {
                    "title": rng.choice(PRODUCTS),
                    "article": f"ART{rng.randrange(10**6):06d}",
                    "price": price,
                    "quantity": quantity,
                    "total_price": price * quantity,
                    "url": f"https://shop.com.ua/ua/product-{rng.randrange(10**5)}",
                    "photo_url": f"https://shop.com.ua/content/images/{rng.getrandbits(48):x}.jpg",
                }
            )
        total = sum(int(product["total_price"]) for product in products)
        payload = {
            "order_id": order,
            "user": rng.randrange(1, 50_000),
            "delivery_name": f"{first} {last}",
            "delivery_email": f"{LATIN[first]}.{rng.randrange(1000)}@ukr.net",
            "delivery_phone": (
                f"+38 (0{rng.randrange(50, 99)}) {rng.randrange(100, 999)}-"
                f"{rng.randrange(10, 99)}-{rng.randrange(10, 99)}"
            ),
            "delivery_city": rng.choice(CITIES),
            "delivery_address": f"вул. Хрещатик, {rng.randrange(1, 200)}",
            "delivery_type": {"id": 42, "title": "Нова Пошта, відділення"},
            "delivery_price": 0,
            "comment": rng.choice(("", "", "Передзвоніть, будь ласка", "Доставка після 18:00")),
            "payment_type": {"id": 13, "title": "Оплата при отриманні"},
            "payed": 0,
            "total_default": total,
            "total_sum": total,
            "total_quantity": sum(int(product["quantity"]) for product in products),
            "currency": "UAH",
            "stat_created": "2025-03-01 12:00:00",
            "products": products,
        }
        raw = json.dumps(payload, ensure_ascii=False, indent=1).encode()
        return self._base(
            source="horoshop",
            event="order_created",
            profile="shop",
            entity_id=str(order),
            order_id=str(order),
            path="/horoshop/shop/***",
            content_type="application/json",
            headers=self._headers("application/json", len(raw), "Horoshop/1.0"),
            raw_body=raw,
            _payload=payload,
            dedup_key="\x1f".join(("shop", "horoshop", "order_created", str(order), "", "")),
        )

    def _catch_up(self, event_id: int) -> dict[str, Any]:
        rng = self.rng
        order = str(100 + rng.randrange(ORDERS))
        ts = str(1_727_000_000 + event_id)
        payload = {
            "event": "ONSALEORDERSAVED",
            "source": "catch-up",
            "order": {
                "id": int(order),
                "statusId": rng.choice(STATUSES),
                "price": rng.randrange(199, 45_000),
                "currency": "UAH",
                "dateUpdate": "2025-03-01T12:00:00+02:00",
            },
        }
        raw = json.dumps(payload, ensure_ascii=False).encode()
        return self._base(
            source="catch-up",
            event="ONSALEORDERSAVED",
            profile="shop",
            entity_id=order,
            order_id=order,
            portal_domain=DOMAIN,
            handler_id="catch-up",
            ts=ts,
            verification_reason="found by catch-up",
            path="",
            content_type="application/json",
            headers="[]",
            raw_body=raw,
            _payload=payload,
            dedup_key="\x1f".join(("shop", "catch-up", "ONSALEORDERSAVED", order, ts, "catch-up")),
        )

    def _malformed(self, event_id: int) -> dict[str, Any]:
        raw = b"event=ONSALEORDERSAVED&data[FIELDS][ID]=" + self.rng.randbytes(300)
        return self._base(
            source="bitrix",
            event="ONSALEORDERSAVED",
            profile="shop",
            verification="malformed",
            verification_reason="the body is not valid form data",
            path="/bitrix/shop",
            content_type="application/x-www-form-urlencoded",
            headers=self._headers("application/x-www-form-urlencoded", len(raw), "curl/8.5"),
            raw_body=raw,
            _payload=None,
            dedup_key=None,
        )


def event_count(path: Path) -> int | None:
    """How many events the store at ``path`` holds, or None when it is not a store of the
    current schema version (an older one would be migrated by the first benchmark)."""
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(path)) as conn:
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                return None
            # The per-view counts the triggers keep: no scan of a million rows.
            return int(conn.execute("SELECT total(n) FROM event_counts").fetchone()[0])
    except sqlite3.Error:
        return None


def build_store(path: Path, events: int = DEFAULT_EVENTS, *, quiet: bool = False) -> float:
    """Make ``path`` a store of ``events`` events; returns the seconds spent (0 if reused)."""
    if event_count(path) == events:
        return 0.0
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    began = time.perf_counter()
    SqliteEventStore(path).close()  # the real schema, created by the real migrations
    maker = _Maker(events)
    with closing(connect(path)) as conn:
        # Nothing to lose while building: a crash means building again.
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")
        full = insert_rows_sql(MAX_ROWS_PER_INSERT)
        done = 0
        while done < events:
            batch = min(TRANSACTION_ROWS, events - done)
            rows = list(maker.rows(done + 1, batch))
            conn.execute("BEGIN IMMEDIATE")
            for start in range(0, len(rows), MAX_ROWS_PER_INSERT):
                chunk = rows[start : start + MAX_ROWS_PER_INSERT]
                sql = full if len(chunk) == MAX_ROWS_PER_INSERT else insert_rows_sql(len(chunk))
                conn.execute(sql, [value for row in chunk for value in row])
            conn.execute("COMMIT")
            done += batch
            if not quiet:
                rate = done / (time.perf_counter() - began)
                print(f"\r{done:,} events, {rate:,.0f}/s", end="", file=sys.stderr, flush=True)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        # Statistics for the query planner, as a long-running store would gather them.
        conn.execute("PRAGMA optimize")
    if not quiet:
        print(file=sys.stderr)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    args = parser.parse_args()
    seconds = build_store(args.path, args.events)
    size = args.path.stat().st_size / 2**20
    if seconds:
        print(f"built {args.events:,} events in {seconds:.1f} s ({size:,.0f} MiB)")
    else:
        print(f"reused {args.path}: it already holds {args.events:,} events ({size:,.0f} MiB)")


if __name__ == "__main__":
    main()
