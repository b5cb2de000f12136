"""``status``, ``order`` and ``bind``: read and change the portal from the command line.

Arguments are checked by argparse ``type=`` functions built on the same validators
as the request models, so a bad value exits 2 (naming the argument) before any
request is sent.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

import pydantic

from console.bitrix.client import BitrixClient
from console.bitrix.models import LanguageId, OwnerType
from console.bitrix.orders import validate_id
from console.bitrix.statuses import StatusFields, StatusUpdate, validate_status_id
from console.cli.app import CliError, ExitCode, emit
from console.core.sanitize import printable

# --- argument types ------------------------------------------------------------------


def _checked(check: Callable[[str], Any], what: str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return check(text)
        except (pydantic.ValidationError, ValueError):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None

    parse.__name__ = what  # argparse shows this name when the type fails
    return parse


positive_id = _checked(validate_id, "a positive whole number")
status_id = _checked(validate_status_id, "a status id (one or two letters or digits)")
language_id = _checked(
    pydantic.TypeAdapter(LanguageId).validate_python, "a two-letter language id such as en or uk"
)


def _color(text: str) -> str:
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", text):
        raise ValueError(text)
    return text


color = _checked(_color, "a colour like #RRGGBB")


def _sort(text: str) -> int:
    return int(text)


sort_value = _checked(_sort, "a whole number")


# --- profile and client --------------------------------------------------------------


def profile_name(args: argparse.Namespace) -> str:
    """The profile named by ``--profile``, or the only one there is."""
    from console.core.profiles import ProfileRepository

    if args.profile:
        return str(args.profile)
    profiles = ProfileRepository().list()
    if len(profiles) == 1:
        return profiles[0].name
    if not profiles:
        raise CliError("no profile yet: add one with `b24-console profile add`")
    names = ", ".join(profile.name for profile in profiles)
    raise CliError(f"choose a profile with --profile NAME (one of: {names})")


def open_client(args: argparse.Namespace) -> BitrixClient:
    """The client for ``--profile`` (or the only profile)."""
    from console.bitrix.connect import client_for_profile
    from console.core.profiles import ProfileRepository

    return client_for_profile(ProfileRepository(), profile_name(args))


def _dump(model: pydantic.BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


def _cell(value: object) -> str:
    """A portal value inside a line: no control character, and no line break that would
    start a line of its own (customer fields and codes are typed by anyone)."""
    return printable(value, one_line=True)


# --- status --------------------------------------------------------------------------


def _status_line(data: dict[str, Any], name: str | None = None) -> str:
    cells = [
        _cell(data.get("id", "")).ljust(3),
        _cell(data.get("type", "")),
        _cell(data.get("sort", "")).rjust(5),
        f"notify={_cell(data.get('notify') or '-')}",
        _cell(data.get("color") or "-").ljust(7),
        f"xmlId={_cell(data.get('xmlId') or '-')}",
    ]
    if name is not None:
        cells.append(_cell(name))
    return "  ".join(cells)


def status_list(args: argparse.Namespace) -> int:
    with open_client(args) as client:
        statuses = client.statuses.list(type=args.type)
        names = client.status_langs.names(args.lang) if args.lang else {}
    data = [
        _dump(status) | ({"name": names.get(status.id)} if args.lang else {}) for status in statuses
    ]
    emit(
        args,
        data,
        lambda: "\n".join(
            _status_line(item, item.get("name") if args.lang else None) for item in data
        ),
    )
    return ExitCode.OK


def status_get(args: argparse.Namespace) -> int:
    with open_client(args) as client:
        status = client.statuses.get(args.id)
    data = _dump(status)
    emit(args, data, lambda: _status_line(data))
    return ExitCode.OK


def status_update(args: argparse.Namespace) -> int:
    request = StatusUpdate(
        id=args.id,
        fields=StatusFields(
            type=args.type,
            notify=args.notify,
            sort=args.sort,
            color=args.color,
            xml_id=args.xml_id,
        ),
    )
    with open_client(args) as client:
        status = client.statuses.update(request)
    data = _dump(status)
    emit(args, data, lambda: "updated: " + _status_line(data))
    return ExitCode.OK


# --- order ---------------------------------------------------------------------------


def _order_text(data: dict[str, Any]) -> str:
    c = _cell
    lines = [
        f"order {c(data['id'])} (#{c(data.get('accountNumber') or data['id'])})",
        f"  status:   {c(data.get('statusId') or '-')}",
        f"  updated:  {c(data.get('dateUpdate') or '-')}",
        f"  total:    {c(data.get('price') or '-')} {c(data.get('currency') or '')}".rstrip(),
    ]
    for shipment in data.get("shipments") or []:
        lines.append(f"  shipment {c(shipment['id'])}: {c(shipment.get('statusId') or '-')}")
    for value in data.get("propertyValues") or []:
        label = value.get("code") or value.get("name") or value.get("id")
        lines.append(f"  {c(label)}: {c(value.get('value'))}")
    return "\n".join(lines)


def order_get(args: argparse.Namespace) -> int:
    with open_client(args) as client:
        order = client.orders.get(args.id)
    data = _dump(order)
    emit(args, data, lambda: _order_text(data))
    return ExitCode.OK


def order_set_status(args: argparse.Namespace) -> int:
    with open_client(args) as client:
        if args.shipment is not None:
            # The shipment id alone names the shipment; make sure it is the order's own,
            # or the operator changes some other customer's delivery.
            order = client.orders.get(args.id)
            if args.shipment not in {shipment.id for shipment in order.shipments}:
                owned = ", ".join(str(shipment.id) for shipment in order.shipments) or "none"
                raise CliError(
                    f"--shipment: shipment {args.shipment} is not part of order {args.id} "
                    f"(its shipments: {owned})"
                )
            shipment = client.shipments.set_status(args.shipment, args.status)
            data = _dump(shipment)
            human = f"shipment {shipment.id} of order {args.id}: status {_cell(shipment.status_id)}"
        else:
            order = client.orders.set_status(args.id, args.status)
            data = _dump(order)
            human = f"order {order.id}: status {_cell(order.status_id)}"
    emit(args, data, human)
    return ExitCode.OK


# --- bind ----------------------------------------------------------------------------


def _owner(args: argparse.Namespace) -> tuple[OwnerType, int]:
    if args.deal is not None:
        if args.smart_invoice:
            raise CliError("--smart-invoice goes with --invoice, not --deal")
        return OwnerType.DEAL, int(args.deal)
    kind = OwnerType.SMART_INVOICE if args.smart_invoice else OwnerType.INVOICE
    return kind, int(args.invoice)


def _binding_line(data: dict[str, Any]) -> str:
    kind = {2: "deal", 5: "invoice", 31: "smart invoice"}.get(data["ownerTypeId"], "type")
    return _cell(
        f"order {data['orderId']} -> {kind} {data['ownerId']} (ownerTypeId {data['ownerTypeId']})"
    )


def bind_add(args: argparse.Namespace) -> int:
    owner_type, owner_id = _owner(args)
    with open_client(args) as client:
        binding = client.bindings.add(args.order_id, owner_type, owner_id)
    data = _dump(binding)
    emit(args, data, lambda: "bound: " + _binding_line(data))
    return ExitCode.OK


def bind_list(args: argparse.Namespace) -> int:
    with open_client(args) as client:
        bindings = client.bindings.list(
            order_id=args.order,
            owner_type_id=OwnerType.DEAL if args.deal is not None else None,
            owner_id=args.deal,
        )
    data = [_dump(binding) for binding in bindings]
    emit(args, data, lambda: "\n".join(_binding_line(item) for item in data) or "no bindings")
    return ExitCode.OK


def bind_remove(args: argparse.Namespace) -> int:
    owner_type, owner_id = _owner(args)
    with open_client(args) as client:
        client.bindings.remove(args.order_id, owner_type, owner_id)
    data = {"orderId": args.order_id, "ownerTypeId": int(owner_type), "ownerId": owner_id}
    emit(args, {"removed": data}, lambda: "removed: " + _binding_line(data))
    return ExitCode.OK


# --- registration --------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="NAME", help="profile to use (default: the only one)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _owner_options(parser: argparse.ArgumentParser) -> None:
    owner = parser.add_mutually_exclusive_group(required=True)
    owner.add_argument("--deal", type=positive_id, metavar="ID", help="deal id")
    owner.add_argument("--invoice", type=positive_id, metavar="ID", help="invoice id")
    parser.add_argument(
        "--smart-invoice",
        action="store_true",
        help="the invoice is a new (smart) invoice, ownerTypeId 31 instead of 5",
    )


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    status = subparsers.add_parser("status", help="order and delivery status definitions")
    status_sub = status.add_subparsers(dest="status_command", metavar="ACTION", required=True)
    p = status_sub.add_parser("list", help="list statuses")
    p.add_argument("--type", choices=["O", "D"], help="O orders, D deliveries")
    p.add_argument(
        "--lang",
        type=language_id,
        metavar="LID",
        help="also show names in this language (e.g. en)",
    )
    _common(p)
    p.set_defaults(handler=status_list)
    p = status_sub.add_parser("get", help="show one status")
    p.add_argument("id", type=status_id, metavar="ID")
    _common(p)
    p.set_defaults(handler=status_get)
    p = status_sub.add_parser("update", help="change a status definition")
    p.add_argument("id", type=status_id, metavar="ID")
    p.add_argument("--type", choices=["O", "D"], required=True, help="required by the portal")
    p.add_argument("--notify", choices=["Y", "N"], help="e-mail the customer on this status")
    p.add_argument("--sort", type=sort_value, metavar="N")
    p.add_argument("--color", type=color, metavar="#RRGGBB")
    p.add_argument("--xml-id", metavar="X", help="external code")
    _common(p)
    p.set_defaults(handler=status_update)

    order = subparsers.add_parser("order", help="read orders and move them between statuses")
    order_sub = order.add_subparsers(dest="order_command", metavar="ACTION", required=True)
    p = order_sub.add_parser("get", help="show an order")
    p.add_argument("id", type=positive_id, metavar="ID")
    _common(p)
    p.set_defaults(handler=order_get)
    p = order_sub.add_parser("set-status", help="set the order (or a shipment's) status")
    p.add_argument("id", type=positive_id, metavar="ID")
    p.add_argument("status", type=status_id, metavar="STATUS")
    p.add_argument(
        "--shipment", type=positive_id, metavar="SHIPMENT_ID", help="set this delivery's status"
    )
    _common(p)
    p.set_defaults(handler=order_set_status)

    bind = subparsers.add_parser("bind", help="bind orders to deals or invoices")
    bind_sub = bind.add_subparsers(dest="bind_command", metavar="ACTION", required=True)
    p = bind_sub.add_parser("add", help="bind an order (replaces its current binding)")
    p.add_argument("order_id", type=positive_id, metavar="ORDER_ID")
    _owner_options(p)
    _common(p)
    p.set_defaults(handler=bind_add)
    p = bind_sub.add_parser("list", help="list bindings")
    p.add_argument("--order", type=positive_id, metavar="ID")
    p.add_argument("--deal", type=positive_id, metavar="ID")
    _common(p)
    p.set_defaults(handler=bind_list)
    p = bind_sub.add_parser("remove", help="remove a binding")
    p.add_argument("order_id", type=positive_id, metavar="ORDER_ID")
    _owner_options(p)
    _common(p)
    p.set_defaults(handler=bind_remove)
