"""Every documented error code maps to its class; messages never leak secrets."""

from __future__ import annotations

import pytest

from console.bitrix import errors as e
from console.bitrix.errors import error_from_payload, oauth_error_from_payload, user_message
from tests.support.secret_spellings import SPELLING_NAMES, fresh_secret, leaked, spellings

DOCUMENTED = [
    # seeds 003 and 004, PROTOCOL §5
    ("200040300010", 400, e.StoreAccessDenied),
    ("200040300020", 400, e.StoreAccessDenied),
    ("200540400001", 400, e.OrderNotFound),
    ("201240400001", 400, e.OrderNotFound),
    ("200540400002", 400, e.SaleModuleMissing),
    ("201340400001", 400, e.StatusNotFound),
    ("201350000001", 400, e.DuplicateStatus),
    ("201350000002", 400, e.SystemStatusDelete),
    ("201350000003", 400, e.BadStatusType),
    ("201350000006", 400, e.SystemStatusTypeChange),
    ("201350000007", 400, e.StatusTypeInUse),
    ("201350000008", 400, e.StatusTypeInUse),
    ("201740400001", 400, e.StatusLangNotFound),
    ("201750000003", 400, e.DuplicateStatusLang),
    ("201750000004", 400, e.UnknownLanguage),
    ("201040400001", 400, e.PropertyValueNotFound),
    ("201650000001", 400, e.DuplicateBinding),
    ("201640400004", 400, e.BindingNotFound),
    ("100", 400, e.MissingParameter),
    # system errors
    ("INTERNAL_SERVER_ERROR", 500, e.ServerError),
    ("ERROR_UNEXPECTED_ANSWER", 500, e.ServerError),
    ("QUERY_LIMIT_EXCEEDED", 503, e.QueryLimitExceeded),
    ("QUERY_LIMIT_EXCEEDED", 429, e.QueryLimitExceeded),
    ("ERROR_BATCH_METHOD_NOT_ALLOWED", 405, e.BatchMethodNotAllowed),
    ("ERROR_BATCH_LENGTH_EXCEEDED", 400, e.BatchLengthExceeded),
    ("NO_AUTH_FOUND", 401, e.NoAuthFound),
    ("INVALID_REQUEST", 400, e.InvalidRequest),
    ("OVERLOAD_LIMIT", 503, e.OverloadLimit),
    ("ACCESS_DENIED", 403, e.RestUnavailable),
    ("201140400001", 400, e.ShipmentNotFound),
    ("INVALID_CREDENTIALS", 403, e.InvalidCredentials),
    ("ERROR_MANIFEST_IS_NOT_AVAILABLE", 404, e.ManifestNotAvailable),
    ("insufficient_scope", 403, e.InsufficientScope),
    ("expired_token", 401, e.ExpiredToken),
    ("user_access_error", 403, e.UserAccessError),
    ("PORTAL_DELETED", 500, e.PortalDeleted),
    ("OPERATION_TIME_LIMIT", 429, e.OperationTimeLimit),
    ("WRONG_AUTH_TYPE", 403, e.WrongAuthType),
    ("ERROR_METHOD_NOT_FOUND", 404, e.MethodNotFound),
]


@pytest.mark.parametrize(("code", "status", "cls"), DOCUMENTED)
def test_documented_codes_map_to_their_class(code: str, status: int, cls: type) -> None:
    error = error_from_payload(
        {"error": code, "error_description": "text"}, http_status=status, method="m.x"
    )
    assert type(error) is cls
    assert error.code == code
    assert error.http_status == status
    assert error.description == "text"


@pytest.mark.parametrize("raw", [201340400001, "201340400001"])
def test_numeric_code_as_number_or_string(raw: object) -> None:
    error = error_from_payload(
        {"error": raw, "error_description": "x"}, http_status=400, method=None
    )
    assert isinstance(error, e.StatusNotFound)
    assert error.code == "201340400001"


