"""The spellings a secret may take in text: what the redaction tests push through."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, quote_plus, urlencode

from console.core.credentials import SecretKind, SecretStore
from console.core.profiles import Profile, ProfileRepository

# A Horoshop secret as an operator may type one: letters outside ASCII, spaces, a percent
# sign and a slash, each of which a URL, a form or JSON writes differently.
SECRET_BASE = "ключ з пробілом%41/x"


def fresh_secret() -> str:
    """A secret no earlier test registered with the log redaction (it remembers every one)."""
    return f"{SECRET_BASE} {uuid.uuid4().hex[:8]}"


@contextmanager
def horoshop_secret_in_keyring(profile: str = "spelling") -> Iterator[str]:
    """A fresh Horoshop secret saved to and read back from the keyring, as the console
    does (which is what registers it with the log redaction); removed afterwards."""
    secret = fresh_secret()
    repo = ProfileRepository()
    repo.save(Profile(name=profile, portal_url="https://shop.bitrix24.ua"))
    try:
        repo.set_secret(profile, SecretKind.HOROSHOP_SECRET, secret)
        assert SecretStore().get(profile, SecretKind.HOROSHOP_SECRET) == secret
        yield secret
    finally:
        SecretStore().delete_all(profile)


def spellings(secret: str) -> dict[str, str]:
    """``{name: the secret as that spelling writes it}``."""
    encoded = secret.encode("utf-8")
    return {
        "literal": secret,
        "percent-lower": "".join(f"%{byte:02x}" for byte in encoded),
        "percent-upper": "".join(f"%{byte:02X}" for byte in encoded),
        "percent-url": quote(secret, safe=""),
        "plus-for-space": secret.replace(" ", "+"),
        "json-escaped": json.dumps(secret)[1:-1],
        "bytes-repr": repr(encoded),
        "form-encoded": urlencode({"secret": secret}).partition("=")[2],
        "form-encoded-path": quote_plus(secret, safe="/"),
    }


SPELLING_NAMES = tuple(spellings(SECRET_BASE))


def leaked(text: str, secret: str) -> list[str]:
    """The spellings of ``secret`` found in ``text``: a person reading it could use them."""
    found = []
    for name, spelled in spellings(secret).items():
        core = spelled[2:-1] if name == "bytes-repr" else spelled  # without b'…'
        if core in text:
            found.append(name)
    return found
