"""OAuth mode: calls with auth=, refresh rotation, invalid_grant, invalid_client, expiry."""

from __future__ import annotations

import httpx

from console.sandbox import SandboxPortal


def _refresh(portal: SandboxPortal, http: httpx.Client, token: str, **over: str) -> httpx.Response:
    params = {
        "grant_type": "refresh_token",
        "client_id": portal.oauth_client_id,
        "client_secret": portal.oauth_client_secret,
        "refresh_token": token,
    }
    params.update(over)
    return http.get(portal.base_url + "/oauth/token/", params=params)


def test_oauth_call_in_query_and_body(portal: SandboxPortal, http: httpx.Client) -> None:
    access, _ = portal.issue_oauth_tokens()
    by_query = http.get(
        portal.base_url + "/rest/sale.status.get", params={"id": "N", "auth": access}
    )
    assert by_query.json()["result"]["status"]["id"] == "N"
    by_body = http.post(portal.base_url + "/rest/profile.json", json={"auth": access})
    assert by_body.json()["result"]["ADMIN"] is True
    by_form = http.post(portal.base_url + "/rest/server.time", data={"auth": access})
    assert by_form.status_code == 200


def test_refresh_rotates_tokens(portal: SandboxPortal, http: httpx.Client) -> None:
    _, refresh = portal.issue_oauth_tokens()
    answer = _refresh(portal, http, refresh)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) >= {
        "access_token", "client_endpoint", "domain", "expires", "expires_in", "member_id",
        "refresh_token", "scope", "server_endpoint", "status", "user_id",
    }  # fmt: skip
    assert body["refresh_token"] != refresh and body["expires_in"] == 3600
    assert body["member_id"] == portal.member_id
    assert body["client_endpoint"] == portal.base_url + "/rest/"
    again = _refresh(portal, http, refresh)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    new_access = body["access_token"]
    call = http.post(portal.base_url + "/rest/profile", json={"auth": new_access})
    assert call.status_code == 200
    assert _refresh(portal, http, body["refresh_token"]).status_code == 200


def test_wrong_client_and_unknown_refresh(portal: SandboxPortal, http: httpx.Client) -> None:
    _, refresh = portal.issue_oauth_tokens()
    wrong = _refresh(portal, http, refresh, client_secret="nope")
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_client"
    for field in ("client_id", "client_secret"):
        non_ascii = _refresh(portal, http, refresh, **{field: "ключ"})
        assert non_ascii.status_code == 400 and non_ascii.json()["error"] == "invalid_client"
    assert _refresh(portal, http, "made-up").json()["error"] == "invalid_grant"
    bad_grant = _refresh(portal, http, refresh, grant_type="password")
    assert bad_grant.json()["error"] == "invalid_request"
    # The refused attempt with a wrong client did not burn the refresh token.
    assert _refresh(portal, http, refresh).status_code == 200


def test_expired_access_token(portal: SandboxPortal, http: httpx.Client) -> None:
    access, refresh = portal.issue_oauth_tokens()
    portal.expire_access_tokens()
    answer = http.post(portal.base_url + "/rest/profile", json={"auth": access})
    assert answer.status_code == 401
    assert answer.json() == {
        "error": "expired_token",
        "error_description": "The access token provided has expired",
    }
    renewed = _refresh(portal, http, refresh).json()["access_token"]
    assert http.post(portal.base_url + "/rest/profile", json={"auth": renewed}).status_code == 200


def test_control_api_for_tokens(portal: SandboxPortal, http: httpx.Client) -> None:
    pair = http.post(portal.base_url + "/_sandbox/oauth/tokens").json()
    assert (
        http.get(
            portal.base_url + "/rest/profile", params={"auth": pair["access_token"]}
        ).status_code
        == 200
    )
    http.post(portal.base_url + "/_sandbox/oauth/expire")
    expired = http.get(portal.base_url + "/rest/profile", params={"auth": pair["access_token"]})
    assert expired.json()["error"] == "expired_token"
