"""Creating and replacing a connection profile: the one path for ``profile add`` and the
Connections dialog.

A front end collects a :class:`ProfileRequest` (prompts, environment variables or form
fields) and calls :func:`save_profile`. Errors are typed and name the field they are
about (:class:`~console.core.profiles.InvalidProfileField`), so each front end words its
own hint; none of them mention a command line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from console.core.credentials import SecretKind
from console.core.profiles import (
    DEFAULT_OAUTH_SERVER_ENDPOINT,
    AuthMode,
    InvalidProfileField,
    Profile,
    ProfileError,
    ProfileExists,
    ProfileField,
    ProfileRepository,
    WebhookPortalMismatch,
    normalise_portal_url,
    normalise_server_endpoint,
    parse_webhook_url,
    validate_profile_name,
)


def _given(value: str | None) -> str | None:
    """None for a missing or blank value, else the value without surrounding spaces."""
    if value is None:
        return None
    return value.strip() or None


@dataclass(frozen=True)
class ProfileRequest:
    """What a person gave for a new (or replacing) profile; secrets never show in repr."""

    name: str
    portal: str
    auth_mode: AuthMode = AuthMode.WEBHOOK
    # OAuth only; None means the default OAuth server.
    server_endpoint: str | None = None
    member_id: str | None = None
    webhook_url: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    application_token: str | None = field(default=None, repr=False)
    horoshop_secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SavedProfile:
    """The profile as saved and which kinds of secret went to the keyring."""

    profile: Profile
    secrets: frozenset[SecretKind]


@contextlib.contextmanager
def _about(which: ProfileField) -> Iterator[None]:
    """Turn a validator's ProfileError into InvalidProfileField naming ``which``."""
    try:
        yield
    except InvalidProfileField:
        raise
    except ProfileError as exc:
        raise InvalidProfileField(which, str(exc)) from None


def check_profile_request(
    repo: ProfileRepository, request: ProfileRequest, *, replace: bool
) -> Profile:
    """Check everything that needs no secret, then that the keyring can take secrets.

    A front end calls it before asking a person to type secrets. Returns the profile
    that :func:`save_profile` would write (webhook user id not yet known). Raises
    :class:`InvalidProfileField`, :class:`ProfileExists` or ``KeyringUnavailable``.
    """
    with _about(ProfileField.NAME):
        validate_profile_name(request.name)
    with _about(ProfileField.PORTAL_URL):
        portal_url = normalise_portal_url(request.portal)
    profile = Profile(name=request.name, portal_url=portal_url, auth_mode=request.auth_mode)
    if request.server_endpoint is not None and request.auth_mode is not AuthMode.OAUTH:
        raise InvalidProfileField(ProfileField.SERVER_ENDPOINT, "only for OAuth profiles")
    if request.auth_mode is AuthMode.OAUTH:
        # Stored even when defaulted, so the profile says where tokens are renewed; a
        # token answer naming another server replaces it.
        given = request.server_endpoint
        with _about(ProfileField.SERVER_ENDPOINT):
            profile.server_endpoint = normalise_server_endpoint(
                DEFAULT_OAUTH_SERVER_ENDPOINT if given is None else given
            )
    if request.member_id is not None:
        member_id = request.member_id.strip()
        if not member_id:
            raise InvalidProfileField(ProfileField.MEMBER_ID, "must not be empty")
        profile.member_id = member_id
    if not replace and repo.exists(profile.name):
        raise ProfileExists(profile.name)
    # A missing or locked keyring is reported before anyone types a secret.
    repo.secrets.check_backend()
    return profile


def _secrets(request: ProfileRequest, profile: Profile) -> dict[SecretKind, str]:
    """The secrets to store, checked; fills in the profile's webhook user id or client id."""
    secrets: dict[SecretKind, str] = {}
    if request.auth_mode is AuthMode.WEBHOOK:
        url = _given(request.webhook_url)
        if url is None:
            raise InvalidProfileField(ProfileField.WEBHOOK_URL, "is required")
        with _about(ProfileField.WEBHOOK_URL):
            webhook = parse_webhook_url(url)
        if webhook.portal_url != profile.portal_url:
            raise WebhookPortalMismatch(webhook.portal_url, profile.portal_url)
        profile.webhook_user_id = webhook.user_id
        secrets[SecretKind.WEBHOOK_CODE] = webhook.code
    else:
        client_id = _given(request.client_id)
        if client_id is None:
            raise InvalidProfileField(ProfileField.CLIENT_ID, "is required")
        profile.client_id = client_id
        client_secret = _given(request.client_secret)
        if client_secret is None:
            raise InvalidProfileField(ProfileField.CLIENT_SECRET, "is required")
        secrets[SecretKind.CLIENT_SECRET] = client_secret
        access, refresh = _given(request.access_token), _given(request.refresh_token)
        if (access is None) != (refresh is None):
            raise InvalidProfileField(
                ProfileField.TOKENS, "give both the access and the refresh token, or neither"
            )
        if access is not None and refresh is not None:
            secrets[SecretKind.ACCESS_TOKEN] = access
            secrets[SecretKind.REFRESH_TOKEN] = refresh
    app_token = _given(request.application_token)
    if app_token is not None:
        secrets[SecretKind.APPLICATION_TOKEN] = app_token
    horoshop = _given(request.horoshop_secret)
    if horoshop is not None:
        secrets[SecretKind.HOROSHOP_SECRET] = horoshop
    return secrets


def save_profile(
    repo: ProfileRepository, request: ProfileRequest, *, replace: bool
) -> SavedProfile:
    """Validate ``request`` completely, then store its secrets and the profile.

    Nothing is written unless every check passes. A replaced profile keeps nothing from
    its previous life: its old secrets are deleted first. Raises what
    :func:`check_profile_request` raises, and ``KeyringUnavailable`` from the writes.
    """
    profile = check_profile_request(repo, request, replace=replace)
    secrets = _secrets(request, profile)
    repo.secrets.delete_all(profile.name)
    for kind, value in secrets.items():
        repo.secrets.set(profile.name, kind, value)
    repo.save(profile)
    return SavedProfile(profile=profile, secrets=frozenset(secrets))
