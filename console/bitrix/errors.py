"""Typed errors for every failure the REST client can report.

Each documented Bitrix24 error code maps to a class so that callers (forms, CLI,
poller) decide by class, not by string matching. Every error keeps the HTTP status,
the code (always a string: the portal sends ``0`` and ``"0"`` alike) and the
portal's description. ``str(error)`` is one line a person can act on; secrets are
redacted before an error is built (see :func:`redact`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from console.core.secret_spellings import SecretSpellings

MASK = "***"


# Very short strings would mask ordinary words; real codes and tokens are long.
_MIN_REDACTED_CHARS = 4
_MASK_BYTES = MASK.encode("ascii")


@lru_cache(maxsize=16)
def _spellings(secrets: frozenset[str]) -> SecretSpellings:
    return SecretSpellings(secrets, min_chars=_MIN_REDACTED_CHARS)


def _mask(_secret: str) -> bytes:
    return _MASK_BYTES


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret (webhook code, tokens, client secret) in ``text`` with ``***``,
    in any spelling a URL, form or JSON gives it (:mod:`console.core.secret_spellings`)."""
    known = frozenset(secret for secret in secrets if secret)
    if not text or not known:
        return text
    return _spellings(known).replace_text(text, _mask)


class B24Error(Exception):
    """Any failure of a Bitrix24 call; ``code``/``description`` come from the portal."""

    default_description = "the portal refused the request"
    # Whether the retry policy may repeat the call (only the limit classes set this).
    retryable = False

    def __init__(
        self,
        description: str = "",
        *,
        code: str = "",
        http_status: int | None = None,
        method: str | None = None,
    ) -> None:
        self.description = description or self.default_description
        self.code = code
        self.http_status = http_status
        self.method = method
        super().__init__(self.description)

    def __str__(self) -> str:
        where = f"{self.method}: " if self.method else ""
        details = []
        if self.code:
            details.append(self.code)
        if self.http_status is not None:
            details.append(f"HTTP {self.http_status}")
        suffix = f" ({', '.join(details)})" if details else ""
        return f"{where}{self.description}{suffix}"


# --- configuration problems, found before any request -------------------------------


class InvalidPortalUrl(B24Error, ValueError):
    """The portal address is unusable (not HTTPS, no host, …)."""

    default_description = "the portal address is not valid"


class UnexpectedRedirect(B24Error):
    """The portal answered with a redirect; we never follow one with a secret in the URL."""

    default_description = "the portal redirected the request"

    def __init__(self, description: str = "", *, location: str = "", **kwargs: Any) -> None:
        self.location = location
        super().__init__(description, **kwargs)


# --- access ------------------------------------------------------------------------


class AccessDenied(B24Error):
    default_description = "access denied"


class RestUnavailable(AccessDenied):
    """``ACCESS_DENIED``: the portal's plan has no REST API (commercial plans only)."""

    default_description = "the REST API is available only on commercial plans"


class StoreAccessDenied(AccessDenied):
    """The online store's own rights check (``200040300010`` read, ``…20`` change)."""

    default_description = "the user lacks online-store permissions"


class InsufficientScope(AccessDenied):
    default_description = "the webhook or application lacks the scope this method needs"


class InvalidCredentials(AccessDenied):
    default_description = "the user behind the webhook or token lacks permissions"


class UserAccessError(AccessDenied):
    default_description = "the user has no access to the application"


class WrongAuthType(AccessDenied):
    default_description = "this method works only with application (OAuth) authorization"


class MethodConfirmWaiting(AccessDenied):
    default_description = "an administrator must confirm this method for the application"


# --- authentication ----------------------------------------------------------------


class Unauthorized(B24Error):
    default_description = "the portal did not accept the credentials"


class NoAuthFound(Unauthorized):
    default_description = "wrong webhook code or access token"


class ExpiredToken(Unauthorized):
    default_description = "the access token has expired"


class InvalidToken(Unauthorized):
    default_description = "the access token is not valid"


class OAuthServerError(B24Error):
    """The OAuth server (oauth.bitrix.info or its regional twin) refused a token request."""

    default_description = "the OAuth server refused the request"


