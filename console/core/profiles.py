"""Connection profiles: which portal, how to authenticate, and where the secrets are.

A profile's non-secret fields live in ``profiles.json`` in the config directory; its
secrets live in the OS keyring behind :class:`~console.core.credentials.SecretStore`.
"""

from __future__ import annotations

import builtins
import enum
import ipaddress
import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from console.core.credentials import CredentialsError, SecretKind, SecretStore
from console.core.net import is_loopback_host
from console.core.paths import config_dir
from console.core.private_files import make_private_dir

PROFILES_FILE = "profiles.json"
_FILE_VERSION = 1

_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_WEBHOOK_PATH = re.compile(r"/rest/(?P<user>\d+)/(?P<code>[A-Za-z0-9_-]+)(?:/[A-Za-z0-9_.]*)?/?")
_PORTAL_HINT = "must be https://<portal host>[:port] (plain http only for loopback)"
_WEBHOOK_HINT = (
    "must look like https://<portal host>/rest/<user id>/<code>/ (http only for loopback)"
)
_SERVER_ENDPOINT_HINT = (
    "must be https://<OAuth server host>[:port]/rest/ (plain http only for loopback)"
)
# Where Bitrix24 renews OAuth tokens unless the token answer names another server.
DEFAULT_OAUTH_SERVER_ENDPOINT = "https://oauth.bitrix.info/rest/"


class AuthMode(enum.StrEnum):
    WEBHOOK = "webhook"
    OAUTH = "oauth"


class ProfileError(CredentialsError):
    """A profile value is invalid, or the profile file cannot be used."""


class ProfileNotFound(ProfileError):
    """No profile has the requested name."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no profile named {name!r}")


class ProfileExists(ProfileError):
    """A profile with this name exists and replacing it was not asked for."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"profile {name!r} already exists")


class MissingWebhook(CredentialsError):
    """A webhook profile has no inbound webhook (user id and code) stored."""

    def __init__(self, profile: str, portal_url: str) -> None:
        self.profile = profile
        self.portal_url = portal_url
        super().__init__(f"profile {profile!r} has no inbound webhook stored")


class ProfileField(enum.StrEnum):
    """The parts of a profile a person fills in; field errors name one of these."""

    NAME = "name"
    PORTAL_URL = "portal_url"
    SERVER_ENDPOINT = "server_endpoint"
    MEMBER_ID = "member_id"
    WEBHOOK_URL = "webhook_url"
    CLIENT_ID = "client_id"
    CLIENT_SECRET = "client_secret"  # noqa: S105
    TOKENS = "tokens"


class InvalidProfileField(ProfileError):
    """One field of a profile being created is wrong; ``reason`` says how, never its value."""

    def __init__(self, field: ProfileField, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field.value}: {reason}")


class WebhookPortalMismatch(InvalidProfileField):
    """The inbound webhook belongs to another portal than the profile's."""

    def __init__(self, webhook_portal: str, portal_url: str) -> None:
        self.webhook_portal = webhook_portal
        self.portal_url = portal_url
        super().__init__(
            ProfileField.WEBHOOK_URL,
            f"the webhook is for {webhook_portal}, not the portal {portal_url}; use the "
            "webhook created on that portal",
        )


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        labels = host.rstrip(".").split(".")
        return bool(host) and all(_HOST_LABEL.fullmatch(label) for label in labels)


def _origin(parts: SplitResult, hint: str) -> str:
    """Normalised ``scheme://host[:port]`` of a split URL, or ProfileError with ``hint``."""
    try:
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        raise ProfileError(f"bad port: {hint}") from None
    if parts.scheme not in ("https", "http"):
        raise ProfileError(hint)
    if parts.username is not None or parts.password is not None:
        raise ProfileError(f"no user or password in the URL: {hint}")
    if not _valid_host(host):
        raise ProfileError(f"bad host: {hint}")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise ProfileError(f"plain http is refused for non-loopback hosts: {hint}")
    netloc = f"[{host}]" if ":" in host else host.rstrip(".")
    default_port = 443 if parts.scheme == "https" else 80
    if port is not None and port != default_port:
        netloc = f"{netloc}:{port}"
    return f"{parts.scheme}://{netloc}"


