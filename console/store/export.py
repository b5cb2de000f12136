"""Writing stored events as JSON Lines or CSV, one event at a time."""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from console.store.model import ExportFormat, StoredEvent

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "received_at",
    "source",
    "event",
    "profile",
    "entity_id",
    "order_id",
    "portal_domain",
    "member_id",
    "handler_id",
    "ts",
    "verification",
    "verification_reason",
    "remote_addr",
    "method",
    "path",
    "content_type",
    "duplicate_of",
    "pinned",
    "headers",
    "payload",
    "raw_body",
    "raw_body_encoding",
)

# A spreadsheet runs a cell starting with one of these as a formula; payloads come from
# outside, so an exported CSV must not become a way to run one on the operator's machine.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def raw_body_fields(raw_body: bytes) -> tuple[str, str]:
    """``(text, encoding)``: the body as UTF-8 text when it is valid, else base64."""
    try:
        return raw_body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(raw_body).decode("ascii"), "base64"


def event_to_json(event: StoredEvent) -> dict[str, Any]:
    """Every field of ``event`` as JSON-ready values (times ISO 8601, UTC)."""
    raw_text, raw_encoding = raw_body_fields(event.raw_body)
    return {
        "id": event.id,
        "received_at": event.received_at.isoformat(),
        "source": event.source.value,
        "event": event.event,
        "profile": event.profile,
        "entity_id": event.entity_id,
        "order_id": event.order_id,
        "portal_domain": event.portal_domain,
        "member_id": event.member_id,
        "handler_id": event.handler_id,
        "ts": event.ts,
        "verification": event.verification.value,
        "verification_reason": event.verification_reason,
        "remote_addr": event.remote_addr,
        "method": event.method,
        "path": event.path,
        "content_type": event.content_type,
        "duplicate_of": event.duplicate_of,
        "pinned": event.pinned,
        "headers": [list(pair) for pair in event.headers],
        "payload": event.payload,
        "raw_body": raw_text,
        "raw_body_encoding": raw_encoding,
    }


def write_events(events: Iterable[StoredEvent], fmt: ExportFormat, out: TextIO) -> int:
    """Write ``events`` to ``out`` in ``fmt``; returns how many were written."""
    if fmt is ExportFormat.JSONL:
        return _write_jsonl(events, out)
    return _write_csv(events, out)


def _write_jsonl(events: Iterable[StoredEvent], out: TextIO) -> int:
    written = 0
    for event in events:
        out.write(json.dumps(event_to_json(event), ensure_ascii=False, default=str))
        out.write("\n")
        written += 1
    return written


def _write_csv(events: Iterable[StoredEvent], out: TextIO) -> int:
    # lineterminator "\n": the caller chooses the file's newline handling.
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    written = 0
    for event in events:
        data = event_to_json(event)
        data["headers"] = json.dumps(data["headers"], ensure_ascii=False)
        data["payload"] = (
            "" if event.payload is None else json.dumps(event.payload, ensure_ascii=False)
        )
        writer.writerow([_csv_cell(data[column]) for column in CSV_COLUMNS])
        written += 1
    return written


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text
