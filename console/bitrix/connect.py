"""Build a :class:`BitrixClient` from a stored profile (the only place that knows both)."""

from __future__ import annotations

import logging
from typing import Any

from console.bitrix.auth import OAuthAuth, TokenPair, WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.errors import NoAuthFound, SignInAgain
from console.core.credentials import SecretKind
from console.core.profiles import (
    DEFAULT_OAUTH_SERVER_ENDPOINT,
    AuthMode,
    OAuthTokens,
    ProfileError,
    ProfileRepository,
    normalise_server_endpoint,
)

log = logging.getLogger(__name__)


def client_for_profile(repo: ProfileRepository, name: str, **client_options: Any) -> BitrixClient:
    """A client for profile ``name``; renewed OAuth tokens are saved back to the keyring.

    Raises :class:`NoAuthFound` when the profile has no usable credentials stored and
    :class:`SignInAgain` when an OAuth profile has no tokens yet.
    """
    profile = repo.get(name)
    if profile.auth_mode == AuthMode.WEBHOOK:
        credentials = repo.webhook_credentials(name)
        auth: WebhookAuth | OAuthAuth = WebhookAuth(
            portal_url=credentials.portal_url, user_id=credentials.user_id, code=credentials.code
        )
        return BitrixClient(auth, **client_options)

    tokens = repo.oauth_tokens(name)
    if tokens is None:
        raise SignInAgain(f"profile {name!r} has no OAuth tokens; sign in to the portal")
    client_secret = repo.secret(name, SecretKind.CLIENT_SECRET)
    if not profile.client_id or not client_secret:
        raise NoAuthFound(f"profile {name!r} has no application client id or secret stored")

    def store(pair: TokenPair) -> None:
        expires_at = pair.expires_at.timestamp() if pair.expires_at is not None else None
        renewed = OAuthTokens(
            access_token=pair.access_token, refresh_token=pair.refresh_token, expires_at=expires_at
        )
        endpoint = pair.server_endpoint
        if endpoint is not None:
            try:
                normalise_server_endpoint(endpoint)
            except ProfileError:
                # The old refresh token is already spent: keep the new pair whatever happens,
                # and renew at the endpoint the profile already has.
                log.warning("not saving an unusable server_endpoint from the OAuth answer")
                endpoint = None
        repo.store_oauth_tokens(name, renewed, server_endpoint=endpoint)

    server_endpoint = profile.server_endpoint or DEFAULT_OAUTH_SERVER_ENDPOINT
    auth = OAuthAuth(
        portal_url=profile.portal_url,
        client_id=profile.client_id,
        client_secret=client_secret,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        server_endpoint=server_endpoint,
        on_refresh=store,
    )
    return BitrixClient(auth, **client_options)
