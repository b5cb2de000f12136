"""The status dictionary: order and delivery statuses with their names per language.

Validation works field by field (:func:`validate_status_fields`), so a form can check as
the operator types, and every send validates again before anything leaves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from console.bitrix.models import StatusType
from console.bitrix.statuses import (
    Language,
    Status,
    StatusAdd,
    StatusFields,
    StatusLang,
    StatusLangAdd,
    StatusLangDelete,
    StatusUpdate,
)
from console.operations.base import (
    ChangeResult,
    ChangeSpec,
    InvalidInput,
    OperationContext,
    read,
    send_change,
)
from console.store.model import ChangeKind

# The platform refuses to change the type of these, and to delete them.
SYSTEM_STATUS_TYPES: dict[str, str] = {"N": "O", "F": "O", "DN": "D", "DF": "D"}
# b_sale_status.ID holds two characters (sale.status.add answers 201350000005 beyond).
STATUS_ID_MAX = 2
# SORT is a signed 32-bit column; the portal's own statuses use 10..1000.
SORT_MIN, SORT_MAX = 0, 2_147_483_647
# XML_ID and the localized NAME are VARCHAR(255) and VARCHAR(100) on the portal.
XML_ID_MAX = 255
NAME_MAX = 100
_ID = re.compile(r"^[A-Za-z0-9]+$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_LID = re.compile(r"^[a-z]{2}$")
TYPE_NAMES = {"O": "Order", "D": "Delivery"}


def type_lock_reason(status_id: str) -> str | None:
    """Why the type of ``status_id`` cannot change, or None when it can."""
    locked = SYSTEM_STATUS_TYPES.get(status_id.strip().upper())
    if locked is None:
        return None
    kind = "an order" if locked == "O" else "a delivery"
    return (
        f"{status_id} is a system status: Bitrix24 keeps it {kind} status "
        "and refuses to change its type or delete it."
    )


def is_system_status(status_id: str) -> bool:
    return status_id.strip().upper() in SYSTEM_STATUS_TYPES


@dataclass(frozen=True)
class StatusRow:
    """One status with its name in the chosen language and its names in every language."""

    id: str
    type: str
    name: str
    notify: bool
    sort: int
    color: str | None
    xml_id: str | None
    system: bool
    names: dict[str, str] = field(default_factory=dict)
    # The language ``name`` is in.
    lang: str = ""


@dataclass(frozen=True)
class StatusDictionary:
    lang: str
    rows: list[StatusRow]
    languages: list[Language]

    def by_id(self, status_id: str) -> StatusRow | None:
        return next((row for row in self.rows if row.id == status_id), None)


@dataclass(frozen=True)
class StatusEdit:
    """What the edit form sends. ``names`` maps a language id to the name ("" removes it)."""

    id: str
    type: str
    notify: bool = True
    sort: int = 100
    color: str | None = None
    xml_id: str | None = None
    names: dict[str, str] = field(default_factory=dict)


def _row(status: Status, langs: list[StatusLang], lang: str) -> StatusRow:
    names = {item.lid: item.name or "" for item in langs if item.status_id == status.id}
    return StatusRow(
        id=status.id,
        type=status.type,
        name=names.get(lang, ""),
        notify=status.notify != "N",
        sort=status.sort or 0,
        color=status.color,
        xml_id=status.xml_id,
        system=is_system_status(status.id),
        names=names,
        lang=lang,
    )


def list_statuses(ctx: OperationContext, lang: str, *, type: str | None = None) -> StatusDictionary:
    """Every status (of ``type`` O or D when given), named in ``lang``, sorted as the portal
    sorts them; with every language's names for the edit form."""
    client = ctx.client
    wanted = cast("StatusType | None", type if type in ("O", "D") else None)
    statuses = read(lambda: client.statuses.list(type=wanted))
    langs = read(lambda: client.status_langs.list())
    languages = read(lambda: client.status_langs.languages())
    return StatusDictionary(lang, [_row(status, langs, lang) for status in statuses], languages)


def validate_status_fields(
    *,
    id: str | None = None,
    type: str | None = None,
    sort: str | int | None = None,
    color: str | None = None,
    xml_id: str | None = None,
    names: Mapping[str, str] | None = None,
    current_type: str | None = None,
) -> dict[str, str]:
    """Problems with the given fields, by field name (``id``, ``type``, ``sort``,
    ``color``, ``xml_id``, ``names.<lid>``); empty when all are fine. Fields left None are
    not checked. ``current_type`` is the type the status has now (editing)."""
    problems: dict[str, str] = {}
    if id is not None:
        text = id.strip()
        if not text:
            problems["id"] = "Enter an id."
        elif len(text) > STATUS_ID_MAX:
            problems["id"] = f"At most {STATUS_ID_MAX} characters."
        elif not _ID.match(text):
            problems["id"] = "Only Latin letters and digits."
    if type is not None:
        if type not in ("O", "D"):
            problems["type"] = "Choose Order (O) or Delivery (D)."
        elif id is not None and current_type is not None and type != current_type:
            reason = type_lock_reason(id)
            if reason:
                problems["type"] = reason
    if sort is not None:
        try:
            number = int(str(sort).strip())
        except ValueError:
            problems["sort"] = "A whole number."
        else:
            if not SORT_MIN <= number <= SORT_MAX:
                problems["sort"] = f"Between {SORT_MIN} and {SORT_MAX}."
    if color is not None and color.strip() and not _COLOR.match(color.strip()):
        problems["color"] = "A colour like #1A2B3C."
    if xml_id is not None and len(xml_id) > XML_ID_MAX:
        problems["xml_id"] = f"At most {XML_ID_MAX} characters."
    for lid, name in (names or {}).items():
        if not _LID.match(lid):
            problems[f"names.{lid}"] = "Unknown language id."
        elif len(name) > NAME_MAX:
            problems[f"names.{lid}"] = f"At most {NAME_MAX} characters."
    return problems


