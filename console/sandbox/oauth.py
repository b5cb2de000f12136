"""The OAuth side: client credentials, access/refresh tokens, rotation and expiry."""

from __future__ import annotations

import secrets
import string
import threading
import time
from dataclasses import dataclass
from typing import Any

ACCESS_LIFETIME = 3600
REFRESH_LIFETIME = 180 * 86400
SCOPE = "crm,sale,user_brief"
_ALPHABET = string.ascii_lowercase + string.digits


def new_token(length: int = 32) -> str:
    """A token in the portal's style: lowercase letters and digits."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def same_secret(left: str, right: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (compared as UTF-8)."""
    return secrets.compare_digest(left.encode(), right.encode())


@dataclass
class AccessToken:
    user_id: int
    expires_at: float


class OAuthError(Exception):
    """An OAuth-server refusal: ``{"error": code, "error_description": …}`` with HTTP 400."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description

    def body(self) -> dict[str, str]:
        return {"error": self.code, "error_description": self.description}


class TokenStore:
    """Issues token pairs; a refresh rotates the refresh token (the old one stops working)."""

    def __init__(self, client_id: str, client_secret: str, user_id: int = 1) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.user_id = user_id
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self) -> tuple[str, str]:
        """A new (access_token, refresh_token) pair."""
        with self._lock:
            access, refresh = new_token(), new_token()
            now = time.time()
            self._access[access] = AccessToken(self.user_id, now + ACCESS_LIFETIME)
            self._refresh[refresh] = now + REFRESH_LIFETIME
            return access, refresh

    def check_access(self, token: str) -> str | None:
        """None when valid, else ``"unknown"`` or ``"expired"``."""
        with self._lock:
            found = self._access.get(token)
            if found is None:
                return "unknown"
            return "expired" if found.expires_at <= time.time() else None

    def expire_access_tokens(self) -> None:
        with self._lock:
            for token in self._access.values():
                token.expires_at = 0.0

    def expire_refresh_tokens(self) -> None:
        with self._lock:
            for token in self._refresh:
                self._refresh[token] = 0.0

    def refresh(self, client_id: str, client_secret: str, refresh_token: str) -> tuple[str, str]:
        """Rotate: invalidate ``refresh_token`` and issue a new pair, or raise OAuthError."""
        if not same_secret(client_id, self.client_id) or not same_secret(
            client_secret, self.client_secret
        ):
            raise OAuthError("invalid_client", "Invalid client credentials")
        with self._lock:
            expires_at = self._refresh.pop(refresh_token, None)
        if expires_at is None or expires_at <= time.time():
            raise OAuthError("invalid_grant", "Invalid grant")
        return self.issue()

    def token_answer(
        self, access: str, refresh: str, domain: str, endpoint: str, member_id: str
    ) -> dict[str, Any]:
        """The documented JSON of ``/oauth/token/``."""
        return {
            "access_token": access,
            "client_endpoint": endpoint,
            "domain": domain,
            "expires": int(time.time()) + ACCESS_LIFETIME,
            "expires_in": ACCESS_LIFETIME,
            "member_id": member_id,
            "refresh_token": refresh,
            "scope": SCOPE,
            "server_endpoint": endpoint,
            "status": "L",
            "user_id": self.user_id,
        }