@pytest.mark.parametrize("raw", [0, "0"])
def test_code_zero_required_fields(raw: object) -> None:
    error = error_from_payload(
        {"error": raw, "error_description": "Required fields: type"}, http_status=400, method=None
    )
    assert isinstance(error, e.RequiredFields)
    assert error.code == "0"


def test_code_zero_order_not_found_is_order_not_found() -> None:
    # sale.propertyvalue.modify for a missing order: code 0 with the words.
    error = error_from_payload(
        {"error": 0, "error_description": "Order not found"},
        http_status=400,
        method="sale.propertyvalue.modify",
    )
    assert type(error) is e.OrderNotFound


def test_a_not_array_filter_is_a_validation_error() -> None:
    error = error_from_payload(
        {"error": "", "error_description": "Parameter 'filter' must be array."},
        http_status=400,
        method="crm.deal.list",
    )
    assert type(error) is e.ValidationError


def test_code_zero_other_text_is_generic_validation() -> None:
    error = error_from_payload(
        {"error": 0, "error_description": "could not save"}, http_status=400, method=None
    )
    assert type(error) is e.ValidationError


@pytest.mark.parametrize(
    ("text", "cls"),
    [("Not found", e.DealNotFound), ("Access denied", e.AccessDenied)],
)
def test_crm_empty_code_is_read_from_text(text: str, cls: type) -> None:
    error = error_from_payload(
        {"error": "", "error_description": text}, http_status=400, method="crm.deal.get"
    )
    assert type(error) is cls


def test_undocumented_sale_code_classified_by_its_middle() -> None:
    error = error_from_payload({"error": "209940400007"}, http_status=400, method=None)
    assert type(error) is e.NotFound


def test_operation_time_limit_keeps_reset_time() -> None:
    error = error_from_payload(
        {"error": "OPERATION_TIME_LIMIT", "time": {"operating_reset_at": 1778747792}},
        http_status=429,
        method="sale.order.list",
    )
    assert isinstance(error, e.OperationTimeLimit)
    assert error.reset_at == 1778747792.0


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("invalid_grant", e.SignInAgain),
        ("invalid_client", e.InvalidClient),
        ("invalid_scope", e.InvalidScope),
        ("insufficient_scope", e.InvalidScope),
        ("PAYMENT_REQUIRED", e.PaymentRequired),
        ("invalid_request", e.OAuthServerError),
    ],
)
def test_oauth_server_codes(code: str, cls: type) -> None:
    assert type(oauth_error_from_payload({"error": code}, http_status=400)) is cls


@pytest.mark.parametrize("spelling", SPELLING_NAMES)
def test_a_portal_quoting_a_secret_in_any_spelling_shows_none(spelling: str) -> None:
    secret = fresh_secret()
    spelled = spellings(secret)[spelling]
    error = oauth_error_from_payload(
        {"error": "invalid_client", "error_description": f"client_secret={spelled} refused"},
        http_status=401,
        secrets=[secret],
    )
    assert leaked(str(error), secret) == [] and "***" in str(error)


def test_str_is_one_line_without_secrets() -> None:
    secret = "abcdef0123456789"
    error = error_from_payload(
        {"error": "NO_AUTH_FOUND", "error_description": f"bad code {secret}\nsecond line"},
        http_status=401,
        method="profile",
        secrets=[secret],
    )
    text = str(error)
    assert secret not in text
    assert "***" in text
    assert text.startswith("profile: ")
    assert "NO_AUTH_FOUND" in text and "HTTP 401" in text


def _all_error_classes() -> list[type[e.B24Error]]:
    found: list[type[e.B24Error]] = []
    pending: list[type[e.B24Error]] = [e.B24Error]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("cls", _all_error_classes(), ids=lambda c: c.__name__)
def test_every_class_has_a_message(cls: type[e.B24Error]) -> None:
    message = user_message(cls())
    assert message.endswith(".")
    assert "\n" not in message


def test_specific_messages_win_over_general_ones() -> None:
    assert user_message(e.OutcomeUnknown()) != user_message(e.NetworkError())
    assert user_message(e.OrderNotFound()) != user_message(e.NotFound())
    assert "sign in" in user_message(e.SignInAgain()).lower()
