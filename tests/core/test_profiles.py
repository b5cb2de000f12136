from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from console.core.credentials import CredentialsError, SecretKind
from console.core.logging import redact
from console.core.masking import MASK
from console.core.profiles import (
    AuthMode,
    MissingWebhook,
    OAuthTokens,
    Profile,
    ProfileError,
    ProfileNotFound,
    ProfileRepository,
    WebhookCredentials,
    normalise_server_endpoint,
    parse_webhook_url,
)
from tests.support.memory_keyring import MemoryKeyring

CODE = "k3yw0rdc0de9876"


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("https://shop.bitrix24.ua", "https://shop.bitrix24.ua"),
        ("https://Shop.Bitrix24.UA/", "https://shop.bitrix24.ua"),
        ("shop.bitrix24.ua", "https://shop.bitrix24.ua"),
        ("https://shop.bitrix24.ua:443", "https://shop.bitrix24.ua"),
        ("https://shop.example:8443", "https://shop.example:8443"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.5.6.7", "http://127.5.6.7"),
        ("http://localhost:9000/", "http://localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_portal_url_is_normalised(given: str, normal: str) -> None:
    assert Profile(name="p", portal_url=given).portal_url == normal


@pytest.mark.parametrize(
    "bad",
    [
        "http://shop.bitrix24.ua",  # plain http off loopback
        "http://10.0.0.5",
        "http://localhost.evil.example",
        "ftp://shop.bitrix24.ua",
        "https://shop.bitrix24.ua/crm/deal/",
        "https://shop.bitrix24.ua/?x=1",
        "https://user:pw@shop.bitrix24.ua",
        "https://shop_bitrix24.ua",
        "https://shop.bitrix24.ua:99999",
        "https://",
    ],
)
def test_bad_portal_url_is_refused(bad: str) -> None:
    with pytest.raises(ProfileError, match="plain http only for loopback"):
        Profile(name="p", portal_url=bad)


def test_portal_error_does_not_echo_a_pasted_webhook_code() -> None:
    with pytest.raises(ProfileError) as caught:
        Profile(name="p", portal_url=f"https://shop.bitrix24.ua/rest/1/{CODE}/")
    assert CODE not in str(caught.value)


@pytest.mark.parametrize("name", ["", "a b", "x" * 65, "shop/1", "naïve"])
def test_bad_profile_name_is_refused(name: str) -> None:
    with pytest.raises(ProfileError, match="profile name"):
        Profile(name=name, portal_url="https://shop.bitrix24.ua")


def test_domain_is_host_and_port() -> None:
    assert Profile(name="p", portal_url="https://shop.bitrix24.ua").domain == "shop.bitrix24.ua"
    assert Profile(name="p", portal_url="http://127.0.0.1:81").domain == "127.0.0.1:81"


@pytest.mark.parametrize(
    "url",
    [
        f"https://shop.bitrix24.ua/rest/1/{CODE}/",
        f"https://shop.bitrix24.ua/rest/1/{CODE}",
        f"https://shop.bitrix24.ua/rest/1/{CODE}/profile.json",
        f"https://shop.bitrix24.ua/rest/1/{CODE}/profile",
        f"  https://SHOP.bitrix24.ua:443/rest/1/{CODE}/  ",
    ],
)
def test_parse_webhook_url(url: str) -> None:
    webhook = parse_webhook_url(url)
    assert webhook == WebhookCredentials(
        portal_url="https://shop.bitrix24.ua", user_id=1, code=CODE
    )
    assert webhook.url() == f"https://shop.bitrix24.ua/rest/1/{CODE}/"
    assert CODE not in repr(webhook)


@pytest.mark.parametrize(
    "url",
    [
        f"http://shop.bitrix24.ua/rest/1/{CODE}/",
        f"https://shop.bitrix24.ua/rest/x/{CODE}/",
        f"https://shop.bitrix24.ua/rest/1/{CODE}/a/b/",
        f"https://shop.bitrix24.ua/api/1/{CODE}/",
        f"https://user:{CODE}@shop.bitrix24.ua/rest/1/abc/",
        "https://shop.bitrix24.ua/rest/1//",
        CODE,
    ],
)
def test_bad_webhook_url_error_never_contains_the_code(url: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_webhook_url(url)
    assert CODE not in str(caught.value)
    assert "/rest/<user id>/<code>/" in str(caught.value)


def test_loopback_webhook_over_http_is_accepted() -> None:
    webhook = parse_webhook_url(f"http://127.0.0.1:8765/rest/5/{CODE}/")
    assert webhook.portal_url == "http://127.0.0.1:8765"
    assert webhook.user_id == 5


def webhook_profile(name: str = "shop") -> Profile:
    return Profile(name=name, portal_url="https://shop.bitrix24.ua", webhook_user_id=1)


def test_repository_round_trip_keeps_secrets_out_of_the_file(
    isolated_dirs: Path, memory_keyring: MemoryKeyring
) -> None:
    repo = ProfileRepository()
    repo.save(webhook_profile())
    repo.set_secret("shop", SecretKind.WEBHOOK_CODE, CODE)
    repo.set_secret("shop", SecretKind.APPLICATION_TOKEN, "app-token-4242")
    path = isolated_dirs / "config" / "profiles.json"
    assert repo.path == path
    text = path.read_text()
    assert CODE not in text and "app-token-4242" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(text)["profiles"][0]["name"] == "shop"
    assert ("b24-console", "shop:webhook_code") in memory_keyring.secrets

    again = ProfileRepository()
    assert again.list() == [webhook_profile()]
    assert again.get("shop").auth_mode is AuthMode.WEBHOOK
    assert again.webhook_credentials("shop").url() == f"https://shop.bitrix24.ua/rest/1/{CODE}/"
    assert again.secret("shop", SecretKind.APPLICATION_TOKEN) == "app-token-4242"
    assert again.secret("shop", SecretKind.HOROSHOP_SECRET) is None


def test_list_is_sorted_and_save_replaces(tmp_path: Path) -> None:
    repo = ProfileRepository(config_dir=tmp_path / "elsewhere")
    repo.save(webhook_profile("b"))
    repo.save(webhook_profile("a"))
    repo.save(webhook_profile("b").model_copy(update={"member_id": "m-1"}))
    assert [p.name for p in repo.list()] == ["a", "b"]
    assert repo.get("b").member_id == "m-1"
    assert (tmp_path / "elsewhere" / "profiles.json").exists()


def test_missing_profile(memory_keyring: MemoryKeyring) -> None:
    repo = ProfileRepository()
    assert repo.list() == []
    with pytest.raises(ProfileNotFound) as caught:
        repo.get("nope")
    assert caught.value.name == "nope"
    # Neutral: each front end adds its own hint (the CLI names commands, a dialog does not).
    assert "b24-console" not in str(caught.value)
    with pytest.raises(ProfileNotFound):
        repo.remove("nope")
    with pytest.raises(ProfileNotFound):
        repo.set_secret("nope", SecretKind.WEBHOOK_CODE, CODE)
    assert memory_keyring.secrets == {}


def test_remove_deletes_profile_and_all_its_secrets(memory_keyring: MemoryKeyring) -> None:
    repo = ProfileRepository()
    repo.save(webhook_profile("shop"))
    repo.save(webhook_profile("other"))
    for kind in SecretKind:
        repo.set_secret("shop", kind, f"{kind}-value")
    repo.set_secret("other", SecretKind.WEBHOOK_CODE, "other-code")
    repo.remove("shop")
    assert [p.name for p in repo.list()] == ["other"]
    assert memory_keyring.secrets == {("b24-console", "other:webhook_code"): "other-code"}


def test_webhook_credentials_missing_code_says_what_to_do(memory_keyring: MemoryKeyring) -> None:
    repo = ProfileRepository()
    repo.save(webhook_profile())
    with pytest.raises(MissingWebhook) as caught:
        repo.webhook_credentials("shop")
    assert isinstance(caught.value, CredentialsError)
    assert not isinstance(caught.value, ProfileError)
    assert (caught.value.profile, caught.value.portal_url) == ("shop", "https://shop.bitrix24.ua")
    assert "b24-console" not in str(caught.value)


def test_oauth_tokens_round_trip(memory_keyring: MemoryKeyring) -> None:
    repo = ProfileRepository()
    repo.save(Profile(name="app", portal_url="https://shop.bitrix24.ua", auth_mode="oauth"))
    assert repo.oauth_tokens("app") is None
    tokens = OAuthTokens(access_token="AT-111111", refresh_token="RT-222222", expires_at=1.5e9)
    repo.store_oauth_tokens("app", tokens)
    assert repo.oauth_tokens("app") == tokens
    assert repo.get("app").token_expires_at == 1.5e9
    assert "AT-111111" not in repr(tokens)
    stored = repo.path.read_text()
    assert "AT-111111" not in stored and "RT-222222" not in stored


def test_secrets_read_or_written_are_registered_for_redaction(
    memory_keyring: MemoryKeyring,
) -> None:
    repo = ProfileRepository()
    repo.save(webhook_profile())
    repo.set_secret("shop", SecretKind.HOROSHOP_SECRET, "written-secret-5150")
    # Put one in behind the store's back: only reading it can register it.
    memory_keyring.secrets[("b24-console", "shop:client_secret")] = "read-secret-8080"
    assert repo.secret("shop", SecretKind.CLIENT_SECRET) == "read-secret-8080"
    assert redact("a written-secret-5150 b read-secret-8080") == f"a {MASK} b {MASK}"


def test_damaged_file_gives_an_actionable_error(isolated_dirs: Path) -> None:
    path = isolated_dirs / "config" / "profiles.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"profiles": [{"name": "x y", "portal_url": "https://a.b"}]}')
    with pytest.raises(ProfileError, match="is damaged"):
        ProfileRepository().list()
    path.write_text("not json")
    with pytest.raises(ProfileError, match="move it away"):
        ProfileRepository().list()


def test_profile_error_is_logged_without_the_code(caplog: pytest.LogCaptureFixture) -> None:
    try:
        parse_webhook_url(f"https://shop.bitrix24.ua/rest/one/{CODE}/")
    except ProfileError:
        logging.getLogger("console.test").exception("bad webhook")
    assert CODE not in caplog.text


# --- the OAuth server endpoint -------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("https://oauth.bitrix.info/rest/", "https://oauth.bitrix.info/rest/"),
        ("https://oauth.bitrix24.tech", "https://oauth.bitrix24.tech/rest/"),
        ("oauth.bitrix24.tech/rest", "https://oauth.bitrix24.tech/rest/"),
        ("https://OAuth.Bitrix24.Tech:443/rest/", "https://oauth.bitrix24.tech/rest/"),
        ("http://127.0.0.1:8080/rest/", "http://127.0.0.1:8080/rest/"),
    ],
)
def test_server_endpoint_is_normalised(given: str, normal: str) -> None:
    assert normalise_server_endpoint(given) == normal
    profile = Profile(name="app", portal_url="https://shop.bitrix24.ua", server_endpoint=given)
    assert profile.server_endpoint == normal


@pytest.mark.parametrize(
    "bad",
    [
        "http://oauth.bitrix.info/rest/",  # the client secret would travel in clear text
        "ftp://oauth.bitrix.info/rest/",
        "https://oauth.bitrix.info/oauth/token/",
        "https://oauth.bitrix.info/rest/?x=1",
        "https://user:pw@oauth.bitrix.info/rest/",
        "https://",
    ],
)
def test_bad_server_endpoint_is_refused(bad: str) -> None:
    with pytest.raises(ProfileError):
        normalise_server_endpoint(bad)
    with pytest.raises(ProfileError):
        Profile(name="app", portal_url="https://shop.bitrix24.ua", server_endpoint=bad)


def oauth_profile() -> Profile:
    return Profile(
        name="app",
        portal_url="https://shop.bitrix24.ua",
        auth_mode="oauth",
        server_endpoint="https://oauth.bitrix.info/rest/",
    )


def test_stored_tokens_bring_their_server_endpoint(memory_keyring: MemoryKeyring) -> None:
    repo = ProfileRepository()
    repo.save(oauth_profile())
    tokens = OAuthTokens(access_token="AT-111111", refresh_token="RT-222222", expires_at=1.5e9)
    repo.store_oauth_tokens("app", tokens, server_endpoint="https://oauth.bitrix24.tech/rest")
    again = ProfileRepository().get("app")
    assert again.server_endpoint == "https://oauth.bitrix24.tech/rest/"
    assert again.token_expires_at == 1.5e9
    assert repo.oauth_tokens("app") == tokens
    # Without one, the endpoint the profile has stays.
    repo.store_oauth_tokens("app", tokens.model_copy(update={"expires_at": 2e9}))
    assert repo.get("app").server_endpoint == "https://oauth.bitrix24.tech/rest/"


def test_a_bad_server_endpoint_stores_nothing(memory_keyring: MemoryKeyring) -> None:
    repo = ProfileRepository()
    repo.save(oauth_profile())
    tokens = OAuthTokens(access_token="AT-111111", refresh_token="RT-222222")
    with pytest.raises(ProfileError):
        repo.store_oauth_tokens("app", tokens, server_endpoint="http://oauth.example/rest/")
    assert repo.oauth_tokens("app") is None
    assert repo.get("app") == oauth_profile()
