from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.core.masking import (
    MASK,
    fingerprint,
    fingerprint_key,
    fingerprint_key_is_persistent,
    is_fingerprint,
    is_legacy_fingerprint,
    mask_secret,
    mask_webhook_url,
    set_fingerprint_key,
)


def test_mask_secret_hides_characters_and_length() -> None:
    assert mask_secret(None) == ""
    assert mask_secret("") == ""
    assert mask_secret("a") == MASK
    assert mask_secret("x" * 200) == MASK


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("https://shop.bitrix24.ua/rest/1/abc123/", f"https://shop.bitrix24.ua/rest/1/{MASK}/"),
        ("https://shop.bitrix24.ua/rest/1/abc123", f"https://shop.bitrix24.ua/rest/1/{MASK}/"),
        (
            "https://shop.bitrix24.ua/rest/12/abc123/profile.json",
            f"https://shop.bitrix24.ua/rest/12/{MASK}/profile.json",
        ),
        ("http://127.0.0.1:8080/rest/3/zz9/", f"http://127.0.0.1:8080/rest/3/{MASK}/"),
        # Userinfo and query strings may carry credentials too: dropped.
        ("https://u:pw@shop.ua/rest/1/abc123/?auth=tok", f"https://shop.ua/rest/1/{MASK}/"),
        ("https://shop.ua/some/other/path", f"https://shop.ua/{MASK}"),
        ("not a url", MASK),
    ],
)
def test_mask_webhook_url(url: str, masked: str) -> None:
    assert mask_webhook_url(url) == masked


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=6, max_size=40))
def test_masked_webhook_url_never_contains_the_code(code: str) -> None:
    masked = mask_webhook_url(f"https://portal.example/rest/7/{code}/crm.deal.list")
    assert code not in masked.removeprefix("https://portal.example/rest/7/")


def test_fingerprint_is_keyed_and_128_bits() -> None:
    token = "51856fefc120afa4b628cc82d3935cce"
    assert fingerprint(token) == fingerprint(token)
    assert is_fingerprint(fingerprint(token))
    assert len(fingerprint(token)) == len("hmac:") + 32
    assert token not in fingerprint(token)
    assert fingerprint(token) != fingerprint(token + "x")
    # Not the unkeyed hash anyone can compute offline from a token they guess.
    assert hashlib.sha256(token.encode()).hexdigest()[:32] not in fingerprint(token)
    key = fingerprint_key()
    persistent = fingerprint_key_is_persistent()
    try:
        set_fingerprint_key(b"k" * 32)
        # Pinned: HMAC-SHA256 under the installation key, first 128 bits.
        expected = hmac.new(b"k" * 32, b"abc", hashlib.sha256).hexdigest()[:32]
        assert fingerprint("abc") == "hmac:" + expected
        set_fingerprint_key(b"j" * 32)
        assert fingerprint("abc") != "hmac:" + expected
        with pytest.raises(ValueError, match="128 bits"):
            set_fingerprint_key(b"short")
    finally:
        set_fingerprint_key(key, persistent=persistent)


def test_old_fingerprints_are_recognised_as_old() -> None:
    assert is_legacy_fingerprint("sha256:ba7816bf")
    assert not is_fingerprint("sha256:ba7816bf")
    assert not is_legacy_fingerprint(fingerprint("abc"))
