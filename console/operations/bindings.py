"""Binding an order to a deal or an invoice. An order has one link: an existing one is
shown and replaced only when the caller says so."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from decimal import Decimal

from console.bitrix.bindings import Binding
from console.bitrix.errors import B24Error, DealNotFound
from console.bitrix.models import OwnerType
from console.operations.base import (
    ChangeResult,
    ChangeSpec,
    OperationContext,
    OperationError,
    PortalRefused,
    read,
    send_change,
)
from console.store.model import ChangeKind

OWNER_NAMES = {
    OwnerType.DEAL: "deal",
    OwnerType.INVOICE: "invoice",
    OwnerType.SMART_INVOICE: "invoice",
}


def owner_label(owner_type: int, owner_id: int) -> str:
    try:
        name = OWNER_NAMES[OwnerType(owner_type)]
    except ValueError:
        name = f"CRM object of type {owner_type}"
    return f"{name} {owner_id}"


class ExistingBinding(OperationError):
    """The order already has a link; ``binding`` is it. Pass ``replace=True`` to replace."""

    def __init__(self, binding: Binding, *, same: bool) -> None:
        self.binding = binding
        self.same = same
        label = owner_label(binding.owner_type_id, binding.owner_id)
        if same:
            message = f"Order {binding.order_id} is already bound to {label}."
        else:
            message = (
                f"Order {binding.order_id} is bound to {label}. An order has one link: replace it?"
            )
        super().__init__(message)


class NotBound(OperationError):
    def __init__(self, order_id: int) -> None:
        super().__init__(f"Order {order_id} is not bound to a deal or invoice.")


class SeveralBindings(OperationError):
    """More than one link (made outside the console): the caller must name the owner."""

    def __init__(self, order_id: int, bindings: list[Binding]) -> None:
        self.bindings = bindings
        labels = ", ".join(owner_label(b.owner_type_id, b.owner_id) for b in bindings)
        super().__init__(f"Order {order_id} has several links ({labels}); name the one to remove.")


@dataclass(frozen=True)
class OwnerCandidate:
    """A deal or invoice found by title: what the bind form's search shows."""

    owner_type: OwnerType
    id: int
    title: str
    stage: str
    amount: Decimal | None
    currency: str
    company_id: int | None
    contact_id: int | None
    # The stage's and the contact's names on the portal ("" when it did not say).
    stage_name: str = ""
    contact_name: str = ""


def _binding_dict(binding: Binding | None) -> dict[str, int] | None:
    if binding is None:
        return None
    return {"ownerTypeId": binding.owner_type_id, "ownerId": binding.owner_id}


def order_bindings(ctx: OperationContext, order_id: int) -> list[Binding]:
    client = ctx.client
    return read(lambda: client.bindings.list(order_id=order_id))


def deal_bindings(ctx: OperationContext, deal_id: int) -> list[Binding]:
    """Every order bound to deal ``deal_id``."""
    client = ctx.client
    return read(lambda: client.bindings.list(owner_type_id=OwnerType.DEAL, owner_id=deal_id))


def owner_titles(ctx: OperationContext, bindings: list[Binding]) -> dict[tuple[int, int], str]:
    """(owner type, owner id) -> the deal's or smart invoice's title, for the Bindings
    page. Titles are a help: one the portal does not give is left out."""
    client = ctx.client
    titles: dict[tuple[int, int], str] = {}
    deals = sorted({b.owner_id for b in bindings if b.owner_type_id == OwnerType.DEAL})[:50]
    if deals:
        try:
            found = read(
                lambda: list(client.deals.iter(filter={"@ID": deals}, select=["ID", "TITLE"]))
            )
        except OperationError:
            found = []
        for deal in found:
            if deal.title:
                titles[(int(OwnerType.DEAL), deal.id)] = deal.title
    invoices = sorted({b.owner_id for b in bindings if b.owner_type_id == OwnerType.SMART_INVOICE})[
        :20
    ]
    for invoice_id in invoices:
        try:
            invoice = read(functools.partial(client.smart_invoices.get, invoice_id))
        except OperationError:
            continue
        if invoice is not None and invoice.title:
            titles[(int(OwnerType.SMART_INVOICE), invoice.id)] = invoice.title
    return titles


class OwnerNotFound(OperationError):
    def __init__(self, owner_type: OwnerType, owner_id: int) -> None:
        super().__init__(f"There is no {owner_label(int(owner_type), owner_id)} on the portal.")


def _check_owner(ctx: OperationContext, owner_type: OwnerType, owner_id: int) -> None:
    """Raise :class:`OwnerNotFound` when the deal or smart invoice does not exist (the old
    invoices have no reader here and are left to the portal)."""
    client = ctx.client
    if owner_type is OwnerType.DEAL:
        try:
            client.deals.get(owner_id)
        except DealNotFound:
            raise OwnerNotFound(owner_type, owner_id) from None
        except B24Error as exc:
            raise PortalRefused(exc) from exc
    elif (
        owner_type is OwnerType.SMART_INVOICE
        and read(lambda: client.smart_invoices.get(owner_id)) is None
    ):
        raise OwnerNotFound(owner_type, owner_id)


