"""The client against small scripted loopback servers: envelope, retries, OAuth, redirects."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from console import __version__
from console.bitrix import errors as e
from console.bitrix.auth import OAuthAuth, TokenPair, WebhookAuth, portal_base_url
from console.bitrix.client import BitrixClient, RetryPolicy
from console.bitrix.limiter import BucketLimits
from tests.bitrix.conftest import HANG, FakeTime, Recorded, ScriptedServer

CODE = "s3cr3tWebhookCode"


def webhook_client(server: ScriptedServer, fake_time: FakeTime, **options: Any) -> BitrixClient:
    options.setdefault("limits", BucketLimits(50, 1000.0))
    return BitrixClient(
        WebhookAuth(server.base_url, 1, CODE),
        clock=fake_time.clock,
        wall_clock=fake_time.clock,
        sleep=fake_time.sleep,
        rng=lambda: 0.5,
        **options,
    )


def ok(result: Any, **extra: Any) -> tuple[int, Any, dict[str, str]]:
    return 200, {"result": result, "time": {"operating": 0.5}, **extra}, {}


def fail(status: int, code: Any, text: str = "x", **extra: Any) -> tuple[int, Any, dict[str, str]]:
    return status, {"error": code, "error_description": text, **extra}, {}


def test_webhook_call_shape(server: ScriptedServer, fake_time: FakeTime) -> None:
    server.replies(ok({"status": {"id": "N"}}, total=1))
    with webhook_client(server, fake_time) as client:
        response = client.call("sale.status.get", {"id": "N"})
    assert response.result == {"status": {"id": "N"}}
    assert response.total == 1
    request = server.requests[0]
    assert request.method == "POST"
    assert request.path == f"/rest/1/{CODE}/sale.status.get"
    assert request.body == {"id": "N"}
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"] == f"b24-console/{__version__}"
    assert request.headers["Content-Type"].startswith("application/json")
    assert client.operating_by_method == {"sale.status.get": 0.5}


@pytest.mark.parametrize(
    "url", ["http://portal.example", "ftp://portal.example", "http://10.0.0.1", "https://"]
)
def test_insecure_portal_addresses_are_refused(url: str) -> None:
    with pytest.raises(e.InvalidPortalUrl):
        portal_base_url(url)


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("portal.example", "https://portal.example"),
        ("https://Portal.example/some/path", "https://portal.example"),
        ("http://127.0.0.5:8080", "http://127.0.0.5:8080"),
        ("http://localhost", "http://localhost"),
        ("http://[::1]:9000/", "http://[::1]:9000"),
    ],
)
def test_portal_addresses_accepted(url: str, base: str) -> None:
    assert portal_base_url(url) == base


def test_webhook_from_url() -> None:
    auth = WebhookAuth.from_url("https://portal.example/rest/12/abc123xyz/")
    assert (auth.portal_url, auth.user_id, auth.code) == ("https://portal.example", 12, "abc123xyz")
    assert "abc123xyz" not in repr(auth)


def test_redirect_is_refused_and_masks_the_code(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.replies((302, "", {"Location": f"https://evil.example/rest/1/{CODE}/profile"}))
    with webhook_client(server, fake_time) as client, pytest.raises(e.UnexpectedRedirect) as info:
        client.call("profile")
    assert len(server.requests) == 1
    assert "evil.example" in str(info.value)
    assert CODE not in str(info.value)
    assert CODE not in info.value.location


def test_query_limit_is_retried_even_for_mutations(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.replies(
        fail(503, "QUERY_LIMIT_EXCEEDED"),
        fail(429, "QUERY_LIMIT_EXCEEDED"),
        ok({"order": {"id": 1}}),
    )
    with webhook_client(server, fake_time, limits=BucketLimits(50, 2.0)) as client:
        response = client.call("sale.order.update", {"id": 1, "fields": {"statusId": "P"}})
    assert response.result == {"order": {"id": 1}}
    assert len(server.requests) == 3
    # The refusal filled our bucket, so the retry waited for a drain slot.
    assert fake_time.sleeps and fake_time.sleeps[0] == pytest.approx(0.5)


def test_query_limit_gives_up_after_bounded_attempts(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.replies(fail(503, "QUERY_LIMIT_EXCEEDED"))
    policy = RetryPolicy(limit_attempts=3)
    with (
        webhook_client(server, fake_time, retry=policy) as client,
        pytest.raises(e.QueryLimitExceeded),
    ):
        client.call("sale.status.list")
    assert len(server.requests) == 3


def test_operation_time_limit_waits_for_reset(server: ScriptedServer, fake_time: FakeTime) -> None:
    reset_at = fake_time.now + 20
    server.replies(
        fail(429, "OPERATION_TIME_LIMIT", time={"operating_reset_at": reset_at}),
        ok({"orders": []}),
    )
    with webhook_client(server, fake_time) as client:
        client.call("sale.order.list")
    assert 20.0 in [pytest.approx(s) for s in fake_time.sleeps]
    assert len(server.requests) == 2


def test_operation_time_limit_far_away_raises(server: ScriptedServer, fake_time: FakeTime) -> None:
    reset_at = fake_time.now + 500
    server.replies(fail(429, "OPERATION_TIME_LIMIT", time={"operating_reset_at": reset_at}))
    with webhook_client(server, fake_time) as client, pytest.raises(e.OperationTimeLimit) as info:
        client.call("sale.order.list")
    assert info.value.reset_at == reset_at
    assert len(server.requests) == 1


def test_operation_time_limit_uses_last_known_reset(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    reset_at = fake_time.now + 7
    server.replies(
        ok({"orders": []}, time={"operating": 470.0, "operating_reset_at": reset_at}),
        fail(429, "OPERATION_TIME_LIMIT"),
        ok({"orders": []}),
    )
    with webhook_client(server, fake_time) as client:
        client.call("sale.order.list")
        assert client.operating_by_method["sale.order.list"] == 470.0
        client.call("sale.order.list")
    assert any(s == pytest.approx(7.0) for s in fake_time.sleeps)


def test_server_errors_are_retried_for_reads(server: ScriptedServer, fake_time: FakeTime) -> None:
    server.replies(
        fail(500, "INTERNAL_SERVER_ERROR"), (502, "<html>bad gateway</html>", {}), ok([])
    )
    with webhook_client(server, fake_time) as client:
        assert client.call("crm.deal.list").result == []
    assert len(server.requests) == 3
    assert len(fake_time.sleeps) == 2


def test_server_errors_are_not_retried_for_mutations(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.replies(fail(500, "INTERNAL_SERVER_ERROR"))
    with webhook_client(server, fake_time) as client, pytest.raises(e.ServerError):
        client.call("sale.status.update", {"id": "P", "fields": {"type": "O"}})
    assert len(server.requests) == 1


def test_reads_give_up_after_bounded_attempts(server: ScriptedServer, fake_time: FakeTime) -> None:
    server.replies(fail(500, "INTERNAL_SERVER_ERROR"))
    with (
        webhook_client(server, fake_time, retry=RetryPolicy(read_attempts=3)) as client,
        pytest.raises(e.ServerError),
    ):
        client.call("sale.order.get", {"id": 1})
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        ("200040300020", 400, e.AccessDenied),
        ("insufficient_scope", 403, e.InsufficientScope),
        ("201340400001", 400, e.StatusNotFound),
        (0, 400, e.RequiredFields),
        ("NO_AUTH_FOUND", 401, e.NoAuthFound),
    ],
)
def test_refusals_are_never_retried(
    server: ScriptedServer, fake_time: FakeTime, code: Any, status: int, cls: type
) -> None:
    server.replies(fail(status, code, "Required fields: type"))
    with webhook_client(server, fake_time) as client, pytest.raises(cls):
        client.call("sale.status.get", {"id": "P"})
    assert len(server.requests) == 1


def test_timeout_after_sending_a_change_is_outcome_unknown(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.replies((200, HANG, {}))
    with (
        webhook_client(server, fake_time, timeout=0.3) as client,
        pytest.raises(e.OutcomeUnknown) as info,
    ):
        client.call("crm.orderentity.add", {"fields": {"orderId": 1}})
    assert len(server.requests) == 1
    assert CODE not in str(info.value)


def test_timeout_of_a_read_is_retried(server: ScriptedServer, fake_time: FakeTime) -> None:
    server.replies((200, HANG, {}), ok({"order": {"id": 1}}))
    with webhook_client(server, fake_time, timeout=0.3) as client:
        assert client.call("sale.order.get", {"id": 1}).result == {"order": {"id": 1}}
    assert len(server.requests) == 2


def test_unreachable_portal_is_network_error(fake_time: FakeTime) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = BitrixClient(
        WebhookAuth(f"http://127.0.0.1:{port}", 1, CODE),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    with client, pytest.raises(e.NetworkError) as info:
        client.call("sale.status.update", {"id": "P"})
    # Nothing was sent, so the change did not happen: a plain network error.
    assert not isinstance(info.value, e.OutcomeUnknown)
    assert CODE not in str(info.value)


def test_malformed_answer_to_a_change_is_outcome_unknown(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.replies((200, "{not json", {}))
    with webhook_client(server, fake_time) as client, pytest.raises(e.OutcomeUnknown):
        client.call("sale.order.update", {"id": 1})


def test_malformed_answer_to_a_read(server: ScriptedServer, fake_time: FakeTime) -> None:
    server.replies((200, "<html>maintenance</html>", {}))
    with (
        webhook_client(server, fake_time, retry=RetryPolicy(read_attempts=2)) as client,
        pytest.raises(e.MalformedResponse),
    ):
        client.call("sale.order.get", {"id": 1})
    assert len(server.requests) == 2


# --- OAuth -----------------------------------------------------------------------------


def oauth_server(server: ScriptedServer, *, refresh_reply: Any = None) -> None:
    tokens = {"access": "access-1"}

    def respond(request: Recorded) -> tuple[int, Any, dict[str, str]]:
        if request.path == "/oauth/token/":
            if refresh_reply is not None:
                return refresh_reply  # type: ignore[no-any-return]
            tokens["access"] = "access-2"
            return (
                200,
                {
                    "access_token": "access-2",
                    "refresh_token": "refresh-2",
                    "expires": 1_900_000_000,
                    "expires_in": 3600,
                },
                {},
            )
        if request.body.get("auth") != tokens["access"] or tokens["access"] == "access-1":
            return fail(401, "expired_token", "The access token provided has expired.")
        return ok({"id": 1})

    server.respond = respond


def oauth_client(
    server: ScriptedServer, fake_time: FakeTime, stored: list[TokenPair]
) -> BitrixClient:
    return BitrixClient(
        OAuthAuth(
            portal_url=server.base_url,
            client_id="app.1",
            client_secret="client-secret-xyz",
            access_token="access-1",
            refresh_token="refresh-1",
            server_endpoint=f"{server.base_url}/rest/",
            on_refresh=stored.append,
        ),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
    )


def test_oauth_refreshes_once_and_stores_the_pair(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    oauth_server(server)
    stored: list[TokenPair] = []
    with oauth_client(server, fake_time, stored) as client:
        assert client.call("sale.order.update", {"id": 1}).result == {"id": 1}
        assert client.call("sale.order.get", {"id": 1}).result == {"id": 1}
    paths = [r.path for r in server.requests]
    assert paths == ["/rest/sale.order.update", "/oauth/token/", "/rest/sale.order.update",
                     "/rest/sale.order.get"]  # fmt: skip
    refresh = server.requests[1]
    assert refresh.method == "GET"
    assert refresh.query == {
        "grant_type": "refresh_token",
        "client_id": "app.1",
        "client_secret": "client-secret-xyz",
        "refresh_token": "refresh-1",
    }
    assert [(p.access_token, p.refresh_token) for p in stored] == [("access-2", "refresh-2")]
    assert "access-2" not in repr(stored[0])


def test_oauth_refresh_from_many_threads_happens_once(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    oauth_server(server)
    stored: list[TokenPair] = []
    failures: list[BaseException] = []
    with oauth_client(server, fake_time, stored) as client:

        def work() -> None:
            try:
                client.call("sale.order.get", {"id": 1})
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert len(stored) == 1
    assert sum(r.path == "/oauth/token/" for r in server.requests) == 1


def test_invalid_grant_means_sign_in_again(server: ScriptedServer, fake_time: FakeTime) -> None:
    oauth_server(
        server,
        refresh_reply=(
            400,
            {"error": "invalid_grant", "error_description": "refresh-1 expired"},
            {},
        ),
    )
    stored: list[TokenPair] = []
    with oauth_client(server, fake_time, stored) as client, pytest.raises(e.SignInAgain) as info:
        client.call("sale.order.get", {"id": 1})
    assert stored == []
    assert "refresh-1" not in str(info.value)


def test_still_expired_after_refresh_is_not_refreshed_twice(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    def respond(request: Recorded) -> tuple[int, Any, dict[str, str]]:
        if request.path == "/oauth/token/":
            return 200, {"access_token": "a2", "refresh_token": "r2"}, {}
        return fail(401, "expired_token")

    server.respond = respond
    with oauth_client(server, fake_time, []) as client, pytest.raises(e.ExpiredToken):
        client.call("sale.order.get", {"id": 1})
    assert sum(r.path == "/oauth/token/" for r in server.requests) == 1


# --- 5xx answers to changes -------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        (500, "<html><body><h1>500 Internal Server Error</h1></body></html>", {}),
        (500, "", {}),
        (503, "<html>Service Temporarily Unavailable</html>", {}),
        (502, {"error": "Bad Gateway"}, {}),  # a proxy's JSON, not a portal error code
        (500, {"message": "nginx"}, {}),
    ],
    ids=["html-500", "empty-500", "html-503", "proxy-json-502", "json-without-envelope"],
)
def test_5xx_without_a_documented_error_to_a_change_is_outcome_unknown(
    server: ScriptedServer, fake_time: FakeTime, reply: tuple[int, Any, dict[str, str]]
) -> None:
    server.replies(reply)
    with webhook_client(server, fake_time) as client, pytest.raises(e.OutcomeUnknown) as info:
        client.call("sale.order.update", {"id": 300, "fields": {"statusId": "P"}})
    # The order may have been updated before the page was produced: never repeated.
    assert len(server.requests) == 1
    assert info.value.http_status == reply[0]
    assert info.value.method == "sale.order.update"
    assert CODE not in str(info.value)


@pytest.mark.parametrize(
    ("reply", "cls"),
    [
        (fail(500, "INTERNAL_SERVER_ERROR", "Internal server error"), e.ServerError),
        (fail(500, "ERROR_UNEXPECTED_ANSWER"), e.ServerError),
        (fail(500, "PORTAL_DELETED"), e.PortalDeleted),
        (fail(503, "OVERLOAD_LIMIT", "REST API is blocked"), e.OverloadLimit),
        (fail(500, "200040300020", "Access denied"), e.AccessDenied),
    ],
    ids=["internal", "unexpected-answer", "portal-deleted", "overload", "sale-code"],
)
def test_5xx_with_a_documented_error_to_a_change_keeps_its_class(
    server: ScriptedServer,
    fake_time: FakeTime,
    reply: tuple[int, Any, dict[str, str]],
    cls: type[e.B24Error],
) -> None:
    server.replies(reply)
    with webhook_client(server, fake_time) as client, pytest.raises(cls) as info:
        client.call("sale.order.update", {"id": 300, "fields": {"statusId": "P"}})
    assert not isinstance(info.value, e.OutcomeUnknown)
    assert len(server.requests) == 1


def test_503_query_limit_to_a_change_is_still_repeated(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.replies(fail(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"), ok({"order": {}}))
    with webhook_client(server, fake_time) as client:
        assert client.call("sale.order.update", {"id": 300}).result == {"order": {}}
    assert len(server.requests) == 2


def test_html_500_to_a_read_is_retried_then_malformed(
    server: ScriptedServer, fake_time: FakeTime
) -> None:
    server.replies((500, "<html>oops</html>", {}))
    with (
        webhook_client(server, fake_time, retry=RetryPolicy(read_attempts=3)) as client,
        pytest.raises(e.MalformedResponse) as info,
    ):
        client.call("sale.order.get", {"id": 300})
    assert not isinstance(info.value, e.OutcomeUnknown)
    assert len(server.requests) == 3


# --- the OAuth server named in the token answer -------------------------------------------


def token_reply(access: str, refresh: str, **extra: Any) -> tuple[int, Any, dict[str, str]]:
    return 200, {"access_token": access, "refresh_token": refresh, "expires_in": 3600, **extra}, {}


def expiring_portal(server: ScriptedServer, oauth_reply: Any) -> dict[str, str]:
    """A portal accepting only ``state["valid"]``, whose /oauth/token/ answers ``oauth_reply``."""
    state = {"valid": "access-2"}

    def respond(request: Recorded) -> tuple[int, Any, dict[str, str]]:
        if request.path == "/oauth/token/":
            return oauth_reply(request)  # type: ignore[no-any-return]
        if request.body.get("auth") != state["valid"]:
            return fail(401, "expired_token", "The access token provided has expired.")
        return ok({"id": 1})

    server.respond = respond
    return state


def test_renewal_follows_the_server_endpoint_of_the_token_answer(
    server: ScriptedServer, second_server: ScriptedServer, fake_time: FakeTime
) -> None:
    regional = f"{second_server.base_url}/rest/"
    state = expiring_portal(
        server, lambda _: token_reply("access-2", "refresh-2", server_endpoint=regional)
    )
    second_server.replies(token_reply("access-3", "refresh-3", server_endpoint=regional))
    stored: list[TokenPair] = []
    with oauth_client(server, fake_time, stored) as client:
        client.call("sale.order.get", {"id": 1})
        state["valid"] = "access-3"
        client.call("sale.order.get", {"id": 1})
    assert [p.server_endpoint for p in stored] == [regional, regional]
    assert sum(r.path == "/oauth/token/" for r in server.requests) == 1
    [renewal] = second_server.requests
    assert renewal.path == "/oauth/token/"
    assert renewal.query["refresh_token"] == "refresh-2"
    assert regional in repr(stored[0])


@pytest.mark.parametrize(
    "endpoint", ["http://oauth.example/rest/", "ftp://oauth.example/", "", 42, None]
)
def test_an_unusable_server_endpoint_in_the_answer_is_ignored(
    server: ScriptedServer, fake_time: FakeTime, endpoint: Any
) -> None:
    extra = {} if endpoint is None else {"server_endpoint": endpoint}
    state = expiring_portal(server, lambda _: token_reply("access-2", "refresh-2", **extra))
    stored: list[TokenPair] = []
    with oauth_client(server, fake_time, stored) as client:
        client.call("sale.order.get", {"id": 1})
        state["valid"] = "access-3"
        with pytest.raises(e.ExpiredToken):
            client.call("sale.order.get", {"id": 1})
    assert stored[0].server_endpoint is None
    # The client secret never went to a clear-text server: both renewals stayed here.
    assert sum(r.path == "/oauth/token/" for r in server.requests) == 2
