"""Shared pydantic building blocks for request and response models.

Responses are lenient: the portal sends ids as ``"12"`` or ``12``, flags as ``"Y"``
or booleans, and unknown fields pass through. Requests are strict: they are checked
before anything is sent, so forms and the CLI can refuse bad values early.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel


def _yes_no(value: Any) -> Any:
    if value is True:
        return "Y"
    if value is False:
        return "N"
    if isinstance(value, str):
        return value.strip().upper()
    return value


def _int_like(value: Any) -> Any:
    # "2" and 2 alike; leave anything else for pydantic to reject with its own message.
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return value


YesNo = Annotated[Literal["Y", "N"], BeforeValidator(_yes_no)]
StatusType = Literal["O", "D"]
# b_sale_status.ID is two characters: one or two Latin letters or digits.
StatusId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,2}$")]
HexColor = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
LanguageId = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
PositiveId = Annotated[int, BeforeValidator(_int_like), Field(gt=0)]


class OwnerType(enum.IntEnum):
    """CRM object types an order may be bound to (crm.orderentity ``ownerTypeId``)."""

    DEAL = 2
    INVOICE = 5  # the old invoices (crm.invoice.*)
    SMART_INVOICE = 31  # the new invoices (crm.item.* with entityTypeId 31)


OwnerTypeId = Annotated[OwnerType, BeforeValidator(_int_like)]


class ResponseModel(BaseModel):
    """Base of everything parsed from the portal."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        coerce_numbers_to_str=True,
        extra="allow",
        frozen=True,
    )


class RequestModel(BaseModel):
    """Base of everything sent to the portal; unknown fields are a mistake."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )

    def to_fields(self) -> dict[str, Any]:
        """The wire form: camelCase keys, unset optional values left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class ListQuery(RequestModel):
    """``select``/``filter``/``order`` of a list method (filter keys keep their prefixes)."""

    select: list[str] | None = None
    filter: dict[str, Any] | None = None
    order: dict[str, Literal["ASC", "DESC", "asc", "desc"]] | None = None
