"""The ``batch`` method: up to 50 commands per request, as ``method?query`` strings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from console.bitrix.errors import B24Error, BatchError, error_from_payload
from console.bitrix.methods import is_read_method
from console.core.phpform import flatten_php

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient

MAX_COMMANDS = 50
_REFERENCE = "$result["


@dataclass(frozen=True)
class BatchCommand:
    """One command: a method and its (nested) parameters."""

    method: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def encode(self) -> str:
        """``method?a[b]=1&c=x``: bracket keys, URL-encoded values.

        Values that reference an earlier command's result (``$result[key][0][ID]``)
        stay as they are: the portal substitutes them before decoding the query.
        """
        pairs = flatten_php(self.params)
        if not pairs:
            return self.method
        parts = []
        for key, value in pairs:
            encoded = value if value.startswith(_REFERENCE) else quote(value, safe="")
            parts.append(f"{quote(key, safe='[]')}={encoded}")
        return f"{self.method}?{'&'.join(parts)}"


BatchCommandLike = BatchCommand | tuple[str, Mapping[str, Any]] | str


def _as_command(value: BatchCommandLike) -> BatchCommand:
    if isinstance(value, BatchCommand):
        return value
    if isinstance(value, str):
        return BatchCommand(value)
    method, params = value
    return BatchCommand(method, params)


@dataclass
class BatchResult:
    """Per-command results and typed errors, keyed by the caller's command names."""

    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, B24Error] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    nexts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> None:
        """Raise :class:`BatchError` carrying every failed command's error."""
        if self.errors:
            names = ", ".join(sorted(self.errors))
            raise BatchError(f"{len(self.errors)} command(s) failed: {names}", errors=self.errors)


def _as_dict(value: Any) -> dict[str, Any]:
    # PHP turns an empty associative array into [], and a list-keyed one into a list.
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    return {}


def run_batch(
    client: BitrixClient, commands: Mapping[str, BatchCommandLike], *, halt: bool = False
) -> BatchResult:
    """Run ``commands`` (name → command), splitting them into batches of 50.

    ``$result[name]`` references work only inside the same chunk of 50. Each chunk is a
    change (never retried on failure) if any of its commands is one.
    """
    named = {str(name): _as_command(command) for name, command in commands.items()}
    outcome = BatchResult()
    names = list(named)
    for offset in range(0, len(names), MAX_COMMANDS):
        chunk = names[offset : offset + MAX_COMMANDS]
        cmd = {name: named[name].encode() for name in chunk}
        is_read = all(is_read_method(named[name].method) for name in chunk)
        response = client.call("batch", {"halt": 1 if halt else 0, "cmd": cmd}, read=is_read)
        body = response.result if isinstance(response.result, Mapping) else {}
        outcome.results.update(_as_dict(body.get("result")))
        for name, payload in _as_dict(body.get("result_error")).items():
            method = named[name].method if name in named else None
            error_body = payload if isinstance(payload, Mapping) else {"error": payload}
            outcome.errors[name] = error_from_payload(
                error_body, http_status=None, method=method, secrets=client.secret_values()
            )
        for name, value in _as_dict(body.get("result_total")).items():
            outcome.totals[name] = int(value)
        for name, value in _as_dict(body.get("result_next")).items():
            outcome.nexts[name] = int(value)
        for name, time_block in _as_dict(body.get("result_time")).items():
            if name in named:
                client.record_time(named[name].method, time_block)
        if halt and outcome.errors:
            break
    return outcome
