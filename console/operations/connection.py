"""Test a connection the way the console will use it: the online store and the CRM, each
probed with a method the console really calls, each reported with the fix in words."""

from __future__ import annotations

from dataclasses import dataclass

from console.bitrix import errors as e
from console.operations.base import OperationContext


@dataclass(frozen=True)
class ProbeResult:
    """One probe: ``ok``, and when not, what went wrong and how to fix it."""

    name: str
    method: str
    ok: bool
    problem: str = ""
    fix: str = ""
    code: str = ""

    @property
    def mark(self) -> str:
        return "✓" if self.ok else "✗"


@dataclass(frozen=True)
class ConnectionReport:
    portal: str
    probes: list[ProbeResult]

    @property
    def ok(self) -> bool:
        return all(probe.ok for probe in self.probes)


def fix_for(error: BaseException) -> str:
    """What the operator can do about ``error``, in words."""
    if isinstance(error, e.RestUnavailable):
        return (
            "The portal's plan has no REST API: it is available only on commercial "
            "Bitrix24 plans. Upgrade the plan, then test again."
        )
    if isinstance(error, e.StoreAccessDenied):
        return (
            "The webhook's user needs online-store rights: make them an administrator of "
            "the online store (CRM → Settings → Access permissions), or create the webhook "
            "as such a user."
        )
    if isinstance(error, e.InsufficientScope | e.MethodNotFound):
        return (
            "The webhook lacks a scope: edit the inbound webhook in Bitrix24 and tick "
            "'sale' (online store) and 'crm'. Also check the portal address."
        )
    if isinstance(error, e.NoAuthFound):
        return (
            "The webhook address or code is wrong, or the webhook was deleted: copy the "
            "inbound webhook URL from Bitrix24 again and update the profile."
        )
    if isinstance(error, e.Unauthorized | e.OAuthServerError):
        return "The sign-in is no longer valid: authorize the application again."
    if isinstance(error, e.AccessDenied):
        return "The webhook's user lacks permissions here: check their access rights."
    if isinstance(error, e.SaleModuleMissing):
        return "The online store module is not installed on this portal."
    if isinstance(error, e.NetworkError):
        return "The portal could not be reached: check the address and the network."
    if isinstance(error, e.B24Error):
        return e.user_message(error)
    return "Unexpected failure; see the log."


def _probe(ctx: OperationContext, name: str, method: str, params: dict[str, object]) -> ProbeResult:
    try:
        ctx.client.call(method, params)
    except e.B24Error as exc:
        return ProbeResult(name, method, False, e.user_message(exc), fix_for(exc), exc.code)
    return ProbeResult(name, method, True)


def check_connection(ctx: OperationContext) -> ConnectionReport:
    """Probe the online store (``sale.status.list``) and the CRM (``crm.deal.list``)."""
    probes = [
        _probe(ctx, "online store", "sale.status.list", {"select": ["id"], "start": -1}),
        _probe(ctx, "CRM", "crm.deal.list", {"select": ["ID"], "start": -1}),
    ]
    return ConnectionReport(ctx.client.portal_host, probes)
