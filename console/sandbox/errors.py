"""REST errors the sandbox answers with, shaped as the real portal shapes them."""

from __future__ import annotations

from typing import Any

# Descriptions as the platform documents them, so clients can be tested on real text.
DESCRIPTIONS: dict[str, str] = {
    "0": "Internal error",
    "100": "Could not find value for parameter {id}",
    "200040300010": "Access Denied",
    "200040300020": "Access Denied",
    "200540400001": "order does not exist",
    "201240400001": "order does not exist",
    "201340400001": "status does not exist",
    "201350000001": "Duplicate entry for key [id]",
    "201350000002": "you cannot delete the system status",
    "201350000003": "status type is empty or invalid",
    "201350000004": "status id is empty",
    "201350000005": "status id is too long",
    "201350000006": "you cannot change the type of the system status",
    "201350000007": "you cannot change the type of a status that orders already have",
    "201350000008": "you cannot change the type of a status that shipments already have",
    "201650000001": "Duplicate entry for key [ownerId, ownerTypeId, orderId]",
    "201640400004": "entity relation is not exists",
    "201140400001": "shipment does not exist",
    "ACCESS_DENIED": "REST API is available only on commercial plans",
    "201750000003": "Duplicate entry for key [statusId, lid]",
    "201750000004": "lid out of range",
    "201740400001": "statusLang does not exist",
    "201040400001": "property value does not exist",
    "NO_AUTH_FOUND": "Wrong authorization data",
    "expired_token": "The access token provided has expired",
    "ERROR_METHOD_NOT_FOUND": "Method not found!",
    "QUERY_LIMIT_EXCEEDED": "Too many requests",
    "OPERATION_TIME_LIMIT": "Method is blocked due to operation time limit.",
    "ERROR_BATCH_LENGTH_EXCEEDED": "Max batch length exceeded",
    "ERROR_BATCH_METHOD_NOT_ALLOWED": "Method is not allowed for batch usage",
    "INTERNAL_SERVER_ERROR": "Internal server error",
    "INVALID_REQUEST": "Invalid request",
}


def wire_code(code: str, method: str | None = None) -> str | int:
    """The ``error`` value on the wire, as each method family's pages show it.

    The ``sale.*`` pages show numeric codes as JSON numbers (``"error": 201240400001``);
    ``crm.*`` pages (``crm.orderentity.*``, deals, items) show them as strings
    (``"error": "201650000001"``). System codes are always strings.
    """
    if code.isdigit() and method is not None and method.startswith("sale."):
        return int(code)
    return code


class RestError(Exception):
    """A documented REST failure: HTTP status, platform code and description."""

    def __init__(self, code: str, description: str | None = None, status: int = 400) -> None:
        self.code = code
        self.description = description if description is not None else DESCRIPTIONS.get(code, "")
        self.status = status
        # The method that failed (set at dispatch): it decides how the code is written.
        self.method: str | None = None
        super().__init__(f"{status} {code}: {self.description}")

    def body(self) -> dict[str, Any]:
        return {"error": wire_code(self.code, self.method), "error_description": self.description}


def required_fields(missing: list[str]) -> RestError:
    """The sale/crm validation error that lists missing fields (code ``0``)."""
    return RestError("0", "Required fields: " + ", ".join(missing))


def missing_parameter(name: str) -> RestError:
    """Code ``100``: the controller could not bind a required argument."""
    return RestError("100", f"Could not find value for parameter {{{name}}}")


def access_denied(write: bool) -> RestError:
    """The sale/crm rights check: ``…20`` for writes, ``…10`` for reads."""
    return RestError("200040300020" if write else "200040300010")


def no_auth() -> RestError:
    return RestError("NO_AUTH_FOUND", status=401)


def expired_token() -> RestError:
    return RestError("expired_token", status=401)


def method_not_found() -> RestError:
    return RestError("ERROR_METHOD_NOT_FOUND", status=400)


def query_limit() -> RestError:
    return RestError("QUERY_LIMIT_EXCEEDED", status=503)


def operation_time_limit() -> RestError:
    return RestError("OPERATION_TIME_LIMIT", status=429)
