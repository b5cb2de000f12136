"""Who may post to the listener: the credentials each route checks, and the checks.

The listener never touches the keyring per request (keyring calls over D-Bus take tens of
milliseconds): a :class:`CredentialSource` answers from memory, and
:class:`KeyringCredentialSource` fills that memory at start and on :meth:`reload`.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

from console.core.credentials import CredentialsError, KeyringUnavailable, SecretKind
from console.core.masking import mask_secret
from console.core.profiles import ProfileRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BitrixExpectation:
    """What a genuine Bitrix24 event for one profile carries in its ``auth`` block."""

    application_token: str | None
    domain: str | None
    member_id: str | None = None
    # Other addresses the operator accepted for this portal (its own domain beside
    # the bitrix24 one): see console.operations.domains.accept_domain.
    extra_domains: tuple[str, ...] = ()


class CredentialSource(Protocol):
    """In-memory answers to "is this sender genuine?", safe to call from any thread."""

    def bitrix(self, profile: str) -> BitrixExpectation | None:
        """``None`` when there is no such profile."""

    def horoshop(self, secret: str) -> str | None:
        """The profile whose Horoshop secret equals ``secret``, compared in constant time."""

    def profiles(self) -> list[str]:
        """Names of the profiles the listener serves, for the handler URL list."""

    def horoshop_hint(self, profile: str) -> str | None:
        """The profile's Horoshop secret masked for display, or ``None`` if it has none."""

    def secret_values(self) -> frozenset[str]:
        """Every secret value the listener knows, to scrub from whatever gets stored.

        The same object until the credentials change, so callers can cache on identity.
        """


def _match_secret(candidates: Mapping[str, str], secret: str) -> str | None:
    """Compare against every profile's secret without stopping early, so timing says nothing."""
    offered = secret.encode("utf-8", "surrogateescape")
    found: str | None = None
    for profile, expected in candidates.items():
        if hmac.compare_digest(offered, expected.encode("utf-8")) and found is None:
            found = profile
    return found


class StaticCredentialSource:
    """Fixed credentials: for tests, benchmarks and the crash-test runner."""

    def __init__(
        self,
        bitrix: Mapping[str, BitrixExpectation] | None = None,
        horoshop: Mapping[str, str] | None = None,
        extra_secrets: Collection[str] = (),
    ) -> None:
        """``horoshop`` maps profile name to its Horoshop secret; ``extra_secrets`` are
        other values never to be stored (OAuth tokens, webhook codes)."""
        self._bitrix = dict(bitrix or {})
        self._horoshop = dict(horoshop or {})
        self._secrets = frozenset(
            [e.application_token for e in self._bitrix.values() if e.application_token]
            + [value for value in self._horoshop.values() if value]
            + list(extra_secrets)
        )

    def bitrix(self, profile: str) -> BitrixExpectation | None:
        return self._bitrix.get(profile)

    def horoshop(self, secret: str) -> str | None:
        return _match_secret(self._horoshop, secret)

    def profiles(self) -> list[str]:
        return sorted(set(self._bitrix) | set(self._horoshop))

    def horoshop_hint(self, profile: str) -> str | None:
        secret = self._horoshop.get(profile)
        return mask_secret(secret) if secret else None

    def secret_values(self) -> frozenset[str]:
        return self._secrets


@dataclass(frozen=True, slots=True)
class _Snapshot:
    bitrix: Mapping[str, BitrixExpectation]
    horoshop: Mapping[str, str]
    secrets: frozenset[str] = frozenset()


# Secrets the listener never checks but must never store either, should a sender (or a
# misconfigured tool) put one in an event.
_OTHER_SECRET_KINDS = (
    SecretKind.ACCESS_TOKEN,
    SecretKind.REFRESH_TOKEN,
    SecretKind.CLIENT_SECRET,
    SecretKind.WEBHOOK_CODE,
)