def validate_profile_name(name: str) -> str:
    """``name`` if it is a valid profile name, else ProfileError."""
    if not _NAME.fullmatch(name):
        raise ProfileError("profile name must be 1-64 letters, digits, '_' or '-'")
    return name


def normalise_portal_url(url: str) -> str:
    """``https://host[:port]`` from what a person typed; a bare host means https.

    The error never repeats the input: people paste webhook URLs, codes included, here.
    """
    text = url.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ProfileError(f"no path, query or fragment allowed: {_PORTAL_HINT}")
    return _origin(parts, _PORTAL_HINT)


def normalise_server_endpoint(url: str) -> str:
    """``https://host[:port]/rest/`` of an OAuth server's ``server_endpoint``.

    The client secret and refresh token are sent there, so the same rule as for portals
    applies: https, or plain http only for loopback (the sandbox).
    """
    text = url.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.path not in ("", "/", "/rest", "/rest/") or parts.query or parts.fragment:
        raise ProfileError(f"no other path, query or fragment allowed: {_SERVER_ENDPOINT_HINT}")
    return f"{_origin(parts, _SERVER_ENDPOINT_HINT)}/rest/"


class Profile(BaseModel):
    """The non-secret part of a connection to one portal."""

    model_config = ConfigDict(validate_assignment=True)

    name: str
    portal_url: str
    auth_mode: AuthMode = AuthMode.WEBHOOK
    webhook_user_id: int | None = Field(default=None, gt=0)
    client_id: str | None = None
    token_expires_at: float | None = None
    member_id: str | None = None
    # OAuth server REST endpoint from the last token response; it differs by region.
    server_endpoint: str | None = None
    # Other ``host[:port]`` names the portal's events may carry in auth[domain] (a portal
    # answers under its bitrix24 address and its own domain); accepted by the operator.
    extra_domains: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        return validate_profile_name(value)

    @field_validator("portal_url")
    @classmethod
    def _check_portal(cls, value: str) -> str:
        return normalise_portal_url(value)

    @field_validator("server_endpoint")
    @classmethod
    def _check_server_endpoint(cls, value: str | None) -> str | None:
        return None if value is None else normalise_server_endpoint(value)

    @property
    def domain(self) -> str:
        """``host[:port]`` of the portal, as Bitrix24 sends it in ``auth[domain]``."""
        return self.portal_url.split("://", 1)[1]


class WebhookCredentials(BaseModel):
    """An inbound webhook: portal, user id and the secret code."""

    model_config = ConfigDict(hide_input_in_errors=True)

    portal_url: str
    user_id: int = Field(gt=0)
    code: str = Field(repr=False, min_length=1)

    def url(self) -> str:
        """The webhook base URL, ending in ``/``; contains the secret."""
        return f"{self.portal_url}/rest/{self.user_id}/{self.code}/"


class OAuthTokens(BaseModel):
    """An OAuth access/refresh token pair and when the access token expires."""

    model_config = ConfigDict(hide_input_in_errors=True)

    access_token: str = Field(repr=False)
    refresh_token: str = Field(repr=False)
    expires_at: float | None = None


def parse_webhook_url(url: str) -> WebhookCredentials:
    """Split an inbound webhook URL (optionally ending in a method name) into its parts.

    ProfileError messages never contain the code.
    """
    parts = urlsplit(url.strip())
    match = _WEBHOOK_PATH.fullmatch(parts.path)
    if match is None:
        raise ProfileError(f"not an inbound webhook URL: {_WEBHOOK_HINT}")
    origin = _origin(parts, _WEBHOOK_HINT)
    return WebhookCredentials(
        portal_url=origin, user_id=int(match.group("user")), code=match.group("code")
    )


