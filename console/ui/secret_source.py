"""Where replay, resend and "copy as cURL with secrets" read a profile's secrets.

A listen session reads them from its profile repository (the OS keyring); the demo has
its made-up ones in memory. Call :func:`secret_source_for` in a job: the keyring may be
slow, and the demo module pulls in the sandbox.
"""

from __future__ import annotations

from console.core.credentials import SecretKind
from console.core.profiles import ProfileRepository
from console.listener.replay import SecretSource, StaticSecrets
from console.session import RunningConsole


def secret_source_for(console: RunningConsole | None) -> SecretSource | None:
    """The console's secrets, or ``None`` when it has none to offer."""
    if console is None:
        return None
    profiles = getattr(console, "profiles", None)
    if isinstance(profiles, ProfileRepository):
        return profiles
    if console.is_demo:
        # The demo keeps its made-up secrets on itself; read them without importing it.
        token = getattr(getattr(console, "portal", None), "application_token", None)
        horoshop = getattr(console, "horoshop_secret", None)
        kinds: dict[SecretKind, str] = {}
        if isinstance(token, str) and token:
            kinds[SecretKind.APPLICATION_TOKEN] = token
        if isinstance(horoshop, str) and horoshop:
            kinds[SecretKind.HOROSHOP_SECRET] = horoshop
        if kinds:
            return StaticSecrets({name: kinds for name in console.profile_names()})
    return None


def listener_base_url(console: RunningConsole | None, host: str, port: int) -> str:
    """This console's listener address, or the configured one when it is not running."""
    if console is not None and console.listener is not None:
        return console.listener.base_url
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"
