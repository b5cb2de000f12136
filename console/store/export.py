"""Writing stored events as JSON Lines or CSV, one event at a time."""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, TextIO

from console.core.sanitize import json_printable
from console.store.columns import EXPORTED_COLUMNS
from console.store.columns import raw_body_fields as raw_body_fields
from console.store.model import EventFilter, ExportFormat, StoredEvent

# The header row of a CSV export, and the keys of a JSON Lines record, in this order.
CSV_COLUMNS: tuple[str, ...] = tuple(column.name for column in EXPORTED_COLUMNS)
_EXPORTERS = tuple(
    (column.name, column.to_json) for column in EXPORTED_COLUMNS if column.to_json is not None
)

# A spreadsheet runs a cell starting with one of these as a formula; payloads come from
# outside, so an exported CSV must not become a way to run one on the operator's machine.
# Their fullwidth and small forms too (an input method may turn them into the ASCII ones),
# and the Unicode minus.
_FORMULA_SIGNS = "=+\\-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b\u2212"
# What a spreadsheet may skip before it sees the sign: blanks, invisible characters
# (zero-width space, joiners, bidi marks, BOM, Hangul fillers) and a quote that a reader
# splitting at another separator takes for the start of a quoted field.
_SKIPPED = (
    '\\s"\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f'
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
)
_FORMULA_AHEAD = f"(?=[{_SKIPPED}]*[{_FORMULA_SIGNS}])"
_FORMULA_AT_START = re.compile(f"^{_FORMULA_AHEAD}")
# The file is comma-separated, but Excel with a Ukrainian (or German, ...) list separator
# splits at ";": a formula after any separator inside a cell starts a cell of its own.
_FORMULA_AFTER_SEPARATOR = re.compile(f"(?<=[;,\t\r\n]){_FORMULA_AHEAD}")
# Line breaks JSON leaves raw in strings that line readers (Python's splitlines, JavaScript)
# still split at: one record must stay one line.
_JSON_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029"})


def event_to_json(event: StoredEvent) -> dict[str, Any]:
    """Every exported field of ``event`` as JSON-ready values (times ISO 8601, UTC)."""
    return {name: to_json(event) for name, to_json in _EXPORTERS}


class PageQuery(Protocol):
    """A store's ``query``: one page of matching events, newest first."""

    def __call__(
        self, flt: EventFilter | None = None, *, limit: int = ..., before_id: int | None = None
    ) -> list[StoredEvent]: ...


def events_by_page(query: PageQuery, flt: EventFilter | None, page: int) -> Iterator[StoredEvent]:
    """Every event matching ``flt``, newest first, read ``page`` at a time by keyset:
    constant memory whatever the store holds."""
    before_id: int | None = None
    while True:
        found = query(flt, limit=page, before_id=before_id)
        yield from found
        if len(found) < page:
            return
        before_id = found[-1].id


def write_events(events: Iterable[StoredEvent], fmt: ExportFormat, out: TextIO) -> int:
    """Write ``events`` to ``out`` in ``fmt``; returns how many were written."""
    if fmt is ExportFormat.JSONL:
        return _write_jsonl(events, out)
    return _write_csv(events, out)


def json_text(value: Any) -> str:
    """Strict JSON: a NaN or Infinity (stored before the listener refused them) is written
    as the string "NaN" / "Infinity", never as the bare token JSON does not have."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), ensure_ascii=False, default=str, allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value).replace("inf", "Infinity").replace("nan", "NaN")
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def _write_jsonl(events: Iterable[StoredEvent], out: TextIO) -> int:
    written = 0
    for event in events:
        # json_printable: the same JSON, but a bidi override or C1 control in a payload is
        # written as \uXXXX, so `events export | less` cannot be driven by an event.
        out.write(json_printable(json_text(event_to_json(event))).translate(_JSON_LINE_BREAKS))
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
        data["headers"] = json_text(data["headers"])
        data["payload"] = "" if event.payload is None else json_text(event.payload)
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
    # A quote mark before the sign makes the spreadsheet show the cell as text.
    text = _FORMULA_AFTER_SEPARATOR.sub("'", text)
    if text.startswith(("\t", "\r")) or _FORMULA_AT_START.match(text):
        return "'" + text
    return text
