"""The installation's fingerprint key: made once in the keyring, the same for every process."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail

from console.core import masking
from console.core.credentials import (
    FINGERPRINT_KEY_NAME,
    SecretKind,
    SecretStore,
    install_fingerprint_key,
    load_fingerprint_key,
)
from console.core.masking import fingerprint, fingerprint_key_is_persistent
from tests.support.memory_keyring import MemoryKeyring


@pytest.fixture(autouse=True)
def fresh_key() -> Iterator[None]:
    """Each test starts with no key installed, and the process's key is put back after."""
    saved = (masking._holder.key, masking._holder.persistent)
    masking._holder.key, masking._holder.persistent = None, False
    try:
        yield
    finally:
        masking._holder.key, masking._holder.persistent = saved


def test_the_key_is_created_once_and_read_back(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    first = load_fingerprint_key(store)
    assert len(first) == 32
    assert load_fingerprint_key(store) == first
    assert store.get_installation_secret(FINGERPRINT_KEY_NAME) == first.hex()
    # Not one of a profile's secrets: `profile show` lists those by kind.
    assert FINGERPRINT_KEY_NAME not in {kind.value for kind in SecretKind}


def test_installed_key_survives_a_restart(memory_keyring: MemoryKeyring) -> None:
    assert install_fingerprint_key() is None
    assert fingerprint_key_is_persistent()
    before = fingerprint("token-value-123")
    # A new process: nothing installed, the same keyring.
    masking._holder.key, masking._holder.persistent = None, False
    assert install_fingerprint_key() is None
    assert fingerprint("token-value-123") == before


def test_without_a_keyring_a_session_key_is_used_and_the_cost_said() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        warning = install_fingerprint_key()
    finally:
        keyring.set_keyring(previous)
    assert warning is not None and "only this session" in warning
    assert not fingerprint_key_is_persistent()
    # Still usable, and stable within the session.
    assert fingerprint("abcdefgh") == fingerprint("abcdefgh")


def test_a_damaged_key_is_reported(memory_keyring: MemoryKeyring) -> None:
    SecretStore().set_installation_secret(FINGERPRINT_KEY_NAME, "not hex")
    with pytest.raises(Exception, match="damaged"):
        load_fingerprint_key()
