"""Every reason the real listener stores is explained in words, with what to do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.settings import ListenerSettings
from console.listener.explain import explain, explain_all, recent_wrong_tokens
from console.store import StoredEvent, Verification
from tests.listener.conftest import (
    APP_TOKEN,
    DOMAIN,
    HOROSHOP_SECRET,
    MEMBER_ID,
    Running,
    all_events,
    sample,
)
from tests.listener.test_routes import replace_pairs

ORDER = "bitrix-onsaleordersaved-webhook.form"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Running]:
    """A listener with tiny limits, so the limit reasons are cheap to reach."""
    instance = Running(
        tmp_path, ListenerSettings(port=0, max_body_bytes=4096, max_depth=4, max_keys=30)
    )
    try:
        yield instance
    finally:
        instance.close()


def last(running: Running) -> StoredEvent:
    return max(all_events(running.store), key=lambda event: event.id)


def test_verified_event(running: Running) -> None:
    running.post_form("/bitrix/shop", sample(ORDER))
    assert explain(last(running)).kind == "verified"


def test_duplicate_is_named(running: Running) -> None:
    running.post_form("/bitrix/shop", sample(ORDER))
    running.post_form("/bitrix/shop", sample(ORDER))
    explanation = explain(last(running))
    assert explanation.kind == "duplicate"
    assert "#1" in explanation.title


@pytest.mark.parametrize(
    ("path", "changes", "kind", "words"),
    [
        ("/bitrix/shop", {"auth[application_token]": "f" * 32}, "wrong-token", "handler URL"),
        ("/bitrix/shop", {"auth[application_token]": None}, "missing-token", "token"),
        ("/bitrix/shop", {"auth[domain]": None}, "missing-domain", "auth[domain]"),
        ("/bitrix/shop", {"auth[domain]": "evil.bitrix24.com"}, "wrong-domain", "evil"),
        ("/bitrix/shop", {"auth[member_id]": "0" * 32}, "wrong-member", "Reconnect"),
        ("/bitrix/nobody", {}, "unknown-profile", "nobody"),
        ("/bitrix/blank", {}, "no-token-configured", "blank"),
    ],
)
def test_rejections(
    running: Running, path: str, changes: dict[str, str | None], kind: str, words: str
) -> None:
    response = running.post_form(path, replace_pairs(sample(ORDER), **changes))
    assert response.status_code in (401, 404)
    event = last(running)
    assert event.verification is Verification.REJECTED
    explanation = explain(event)
    assert explanation.kind == kind, event.verification_reason
    assert words in explanation.title + explanation.advice
    assert explanation.advice


def test_wrong_token_advice_names_the_profile_url(running: Running) -> None:
    running.post_form(
        "/bitrix/shop", replace_pairs(sample(ORDER), **{"auth[application_token]": "f" * 32})
    )
    event = last(running)
    explanation = explain(event)
    # Nothing says whose token it was: both readings are offered, and what is known.
    assert "another webhook" not in explanation.title
    assert "not the one of profile shop" in explanation.title
    assert str(event.remote_addr) in explanation.title
    assert "two ways" in explanation.advice and "rightly refused" in explanation.advice
    assert "/bitrix/shop" in explanation.advice


def test_wrong_tokens_of_the_last_hour_are_counted(running: Running) -> None:
    forged = replace_pairs(sample(ORDER), **{"auth[application_token]": "f" * 32})
    for _ in range(3):
        running.post_form("/bitrix/shop", forged)
    running.post_form("/bitrix/shop", sample(ORDER))  # a genuine one is not counted
    events = sorted(all_events(running.store), key=lambda e: e.id)
    assert recent_wrong_tokens(running.store, events[1]) == 2
    count = recent_wrong_tokens(running.store, events[2])
    explanation = explain(events[2], recent_wrong_token_count=count)
    assert [f.kind for f in explanation.findings] == ["wrong-token", "wrong-token-count"]
    assert explanation.title.endswith("in the hour up to this one: 3.")


def test_unknown_horoshop_secret(running: Running) -> None:
    running.client.put("/horoshop/not-the-secret", content=b'{"order_id": 1}', headers=JSON)
    assert explain(last(running)).kind == "unknown-horoshop-secret"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"[1, 2]", "not-object"),
        (b'{"total": 5}', "no-order-id"),
        (b'{"order_id": ', "not-json"),
        (b'{"order_id": 1, "name": "\xff\xfe"}', "not-utf8"),
    ],
)
def test_horoshop_malformed(running: Running, body: bytes, kind: str) -> None:
    running.client.put(f"/horoshop/{HOROSHOP_SECRET}", content=body, headers=JSON)
    event = last(running)
    assert event.verification is Verification.MALFORMED
    assert explain(event).kind == kind, event.verification_reason


def test_horoshop_unsupported_type(running: Running) -> None:
    running.client.put(
        f"/horoshop/{HOROSHOP_SECRET}", content=b"<x/>", headers={"Content-Type": "text/xml"}
    )
    explanation = explain(last(running))
    assert explanation.kind == "unsupported-content-type"
    assert "text/xml" in explanation.title


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"event": None}, "no-event-name"),
        ({"data[FIELDS][ID]": None}, "no-entity-id"),
    ],
)
def test_bitrix_malformed(running: Running, changes: dict[str, str | None], kind: str) -> None:
    running.post_form("/bitrix/shop", replace_pairs(sample(ORDER), **changes))
    event = last(running)
    assert event.verification is Verification.MALFORMED
    assert explain(event).kind == kind


def test_bitrix_json_not_object(running: Running) -> None:
    running.client.post("/bitrix/shop", content=b'"text"', headers=JSON)
    event = last(running)
    # Not an object: no auth block either, so it is rejected for the token and malformed.
    kinds = {item.kind for item in explain_all(event)}
    assert "missing-token" in kinds or "not-object" in kinds


def test_limits(small: Running) -> None:
    genuine = sample(ORDER)
    small.post_form("/bitrix/shop", genuine + b"&x=" + b"y" * 5000)
    # Refused by its declared length before a byte was read: no token could be seen either.
    kinds = [item.kind for item in explain_all(last(small))]
    assert kinds == ["too-large", "missing-token"]
    assert "larger than 4096" in explain(last(small)).title
    small.post_form("/bitrix/shop", genuine + b"".join(b"&k%d=v" % n for n in range(40)))
    assert explain(last(small)).kind == "too-many-keys"
    small.post_form("/bitrix/shop", genuine + b"&a[b][c][d][e][f]=1")
    assert explain(last(small)).kind == "too-deep"
    auth = {"application_token": APP_TOKEN, "domain": DOMAIN, "member_id": MEMBER_ID}
    deep = json.dumps({"event": "X", "auth": auth, "a": {"b": {"c": {"d": {"e": 1}}}}})
    small.client.post("/bitrix/shop", content=deep.encode(), headers=JSON)
    assert last(small).verification is Verification.MALFORMED
    assert explain(last(small)).kind == "too-deep"


def test_refused_body_and_bad_token_both_explained(small: Running) -> None:
    forged = replace_pairs(sample(ORDER), **{"auth[application_token]": "f" * 32})
    small.post_form("/bitrix/shop", forged + b"".join(b"&k%d=v" % n for n in range(40)))
    event = last(small)
    assert event.verification is Verification.REJECTED
    explanation = explain(event)
    # The failed check leads; the body problem follows.
    assert explanation.kind == "wrong-token"
    assert "more than 30 keys" in explanation.title


def test_unknown_reason_is_shown_verbatim(running: Running) -> None:
    running.post_form("/bitrix/shop", sample(ORDER))
    event = last(running).model_copy(
        update={"verification": Verification.REJECTED, "verification_reason": "cosmic rays"}
    )
    explanation = explain(event)
    assert explanation.kind == "unknown"
    assert "cosmic rays" in explanation.title


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        # Reasons the routes above cannot reach cheaply, in the wording their modules use.
        ("not a valid form body: bad escape", "bad-form"),
        ("key nests deeper than 32 levels", "too-deep"),
        ("body not parsed", "not-parsed"),
        ("JSON body is not an object", "not-object"),
        ("unknown profile 'x'", "unknown-profile"),
    ],
)
def test_other_wordings(running: Running, reason: str, kind: str) -> None:
    running.post_form("/bitrix/shop", sample(ORDER))
    event = last(running).model_copy(
        update={"verification": Verification.MALFORMED, "verification_reason": reason}
    )
    assert explain(event).kind == kind


def test_templates_are_translated_before_they_are_filled(running: Running) -> None:
    running.post_form(
        "/bitrix/shop", replace_pairs(sample(ORDER), **{"auth[application_token]": "f" * 32})
    )
    explanation = explain(last(running))
    seen: list[str] = []

    def translate(template: str) -> str:
        seen.append(template)
        return "«" + template + "»"

    title, advice = explanation.render(translate)
    assert "{profile}" in seen[0]
    assert title.startswith("«The application token is not the one of profile shop;")
    assert advice.startswith("«It can be read two ways.")