class SignInAgain(OAuthServerError):
    """The refresh token is expired or revoked: only a new sign-in helps."""

    default_description = "the refresh token is no longer valid; sign in again"


class InvalidClient(OAuthServerError):
    default_description = "wrong client id or secret, or the application is not installed"


class InvalidScope(OAuthServerError):
    default_description = "the application asked for a scope it may not have"


class PaymentRequired(OAuthServerError):
    default_description = "the application subscription has to be paid"


# --- not found ---------------------------------------------------------------------


class NotFound(B24Error):
    default_description = "not found"


class OrderNotFound(NotFound):
    default_description = "order does not exist"


class StatusNotFound(NotFound):
    default_description = "status does not exist"


class StatusLangNotFound(NotFound):
    default_description = "status localization does not exist"


class PropertyValueNotFound(NotFound):
    default_description = "property value does not exist"


class ShipmentNotFound(NotFound):
    default_description = "shipment does not exist"


class BindingNotFound(NotFound):
    default_description = "the order is not bound to that CRM object"


class DealNotFound(NotFound):
    default_description = "deal does not exist"


class MethodNotFound(NotFound):
    default_description = "method not found (check the portal address and the webhook scopes)"


class ManifestNotAvailable(NotFound):
    default_description = "manifest is not available"


class SaleModuleMissing(NotFound):
    default_description = "the online store (sale) module is not installed"


# --- refused input -----------------------------------------------------------------


class ValidationError(B24Error):
    default_description = "the portal rejected the values"


class RequiredFields(ValidationError):
    default_description = "required fields are missing"


class MissingParameter(ValidationError):
    default_description = "a required parameter is missing"


class BadStatusType(ValidationError):
    default_description = "status type must be O (order) or D (delivery)"


class SystemStatusTypeChange(ValidationError):
    default_description = "system statuses N, F must stay O and DN, DF must stay D"


class SystemStatusDelete(ValidationError):
    default_description = "system statuses N, F, DN, DF cannot be deleted"


class StatusTypeInUse(ValidationError):
    default_description = "cannot change the type of a status that orders or deliveries use"


class DuplicateStatus(ValidationError):
    default_description = "a status with this id already exists"


class InvalidStatusId(ValidationError):
    default_description = "the status id is empty or too long"


class DuplicateStatusLang(ValidationError):
    default_description = "this status already has a name in that language"


class UnknownLanguage(ValidationError):
    default_description = "unknown language id"


class InvalidRequest(ValidationError):
    default_description = "the portal refused the request (HTTPS required)"


class DuplicateBinding(B24Error):
    default_description = "the order is already bound to that CRM object"


# --- limits ------------------------------------------------------------------------


class QueryLimitExceeded(B24Error):
    """The portal's request bucket is full; the request was not executed."""

    default_description = "too many requests"
    retryable = True


class OperationTimeLimit(B24Error):
    """The method used up its execution-time budget; other methods still work."""

    default_description = "the method used up its execution-time budget"
    retryable = True

    def __init__(self, description: str = "", *, reset_at: float | None = None, **kwargs: Any):
        self.reset_at = reset_at
        super().__init__(description, **kwargs)


class OverloadLimit(B24Error):
    default_description = "the REST API of this portal is blocked by Bitrix24 support"


# --- server side -------------------------------------------------------------------


class ServerError(B24Error):
    default_description = "internal server error"


class MalformedResponse(ServerError):
    default_description = "the portal returned a response that is not the REST envelope"


class PortalDeleted(ServerError):
    default_description = "the portal was deleted or its public part is closed"


class BatchError(B24Error):
    """A batch failed as a whole, or (with ``errors``) some of its commands failed."""

    default_description = "batch failed"

    def __init__(
        self,
        description: str = "",
        *,
        errors: Mapping[str, B24Error] | None = None,
        **kwargs: Any,
    ) -> None:
        self.errors: dict[str, B24Error] = dict(errors or {})
        super().__init__(description, **kwargs)