class ProfileRepository:
    """Profiles in ``profiles.json`` plus their secrets in the keyring."""

    def __init__(self, config_dir: Path | None = None, secrets: SecretStore | None = None) -> None:
        self._dir = config_dir
        self.secrets = secrets or SecretStore()
        # The OAuth refresh may save from a worker thread while the UI saves a profile.
        self._lock = threading.RLock()

    @property
    def path(self) -> Path:
        # Resolved late so B24_CONSOLE_CONFIG_DIR set after construction still counts.
        return (self._dir or config_dir()) / PROFILES_FILE

    def _load(self) -> dict[str, Profile]:
        path = self.path
        if not path.exists():
            return {}
        try:
            raw: Any = json.loads(path.read_text(encoding="utf-8"))
            items = raw["profiles"] if isinstance(raw, dict) else None
            if not isinstance(items, builtins.list):
                raise ValueError("no profile list")
            profiles = [Profile.model_validate(item) for item in items]
        except (ValueError, KeyError, TypeError, ValidationError, ProfileError) as exc:
            raise ProfileError(
                f"{path} is damaged ({type(exc).__name__}): fix it or move it away and add the "
                "profiles again"
            ) from None
        return {profile.name: profile for profile in profiles}

    def _write(self, profiles: dict[str, Profile]) -> None:
        path = self.path
        make_private_dir(path.parent)
        document = {
            "version": _FILE_VERSION,
            "profiles": [profiles[name].model_dump(mode="json") for name in sorted(profiles)],
        }
        # mkstemp creates the file 0600; os.replace makes the write all-or-nothing.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".profiles-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=2)
                handle.write("\n")
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def list(self) -> list[Profile]:
        """All profiles, sorted by name."""
        with self._lock:
            profiles = self._load()
        return [profiles[name] for name in sorted(profiles)]

    def get(self, name: str) -> Profile:
        """The profile called ``name``; ProfileNotFound if there is none."""
        with self._lock:
            profile = self._load().get(name)
        if profile is None:
            raise ProfileNotFound(name)
        return profile

    def exists(self, name: str) -> bool:
        with self._lock:
            return name in self._load()

    def save(self, profile: Profile) -> None:
        """Add ``profile`` or replace the one with the same name."""
        with self._lock:
            profiles = self._load()
            profiles[profile.name] = profile
            self._write(profiles)

    def remove(self, name: str) -> None:
        """Delete the profile and all its secrets; ProfileNotFound if there is none."""
        with self._lock:
            self.get(name)
            # Secrets first: if the keyring fails the profile stays, so removal can be retried.
            self.secrets.delete_all(name)
            profiles = self._load()
            profiles.pop(name, None)
            self._write(profiles)

    def secret(self, name: str, kind: SecretKind) -> str | None:
        """The profile's stored secret of ``kind``, or None."""
        return self.secrets.get(name, kind)

    def set_secret(self, name: str, kind: SecretKind, value: str) -> None:
        """Store a secret for an existing profile."""
        self.get(name)
        self.secrets.set(name, kind, value)

    def webhook_credentials(self, name: str) -> WebhookCredentials:
        """The profile's inbound webhook; CredentialsError if it has none stored."""
        profile = self.get(name)
        code = self.secrets.get(name, SecretKind.WEBHOOK_CODE)
        if profile.webhook_user_id is None or code is None:
            raise MissingWebhook(name, profile.portal_url)
        return WebhookCredentials(
            portal_url=profile.portal_url, user_id=profile.webhook_user_id, code=code
        )

    def oauth_tokens(self, name: str) -> OAuthTokens | None:
        """The stored OAuth token pair, or None unless both tokens are stored."""
        profile = self.get(name)
        access = self.secrets.get(name, SecretKind.ACCESS_TOKEN)
        refresh = self.secrets.get(name, SecretKind.REFRESH_TOKEN)
        if access is None or refresh is None:
            return None
        return OAuthTokens(
            access_token=access, refresh_token=refresh, expires_at=profile.token_expires_at
        )

    def store_oauth_tokens(
        self, name: str, tokens: OAuthTokens, *, server_endpoint: str | None = None
    ) -> None:
        """Save a (refreshed) token pair in the keyring and its expiry in the profile.

        ``server_endpoint`` (from the same token answer) replaces the profile's when given:
        the next renewal must go to the OAuth server that issued this pair. It is checked
        before anything is written (ProfileError), so a bad one never half-saves.
        """
        update: dict[str, Any] = {"token_expires_at": tokens.expires_at}
        if server_endpoint is not None:
            update["server_endpoint"] = normalise_server_endpoint(server_endpoint)
        with self._lock:
            profile = self.get(name)
            self.secrets.set(name, SecretKind.ACCESS_TOKEN, tokens.access_token)
            self.secrets.set(name, SecretKind.REFRESH_TOKEN, tokens.refresh_token)
            # model_copy does not validate: the endpoint was normalised above.
            self.save(profile.model_copy(update=update))
