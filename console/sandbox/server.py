"""The aiohttp application: REST routes (webhook and OAuth), the OAuth server, control API."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from console.core.phpform import FormParseError, parse_php_form
from console.sandbox.errors import RestError, expired_token, no_auth, query_limit
from console.sandbox.oauth import OAuthError
from console.sandbox.rest import Caller

if TYPE_CHECKING:
    from console.sandbox.portal import SandboxPortal

JSON_TYPE = "application/json"
PORTAL_KEY: web.AppKey[SandboxPortal] = web.AppKey("portal")
MAX_BODY = 4 * 1024 * 1024


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(body), status=status, content_type=JSON_TYPE, charset="utf-8"
    )


def _error(exc: RestError) -> web.Response:
    return _json(exc.body(), exc.status)


async def _params(request: web.Request) -> dict[str, Any]:
    """Query-string params overlaid with a JSON or form body, as the portal reads them."""
    try:
        params = parse_php_form(request.query_string)
        raw = await request.read()
        if not raw:
            return params
        text = raw.decode("utf-8")
        looks_json = request.content_type == JSON_TYPE or (
            request.content_type not in ("application/x-www-form-urlencoded",)
            and text.lstrip().startswith("{")
        )
        if looks_json:
            body = json.loads(text)
            if not isinstance(body, dict):
                raise RestError("INVALID_REQUEST", "The body must be a JSON object")
        else:
            body = parse_php_form(text)
    except (FormParseError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RestError("INVALID_REQUEST", f"Cannot read the request: {exc}") from exc
    params.update(body)
    return params


async def _rest(request: web.Request, caller_from: str) -> web.Response:
    portal = request.app[PORTAL_KEY]
    fault: str | None = None
    try:
        params = await _params(request)
        if caller_from == "webhook":
            caller = portal.webhook_caller(request.match_info["user"], request.match_info["code"])
        else:
            caller = _oauth_caller(portal, params)
        if caller is None:
            raise no_auth()
        faults = portal.faults
        if faults.latency_seconds > 0:
            portal.requests_waiting += 1
            try:
                await asyncio.sleep(faults.latency_seconds)
            finally:
                portal.requests_waiting -= 1
        if not portal.bucket.try_acquire():
            raise query_limit()
        fault = faults.roll()
        if fault == "error":
            raise RestError("INTERNAL_SERVER_ERROR", status=500)
        body = portal.api.call(caller, request.match_info["method"], params)
    except RestError as exc:
        return _error(exc)
    text = json.dumps(body)
    if fault == "malformed":
        # A proxy cut the answer short: a 200 whose body is not valid JSON.
        cut = max(1, len(text) // 2)
        return web.Response(text=text[:cut], content_type=JSON_TYPE, charset="utf-8")
    return web.Response(text=text, content_type=JSON_TYPE, charset="utf-8")


def _oauth_caller(portal: SandboxPortal, params: dict[str, Any]) -> Caller | None:
    token = params.pop("auth", None)
    if not isinstance(token, str) or not token:
        return None
    problem = portal.tokens.check_access(token)
    if problem == "expired":
        raise expired_token()
    if problem is not None:
        return None
    return Caller(f"app:{portal.oauth_client_id}", portal.tokens.user_id, True)


async def rest_webhook(request: web.Request) -> web.Response:
    return await _rest(request, "webhook")


async def rest_oauth(request: web.Request) -> web.Response:
    return await _rest(request, "oauth")


async def oauth_token(request: web.Request) -> web.Response:
    """``/oauth/token/``: refresh_token grant with rotation; errors as the OAuth server has them."""
    portal = request.app[PORTAL_KEY]
    params: dict[str, str] = dict(request.query)
    if request.method == "POST":
        params.update({k: str(v) for k, v in (await request.post()).items()})
    grant = params.get("grant_type", "")
    try:
        if grant != "refresh_token":
            raise OAuthError("invalid_request", f"Unsupported grant_type '{grant}'")
        access, refresh = portal.tokens.refresh(
            params.get("client_id", ""),
            params.get("client_secret", ""),
            params.get("refresh_token", ""),
        )
    except OAuthError as exc:
        return _json(exc.body(), 400)
    answer = portal.tokens.token_answer(
        access, refresh, portal.domain, portal.server_endpoint, portal.member_id
    )
    return _json(answer)


# ------------------------------------------------------------------ control API
async def _control_body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise web.HTTPBadRequest(text=f"not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


async def control_info(request: web.Request) -> web.Response:
    return _json(request.app[PORTAL_KEY].describe())


async def control_event(request: web.Request) -> web.Response:
    body = await _control_body(request)
    portal = request.app[PORTAL_KEY]
    try:
        count = portal.send_event(str(body.get("event", "")), int(body.get("id", 0)))
    except (ValueError, TypeError) as exc:
        return _json({"error": str(exc)}, 400)
    return _json({"queued": count})


async def control_handler(request: web.Request) -> web.Response:
    body = await _control_body(request)
    try:
        handler_id = request.app[PORTAL_KEY].register_handler(
            str(body.get("event", "")), str(body["url"])
        )
    except (KeyError, ValueError) as exc:
        return _json({"error": str(exc)}, 400)
    return _json({"event_handler_id": handler_id})


async def control_horoshop_handler(request: web.Request) -> web.Response:
    body = await _control_body(request)
    if not body.get("url"):
        return _json({"error": "url is required"}, 400)
    request.app[PORTAL_KEY].register_horoshop_handler(str(body["url"]))
    return _json({"registered": True})


async def control_horoshop_order(request: web.Request) -> web.Response:
    body = await _control_body(request)
    sent = request.app[PORTAL_KEY].send_horoshop_order(body or None)
    return _json(sent)


async def control_faults(request: web.Request) -> web.Response:
    portal = request.app[PORTAL_KEY]
    if request.method == "POST":
        try:
            portal.faults.update(await _control_body(request))
        except ValueError as exc:
            return _json({"error": str(exc)}, 400)
    return _json(portal.faults.snapshot())


async def control_waiting(request: web.Request) -> web.Response:
    return _json({"requests_waiting": request.app[PORTAL_KEY].requests_waiting})


async def control_deliveries(request: web.Request) -> web.Response:
    deliveries = request.app[PORTAL_KEY].deliveries
    return _json([{"url": url, "outcome": outcome} for url, outcome in list(deliveries)])


async def control_tokens(request: web.Request) -> web.Response:
    portal = request.app[PORTAL_KEY]
    access, refresh = portal.issue_oauth_tokens()
    return _json({"access_token": access, "refresh_token": refresh})


async def control_expire(request: web.Request) -> web.Response:
    request.app[PORTAL_KEY].expire_access_tokens()
    return _json({"expired": True})


def build_app(portal: SandboxPortal) -> web.Application:
    """Routes of the emulated portal and its ``/_sandbox/`` control API."""
    app = web.Application(client_max_size=MAX_BODY)
    app[PORTAL_KEY] = portal
    app.router.add_route("*", "/rest/{user:\\d+}/{code:[^/]+}/{method:[^/]+}", rest_webhook)
    app.router.add_route("*", "/rest/{method:[^/]+}", rest_oauth)
    app.router.add_route("*", "/oauth/token/", oauth_token)
    app.router.add_get("/_sandbox/", control_info)
    app.router.add_post("/_sandbox/events", control_event)
    app.router.add_post("/_sandbox/handlers", control_handler)
    app.router.add_post("/_sandbox/horoshop/handlers", control_horoshop_handler)
    app.router.add_post("/_sandbox/horoshop/orders", control_horoshop_order)
    app.router.add_route("GET", "/_sandbox/faults", control_faults)
    app.router.add_route("POST", "/_sandbox/faults", control_faults)
    app.router.add_get("/_sandbox/deliveries", control_deliveries)
    app.router.add_get("/_sandbox/waiting", control_waiting)
    app.router.add_post("/_sandbox/oauth/tokens", control_tokens)
    app.router.add_post("/_sandbox/oauth/expire", control_expire)
    return app
