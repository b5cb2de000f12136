"""client_for_profile: renewed OAuth tokens and their server endpoint go back to the profile."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from console.bitrix.connect import client_for_profile
from console.bitrix.limiter import BucketLimits
from console.core.credentials import SecretKind
from console.core.profiles import AuthMode, OAuthTokens, Profile, ProfileRepository
from tests.bitrix.conftest import Recorded, Reply, ScriptedServer
from tests.support.memory_keyring import MemoryKeyring


def oauth_profile(repo: ProfileRepository, server: ScriptedServer) -> None:
    repo.save(
        Profile(
            name="app",
            portal_url=server.base_url,
            auth_mode=AuthMode.OAUTH,
            client_id="app.1",
            server_endpoint=f"{server.base_url}/rest/",
        )
    )
    repo.set_secret("app", SecretKind.CLIENT_SECRET, "client-secret-xyz")
    repo.store_oauth_tokens("app", OAuthTokens(access_token="access-1", refresh_token="refresh-1"))


def portal_with_oauth(server: ScriptedServer, **answer: Any) -> None:
    def respond(request: Recorded) -> Reply:
        if request.path == "/oauth/token/":
            body = {"access_token": "access-2", "refresh_token": "refresh-2", **answer}
            return 200, body, {}
        if request.body.get("auth") != "access-2":
            return 401, {"error": "expired_token", "error_description": "expired"}, {}
        return 200, {"result": {"id": 1}}, {}

    server.respond = respond


def test_server_endpoint_of_the_answer_is_saved_with_the_tokens(
    server: ScriptedServer, second_server: ScriptedServer, memory_keyring: MemoryKeyring
) -> None:
    regional = f"{second_server.base_url}/rest/"
    portal_with_oauth(server, server_endpoint=regional, expires=1_900_000_000)
    repo = ProfileRepository()
    oauth_profile(repo, server)
    with client_for_profile(repo, "app", limits=BucketLimits(50, 1000.0)) as client:
        client.call("sale.order.get", {"id": 1})
    profile = repo.get("app")
    assert profile.server_endpoint == regional
    assert profile.token_expires_at == 1_900_000_000
    tokens = repo.oauth_tokens("app")
    assert tokens is not None
    assert (tokens.access_token, tokens.refresh_token) == ("access-2", "refresh-2")


def test_an_endpoint_the_profile_refuses_never_costs_the_new_tokens(
    server: ScriptedServer, memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    # Good enough for the client (https), not for a profile (no '_' in host names).
    portal_with_oauth(server, server_endpoint="https://oauth_server.example/rest/")
    repo = ProfileRepository()
    oauth_profile(repo, server)
    with client_for_profile(repo, "app", limits=BucketLimits(50, 1000.0)) as client:
        client.call("sale.order.get", {"id": 1})
    tokens = repo.oauth_tokens("app")
    assert tokens is not None and tokens.refresh_token == "refresh-2"
    assert repo.get("app").server_endpoint == f"{server.base_url}/rest/"
    assert "unusable server_endpoint" in caplog.text
    assert "refresh-2" not in caplog.text
    assert logging.WARNING in {record.levelno for record in caplog.records}
