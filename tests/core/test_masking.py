from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.core.masking import MASK, fingerprint, mask_secret, mask_webhook_url


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


def test_fingerprint_is_short_stable_and_distinct() -> None:
    token = "51856fefc120afa4b628cc82d3935cce"
    assert fingerprint(token) == fingerprint(token)
    assert fingerprint(token).startswith("sha256:")
    assert len(fingerprint(token)) == len("sha256:") + 8
    assert token not in fingerprint(token)
    assert fingerprint(token) != fingerprint(token + "x")
    # Pinned: the listener stores it, so it must not change between releases.
    assert fingerprint("abc") == "sha256:ba7816bf"
