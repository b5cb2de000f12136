"""The ``batch`` method: up to 50 commands per request, as ``method?query`` strings."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from console.bitrix.errors import (
    B24Error,
    BatchError,
    BatchLengthExceeded,
    CommandNotSent,
    error_from_payload,
)
from console.bitrix.methods import is_read_method
from console.core.phpform import flatten_php

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient

MAX_COMMANDS = 50
_REFERENCE = "$result["
# ``$result[name]`` (then any ``[field]…``): the name of the command whose result is used.
_REFERENCE_KEY = re.compile(r"\$result\[([^\]]*)\]")


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


def _references(command: BatchCommand) -> set[str]:
    """Names of the commands whose results ``command`` uses (``$result[name]…``).

    Every value is searched, not just those that start with a reference: the portal
    substitutes references inside text too. A raw ``method?query`` string is searched
    whole.
    """
    texts = [command.method, *(value for _, value in flatten_php(command.params))]
    return {match.group(1) for text in texts for match in _REFERENCE_KEY.finditer(text)}


def plan_chunks(named: Mapping[str, BatchCommand], limit: int = MAX_COMMANDS) -> list[list[str]]:
    """Split command names into requests of at most ``limit`` (50), keeping references
    inside one.

    The portal resolves ``$result[name]`` only within one request, so a command, the
    commands it refers to and everything between them (the order is kept: commands run
    in order and later ones may rely on earlier changes) form one unit; units are packed
    greedily. ValueError, before anything is sent, for a reference to an unknown or later
    command or a unit longer than 50.
    """
    names = list(named)
    position = {name: index for index, name in enumerate(names)}
    # reach[i]: the earliest command that must travel in the same request as command i.
    reach = list(range(len(names)))
    for index, name in enumerate(names):
        for key in sorted(_references(named[name])):
            target = position.get(key)
            if target is None:
                raise ValueError(
                    f"batch command {name!r} refers to $result[{key}], which is not a command "
                    "of this batch"
                )
            if target >= index:
                raise ValueError(
                    f"batch command {name!r} refers to $result[{key}], which does not run "
                    "before it (commands run in the order given)"
                )
            reach[index] = min(reach[index], target)
    # A request may end before command k only if no command from k on reaches back past k.
    units: list[list[str]] = []
    start = 0
    lowest = len(names)
    for k in range(len(names) - 1, -1, -1):
        lowest = min(lowest, reach[k])
        reach[k] = lowest
    for k in range(1, len(names) + 1):
        if k == len(names) or reach[k] >= k:
            units.append(names[start:k])
            start = k
    chunks: list[list[str]] = []
    for unit in units:
        if len(unit) > limit:
            raise ValueError(
                f"batch commands {unit[0]!r} to {unit[-1]!r} ({len(unit)} commands) use each "
                f"other's results, so they must go in one request, which holds at most "
                f"{limit}"
            )
        if chunks and len(chunks[-1]) + len(unit) <= limit:
            chunks[-1].extend(unit)
        else:
            chunks.append(list(unit))
    return chunks


def _failed_in_request(error: B24Error, command: BatchCommand) -> B24Error:
    """``error`` of a whole batch request, restated for one of the commands it carried.

    The class is kept: an :class:`OutcomeUnknown` means the command may have run, any
    other error that the request was refused as a whole.
    """
    copied = copy.copy(error)
    copied.method = command.method
    copied.description = f"the batch request carrying this command failed: {error.description}"
    copied.args = (copied.description,)
    return copied


def _resendable(named: Mapping[str, BatchCommand], not_run: list[str]) -> list[str]:
    """The commands of ``not_run`` that can go in a later request: those whose references
    all point at commands that go with them (a result from an earlier request is gone)."""
    kept = list(not_run)
    while True:
        keep = set(kept)
        narrowed = [name for name in kept if _references(named[name]) <= keep]
        if narrowed == kept:
            return kept
        kept = narrowed


def run_batch(
    client: BitrixClient, commands: Mapping[str, BatchCommandLike], *, halt: bool = False
) -> BatchResult:
    """Run ``commands`` (name → command) in as few requests of 50 as references allow.

    Commands keep their order; a command and the commands whose ``$result[…]`` it uses
    always share a request (see :func:`plan_chunks`, which raises ValueError before
    anything is sent when that is impossible). Each request is a change (never retried
    on failure) if any of its commands is one.

    A request that fails as a whole (no answer, refused by the limiter after retries,
    …): if it was the first, its exception propagates unchanged, exactly as from a single
    call, since nothing of the batch is known to have run. Otherwise earlier requests
    did run, so their results are returned: each command of the failed request gets that
    request's error (an :class:`OutcomeUnknown` when it may have run), each command of the
    requests not sent gets :class:`CommandNotSent`, and :meth:`BatchResult.raise_for_errors`
    still raises.

    A portal that holds fewer commands per request than 50 says so in one of two ways
    (its documentation describes both): it refuses the whole request with
    ``ERROR_BATCH_LENGTH_EXCEEDED`` (nothing ran), or runs the first commands and fails
    each of the others with that code. Either way the commands that did not run are sent
    again in smaller requests, unless they use a result of a command that did run.
    """
    named = {str(name): _as_command(command) for name, command in commands.items()}
    pending = plan_chunks(named)
    outcome = BatchResult()
    answered = 0
    while pending:
        chunk = pending.pop(0)
        cmd = {name: named[name].encode() for name in chunk}
        is_read = all(is_read_method(named[name].method) for name in chunk)
        try:
            response = client.call("batch", {"halt": 1 if halt else 0, "cmd": cmd}, read=is_read)
        except BatchLengthExceeded as exc:
            smaller = _replan(named, chunk, pending, len(chunk) // 2)
            if smaller is None:
                _fail_rest(outcome, named, exc, chunk, pending, answered)
                break
            pending = smaller
            continue
        except B24Error as exc:
            _fail_rest(outcome, named, exc, chunk, pending, answered)
            break
        answered += 1
        body = response.result if isinstance(response.result, Mapping) else {}
        outcome.results.update(_as_dict(body.get("result")))
        not_run: list[str] = []
        for name, payload in _as_dict(body.get("result_error")).items():
            method = named[name].method if name in named else None
            error_body = payload if isinstance(payload, Mapping) else {"error": payload}
            error = error_from_payload(
                error_body, http_status=None, method=method, secrets=client.secret_values()
            )
            outcome.errors[name] = error
            if isinstance(error, BatchLengthExceeded) and name in named:
                not_run.append(name)
        for name, value in _as_dict(body.get("result_total")).items():
            outcome.totals[name] = int(value)
        for name, value in _as_dict(body.get("result_next")).items():
            outcome.nexts[name] = int(value)
        for name, time_block in _as_dict(body.get("result_time")).items():
            if name in named:
                client.record_time(named[name].method, time_block)
        if not_run and len(not_run) < len(chunk):
            again = _resendable(named, [name for name in chunk if name in not_run])
            smaller = _replan(named, again, pending, len(chunk) - len(not_run))
            if smaller is not None:
                for name in again:
                    del outcome.errors[name]
                pending = smaller
                continue
        if halt and outcome.errors:
            break
    return outcome


def _replan(
    named: Mapping[str, BatchCommand],
    first: list[str],
    pending: list[list[str]],
    limit: int,
) -> list[list[str]] | None:
    """``first`` and the requests still to send, planned again in requests of ``limit``;
    None when that cannot be done (a limit under 1, or commands that must travel
    together outnumber it)."""
    if limit < 1:
        return None
    names = [*first, *(name for later in pending for name in later)]
    try:
        return plan_chunks({name: named[name] for name in names}, limit)
    except ValueError:
        return None


def _fail_rest(
    outcome: BatchResult,
    named: Mapping[str, BatchCommand],
    exc: B24Error,
    chunk: list[str],
    pending: list[list[str]],
    answered: int,
) -> None:
    """A request failed as a whole: its commands get its error, later ones CommandNotSent;
    the first request's failure is raised, as a single call's would be."""
    if answered == 0:
        raise exc
    for name in chunk:
        outcome.errors[name] = _failed_in_request(exc, named[name])
    total = answered + 1 + len(pending)
    for name in (name for later in pending for name in later):
        outcome.errors[name] = CommandNotSent(
            f"not sent: the batch stopped after request {answered + 1} of {total} "
            f"failed ({type(exc).__name__})",
            method=named[name].method,
        )
