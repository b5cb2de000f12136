"""Order and delivery status definitions (sale.status.*) and their names (sale.statusLang.*).

``sale.status.update`` edits a dictionary entry; it does not move an order (that is
:meth:`console.bitrix.orders.OrdersApi.set_status`).
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from console.bitrix.errors import MalformedResponse
from console.bitrix.models import (
    HexColor,
    LanguageId,
    ListQuery,
    RequestModel,
    ResponseModel,
    StatusId,
    StatusType,
    YesNo,
)
from console.bitrix.paging import iter_items

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient

_STATUS_ID: TypeAdapter[str] = TypeAdapter(StatusId)


def validate_status_id(value: str) -> str:
    """Check a status id before it is sent; raises ``pydantic.ValidationError``."""
    return _STATUS_ID.validate_python(value)


class Status(ResponseModel):
    id: str
    type: str
    notify: YesNo | None = None
    sort: int | None = None
    color: str | None = None
    xml_id: str | None = None


class StatusFields(RequestModel):
    """``fields`` of sale.status.update: ``type`` is required even when unchanged."""

    type: StatusType
    notify: YesNo | None = None
    sort: int | None = None
    color: HexColor | None = None
    xml_id: str | None = None


class StatusUpdate(RequestModel):
    id: StatusId
    fields: StatusFields

    def to_params(self) -> dict[str, Any]:
        return {"id": self.id, "fields": self.fields.to_fields()}


class StatusAdd(StatusFields):
    id: StatusId

    def to_params(self) -> dict[str, Any]:
        return {"fields": self.to_fields()}


class StatusLang(ResponseModel):
    status_id: str
    lid: str
    name: str | None = None
    description: str | None = None


class StatusLangAdd(RequestModel):
    status_id: StatusId
    lid: LanguageId
    name: str
    description: str | None = None

    def to_params(self) -> dict[str, Any]:
        if not self.name:
            raise ValueError("name must not be empty")
        return {"fields": self.to_fields()}


class StatusLangDelete(RequestModel):
    """Filter of sale.statusLang.deleteByFilter; the portal wants a non-empty ``name``."""

    status_id: StatusId
    lid: LanguageId
    name: str = "-"

    def to_params(self) -> dict[str, Any]:
        return {"fields": self.to_fields()}


class Language(ResponseModel):
    lid: str
    name: str | None = None
    active: YesNo | None = None


def _unwrap(result: Any, key: str, method: str) -> dict[str, Any]:
    if isinstance(result, dict) and isinstance(result.get(key), dict):
        return dict(result[key])
    raise MalformedResponse(f"no {key} in the answer", method=method)


class StatusesApi:
    """sale.status.list/get/add/update/delete."""

    def __init__(self, client: BitrixClient) -> None:
        self._client = client

    def list(
        self, *, type: StatusType | None = None, query: ListQuery | None = None
    ) -> list[Status]:
        params: dict[str, Any] = (query or ListQuery()).to_fields()
        if type is not None:
            params["filter"] = {**params.get("filter", {}), "type": type}
        params.setdefault("order", {"sort": "ASC"})
        items = iter_items(self._client, "sale.status.list", params, key="statuses")
        return [Status.model_validate(item) for item in items]

    def get(self, status_id: str) -> Status:
        status_id = validate_status_id(status_id)
        result = self._client.call("sale.status.get", {"id": status_id}).result
        return Status.model_validate(_unwrap(result, "status", "sale.status.get"))

    def add(self, request: StatusAdd) -> Status:
        result = self._client.call("sale.status.add", request.to_params()).result
        return Status.model_validate(_unwrap(result, "status", "sale.status.add"))

    def update(self, request: StatusUpdate) -> Status:
        result = self._client.call("sale.status.update", request.to_params()).result
        return Status.model_validate(_unwrap(result, "status", "sale.status.update"))

    def delete(self, status_id: str) -> bool:
        status_id = validate_status_id(status_id)
        return bool(self._client.call("sale.status.delete", {"id": status_id}).result)


class StatusLangsApi:
    """sale.statusLang.list/add/deleteByFilter/getListLangs (there is no update)."""

    def __init__(self, client: BitrixClient) -> None:
        self._client = client

    def list(self, *, lid: str | None = None, status_id: str | None = None) -> list[StatusLang]:
        filter_: dict[str, Any] = {}
        if lid is not None:
            filter_["lid"] = lid
        if status_id is not None:
            filter_["statusId"] = validate_status_id(status_id)
        params = {"filter": filter_} if filter_ else {}
        items = iter_items(self._client, "sale.statusLang.list", params, key="statusLangs")
        return [StatusLang.model_validate(item) for item in items]

    def names(self, lid: str) -> dict[str, str]:
        """Status id → name in language ``lid``."""
        return {lang.status_id: lang.name or "" for lang in self.list(lid=lid)}

    def add(self, request: StatusLangAdd) -> StatusLang:
        result = self._client.call("sale.statusLang.add", request.to_params()).result
        return StatusLang.model_validate(_unwrap(result, "statusLang", "sale.statusLang.add"))

    def delete_by_filter(self, request: StatusLangDelete) -> bool:
        result = self._client.call("sale.statusLang.deleteByFilter", request.to_params())
        return bool(result.result)

    def languages(self) -> builtins.list[Language]:
        result = self._client.call("sale.statusLang.getListLangs").result
        items = result.get("langs", []) if isinstance(result, dict) else []
        return [Language.model_validate(item) for item in items]