class BatchLengthExceeded(BatchError):
    default_description = "more than 50 commands in one batch"


class BatchMethodNotAllowed(BatchError):
    default_description = "this method cannot run inside a batch"


class CommandNotSent(B24Error):
    """A batch command that was never sent: an earlier request of the same batch failed.

    Nothing of it ran, so it may be sent again once the earlier failure is understood.
    """

    default_description = "not sent: an earlier request of the batch failed"


# --- transport ---------------------------------------------------------------------


class NetworkError(B24Error):
    """The portal could not be reached, or the connection broke."""

    default_description = "the portal could not be reached"


class OutcomeUnknown(NetworkError):
    """A change was sent but no answer came: it may or may not have been applied."""

    default_description = (
        "the change was sent but no answer arrived; check its result before retrying"
    )


# --- code → class ------------------------------------------------------------------

ERROR_CLASSES: dict[str, type[B24Error]] = {
    # sale / crm.orderentity (seeds 003, 004; PROTOCOL §5)
    "200040300010": StoreAccessDenied,
    "200040300020": StoreAccessDenied,
    "201140400001": ShipmentNotFound,
    "200540400001": OrderNotFound,
    "201240400001": OrderNotFound,
    "200540400002": SaleModuleMissing,
    "201340400001": StatusNotFound,
    "201350000001": DuplicateStatus,
    "201350000002": SystemStatusDelete,
    "201350000003": BadStatusType,
    "201350000004": InvalidStatusId,
    "201350000005": InvalidStatusId,
    "201350000006": SystemStatusTypeChange,
    "201350000007": StatusTypeInUse,
    "201350000008": StatusTypeInUse,
    "201740400001": StatusLangNotFound,
    "201750000003": DuplicateStatusLang,
    "201750000004": UnknownLanguage,
    "201040400001": PropertyValueNotFound,
    "201650000001": DuplicateBinding,
    "201640400004": BindingNotFound,
    "100": MissingParameter,
    # system errors (every method)
    "INTERNAL_SERVER_ERROR": ServerError,
    "ERROR_UNEXPECTED_ANSWER": ServerError,
    "PORTAL_DELETED": PortalDeleted,
    "QUERY_LIMIT_EXCEEDED": QueryLimitExceeded,
    "OPERATION_TIME_LIMIT": OperationTimeLimit,
    "OVERLOAD_LIMIT": OverloadLimit,
    "ERROR_BATCH_METHOD_NOT_ALLOWED": BatchMethodNotAllowed,
    "ERROR_BATCH_LENGTH_EXCEEDED": BatchLengthExceeded,
    "NO_AUTH_FOUND": NoAuthFound,
    "INVALID_REQUEST": InvalidRequest,
    "ACCESS_DENIED": RestUnavailable,
    "INVALID_CREDENTIALS": InvalidCredentials,
    "ERROR_MANIFEST_IS_NOT_AVAILABLE": ManifestNotAvailable,
    "INSUFFICIENT_SCOPE": InsufficientScope,
    "EXPIRED_TOKEN": ExpiredToken,
    "INVALID_TOKEN": InvalidToken,
    "USER_ACCESS_ERROR": UserAccessError,
    "WRONG_AUTH_TYPE": WrongAuthType,
    "ERROR_METHOD_NOT_FOUND": MethodNotFound,
    "METHOD_CONFIRM_WAITING": MethodConfirmWaiting,
}

# The OAuth server speaks its own codes; they share names with some portal codes
# (insufficient_scope) but mean something else there, so they get their own table.
OAUTH_ERROR_CLASSES: dict[str, type[OAuthServerError]] = {
    "INVALID_GRANT": SignInAgain,
    "INVALID_CLIENT": InvalidClient,
    "WRONG_CLIENT": InvalidClient,
    "NOT_INSTALLED": InvalidClient,
    "INVALID_SCOPE": InvalidScope,
    "INSUFFICIENT_SCOPE": InvalidScope,
    "PAYMENT_REQUIRED": PaymentRequired,
}

