"""Bounds on the values both stores index, applied before an event is stored.

PostgreSQL refuses a btree entry larger than about 2.7 KB, and a row it refuses fails the
whole transaction it is in. ``profile`` comes from the URL of a request nobody has
authenticated yet, and the order and entity ids from the body, so each indexed value is
cut to :data:`MAX_INDEXED_BYTES` of UTF-8 (with a visible ``…``) and a note is added to the
event's reason. The SQLite store cuts them the same way, so an event is stored alike in
either store and a copy between them changes nothing. The dedup key joins several values
(some of them unbounded) and is replaced by a digest when it is long; equal deliveries
still give equal keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from console.store.model import EventRecord, Verification

# Far below PostgreSQL's btree limit, even for the counts table's key, which holds the
# source, the event name, the verification and the profile together.
MAX_INDEXED_BYTES = 512
# The dedup key's unique index holds the key alone.
MAX_DEDUP_KEY_BYTES = 1024
DEDUP_DIGEST_PREFIX = "sha256:"
# The record's fields that a btree index holds, by the name of their column.
INDEXED_FIELDS: tuple[str, ...] = ("event", "profile", "entity_id", "order_id")
_ELLIPSIS = "…"


def bounded_text(value: str, limit: int = MAX_INDEXED_BYTES) -> str:
    """``value`` when its UTF-8 takes at most ``limit`` bytes, else its start and ``…``."""
    if len(value) * 4 <= limit:  # no character takes more than four bytes
        return value
    encoded = value.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return value
    keep = limit - len(_ELLIPSIS.encode("utf-8"))
    return encoded[:keep].decode("utf-8", "ignore") + _ELLIPSIS


def bounded_dedup_key(key: str | None) -> str | None:
    """``key`` itself, or a digest of it when it is longer than the index allows."""
    if key is None or len(key) * 4 <= MAX_DEDUP_KEY_BYTES:
        return key
    encoded = key.encode("utf-8", "surrogatepass")
    if len(encoded) <= MAX_DEDUP_KEY_BYTES:
        return key
    return DEDUP_DIGEST_PREFIX + hashlib.sha256(encoded).hexdigest()


def cut_note(names: Sequence[str]) -> str:
    """What the event's reason says about the values that were cut."""
    return f"{', '.join(names)} longer than {MAX_INDEXED_BYTES} bytes, cut (the body has it whole)"


def bound_record(record: EventRecord) -> EventRecord:
    """``record`` with every indexed value within bounds; the same object when it was."""
    cut: dict[str, str] = {}
    for name in INDEXED_FIELDS:
        value = getattr(record, name)
        if isinstance(value, str):
            bounded = bounded_text(value)
            if bounded is not value:
                cut[name] = bounded
    if not cut:
        return record
    note = cut_note(list(cut))
    reason = record.verification_reason
    update: dict[str, Any] = {
        **cut,
        "verification_reason": f"{reason}; {note}" if reason else note,
    }
    return record.model_copy(update=update)


def bound_row(row: Sequence[Any], columns: Sequence[str]) -> tuple[Any, ...]:
    """A stored row (values named by ``columns``) with its indexed values within bounds.

    For rows written before the bounds existed (a SQLite file that kept them whole):
    a copy into PostgreSQL stores them as the store would store them today.
    """
    values = list(row)
    cut: list[str] = []
    for name in INDEXED_FIELDS:
        index = columns.index(name)
        value = values[index]
        if isinstance(value, str):
            bounded = bounded_text(value)
            if bounded is not value:
                values[index] = bounded
                cut.append(name)
    if cut:
        index = columns.index("verification_reason")
        reason = values[index]
        note = cut_note(cut)
        values[index] = f"{reason}; {note}" if reason else note
    index = columns.index("dedup_key")
    values[index] = bounded_dedup_key(values[index])
    return tuple(values)


# The most of a refusal's message kept in the reason.
_MAX_REFUSAL_CHARS = 300


def _plain(value: str | None) -> str | None:
    """``value`` as text any database takes: valid UTF-8, no NUL, within the bound."""
    if value is None:
        return None
    value = value.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
    return bounded_text(value)


def unstorable_record(record: EventRecord, refusal: BaseException) -> EventRecord:
    """What is kept of ``record`` after the database refused it: no payload or headers,
    its names and ids as plain bounded text, the raw body whole, and the refusal as the
    reason.

    A refused genuine event is marked malformed; a forged one stays rejected, because
    malformed says the sender was authentic.
    """
    # The first line: psycopg adds the DETAIL and HINT, which may quote the values.
    first_line = next(iter(str(refusal).splitlines()), "")
    refused = f"{type(refusal).__name__}: {first_line}".strip()
    if len(refused) > _MAX_REFUSAL_CHARS:
        refused = refused[: _MAX_REFUSAL_CHARS - 1] + _ELLIPSIS
    note = f"the store refused it as received ({refused}); kept without payload and headers"
    reason = _plain(record.verification_reason)
    verification = (
        record.verification
        if record.verification is Verification.REJECTED
        else Verification.MALFORMED
    )
    return EventRecord.model_construct(
        received_at=record.received_at,
        source=record.source,
        event=_plain(record.event) or "",
        profile=_plain(record.profile),
        entity_id=_plain(record.entity_id),
        order_id=_plain(record.order_id),
        portal_domain=_plain(record.portal_domain),
        member_id=_plain(record.member_id),
        handler_id=_plain(record.handler_id),
        ts=_plain(record.ts),
        verification=verification,
        verification_reason=f"{reason}; {note}" if reason else note,
        remote_addr=_plain(record.remote_addr),
        method=_plain(record.method) or "",
        path=_plain(record.path) or "",
        content_type=_plain(record.content_type),
        headers=[],
        raw_body=bytes(record.raw_body),
        payload=None,
    )
