"""``status``, ``order`` and ``bind``: read and change the portal from the command line.

Arguments are checked by argparse ``type=`` functions built on the same validators
as the request models, so a bad value exits 2 (naming the argument) before any
request is sent.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pydantic

from console.bitrix.client import BitrixClient
from console.bitrix.models import LanguageId, OwnerType
from console.bitrix.orders import validate_id
from console.bitrix.statuses import validate_status_id
from console.cli.app import CliError, ExitCode, emit
from console.core.sanitize import printable

if TYPE_CHECKING:
    from console.operations import OperationContext
    from console.operations.statuses import StatusRow

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
    pydantic.TypeAdapter(LanguageId).validate_python,
    "a two-letter language id such as en or ua (Ukrainian)",
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
    from console.operations.profiles import default_profile

    if args.profile:
        return str(args.profile)
    repo = ProfileRepository()
    chosen = default_profile(repo)
    if chosen is not None:
        return chosen
    profiles = repo.list()
    if not profiles:
        raise CliError("no profile yet: add one with `b24-console profile add`")
    names = ", ".join(profile.name for profile in profiles)
    raise CliError(
        f"choose a profile with --profile NAME (one of: {names}), "
        "or set one with `b24-console profile default NAME`"
    )


def open_client(args: argparse.Namespace) -> BitrixClient:
    """The client for ``--profile`` (or the only profile)."""
    from console.bitrix.connect import client_for_profile
    from console.core.profiles import ProfileRepository

    return client_for_profile(ProfileRepository(), profile_name(args))


def _dump(model: pydantic.BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


@contextmanager
def operation(args: argparse.Namespace) -> Iterator[OperationContext]:
    """A client for the chosen profile and the change log's store, closed afterwards;
    the operations' errors become the command line's exit codes."""
    from console.cli.store_choice import chosen_location
    from console.core.settings import load_settings
    from console.operations import OperationContext, current_operator
    from console.store import open_store

    settings = load_settings()
    name = profile_name(args)
    # The change log goes to the chosen store: with a team database, the whole team's
    # order timelines show this change.
    location = chosen_location(args)
    with open_client(args) as client:
        store = open_store(location, interactive=True)
        try:
            ctx = OperationContext(client, name, store, current_operator(settings.operator))
            with _operation_errors():
                yield ctx
        finally:
            store.close()


@contextmanager
def _operation_errors() -> Iterator[None]:
    from console.operations import (
        ChangeOutcomeUnknown,
        InvalidInput,
        OperationError,
        PortalRefused,
    )

    try:
        yield
    except PortalRefused as exc:
        raise exc.error from None  # the client's error, with its code, exit 3/4/5
    except InvalidInput as exc:
        raise CliError(exc.message) from None
    except ChangeOutcomeUnknown as exc:
        raise CliError(
            f"{exc.message} Read it again before retrying (e.g. `b24-console order get ID`).",
            ExitCode.NETWORK,
        ) from None
    except OperationError as exc:
        raise CliError(exc.message, ExitCode.PORTAL_REFUSED) from None


def confirm(args: argparse.Namespace, question: str, refusal: str) -> None:
    """Ask ``question`` on a terminal; without one, go on only with ``--yes``."""
    if getattr(args, "yes", False):
        return
    if not sys.stdin.isatty():
        raise CliError(refusal)
    answer = input(f"{question} [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise CliError("cancelled", ExitCode.PORTAL_REFUSED)


def _cell(value: object) -> str:
    """A portal value inside a line: no control character, and no line break that would
    start a line of its own (customer fields and codes are typed by anyone)."""
    return printable(value, one_line=True)


# --- status --------------------------------------------------------------------------


STATUS_HEADER = ("ID", "TYPE", "SORT", "NOTIFY", "COLOR", "XML_ID", "SYSTEM", "NAME")


def _status_json(row: StatusRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "type": row.type,
        "notify": "Y" if row.notify else "N",
        "sort": row.sort,
        "color": row.color,
        "xmlId": row.xml_id,
        "system": row.system,
        "name": row.name,
        "names": row.names,
    }


def _status_table(rows: list[dict[str, Any]]) -> str:
    table = [STATUS_HEADER] + [
        (
            _cell(row["id"]),
            _cell(row["type"]),
            _cell(row["sort"]),
            _cell(row["notify"]),
            _cell(row["color"] or "-"),
            _cell(row["xmlId"] or "-"),
            "yes" if row["system"] else "",
            _cell(row["name"] or ""),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(STATUS_HEADER) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        + "  "
        + line[-1]
        for line in table
    )


def _names(pairs: list[str] | None) -> dict[str, str]:
    names: dict[str, str] = {}
    for pair in pairs or []:
        lid, sep, name = pair.partition("=")
        if not sep:
            raise CliError(f"--name: {pair!r} is not LID=NAME (e.g. en=Paid; en= removes it)")
        names[lid.strip()] = name
    return names


def status_list(args: argparse.Namespace) -> int:
    from console.operations.statuses import list_statuses

    with operation(args) as ctx:
        dictionary = list_statuses(ctx, args.lang or "en", type=args.type)
    data = [_status_json(row) for row in dictionary.rows]
    emit(args, data, lambda: _status_table(data))
    return ExitCode.OK


def status_get(args: argparse.Namespace) -> int:
    from console.operations.statuses import find_status

    with operation(args) as ctx:
        row = find_status(ctx, args.id, args.lang or "en")
    data = _status_json(row)
    emit(args, data, lambda: _status_table([data]))
    return ExitCode.OK


def status_update(args: argparse.Namespace) -> int:
    from console.operations.statuses import StatusEdit, find_status, update_status

    with operation(args) as ctx:
        current = find_status(ctx, args.id, args.lang or "en")
        edit = StatusEdit(
            id=current.id,
            # The portal requires the type even when it does not change: keep the current one.
            type=args.type or current.type,
            notify=current.notify if args.notify is None else args.notify == "Y",
            sort=current.sort if args.sort is None else args.sort,
            color=current.color if args.color is None else args.color,
            xml_id=current.xml_id if args.xml_id is None else args.xml_id,
            names={**current.names, **_names(args.name)},
        )
        result = update_status(ctx, edit, current=current)
    data = _status_json(result.value)
    emit(args, data, lambda: "updated:\n" + _status_table([data]))
    return ExitCode.OK


def status_add(args: argparse.Namespace) -> int:
    from console.operations.statuses import StatusEdit, add_status

    edit = StatusEdit(
        id=args.id,
        type=args.type,
        notify=args.notify != "N",
        sort=100 if args.sort is None else args.sort,
        color=args.color,
        xml_id=args.xml_id,
        names=_names(args.name),
    )
    with operation(args) as ctx:
        result = add_status(ctx, edit, lang=args.lang or "en")
    data = _status_json(result.value)
    emit(args, data, lambda: "added:\n" + _status_table([data]))
    return ExitCode.OK


def status_delete(args: argparse.Namespace) -> int:
    from console.operations.statuses import delete_status, find_status, type_lock_reason

    reason = type_lock_reason(args.id)
    if reason:
        raise CliError(reason)
    with operation(args) as ctx:
        current = find_status(ctx, args.id, args.lang or "en")
        confirm(
            args,
            f"Delete status {current.id} ({current.name or 'no name'})?",
            "status delete changes the portal: confirm on a terminal or pass --yes",
        )
        delete_status(ctx, current)
    emit(args, {"deleted": args.id}, f"deleted status {args.id}")
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
    from console.operations import InvalidInput
    from console.operations.orders import change_delivery_status, change_order_status

    with operation(args) as ctx:
        if args.shipment is not None:
            try:
                shipment = change_delivery_status(ctx, args.id, args.shipment, args.status)
            except InvalidInput:
                # The shipment id alone names the shipment: another order's would change
                # some other customer's delivery.
                raise CliError(
                    f"--shipment: shipment {args.shipment} is not part of order {args.id}"
                ) from None
            data = _dump(shipment.value)
            human = (
                f"shipment {shipment.value.id} of order {args.id}: delivery status "
                f"{_cell(shipment.before['statusId'] or '-')} -> {_cell(shipment.value.status_id)}"
            )
        else:
            order = change_order_status(ctx, args.id, args.status)
            data = _dump(order.value)
            human = (
                f"order {order.value.id}: status {_cell(order.before['statusId'] or '-')} -> "
                f"{_cell(order.value.status_id)}"
            )
    emit(args, data, human)
    return ExitCode.OK


# --- bind ----------------------------------------------------------------------------


def _owner(args: argparse.Namespace) -> tuple[OwnerType, int] | None:
    if args.deal is not None:
        if args.smart_invoice or args.old_invoice:
            raise CliError("--smart-invoice/--old-invoice go with --invoice, not --deal")
        return OwnerType.DEAL, int(args.deal)
    if args.invoice is None:
        return None
    if args.smart_invoice and args.old_invoice:
        raise CliError("--old-invoice: not together with --smart-invoice")
    # The documentation names the smart invoice (31) as what an order binds to.
    kind = OwnerType.INVOICE if args.old_invoice else OwnerType.SMART_INVOICE
    return kind, int(args.invoice)


def _binding_line(data: dict[str, Any]) -> str:
    kind = {2: "deal", 5: "invoice (old)", 31: "invoice"}.get(data["ownerTypeId"], "type")
    return _cell(
        f"order {data['orderId']} -> {kind} {data['ownerId']} (ownerTypeId {data['ownerTypeId']})"
    )


def bind_add(args: argparse.Namespace) -> int:
    from console.operations.bindings import ExistingBinding, bind_order

    owner = _owner(args)
    assert owner is not None  # the argument group is required
    owner_type, owner_id = owner
    with operation(args) as ctx:
        try:
            result = bind_order(ctx, args.order_id, owner_type, owner_id, replace=args.replace)
        except ExistingBinding as exc:
            if exc.same:
                raise
            old = _binding_line(_dump(exc.binding))
            confirm(
                args,
                f"The order has a link ({old}). Replace it?",
                f"{old} already: an order has one link; pass --replace to replace it",
            )
            result = bind_order(ctx, args.order_id, owner_type, owner_id, replace=True)
    data = _dump(result.value)
    replaced = f" (replaced {result.before})" if result.before else ""
    emit(args, data, lambda: "bound: " + _binding_line(data) + replaced)
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
    from console.operations.bindings import unbind_order

    owner = _owner(args)
    with operation(args) as ctx:
        if owner is None:
            result = unbind_order(ctx, args.order_id)
        else:
            result = unbind_order(ctx, args.order_id, owner[0], owner[1])
    data = _dump(result.value)
    emit(args, {"removed": data}, lambda: "removed: " + _binding_line(data))
    return ExitCode.OK


def bind_search(args: argparse.Namespace) -> int:
    from console.operations.bindings import search_owners

    owner_type = OwnerType.DEAL if args.deal is not None else OwnerType.SMART_INVOICE
    with operation(args) as ctx:
        found = search_owners(ctx, owner_type, args.deal if args.deal is not None else args.invoice)
    data = [
        {
            "ownerTypeId": int(item.owner_type),
            "id": item.id,
            "title": item.title,
            "stage": item.stage,
            "amount": str(item.amount) if item.amount is not None else None,
            "currency": item.currency,
            "companyId": item.company_id,
            "contactId": item.contact_id,
        }
        for item in found
    ]

    def human() -> str:
        if not data:
            return "nothing found"
        return "\n".join(
            f"{row['id']:>6}  {row['title']}  [{row['stage']}]  "
            f"{row['amount'] or '-'} {row['currency']}  "
            + (f"company {row['companyId']}" if row["companyId"] else "")
            + (f"contact {row['contactId']}" if row["contactId"] else "")
            for row in data
        )

    emit(args, data, human)
    return ExitCode.OK


# --- registration --------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="NAME", help="profile to use (default: the only one)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _owner_options(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    owner = parser.add_mutually_exclusive_group(required=required)
    owner.add_argument("--deal", type=positive_id, metavar="ID", help="deal id")
    owner.add_argument("--invoice", type=positive_id, metavar="ID", help="invoice id")
    parser.add_argument(
        "--smart-invoice",
        action="store_true",
        help="the invoice is a smart invoice, ownerTypeId 31 (the default)",
    )
    parser.add_argument(
        "--old-invoice",
        action="store_true",
        help="the invoice is an old invoice (crm.invoice.*), ownerTypeId 5",
    )


def _status_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notify", choices=["Y", "N"], help="e-mail the customer on this status")
    parser.add_argument("--sort", type=sort_value, metavar="N")
    parser.add_argument("--color", type=color, metavar="#RRGGBB")
    parser.add_argument("--xml-id", metavar="X", help="external code")
    parser.add_argument(
        "--name",
        action="append",
        metavar="LID=NAME",
        help="name in a language, e.g. en=Paid (repeat; LID= removes it)",
    )
    parser.add_argument("--lang", type=language_id, metavar="LID", help="show names in LID")


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
    p.add_argument("--lang", type=language_id, metavar="LID", help="show the name in LID")
    _common(p)
    p.set_defaults(handler=status_get)
    p = status_sub.add_parser("update", help="change a status definition")
    p.add_argument("id", type=status_id, metavar="ID")
    p.add_argument("--type", choices=["O", "D"], help="O or D (default: the current type)")
    _status_options(p)
    _common(p)
    p.set_defaults(handler=status_update)
    p = status_sub.add_parser("add", help="add a status")
    p.add_argument("id", type=status_id, metavar="ID")
    p.add_argument("--type", choices=["O", "D"], required=True, help="O orders, D deliveries")
    _status_options(p)
    _common(p)
    p.set_defaults(handler=status_add)
    p = status_sub.add_parser("delete", help="delete a status (not N, F, DN or DF)")
    p.add_argument("id", type=status_id, metavar="ID")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--lang", type=language_id, metavar="LID", help=argparse.SUPPRESS)
    _common(p)
    p.set_defaults(handler=status_delete)

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
    p = bind_sub.add_parser("add", help="bind an order to a deal or invoice (one link per order)")
    p.add_argument("order_id", type=positive_id, metavar="ORDER_ID")
    _owner_options(p)
    p.add_argument("--replace", action="store_true", help="replace the order's current link")
    p.add_argument("--yes", action="store_true", help=argparse.SUPPRESS)
    _common(p)
    p.set_defaults(handler=bind_add)
    p = bind_sub.add_parser("list", help="list bindings")
    p.add_argument("--order", type=positive_id, metavar="ID")
    p.add_argument("--deal", type=positive_id, metavar="ID")
    _common(p)
    p.set_defaults(handler=bind_list)
    p = bind_sub.add_parser("remove", help="remove a binding (the order's only one by default)")
    p.add_argument("order_id", type=positive_id, metavar="ORDER_ID")
    _owner_options(p, required=False)
    _common(p)
    p.set_defaults(handler=bind_remove)
    p = bind_sub.add_parser("search", help="find deals or smart invoices by title")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--deal", metavar="TITLE", help="deals whose title contains TITLE")
    what.add_argument("--invoice", metavar="TITLE", help="smart invoices whose title contains it")
    _common(p)
    p.set_defaults(handler=bind_search)
