"""The default profile, and accepting a portal's other domain for a profile."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.core.credentials import SecretStore
from console.core.profiles import Profile, ProfileError, ProfileNotFound, ProfileRepository
from console.listener.verification import BitrixExpectation, KeyringCredentialSource, verify_bitrix
from console.operations.profiles import (
    accept_domain,
    default_profile,
    set_default_profile,
    token_right_mismatch,
)
from console.store import EventRecord, EventSource, StoredEvent, Verification


@pytest.fixture
def repo(tmp_path: Path) -> ProfileRepository:
    return ProfileRepository(tmp_path / "config")


def test_default_profile(repo: ProfileRepository, tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    assert default_profile(repo, settings) is None
    repo.save(Profile(name="a", portal_url="https://a.bitrix24.ua"))
    assert default_profile(repo, settings) == "a"
    repo.save(Profile(name="b", portal_url="https://b.bitrix24.ua"))
    assert default_profile(repo, settings) is None
    set_default_profile(repo, "b", settings)
    assert default_profile(repo, settings) == "b"
    with pytest.raises(ProfileNotFound):
        set_default_profile(repo, "c", settings)
    repo.save(Profile(name="c", portal_url="https://c.bitrix24.ua"))
    assert default_profile(repo, settings) == "b"


def _verify(expectation: BitrixExpectation, domain: str, member: str = "m") -> str | None:
    return verify_bitrix(
        "shop", expectation, application_token="t" * 32, domain=domain, member_id=member
    )


def test_token_right_domain_differs_then_accepted(repo: ProfileRepository) -> None:
    repo.save(Profile(name="shop", portal_url="https://shop.bitrix24.ua", member_id="m"))
    before = BitrixExpectation("t" * 32, "shop.bitrix24.ua", "m")
    reason = _verify(before, "shop.example.ua")
    assert reason is not None and reason.startswith("application token is right, but domain")
    assert _verify(before, "shop.bitrix24.ua", "other").startswith(  # type: ignore[union-attr]
        "application token is right, but member_id"
    )
    saved = accept_domain(repo, "shop", " Shop.Example.UA. ")
    assert saved.extra_domains == ["shop.example.ua"]
    assert accept_domain(repo, "shop", "shop.example.ua").extra_domains == ["shop.example.ua"]
    with pytest.raises(ProfileError):
        accept_domain(repo, "shop", "https://x/y")
    after = BitrixExpectation("t" * 32, "shop.bitrix24.ua", "m", tuple(saved.extra_domains))
    assert _verify(after, "shop.example.ua") is None
    assert _verify(after, "evil.example.ua") is not None


def test_keyring_source_carries_extra_domains(tmp_path: Path) -> None:
    class Memory(SecretStore):
        def __init__(self) -> None:
            self.values: dict[tuple[str, str], str] = {}

        def get(self, profile: str, kind: object) -> str | None:  # type: ignore[override]
            return self.values.get((profile, str(kind)))

    repo = ProfileRepository(tmp_path / "config", secrets=Memory())
    repo.save(
        Profile(name="shop", portal_url="https://shop.bitrix24.ua", extra_domains=["shop.ua"])
    )
    source = KeyringCredentialSource(repo)
    assert source.bitrix("shop").extra_domains == ("shop.ua",)  # type: ignore[union-attr]


def _rejected(reason: str) -> StoredEvent:
    return StoredEvent(
        id=1,
        received_at=datetime.now(UTC),
        source=EventSource.BITRIX,
        event="ONSALEORDERSAVED",
        verification=Verification.REJECTED,
        verification_reason=reason,
    )


def test_token_right_mismatch() -> None:
    assert (
        token_right_mismatch(
            _rejected("application token is right, but domain x does not belong to profile p")
        )
        == "domain"
    )
    assert token_right_mismatch(_rejected("wrong application token for profile p")) is None
    assert isinstance(_rejected("x"), EventRecord)