# Sale codes are 2 + module (3 digits) + HTTP-like class (403/404/500) + number, e.g.
# 2013 404 00001. An undocumented code of that shape is still classified by its middle.
_SALE_CODE = re.compile(r"^2\d{3}(403|404|500)\d{5}$")
_SALE_CLASS: dict[str, type[B24Error]] = {
    "403": AccessDenied,
    "404": NotFound,
    "500": ValidationError,
}


def is_documented_code(raw: Any) -> bool:
    """True when ``raw`` is an error code the portal documents (system or sale code).

    A 5xx answer carrying one of these came from the portal's REST layer itself, which
    says what happened; anything else (a proxy's page, a PHP fatal error) says nothing.
    """
    code = normalize_code(raw)
    return code.upper() in ERROR_CLASSES or _SALE_CODE.match(code) is not None


def normalize_code(raw: Any) -> str:
    """The ``error`` field as a string: ``0``, ``"0"`` and ``"201340400001"`` alike."""
    if raw is None or raw is False:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _class_for(code: str, description: str, http_status: int | None) -> type[B24Error]:
    found = ERROR_CLASSES.get(code) or ERROR_CLASSES.get(code.upper())
    if found is not None:
        return found
    lowered = description.lower()
    if code in ("0", ""):
        # Code 0 and the CRM's empty code carry their meaning only in the text.
        if lowered.startswith("required fields"):
            return RequiredFields
        if "access denied" in lowered:
            return AccessDenied
        if lowered.startswith("order not found"):
            # sale.propertyvalue.modify says a missing order with code 0 in words.
            return OrderNotFound
        if "not found" in lowered or "does not exist" in lowered:
            return NotFound
    match = _SALE_CODE.match(code)
    if match:
        return _SALE_CLASS[match.group(1)]
    if http_status is not None:
        if http_status == 401:
            return Unauthorized
        if http_status == 403:
            return AccessDenied
        if http_status == 404:
            return NotFound
        if http_status >= 500:
            return ServerError
        if http_status == 400:
            return ValidationError
    return B24Error


def error_from_payload(
    payload: Mapping[str, Any],
    *,
    http_status: int | None,
    method: str | None,
    secrets: Iterable[str] = (),
) -> B24Error:
    """Build the typed error for a ``{"error": …, "error_description": …}`` body."""
    code = normalize_code(payload.get("error"))
    description = redact(str(payload.get("error_description") or ""), secrets)
    cls = _class_for(code, description, http_status)
    if cls is NotFound and method is not None and method.startswith("crm.deal."):
        cls = DealNotFound
    if cls is OperationTimeLimit:
        reset_at = _operating_reset_at(payload)
        return OperationTimeLimit(
            description, code=code, http_status=http_status, method=method, reset_at=reset_at
        )
    return cls(description, code=code, http_status=http_status, method=method)


def oauth_error_from_payload(
    payload: Mapping[str, Any], *, http_status: int | None, secrets: Iterable[str] = ()
) -> OAuthServerError:
    """Build the typed error for an OAuth-server answer (``invalid_grant``, …)."""
    code = normalize_code(payload.get("error"))
    description = redact(str(payload.get("error_description") or ""), secrets)
    cls = OAUTH_ERROR_CLASSES.get(code.upper(), OAuthServerError)
    return cls(description, code=code, http_status=http_status, method="oauth/token")


def _operating_reset_at(payload: Mapping[str, Any]) -> float | None:
    time_block = payload.get("time")
    if isinstance(time_block, Mapping):
        value = time_block.get("operating_reset_at")
        if isinstance(value, int | float | str):
            try:
                return float(value)
            except ValueError:
                return None
    return None


# --- messages for people -------------------------------------------------------------