def bind_order(
    ctx: OperationContext,
    order_id: int,
    owner_type: OwnerType,
    owner_id: int,
    *,
    replace: bool = False,
) -> ChangeResult[Binding]:
    """Bind the order. An existing link raises :class:`ExistingBinding` unless ``replace``;
    replacing removes the old link first (``deleteByFilter``), then adds the new one."""
    client = ctx.client
    existing = order_bindings(ctx, order_id)
    for binding in existing:
        if binding.owner_type_id == int(owner_type) and binding.owner_id == owner_id:
            raise ExistingBinding(binding, same=True)
    if existing and not replace:
        raise ExistingBinding(existing[0], same=False)
    if existing:
        # Replacing removes the old link first: make sure the new owner exists, or a typo
        # would leave the order with no link at all.
        _check_owner(ctx, owner_type, owner_id)
    old = existing[0] if existing else None
    label = owner_label(int(owner_type), owner_id)
    spec = ChangeSpec(
        kind=ChangeKind.BINDING,
        action="replace" if old is not None else "add",
        order_id=str(order_id),
        entity_id=f"{int(owner_type)}:{owner_id}",
        before=_binding_dict(old),
        after={"ownerTypeId": int(owner_type), "ownerId": owner_id},
        summary=f"order {order_id} bound to {label}"
        + (f" (was {owner_label(old.owner_type_id, old.owner_id)})" if old else ""),
    )

    def call() -> Binding:
        for binding in existing:
            client.bindings.remove(binding.order_id, binding.owner_type_id, binding.owner_id)
        return client.bindings.add(order_id, owner_type, owner_id)

    return send_change(ctx, spec, call, reread=lambda: client.bindings.list(order_id=order_id))


def unbind_order(
    ctx: OperationContext,
    order_id: int,
    owner_type: OwnerType | None = None,
    owner_id: int | None = None,
) -> ChangeResult[Binding]:
    """Remove the order's link. Without an owner the order's single link is removed
    (:class:`NotBound` when it has none, :class:`SeveralBindings` when it has more)."""
    client = ctx.client
    existing = order_bindings(ctx, order_id)
    if owner_type is not None and owner_id is not None:
        target = next(
            (b for b in existing if b.owner_type_id == int(owner_type) and b.owner_id == owner_id),
            Binding(order_id=order_id, owner_type_id=int(owner_type), owner_id=owner_id),
        )
    elif not existing:
        raise NotBound(order_id)
    elif len(existing) > 1:
        raise SeveralBindings(order_id, existing)
    else:
        target = existing[0]
    spec = ChangeSpec(
        kind=ChangeKind.BINDING,
        action="remove",
        order_id=str(order_id),
        entity_id=f"{target.owner_type_id}:{target.owner_id}",
        before=_binding_dict(target),
        after=None,
        summary=f"order {order_id} unbound from "
        + owner_label(target.owner_type_id, target.owner_id),
    )

    def call() -> Binding:
        client.bindings.remove(order_id, target.owner_type_id, target.owner_id)
        return target

    return send_change(
        ctx,
        spec,
        call,
        reread=lambda: client.bindings.list(order_id=order_id),
        after=lambda _: None,
    )


def search_owners(ctx: OperationContext, owner_type: OwnerType, title: str) -> list[OwnerCandidate]:
    """Deals (``crm.deal.list`` ``%TITLE``) or smart invoices (``crm.item.list``, type 31)
    whose title contains ``title``. The old invoices (5) have no search here."""
    return _with_names(ctx, _search(ctx, owner_type, title))


def _with_names(ctx: OperationContext, found: list[OwnerCandidate]) -> list[OwnerCandidate]:
    """The candidates with their stage and contact names. Names are a help: a portal that
    refuses them (no CRM rights for the lists) leaves the ids as they are."""
    from console.bitrix.crm_names import contact_names, stage_entity, stage_names

    if not found:
        return found
    client = ctx.client
    entities = {
        stage_entity(c.stage, invoice=c.owner_type is OwnerType.SMART_INVOICE)
        for c in found
        if c.stage
    }
    try:
        stages = read(lambda: stage_names(client, entities))
    except OperationError:
        stages = {}
    try:
        contacts = read(lambda: contact_names(client, (c.contact_id or 0 for c in found)))
    except OperationError:
        contacts = {}
    return [
        dataclasses.replace(
            c,
            stage_name=stages.get(c.stage, ""),
            contact_name=contacts.get(c.contact_id or 0, ""),
        )
        for c in found
    ]


def _search(ctx: OperationContext, owner_type: OwnerType, title: str) -> list[OwnerCandidate]:
    client = ctx.client
    if owner_type is OwnerType.DEAL:
        deals = read(lambda: client.deals.search(title))
        return [
            OwnerCandidate(
                OwnerType.DEAL,
                deal.id,
                deal.title or "",
                deal.stage_id or "",
                deal.opportunity,
                deal.currency_id or "",
                deal.company_id or None,
                deal.contact_id or None,
            )
            for deal in deals
        ]
    invoices = read(lambda: client.smart_invoices.search(title))
    return [
        OwnerCandidate(
            OwnerType.SMART_INVOICE,
            invoice.id,
            invoice.title or "",
            invoice.stage_id or "",
            invoice.opportunity,
            invoice.currency_id or "",
            invoice.company_id or None,
            invoice.contact_id or None,
        )
        for invoice in invoices
    ]
