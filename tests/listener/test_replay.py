"""A stored event, rebuilt with the keyring's token, is accepted again by the listener."""

from __future__ import annotations

from console.core.credentials import SecretKind
from console.core.profiles import Profile, ProfileRepository
from console.listener.replay import REPLAY_HEADER, build_replay, send_replay
from console.store import Verification
from tests.listener.conftest import APP_TOKEN, HOROSHOP_SECRET, Running, all_events, sample


def repository() -> ProfileRepository:
    repo = ProfileRepository()
    repo.save(Profile(name="shop", portal_url="https://some-domain.bitrix24.com"))
    repo.set_secret("shop", SecretKind.APPLICATION_TOKEN, APP_TOKEN)
    repo.set_secret("shop", SecretKind.HOROSHOP_SECRET, HOROSHOP_SECRET)
    return repo


def test_bitrix_replay_restores_the_token(running: Running) -> None:
    running.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-app.form"))
    stored = running.only_event()

    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    assert request.method == "POST"
    assert request.headers[REPLAY_HEADER] == str(stored.id)
    assert APP_TOKEN.encode() in request.body
    assert send_replay(request) == 200

    replayed = max(all_events(running.store), key=lambda e: e.id)
    assert replayed.verification is Verification.VERIFIED
    assert replayed.duplicate_of == stored.id


def test_replay_without_profiles_keeps_the_fingerprint(running: Running) -> None:
    running.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-webhook.form"))
    request = build_replay(running.only_event(), base_url=running.server.base_url, profiles=None)
    assert APP_TOKEN.encode() not in request.body
    assert send_replay(request) == 401


def test_horoshop_replay_restores_the_url_secret(running: Running) -> None:
    running.client.put(
        f"/horoshop/{HOROSHOP_SECRET}", content=sample("horoshop-order_created.json")
    )
    request = build_replay(
        running.only_event(), base_url=running.server.base_url, profiles=repository()
    )
    assert request.method == "PUT"
    assert request.url.endswith(f"/horoshop/{HOROSHOP_SECRET}")
    assert send_replay(request) == 200
