"""A paced event sender for the window benchmarks: N events per second for D seconds.

Runs in its own process (``python -m tests.benchmarks.paced_load URL --rate 500 --seconds
60 --out sent.json``) so it takes no time from the process being measured. Each event is
a real-format ONSALEORDERSAVED form about one of ``--orders`` (so the portal can show it)
with its own ``XML_ID`` (``bench-N``) and ``ts``, and a Ukrainian shop's order fields
(Cyrillic buyer names, delivery addresses, product titles and a comment), so the
listener parses, redacts and stores bodies like a real shop's (about 1 KB, not 300 bytes);
the output file maps each N to the wall-clock time it was sent, so the benchmark can join
"sent" with "painted".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

BUYERS = (
    "Олена Коваленко",
    "Тарас Шевчук",
    "Ганна Мельник",
    "Богдан Ткаченко",
    "Ірина Бондаренко",
    "Ярослав Кравчук",
)
ADDRESSES = (
    "м. Київ, вул. Хрещатик, 22, кв. 14",
    "м. Львів, пл. Ринок, 3",
    "м. Одеса, вул. Дерибасівська, 9, відділення Нової пошти № 12",
    "м. Харків, просп. Науки, 47, під'їзд 2",
    "м. Дніпро, вул. Яворницького, 105",
)
PRODUCTS = (
    "Чайник електричний «Ранок» 1,7 л",
    "Вишиванка жіноча, льон, розмір M",
    "Набір посуду «Полтавський» (12 предметів)",
    "Мед гречаний, 1 кг",
    "Рюкзак шкільний «Карпати» синій",
    "Кава мелена «Галицька» 250 г",
)
COMMENTS = (
    "Будь ласка, зателефонуйте перед доставкою.",
    "Подарунок — загорніть, будь ласка, без чека.",
    "Доставка після 18:00, домофон не працює.",
    "Оплата при отриманні, решта з 500 грн.",
)


def form_body(sequence: int, order: int, *, token: str, domain: str, member: str) -> bytes:
    pairs = [
        ("event", "ONSALEORDERSAVED"),
        ("event_handler_id", "7"),
        ("data[FIELDS][ID]", str(order)),
        ("data[FIELDS][XML_ID]", f"bench-{sequence}"),
        ("data[FIELDS][ACTION]", "save"),
        ("data[FIELDS][PROPERTIES][FIO]", BUYERS[sequence % len(BUYERS)]),
        ("data[FIELDS][PROPERTIES][PHONE]", f"+38067{1_000_000 + sequence % 9_000_000}"),
        ("data[FIELDS][PROPERTIES][ADDRESS]", ADDRESSES[sequence % len(ADDRESSES)]),
        ("data[FIELDS][BASKET][0][NAME]", PRODUCTS[sequence % len(PRODUCTS)]),
        ("data[FIELDS][BASKET][0][QUANTITY]", str(1 + sequence % 3)),
        ("data[FIELDS][BASKET][1][NAME]", PRODUCTS[(sequence + 2) % len(PRODUCTS)]),
        ("data[FIELDS][BASKET][1][QUANTITY]", "1"),
        ("data[FIELDS][USER_DESCRIPTION]", COMMENTS[sequence % len(COMMENTS)]),
        # Unique per event, so none is taken for a duplicate delivery.
        ("ts", str(int(time.time()) * 1000 + sequence)),
        ("auth[domain]", domain),
        ("auth[client_endpoint]", f"https://{domain}/rest/"),
        ("auth[server_endpoint]", "https://oauth.bitrix.info/rest/"),
        ("auth[member_id]", member),
        ("auth[application_token]", token),
    ]
    return urlencode(pairs).encode()


async def send_paced(
    url: str, rate: float, seconds: float, orders: range, **auth: str
) -> tuple[dict[int, float], int]:
    """Send ``rate`` events/s for ``seconds``; returns {N: sent wall time} and failures."""
    sent: dict[int, float] = {}
    failures = 0
    total = int(rate * seconds)
    start = time.monotonic()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    connector = aiohttp.TCPConnector(limit=32)

    async def one(session: aiohttp.ClientSession, sequence: int) -> None:
        nonlocal failures
        body = form_body(sequence, orders[sequence % len(orders)], **auth)
        sent[sequence] = time.time()
        try:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    failures += 1
        except aiohttp.ClientError:
            failures += 1

    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = []
        for index in range(total):
            due = start + index / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(session, index)))
        await asyncio.gather(*tasks)
    return sent, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--orders", default="101-300", help="order ids the events are about, FIRST-LAST"
    )
    parser.add_argument("--token", required=True)
    parser.add_argument("--domain", required=True)
    parser.add_argument("--member", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    sent, failures = asyncio.run(
        send_paced(
            args.url,
            args.rate,
            args.seconds,
            range(int(args.orders.split("-")[0]), int(args.orders.split("-")[1]) + 1),
            token=args.token,
            domain=args.domain,
            member=args.member,
        )
    )
    args.out.write_text(json.dumps({"sent": sent, "failures": failures}))


if __name__ == "__main__":
    main()
