"""A stored event, rebuilt with the keyring's token, is accepted again by the listener."""

from __future__ import annotations

import json

import pytest

from console.core.credentials import SecretKind
from console.core.masking import MASK, fingerprint
from console.core.phpform import parse_php_form
from console.core.profiles import Profile, ProfileRepository
from console.listener.replay import REPLAY_HEADER, build_replay, send_replay
from console.store import EventSource, StoredEvent, Verification
from tests.listener.conftest import (
    APP_TOKEN,
    HOROSHOP_SECRET,
    Running,
    all_events,
    assert_no_secrets,
    sample,
)
from tests.listener.test_routes import replace_pairs
from tests.store.records import record

FORGED_TOKEN = "0123456789abcdef0123456789abcdef"


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


def newest(running: Running) -> StoredEvent:
    return max(all_events(running.store), key=lambda e: e.id)


def test_forged_form_event_stays_rejected_on_replay(running: Running) -> None:
    forged = replace_pairs(
        sample("bitrix-onsaleordersaved-app.form"), **{"auth[application_token]": FORGED_TOKEN}
    )
    assert running.post_form("/bitrix/shop", forged).status_code == 401
    stored = running.only_event()
    assert stored.verification is Verification.REJECTED

    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    # The forged token's fingerprint is not the profile's: the body goes back as stored.
    assert request.body == stored.raw_body
    assert APP_TOKEN.encode() not in request.body
    assert send_replay(request) == 401
    assert newest(running).verification is Verification.REJECTED


def test_forged_json_event_stays_rejected_on_replay(running: Running) -> None:
    payload = parse_php_form(sample("bitrix-onsaleordersaved-app.form").decode())
    payload["auth"]["application_token"] = FORGED_TOKEN
    assert running.client.post("/bitrix/shop", json=payload).status_code == 401
    stored = running.only_event()

    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    assert request.body == stored.raw_body
    assert send_replay(request) == 401
    assert newest(running).verification is Verification.REJECTED


def test_genuine_json_event_replays_verified(running: Running) -> None:
    payload = parse_php_form(sample("bitrix-onsaleordersaved-app.form").decode())
    assert running.client.post("/bitrix/shop", json=payload).status_code == 200
    stored = running.only_event()

    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    assert json.loads(request.body)["auth"]["application_token"] == APP_TOKEN
    assert send_replay(request) == 200
    replayed = newest(running)
    assert replayed.verification is Verification.VERIFIED
    assert replayed.duplicate_of == stored.id


@pytest.mark.parametrize("kind", ["form", "json"])
def test_a_sent_fingerprint_is_not_replayed_as_the_token(running: Running, kind: str) -> None:
    # The inspector shows fingerprints: a sender who copies the real token's fingerprint
    # into a forged event must not get the real token put in by replay.
    if kind == "form":
        forged = replace_pairs(
            sample("bitrix-onsaleordersaved-app.form"),
            **{"auth[application_token]": fingerprint(APP_TOKEN)},
        )
        assert running.post_form("/bitrix/shop", forged).status_code == 401
    else:
        payload = parse_php_form(sample("bitrix-onsaleordersaved-app.form").decode())
        payload["auth"]["application_token"] = fingerprint(APP_TOKEN)
        assert running.client.post("/bitrix/shop", json=payload).status_code == 401
    stored = running.only_event()
    assert fingerprint(APP_TOKEN).encode() not in stored.raw_body

    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    assert APP_TOKEN.encode() not in request.body
    assert send_replay(request) == 401
    assert newest(running).verification is Verification.REJECTED


def horoshop_event(running: Running, path: str) -> StoredEvent:
    """A stored Horoshop event of profile ``shop`` whose path is ``path``."""
    body = sample("horoshop-order_created.json")
    appended = running.store.append(
        record(
            source=EventSource.HOROSHOP,
            event="order_created",
            profile="shop",
            method="PUT",
            path=path,
            content_type="application/json",
            raw_body=body,
            payload=json.loads(body),
        )
    )
    event = running.store.get(appended.id)
    assert event is not None
    return event


@pytest.mark.parametrize(
    "last", [fingerprint("guess"), "sha256:00000000", "anything-else", fingerprint(APP_TOKEN)]
)
def test_horoshop_replay_keeps_a_foreign_path_segment(running: Running, last: str) -> None:
    stored = horoshop_event(running, f"/horoshop/{last}")
    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    assert request.url == f"{running.server.base_url}/horoshop/{last}"
    assert HOROSHOP_SECRET not in request.url
    assert send_replay(request) == 401
    assert newest(running).verification is Verification.REJECTED


def test_horoshop_replay_keeps_the_query_and_masks_the_shown_url(running: Running) -> None:
    stored = horoshop_event(running, f"/horoshop/{fingerprint(HOROSHOP_SECRET)}?a=b/c")
    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    assert request.url == f"{running.server.base_url}/horoshop/{HOROSHOP_SECRET}?a=b/c"
    assert request.shown_url == f"{running.server.base_url}/horoshop/{MASK}?a=b/c"
    assert HOROSHOP_SECRET not in repr(request)
    assert HOROSHOP_SECRET not in request.shown(f"failed for {request.url}: {HOROSHOP_SECRET}")
    assert send_replay(request) == 200
    replayed = newest(running)
    assert replayed.verification is Verification.VERIFIED
    assert_no_secrets(replayed)