_MESSAGES: list[tuple[type[BaseException], str]] = [
    # Most specific first: the first isinstance match wins.
    (OutcomeUnknown, "The change was sent but no answer came. Check the portal before retrying."),
    (NetworkError, "The portal could not be reached. Check the address and the connection."),
    (InvalidPortalUrl, "The portal address is not valid: use https://your-portal.bitrix24.com."),
    (UnexpectedRedirect, "The portal redirected the request. Check the portal address."),
    (SignInAgain, "The sign-in has expired. Sign in to the portal again."),
    (InvalidClient, "The application id or secret is wrong, or the app is not installed."),
    (PaymentRequired, "The application subscription has expired. Renew it in Bitrix24."),
    (OAuthServerError, "The Bitrix24 sign-in server refused the request. Sign in again."),
    (NoAuthFound, "The webhook code or access token is wrong. Check the profile credentials."),
    (ExpiredToken, "The access token expired and could not be renewed. Sign in again."),
    (Unauthorized, "The portal did not accept the credentials. Check the profile."),
    (InsufficientScope, "The webhook lacks a permission (scope). Add it in Bitrix24."),
    (WrongAuthType, "This action needs an application (OAuth) profile, not a webhook."),
    (MethodConfirmWaiting, "A portal administrator must confirm this action for the app."),
    (
        RestUnavailable,
        "REST is available only on commercial Bitrix24 plans. Upgrade the portal's plan.",
    ),
    (
        StoreAccessDenied,
        "The webhook's user needs online-store rights. Make them a store administrator.",
    ),
    (InvalidCredentials, "The webhook's user lacks permissions for this. Check their rights."),
    (AccessDenied, "Access denied. Check the permissions of the webhook's user."),
    (OrderNotFound, "That order does not exist. Check the order number."),
    (StatusNotFound, "That status does not exist. Reload the status list."),
    (StatusLangNotFound, "That status has no name in this language."),
    (PropertyValueNotFound, "That order property value does not exist."),
    (ShipmentNotFound, "That shipment does not exist. Reload the order."),
    (BindingNotFound, "The order is not bound to that deal or invoice."),
    (DealNotFound, "That deal does not exist. Check the deal number."),
    (MethodNotFound, "The portal does not know this method. Check the address and scopes."),
    (SaleModuleMissing, "The online store module is not installed on this portal."),
    (NotFound, "The requested item does not exist."),
    (BadStatusType, "Choose the status type: O for orders or D for deliveries."),
    (SystemStatusTypeChange, "System statuses N and F stay order statuses; DN, DF delivery."),
    (SystemStatusDelete, "System statuses N, F, DN and DF cannot be deleted."),
    (StatusTypeInUse, "Orders or deliveries use this status, so its type cannot change."),
    (DuplicateStatus, "A status with this id already exists. Pick another id."),
    (InvalidStatusId, "The status id must be one or two letters or digits."),
    (DuplicateStatusLang, "This status already has a name in that language."),
    (UnknownLanguage, "The portal does not know this language."),
    (RequiredFields, "Fill in the required fields."),
    (MissingParameter, "A required value is missing."),
    (InvalidRequest, "The portal requires HTTPS. Use an https:// address."),
    (ValidationError, "The portal rejected the values. Correct them and try again."),
    (DuplicateBinding, "The order is already bound to that deal or invoice."),
    (QueryLimitExceeded, "The portal is busy (request limit). Try again in a minute."),
    (OperationTimeLimit, "This action used up its time budget. Try again in a few minutes."),
    (OverloadLimit, "Bitrix24 blocked the REST API of this portal. Contact Bitrix24 support."),
    (BatchLengthExceeded, "Too many commands in one batch."),
    (BatchMethodNotAllowed, "This action cannot run inside a batch."),
    (BatchError, "Some of the changes failed. See the details."),
    (CommandNotSent, "This change was not sent because an earlier part failed. Try again."),
    (PortalDeleted, "The portal was deleted or closed."),
    (MalformedResponse, "The portal sent an unreadable answer. Try again later."),
    (ServerError, "The portal had an internal error. Try again later."),
]


def user_message(error: BaseException) -> str:
    """One actionable sentence for ``error`` (forms show it; details go to the log)."""
    for cls, message in _MESSAGES:
        if isinstance(error, cls):
            return message
    if isinstance(error, B24Error):
        return f"The portal refused the request: {error.description.rstrip('.')}."
    return "Something went wrong. See the log for details."