def _check(edit: StatusEdit, current_type: str | None) -> None:
    problems = validate_status_fields(
        id=edit.id,
        type=edit.type,
        sort=edit.sort,
        color=edit.color,
        xml_id=edit.xml_id,
        names=edit.names,
        current_type=current_type,
    )
    if problems:
        raise InvalidInput(problems)


def _fields(edit: StatusEdit) -> StatusFields:
    return StatusFields(
        type=edit.type,
        notify="Y" if edit.notify else "N",
        sort=edit.sort,
        color=edit.color or None,
        xml_id=edit.xml_id or None,
    )


def _definition(status: Status | StatusRow) -> dict[str, object]:
    notify = status.notify if isinstance(status, StatusRow) else status.notify != "N"
    return {
        "type": status.type,
        "notify": notify,
        "sort": status.sort,
        "color": status.color,
        "xmlId": status.xml_id,
    }


def _apply_names(
    ctx: OperationContext, status_id: str, old: Mapping[str, str], new: Mapping[str, str]
) -> dict[str, str]:
    """Bring the status's names from ``old`` to ``new``: there is no statusLang.update, so a
    changed name is deleted and added again. Returns the names now on the portal."""
    client = ctx.client
    result = dict(old)
    for lid, name in new.items():
        name = name.strip()
        if old.get(lid, "") == name:
            continue
        if lid in old:
            client.status_langs.delete_by_filter(StatusLangDelete(status_id=status_id, lid=lid))
            result.pop(lid)
        if name:
            client.status_langs.add(StatusLangAdd(status_id=status_id, lid=lid, name=name))
            result[lid] = name
    return result


def update_status(
    ctx: OperationContext, edit: StatusEdit, *, current: StatusRow
) -> ChangeResult[StatusRow]:
    """Send ``sale.status.update`` and the name changes; ``current`` is the row as shown."""
    _check(edit, current.type)
    client = ctx.client
    before = {**_definition(current), "names": dict(current.names)}
    request = StatusUpdate(id=edit.id, fields=_fields(edit))
    spec = ChangeSpec(
        kind=ChangeKind.STATUS_DEFINITION,
        action="update",
        order_id=None,
        entity_id=edit.id,
        before=before,
        after=None,
        summary=f"status {edit.id} updated",
    )

    def call() -> StatusRow:
        status = client.statuses.update(request)
        names = _apply_names(ctx, edit.id, current.names, edit.names)
        return _row_from(status, names, current.lang)

    result = send_change(
        ctx,
        spec,
        call,
        reread=lambda: client.statuses.get(edit.id),
        after=lambda row: {**_definition(row), "names": dict(row.names)},
    )
    return result


def _row_from(status: Status, names: dict[str, str], lang: str) -> StatusRow:
    return StatusRow(
        id=status.id,
        type=status.type,
        name=names.get(lang, ""),
        notify=status.notify != "N",
        sort=status.sort or 0,
        color=status.color,
        xml_id=status.xml_id,
        system=is_system_status(status.id),
        names=names,
        lang=lang,
    )


def add_status(
    ctx: OperationContext, edit: StatusEdit, *, lang: str = "en"
) -> ChangeResult[StatusRow]:
    """Create a status (``sale.status.add``) and its names; the row is named in ``lang``."""
    _check(edit, None)
    client = ctx.client
    fields = _fields(edit)
    request = StatusAdd(id=edit.id, **fields.model_dump())
    spec = ChangeSpec(
        kind=ChangeKind.STATUS_DEFINITION,
        action="add",
        order_id=None,
        entity_id=edit.id,
        before=None,
        after=None,
        summary=f"status {edit.id} added",
    )

    def call() -> StatusRow:
        status = client.statuses.add(request)
        names = _apply_names(ctx, status.id, {}, edit.names)
        return _row_from(status, names, lang)

    return send_change(
        ctx,
        spec,
        call,
        reread=lambda: client.statuses.get(edit.id),
        after=lambda row: {**_definition(row), "names": dict(row.names)},
    )


def delete_status(ctx: OperationContext, current: StatusRow) -> ChangeResult[bool]:
    """Delete a non-system status (``sale.status.delete``)."""
    reason = type_lock_reason(current.id)
    if reason:
        raise InvalidInput({"id": reason})
    client = ctx.client
    spec = ChangeSpec(
        kind=ChangeKind.STATUS_DEFINITION,
        action="delete",
        order_id=None,
        entity_id=current.id,
        before={**_definition(current), "names": dict(current.names)},
        after=None,
        summary=f"status {current.id} deleted",
    )
    return send_change(
        ctx,
        spec,
        lambda: client.statuses.delete(current.id),
        reread=lambda: client.statuses.get(current.id),
    )


def find_status(ctx: OperationContext, status_id: str, lang: str) -> StatusRow:
    """One status as a row (``sale.status.get`` plus its names)."""
    client = ctx.client
    status = read(lambda: client.statuses.get(status_id))
    langs = read(lambda: client.status_langs.list(status_id=status.id))
    return _row(status, langs, lang)