class KeyringCredentialSource:
    """Profiles from a :class:`ProfileRepository`, secrets read once from the keyring.

    ``only`` restricts the listener to some profiles. Reads happen in the constructor and
    in :meth:`reload`, on the caller's thread; lookups only read an immutable snapshot
    that :meth:`reload` swaps in whole, so no lock is needed.
    """

    def __init__(self, repo: ProfileRepository, only: Collection[str] | None = None) -> None:
        self._repo = repo
        self._only = frozenset(only) if only is not None else None
        self._snapshot = _Snapshot({}, {})
        self.reload()

    def reload(self) -> None:
        """Re-read profiles and secrets. Raises ``KeyringUnavailable`` if the keyring is gone."""
        bitrix: dict[str, BitrixExpectation] = {}
        horoshop: dict[str, str] = {}
        if self._only is not None:
            profiles = [self._repo.get(name) for name in sorted(self._only)]
        else:
            profiles = list(self._repo.list())
        others: set[str] = set()
        for profile in profiles:
            try:
                token = self._repo.secret(profile.name, SecretKind.APPLICATION_TOKEN)
                secret = self._repo.secret(profile.name, SecretKind.HOROSHOP_SECRET)
                for kind in _OTHER_SECRET_KINDS:
                    value = self._repo.secret(profile.name, kind)
                    if value:
                        others.add(value)
            except KeyringUnavailable:
                raise
            except CredentialsError as exc:
                # One broken entry must not take the other profiles down with it.
                log.warning("credentials of profile %s unreadable: %s", profile.name, exc)
                token = secret = None
            if token:
                others.add(token)
            if secret:
                others.add(secret)
            bitrix[profile.name] = BitrixExpectation(
                application_token=token or None,
                domain=profile.domain,
                member_id=profile.member_id,
                extra_domains=tuple(profile.extra_domains),
            )
            if secret:
                horoshop[profile.name] = secret
        self._snapshot = _Snapshot(bitrix, horoshop, frozenset(others))

    def bitrix(self, profile: str) -> BitrixExpectation | None:
        return self._snapshot.bitrix.get(profile)

    def horoshop(self, secret: str) -> str | None:
        return _match_secret(self._snapshot.horoshop, secret)

    def profiles(self) -> list[str]:
        return sorted(self._snapshot.bitrix)

    def horoshop_hint(self, profile: str) -> str | None:
        secret = self._snapshot.horoshop.get(profile)
        return mask_secret(secret) if secret else None

    def secret_values(self) -> frozenset[str]:
        return self._snapshot.secrets


# A rejection whose token was right: the sender knows the profile's secret, so it is most
# likely the same portal answering under another address. The window offers to accept it.
FOREIGN_DOMAIN_PREFIX = "application token is right, but domain"
FOREIGN_MEMBER_PREFIX = "application token is right, but member_id"


def _same_host(offered: str, expected: str) -> bool:
    return offered.strip().lower().rstrip(".") == expected.strip().lower().rstrip(".")


def verify_bitrix(
    profile: str,
    expectation: BitrixExpectation,
    *,
    application_token: str | None,
    domain: str | None,
    member_id: str | None,
) -> str | None:
    """``None`` when the ``auth`` block belongs to the profile, else a one-line reason."""
    if not expectation.application_token:
        return f"no application token configured for profile {profile}"
    if not application_token:
        return "missing auth[application_token]"
    if not hmac.compare_digest(
        application_token.encode("utf-8", "surrogateescape"),
        expectation.application_token.encode("utf-8"),
    ):
        return f"wrong application token for profile {profile}"
    if expectation.domain:
        if not domain:
            return "missing auth[domain]"
        known = (expectation.domain, *expectation.extra_domains)
        if not any(_same_host(domain, host) for host in known):
            return f"{FOREIGN_DOMAIN_PREFIX} {domain} does not belong to profile {profile}"
    if expectation.member_id and member_id != expectation.member_id:
        return f"{FOREIGN_MEMBER_PREFIX} does not match profile {profile}"
    return None
