"""Copy as cURL: a shell-safe command that holds no secret unless the operator asks,
and then only the ones replay would put back."""

from __future__ import annotations

import shlex
import subprocess

from console.core.credentials import SecretKind
from console.core.masking import MASK, fingerprint
from console.listener.curl import build_curl, curl_for_request, is_sensitive_header
from console.listener.replay import ReplayRequest, StaticSecrets
from console.store import Verification
from tests.listener.conftest import (
    ACCESS_TOKEN,
    APP_TOKEN,
    HOROSHOP_SECRET,
    REFRESH_TOKEN,
    Running,
    all_events,
    sample,
)
from tests.listener.test_routes import replace_pairs

SECRETS = StaticSecrets(
    {"shop": {SecretKind.APPLICATION_TOKEN: APP_TOKEN, SecretKind.HOROSHOP_SECRET: HOROSHOP_SECRET}}
)
CLEAR = (APP_TOKEN, ACCESS_TOKEN, REFRESH_TOKEN, HOROSHOP_SECRET)


def run_curl(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=30)


def test_masked_bitrix_command_holds_no_secret(running: Running) -> None:
    running.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-app.form"))
    event = running.only_event()
    command = build_curl(event, base_url=running.server.base_url)
    assert not command.secrets_included
    for secret in CLEAR:
        assert secret not in command.text
    assert fingerprint(APP_TOKEN).replace(":", "%3A") in command.text
    assert "%5Bredacted%5D" in command.text
    assert shlex.split(command.text)[:4] == ["curl", "-sS", "-X", "POST"]
    assert APP_TOKEN not in repr(command)


def test_masked_horoshop_command_masks_the_url_secret(running: Running) -> None:
    running.client.put(
        f"/horoshop/{HOROSHOP_SECRET}",
        content=sample("horoshop-order_created.json"),
        headers={"Content-Type": "application/json"},
    )
    event = running.only_event()
    command = build_curl(event, base_url=running.server.base_url)
    assert HOROSHOP_SECRET not in command.text
    # The store's fingerprint of the secret stands in for it: it says which secret was used.
    assert f"/horoshop/{fingerprint(HOROSHOP_SECRET)} " in command.text
    # Even with secrets offered, the masked command is what is built without them.
    revealed = build_curl(event, base_url=running.server.base_url, secrets=SECRETS)
    assert revealed.secrets_included
    assert HOROSHOP_SECRET in revealed.text


def test_revealed_command_is_accepted_by_the_listener(running: Running) -> None:
    running.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-webhook.form"))
    event = running.only_event()
    command = build_curl(event, base_url=running.server.base_url, secrets=SECRETS)
    assert command.secrets_included
    assert APP_TOKEN in command.text
    result = run_curl(command.text)
    assert result.returncode == 0, result.stderr
    assert '"duplicate"' in result.stdout
    newest = max(all_events(running.store), key=lambda e: e.id)
    assert newest.verification is Verification.VERIFIED


def test_masked_command_is_rejected_by_the_listener(running: Running) -> None:
    running.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-webhook.form"))
    command = build_curl(running.only_event(), base_url=running.server.base_url)
    result = run_curl(command.text)
    assert "wrong application token" in result.stdout


def test_forged_token_is_never_swapped_for_the_real_one(running: Running) -> None:
    forged = replace_pairs(
        sample("bitrix-onsaleordersaved-webhook.form"),
        **{"auth[application_token]": "f" * 32},
    )
    running.post_form("/bitrix/shop", forged)
    event = running.only_event()
    assert event.verification is Verification.REJECTED
    command = build_curl(event, base_url=running.server.base_url, secrets=SECRETS)
    assert not command.secrets_included
    assert APP_TOKEN not in command.text


def test_sensitive_headers_are_masked_unless_revealed() -> None:
    request = ReplayRequest(
        method="POST",
        url="http://127.0.0.1:1/bitrix/shop",
        headers={"Authorization": "Bearer abc", "X-Shop-Token": "t0k", "User-Agent": "B24"},
        body=b"a=1",
    )
    masked = curl_for_request(request, reveal=False)
    assert "abc" not in masked and "t0k" not in masked
    assert "User-Agent: B24" in masked
    assert f"Authorization: {MASK}" in masked
    revealed = curl_for_request(request, reveal=True)
    assert "Bearer abc" in revealed
    assert is_sensitive_header("X-Api-Key")
    assert not is_sensitive_header("Content-Type")


def test_hostile_body_is_quoted_and_binary_goes_through_printf(running: Running) -> None:
    body = b"x='; rm -rf / #\n$(id)`id`"
    request = ReplayRequest(method="POST", url=f"{running.server.base_url}/healthz", body=body)
    command = curl_for_request(request, reveal=False)
    assert shlex.split(command)[-1] == body.decode()
    binary = ReplayRequest(method="POST", url="http://h/x", body=b"a\xff%\\b\x00")
    command = curl_for_request(binary, reveal=False)
    printf = shlex.split(command.split(" | ")[0])
    produced = subprocess.run(printf, capture_output=True, timeout=10).stdout
    assert produced == b"a\xff%\\b\x00"
