"""save_profile: the one way a profile is created or replaced (CLI and Connections dialog)."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from console.core.credentials import KeyringUnavailable, SecretKind
from console.core.profile_setup import ProfileRequest, check_profile_request, save_profile
from console.core.profiles import (
    DEFAULT_OAUTH_SERVER_ENDPOINT,
    AuthMode,
    InvalidProfileField,
    ProfileExists,
    ProfileField,
    ProfileRepository,
    WebhookPortalMismatch,
)
from tests.support.memory_keyring import MemoryKeyring

CODE = "s3tupc0de4242"
PORTAL = "https://shop.bitrix24.ua"
WEBHOOK = f"{PORTAL}/rest/7/{CODE}/"


def webhook_request(**changes: object) -> ProfileRequest:
    fields: dict[str, object] = {
        "name": "shop",
        "portal": "shop.bitrix24.ua",
        "webhook_url": WEBHOOK,
        "application_token": "app-token-1234",
    }
    fields.update(changes)
    return ProfileRequest(**fields)  # type: ignore[arg-type]


def nothing_written(repo: ProfileRepository, keys: MemoryKeyring) -> bool:
    return keys.secrets == {} and not repo.path.exists()


def test_a_webhook_profile_is_saved_with_its_secrets(memory_keyring: MemoryKeyring) -> None:
    repo = ProfileRepository()
    saved = save_profile(repo, webhook_request(member_id=" m-1 "), replace=False)
    assert saved.secrets == {SecretKind.WEBHOOK_CODE, SecretKind.APPLICATION_TOKEN}
    profile = repo.get("shop")
    assert profile == saved.profile
    assert (profile.portal_url, profile.webhook_user_id, profile.member_id) == (PORTAL, 7, "m-1")
    assert repo.webhook_credentials("shop").code == CODE
    assert repo.secret("shop", SecretKind.APPLICATION_TOKEN) == "app-token-1234"


def test_secrets_never_show_in_the_request_repr() -> None:
    text = repr(webhook_request(horoshop_secret="hs-secret-99", client_secret="cs-77"))
    for secret in (CODE, "app-token-1234", "hs-secret-99", "cs-77"):
        assert secret not in text


def test_an_oauth_profile_defaults_its_server_endpoint(memory_keyring: MemoryKeyring) -> None:
    repo = ProfileRepository()
    request = ProfileRequest(
        name="app",
        portal=PORTAL,
        auth_mode=AuthMode.OAUTH,
        client_id="local.1",
        client_secret="cl-secret-1",
    )
    saved = save_profile(repo, request, replace=False)
    assert saved.profile.server_endpoint == DEFAULT_OAUTH_SERVER_ENDPOINT
    assert saved.profile.client_id == "local.1"
    assert saved.secrets == {SecretKind.CLIENT_SECRET}
    assert repo.oauth_tokens("app") is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "bad name"}, ProfileField.NAME),
        ({"portal": "http://shop.bitrix24.ua"}, ProfileField.PORTAL_URL),
        ({"server_endpoint": "https://oauth.bitrix24.tech/rest/"}, ProfileField.SERVER_ENDPOINT),
        ({"member_id": "  "}, ProfileField.MEMBER_ID),
        ({"webhook_url": None}, ProfileField.WEBHOOK_URL),
        ({"webhook_url": f"{PORTAL}/api/{CODE}"}, ProfileField.WEBHOOK_URL),
        (
            {
                "auth_mode": AuthMode.OAUTH,
                "client_id": "c",
                "client_secret": "s",
                "server_endpoint": "http://oauth.example.com/rest/",
            },
            ProfileField.SERVER_ENDPOINT,
        ),
        ({"auth_mode": AuthMode.OAUTH, "client_secret": "s"}, ProfileField.CLIENT_ID),
        ({"auth_mode": AuthMode.OAUTH, "client_id": "c"}, ProfileField.CLIENT_SECRET),
        (
            {
                "auth_mode": AuthMode.OAUTH,
                "client_id": "c",
                "client_secret": "s",
                "access_token": "only-one",
            },
            ProfileField.TOKENS,
        ),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(
    memory_keyring: MemoryKeyring, changes: dict[str, object], field: ProfileField
) -> None:
    repo = ProfileRepository()
    with pytest.raises(InvalidProfileField) as caught:
        save_profile(repo, webhook_request(**changes), replace=False)
    assert caught.value.field is field
    assert caught.value.reason and CODE not in str(caught.value)
    assert "b24-console" not in str(caught.value) and "--" not in caught.value.reason
    assert nothing_written(repo, memory_keyring)


def test_a_webhook_of_another_portal_is_refused(memory_keyring: MemoryKeyring) -> None:
    repo = ProfileRepository()
    request = webhook_request(webhook_url=f"https://other.bitrix24.ua/rest/1/{CODE}/")
    with pytest.raises(WebhookPortalMismatch) as caught:
        save_profile(repo, request, replace=False)
    assert caught.value.field is ProfileField.WEBHOOK_URL
    assert (caught.value.webhook_portal, caught.value.portal_url) == (
        "https://other.bitrix24.ua",
        PORTAL,
    )
    assert nothing_written(repo, memory_keyring)


def test_replacing_needs_consent_and_drops_every_old_secret(
    memory_keyring: MemoryKeyring,
) -> None:
    repo = ProfileRepository()
    save_profile(repo, webhook_request(horoshop_secret="old-horoshop"), replace=False)
    with pytest.raises(ProfileExists) as caught:
        save_profile(repo, webhook_request(), replace=False)
    assert caught.value.name == "shop"
    assert repo.secret("shop", SecretKind.HOROSHOP_SECRET) == "old-horoshop"

    save_profile(repo, webhook_request(application_token=None), replace=True)
    assert memory_keyring.secrets == {("b24-console", "shop:webhook_code"): CODE}


def test_a_missing_keyring_is_reported_before_any_secret_is_asked_for(
    tmp_path: Path,
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        repo = ProfileRepository()
        with pytest.raises(KeyringUnavailable):
            check_profile_request(repo, ProfileRequest(name="shop", portal=PORTAL), replace=False)
        assert not repo.path.exists()
    finally:
        keyring.set_keyring(previous)
