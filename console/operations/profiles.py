"""Profile choices the command line and the window share: the default profile, and
accepting another domain for a portal."""

from __future__ import annotations

from pathlib import Path

from console.core.profiles import (
    Profile,
    ProfileError,
    ProfileNotFound,
    ProfileRepository,
    normalise_portal_url,
)
from console.core.settings import load_settings, save_settings
from console.listener.verification import FOREIGN_DOMAIN_PREFIX, FOREIGN_MEMBER_PREFIX
from console.store.model import StoredEvent, Verification


def default_profile(repo: ProfileRepository, settings_path: Path | None = None) -> str | None:
    """The profile to use when none is named: the only one, else the chosen default."""
    names = [profile.name for profile in repo.list()]
    if len(names) == 1:
        return names[0]
    chosen = load_settings(settings_path).default_profile
    return chosen if chosen in names else None


def set_default_profile(
    repo: ProfileRepository, name: str, settings_path: Path | None = None
) -> Profile:
    """Make ``name`` the default profile (ProfileNotFound when there is none)."""
    profile = repo.get(name)
    settings = load_settings(settings_path)
    settings.default_profile = profile.name
    save_settings(settings, settings_path)
    return profile


def normalise_domain(domain: str) -> str:
    """``host[:port]`` as auth[domain] carries it; ProfileError when it is not a host."""
    text = domain.strip().lower().rstrip(".")
    if not text or "/" in text or "@" in text:
        raise ProfileError(f"not a domain: {domain!r}")
    return normalise_portal_url(f"https://{text}").split("://", 1)[1]


def accept_domain(repo: ProfileRepository, profile: str, domain: str) -> Profile:
    """Accept events from ``domain`` for ``profile`` (the portal's other address).

    Returns the saved profile. A running listener reads it on its credentials' reload().
    """
    current = repo.get(profile)
    host = normalise_domain(domain)
    if host == current.domain.lower() or host in current.extra_domains:
        return current
    updated = current.model_copy(update={"extra_domains": [*current.extra_domains, host]})
    repo.save(Profile.model_validate(updated.model_dump()))
    return repo.get(profile)


def token_right_mismatch(event: StoredEvent) -> str | None:
    """For a rejected event whose application token was right but whose domain (or
    member_id) was not the profile's: ``"domain"`` or ``"member_id"``; else None."""
    if event.verification is not Verification.REJECTED or not event.verification_reason:
        return None
    if event.verification_reason.startswith(FOREIGN_DOMAIN_PREFIX):
        return "domain"
    if event.verification_reason.startswith(FOREIGN_MEMBER_PREFIX):
        return "member_id"
    return None


__all__ = [
    "ProfileNotFound",
    "accept_domain",
    "default_profile",
    "normalise_domain",
    "set_default_profile",
    "token_right_mismatch",
]
