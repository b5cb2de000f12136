"""Batches over 50 commands: how they are split, and what a failed request leaves behind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from console.bitrix import errors as e
from console.bitrix.auth import WebhookAuth
from console.bitrix.batch import BatchCommand, BatchCommandLike, plan_chunks
from console.bitrix.client import BitrixClient, RetryPolicy
from console.bitrix.limiter import BucketLimits
from console.sandbox import SandboxConfig, SandboxPortal
from tests.bitrix.conftest import HANG, FakeTime, Recorded, Reply, ScriptedServer
from tests.bitrix.test_client_http import CODE, webhook_client


def batch_answer(request: Recorded) -> Reply:
    """What the portal sends for a batch whose every command succeeded."""
    names = list(request.body["cmd"])
    return 200, {"result": {"result": {name: {"name": name} for name in names}}}, {}


def sent_chunks(server: ScriptedServer) -> list[list[str]]:
    return [list(request.body["cmd"]) for request in server.requests]


def updates(count: int) -> dict[str, BatchCommandLike]:
    return {
        f"u{i}": ("sale.order.update", {"id": i, "fields": {"statusId": "P"}}) for i in range(count)
    }


def answer_then(server: ScriptedServer, *later: Reply) -> None:
    """Answer the first batch request properly, then the next ones with ``later``."""
    queue = list(later)

    def respond(request: Recorded) -> Reply:
        if len(server.requests) == 1:
            return batch_answer(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    server.respond = respond


# --- a request fails after earlier ones ran ----------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [(200, HANG, {}), (500, "<html><body>Internal Server Error</body></html>", {})],
    ids=["no-answer", "html-500"],
)
def test_results_of_requests_that_ran_survive_a_lost_answer(
    server: ScriptedServer, fake_time: FakeTime, failure: Reply
) -> None:
    answer_then(server, failure)
    with webhook_client(server, fake_time, timeout=0.3) as client:
        result = client.batch(updates(120))
    # The third request is never sent: the second may have changed things.
    assert len(server.requests) == 2
    assert set(result.results) == {f"u{i}" for i in range(50)}
    lost = {f"u{i}" for i in range(50, 100)}
    unsent = {f"u{i}" for i in range(100, 120)}
    assert set(result.errors) == lost | unsent
    for name in lost:
        error = result.errors[name]
        assert isinstance(error, e.OutcomeUnknown)
        assert error.method == "sale.order.update"
        assert "batch request" in str(error)
    for name in unsent:
        error = result.errors[name]
        assert isinstance(error, e.CommandNotSent)
        assert not isinstance(error, e.NetworkError)
        assert error.method == "sale.order.update"
        assert "request 2 of 3" in str(error)
    with pytest.raises(e.BatchError) as info:
        result.raise_for_errors()
    assert set(info.value.errors) == lost | unsent
    for error in result.errors.values():
        assert CODE not in str(error)


def test_a_refused_request_keeps_its_class_per_command(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    answer_then(
        server, (503, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many"}, {})
    )
    policy = RetryPolicy(limit_attempts=3)
    with webhook_client(server, fake_time, retry=policy) as client:
        result = client.batch(updates(120))
    assert len(server.requests) == 1 + 3  # the refused request was repeated, then given up
    assert set(result.results) == {f"u{i}" for i in range(50)}
    refused = [result.errors[f"u{i}"] for i in range(50, 100)]
    assert all(type(error) is e.QueryLimitExceeded for error in refused)
    assert refused[0].code == "QUERY_LIMIT_EXCEEDED" and refused[0].http_status == 503
    assert all(isinstance(result.errors[f"u{i}"], e.CommandNotSent) for i in range(100, 120))


def test_a_failed_first_request_raises_as_a_single_call_would(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.replies((200, HANG, {}))
    with (
        webhook_client(server, fake_time, timeout=0.3) as client,
        pytest.raises(e.OutcomeUnknown),
    ):
        client.batch(updates(120))
    assert len(server.requests) == 1


def test_read_only_batches_still_retry_a_failed_request(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    answer_then(server, (500, "<html>oops</html>", {}), (200, {"result": {"result": {}}}, {}))
    commands: dict[str, BatchCommandLike] = {
        f"g{i}": ("sale.order.get", {"id": i}) for i in range(60)
    }
    with webhook_client(server, fake_time) as client:
        result = client.batch(commands)
    assert len(server.requests) == 3
    assert result.ok


# --- references stay inside one request ----------------------------------------------------


def gets(count: int, prefix: str = "f") -> dict[str, BatchCommandLike]:
    return {f"{prefix}{i}": ("sale.status.get", {"id": "N"}) for i in range(count)}


def test_a_command_travels_with_the_command_it_refers_to(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.respond = batch_answer
    commands = gets(49)
    commands["first"] = BatchCommand("sale.status.list", {"filter": {"type": "D"}})
    commands["one"] = BatchCommand("sale.status.get", {"id": "$result[first][statuses][0][id]"})
    commands.update(gets(60, prefix="g"))
    with webhook_client(server, fake_time) as client:
        result = client.batch(commands)
    chunks = sent_chunks(server)
    assert [name for chunk in chunks for name in chunk] == list(commands)  # order kept
    assert all(len(chunk) <= 50 for chunk in chunks)
    assert len(chunks) == 3
    assert any({"first", "one"} <= set(chunk) for chunk in chunks)
    assert result.ok and set(result.results) == set(commands)
    # The reference reaches the portal untouched, for it to substitute.
    body = next(r.body for r in server.requests if "one" in r.body["cmd"])
    assert body["cmd"]["one"] == "sale.status.get?id=$result[first][statuses][0][id]"


def test_commands_between_a_reference_and_its_target_stay_too() -> None:
    named = {
        **{f"s{i}": BatchCommand("server.time") for i in range(10)},
        "a": BatchCommand("sale.status.list"),
        **{f"m{i}": BatchCommand("sale.order.update", {"id": i}) for i in range(47)},
        "z": BatchCommand("sale.status.get", {"id": "$result[a][statuses][0][id]"}),
        **{f"t{i}": BatchCommand("server.time") for i in range(3)},
    }
    names = list(named)
    # a … z (49 commands) cannot join the first ten; moving z ahead of the updates (or
    # them behind it) would change what runs first, so the order is kept as given.
    assert plan_chunks(named) == [names[:10], names[10:60], names[60:]]


def test_references_in_text_and_raw_strings_count() -> None:
    named = {
        **{f"f{i}": BatchCommand("server.time") for i in range(49)},
        "a": BatchCommand("sale.status.list"),
        "b": BatchCommand("crm.deal.list", {"filter": {"TITLE": "order $result[a][total]"}}),
        "c": BatchCommand("sale.status.get?id=$result[b][0][ID]"),
    }
    chunks = plan_chunks(named)
    assert chunks[-1] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("commands", "message"),
    [
        ({"a": ("sale.status.get", {"id": "$result[nope][0]"})}, "not a command of this batch"),
        (
            {
                "a": ("sale.status.get", {"id": "$result[b][id]"}),
                "b": ("sale.status.get", {"id": "N"}),
            },
            "does not run before it",
        ),
        ({"a": ("sale.status.get", {"id": "$result[a][id]"})}, "does not run before it"),
        (
            {
                "a": ("sale.status.list", {}),
                **gets(49),
                "z": ("sale.status.get", {"id": "$result[a][statuses][0][id]"}),
            },
            "51 commands",
        ),
    ],
    ids=["unknown", "later", "itself", "too-far-apart"],
)
def test_impossible_references_are_refused_before_sending(
    server: ScriptedServer,
    fake_time: FakeTime,
    commands: dict[str, BatchCommandLike],
    message: str,
) -> None:
    with webhook_client(server, fake_time) as client, pytest.raises(ValueError, match=message):
        client.batch(commands)
    assert server.requests == []


# --- against the emulated portal ----------------------------------------------------------


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(port=0, burst=50, drain_rate=100.0)) as sandbox:
        yield sandbox


def test_reference_across_the_50_boundary_resolves_on_the_portal(portal: SandboxPortal) -> None:
    commands: dict[str, Any] = gets(49)
    commands["first"] = BatchCommand("sale.status.list", {"filter": {"type": "D"}})
    commands["one"] = BatchCommand("sale.status.get", {"id": "$result[first][statuses][0][id]"})
    auth = WebhookAuth.from_url(portal.webhook_url)
    with BitrixClient(auth, limits=BucketLimits(50, 100.0)) as client:
        result = client.batch(commands)
    assert result.ok, result.errors
    first_id = result.results["first"]["statuses"][0]["id"]
    assert result.results["one"]["status"]["id"] == first_id
    assert result.results["one"]["status"]["type"] == "D"


# --- a portal that holds fewer commands per request -----------------------------------------

SMALL_LIMIT = 20
TOO_LONG = {"error": "ERROR_BATCH_LENGTH_EXCEEDED", "error_description": "Max batch length"}


def refuses_long_requests(request: Recorded) -> Reply:
    """A portal whose limit is 20 and that refuses a longer request whole (400)."""
    if len(request.body["cmd"]) > SMALL_LIMIT:
        return 400, TOO_LONG, {}
    return batch_answer(request)


def fails_commands_past_its_limit(request: Recorded) -> Reply:
    """A portal whose limit is 20 and that fails each command past the 20th on its own."""
    names = list(request.body["cmd"])
    ran, rest = names[:SMALL_LIMIT], names[SMALL_LIMIT:]
    body = {
        "result": {
            "result": {name: {"name": name} for name in ran},
            "result_error": {name: TOO_LONG for name in rest} or [],
        }
    }
    return 200, body, {}


@pytest.mark.parametrize(
    "portal_answer",
    [refuses_long_requests, fails_commands_past_its_limit],
    ids=["whole-request-refused", "extra-commands-fail"],
)
def test_commands_a_portal_did_not_run_for_length_are_sent_again(
    server: ScriptedServer, fake_time: FakeTime, portal_answer: Any
) -> None:
    server.respond = portal_answer
    with webhook_client(server, fake_time) as client:
        result = client.batch(updates(70))
    assert result.ok, result.errors
    assert set(result.results) == {f"u{i}" for i in range(70)}
    # Every command ran exactly once, in the order given.
    executed = [
        name
        for request in server.requests
        if len(request.body["cmd"]) <= SMALL_LIMIT or portal_answer is fails_commands_past_its_limit
        for name in list(request.body["cmd"])[:SMALL_LIMIT]
    ]
    assert executed == [f"u{i}" for i in range(70)]


def test_a_command_using_a_result_that_ran_keeps_its_length_error(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.respond = fails_commands_past_its_limit
    commands: dict[str, BatchCommandLike] = dict(gets(SMALL_LIMIT))
    commands["uses"] = BatchCommand("sale.status.get", {"id": "$result[f0][status][id]"})
    commands["free"] = BatchCommand("server.time")
    with webhook_client(server, fake_time) as client:
        result = client.batch(commands)
    # "uses" needs f0's result, which is gone once its request is over: it is not resent.
    assert set(result.errors) == {"uses"}
    assert isinstance(result.errors["uses"], e.BatchLengthExceeded)
    assert "free" in result.results
    assert [list(r.body["cmd"]) for r in server.requests][1] == ["free"]


def test_a_nested_batch_fails_alone_on_the_portal(portal: SandboxPortal) -> None:
    auth = WebhookAuth.from_url(portal.webhook_url)
    commands: dict[str, BatchCommandLike] = {
        "inner": "batch?cmd[x]=server.time",
        "time": BatchCommand("server.time"),
    }
    with BitrixClient(auth, limits=BucketLimits(50, 100.0)) as client:
        result = client.batch(commands)
    assert set(result.errors) == {"inner"}
    assert isinstance(result.errors["inner"], e.BatchMethodNotAllowed)
    assert "time" in result.results
