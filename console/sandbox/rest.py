"""Method dispatch: rights, operating-time limit, the ``time`` envelope and ``batch``."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from console.core.phpform import FormParseError, parse_php_form
from console.sandbox.errors import (
    RestError,
    access_denied,
    method_not_found,
    operation_time_limit,
)
from console.sandbox.limits import OperatingTime
from console.sandbox.methods import METHODS, CallContext, MethodResult
from console.sandbox.state import PortalState, iso

BATCH_LIMIT = 50
_REFERENCE = re.compile(r"\$result\[([^\]]*)\]((?:\[[^\]]*\])*)")


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: ``key`` separates webhooks/apps for the operating limit."""

    key: str
    user_id: int
    admin: bool


def normalize_method(name: str) -> str:
    """Method names are case-insensitive and may end in ``.json``."""
    name = name.strip().strip("/")
    if name.lower().endswith(".json"):
        name = name[: -len(".json")]
    return name.lower()


def php_array(mapping: dict[str, Any]) -> Any:
    """What PHP's json_encode makes of an array: a list when keys are 0..n-1, ``[]`` if empty."""
    keys = list(mapping)
    if all(k == str(i) for i, k in enumerate(keys)):
        return list(mapping.values())
    return mapping


class RestApi:
    """Runs one method call (or a batch) against the portal state."""

    def __init__(
        self,
        state: PortalState,
        operating: OperatingTime,
        processing_cost: Callable[[str, int], float],
        emit: Callable[[str, int], None],
    ) -> None:
        self.state = state
        self.operating = operating
        self.processing_cost = processing_cost
        self.emit = emit
        # False: a portal on a free plan, where every REST call answers ACCESS_DENIED.
        self.commercial_plan = True

    def call(self, caller: Caller, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The full answer body of one call; raises :class:`RestError` for error answers."""
        method = normalize_method(method)
        if method == "batch":
            return self._batch(caller, params)
        return self._single(caller, method, params)

    def _single(self, caller: Caller, method: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return self._run(caller, method, params)
        except RestError as exc:
            if exc.method is None:
                exc.method = method
            raise

    def _run(self, caller: Caller, method: str, params: dict[str, Any]) -> dict[str, Any]:
        spec = METHODS.get(method)
        if spec is None:
            raise method_not_found()
        if not self.commercial_plan:
            raise RestError("ACCESS_DENIED", status=403)
        if spec.admin_only and not caller.admin:
            raise access_denied(spec.write)
        if self.operating.is_blocked(caller.key, method):
            raise operation_time_limit()
        started = time.time()
        ctx = CallContext(self.state, caller.user_id, caller.admin, self.emit)
        try:
            with self.state.lock:
                outcome: MethodResult = spec.handler(ctx, params)
        except RestError:
            # A refused call still ran on the portal and costs operating time.
            self.operating.add(caller.key, method, self.processing_cost(method, 0))
            raise
        processing = self.processing_cost(method, outcome.rows)
        operating, reset_at = self.operating.add(caller.key, method, processing)
        body: dict[str, Any] = {"result": outcome.result}
        if outcome.next is not None:
            body["next"] = outcome.next
        if outcome.total is not None:
            body["total"] = outcome.total
        body["time"] = time_block(started, processing, operating, reset_at)
        return body

    def _batch(self, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        started = time.time()
        commands = params.get("cmd") or {}
        as_list = isinstance(commands, list)
        if as_list:
            commands = {str(i): c for i, c in enumerate(commands)}
        if not isinstance(commands, Mapping):
            raise RestError("INVALID_REQUEST", "cmd must be an array or object")
        if len(commands) > BATCH_LIMIT:
            raise RestError("ERROR_BATCH_LENGTH_EXCEEDED")
        parsed: dict[str, tuple[str, str]] = {}
        for key, command in commands.items():
            method, _, query = str(command).partition("?")
            parsed[str(key)] = (normalize_method(method), query)
        halt = str(params.get("halt", "0")).strip().lower() in ("1", "true", "y")
        results: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        totals: dict[str, Any] = {}
        nexts: dict[str, Any] = {}
        times: dict[str, Any] = {}
        for key, (method, query) in parsed.items():
            try:
                if method == "batch":
                    # A nested batch fails on its own; the other commands still run.
                    raise RestError("ERROR_BATCH_METHOD_NOT_ALLOWED")
                sub_params = _substitute(parse_php_form(query), results)
                answer = self._single(caller, method, sub_params)
            except FormParseError as exc:
                errors[key] = {"error": "INVALID_REQUEST", "error_description": str(exc)}
            except RestError as exc:
                errors[key] = exc.body()
            else:
                results[key] = answer["result"]
                if "total" in answer:
                    totals[key] = answer["total"]
                if "next" in answer:
                    nexts[key] = answer["next"]
                times[key] = answer["time"]
                continue
            if halt:
                break
        outer_operating = 0.0
        body = {
            "result": {
                "result": php_array(results) if as_list else (results or []),
                "result_error": php_array(errors) if as_list else (errors or []),
                "result_total": php_array(totals) if as_list else (totals or []),
                "result_next": php_array(nexts) if as_list else (nexts or []),
                "result_time": php_array(times) if as_list else (times or []),
            },
            # The outer batch itself is not counted toward the operating limit.
            "time": time_block(started, 0.0, outer_operating, None),
        }
        return body


def _lookup(results: Mapping[str, Any], key: str, path: str) -> tuple[bool, Any]:
    if key not in results:
        return False, None
    node = results[key]
    for part in re.findall(r"\[([^\]]*)\]", path):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None
    return True, node


def _substitute(value: Any, results: Mapping[str, Any]) -> Any:
    """Replace ``$result[key][field]…`` references in parsed command params."""
    if isinstance(value, dict):
        return {k: _substitute(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, results) for v in value]
    if not isinstance(value, str) or "$result[" not in value:
        return value
    whole = _REFERENCE.fullmatch(value)
    if whole:
        found, target = _lookup(results, whole.group(1), whole.group(2))
        return target if found else ""

    def replace(match: re.Match[str]) -> str:
        found, target = _lookup(results, match.group(1), match.group(2))
        if not found or isinstance(target, Mapping | list):
            return ""
        if isinstance(target, bool):
            return "1" if target else ""
        return str(target)

    return _REFERENCE.sub(replace, value)


def time_block(
    started: float, processing: float, operating: float, reset_at: int | None
) -> dict[str, Any]:
    """The envelope's ``time``: wall time plus the simulated processing cost."""
    finished = max(time.time(), started + processing)
    block: dict[str, Any] = {
        "start": round(started, 6),
        "finish": round(finished, 6),
        "duration": round(finished - started, 6),
        "processing": round(processing, 6),
        "date_start": iso(datetime.fromtimestamp(started, UTC)),
        "date_finish": iso(datetime.fromtimestamp(finished, UTC)),
        "operating_reset_at": reset_at if reset_at is not None else int(started) + 600,
        "operating": operating,
    }
    return block
