"""Links that open an order, a deal or an invoice in the portal's own web pages."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from console.bitrix.models import OwnerType
from console.core.profiles import ProfileNotFound, ProfileRepository
from console.ui.context import ConsoleContext

if TYPE_CHECKING:
    from console.session import RunningConsole


def portal_address(console: RunningConsole | None, profile: str) -> str | None:
    """The portal's address for ``profile`` (the sandbox's for the demo); runs in a job
    (it reads the profiles file)."""
    if console is None:
        return None
    profiles = getattr(console, "profiles", None)
    if isinstance(profiles, ProfileRepository):
        try:
            return profiles.get(profile).portal_url.rstrip("/")
        except ProfileNotFound:
            return None
    base = getattr(getattr(console, "portal", None), "base_url", None)
    return base.rstrip("/") if isinstance(base, str) and base else None


def order_url(portal: str, order_id: int | str) -> str:
    return f"{portal}/shop/orders/details/{order_id}/"


def owner_url(portal: str, owner_type: int, owner_id: int) -> str | None:
    paths = {
        OwnerType.DEAL: f"/crm/deal/details/{owner_id}/",
        OwnerType.SMART_INVOICE: f"/crm/type/{int(OwnerType.SMART_INVOICE)}/details/{owner_id}/",
        OwnerType.INVOICE: f"/crm/invoice/show/{owner_id}/",
    }
    try:
        path = paths.get(OwnerType(owner_type))
    except ValueError:
        return None
    return f"{portal}{path}" if path else None


def links_html(portal: str, order_id: int | None, owner: tuple[int, int] | None) -> str:
    """ "Open order 300 · Open deal 5 in the portal" as links (our markup, escaped URLs)."""
    parts: list[str] = []
    if order_id is not None:
        parts.append(
            f'<a href="{escape(order_url(portal, order_id))}">'
            + escape(
                QCoreApplication.translate("PortalLinks", "Open order {id}").format(id=order_id)
            )
            + "</a>"
        )
    if owner is not None:
        url = owner_url(portal, *owner)
        if url is not None:
            parts.append(
                f'<a href="{escape(url)}">'
                + escape(
                    QCoreApplication.translate("PortalLinks", "Open {kind} {id}").format(
                        kind=owner_kind(owner[0]), id=owner[1]
                    )
                )
                + "</a>"
            )
    if not parts:
        return ""
    return (
        " · ".join(parts) + " " + escape(QCoreApplication.translate("PortalLinks", "in the portal"))
    )


def owner_kind(owner_type: int) -> str:
    names = {
        int(OwnerType.DEAL): QCoreApplication.translate("PortalLinks", "deal"),
        int(OwnerType.SMART_INVOICE): QCoreApplication.translate("PortalLinks", "invoice"),
        int(OwnerType.INVOICE): QCoreApplication.translate("PortalLinks", "old invoice"),
    }
    return names.get(owner_type, str(owner_type))


class PortalLinksLabel(QLabel):
    """ "Open order 300 · Open deal 5 in the portal": the profile's portal address is read
    in a job (:meth:`set_profile`), then :meth:`show_links` names what to open."""

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("portalLinks")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setOpenExternalLinks(True)
        self._context = context
        self.portal: str | None = None
        self._wanted: tuple[int | None, tuple[int, int] | None] = (None, None)

    def set_profile(self, profile: str) -> None:
        console = self._context.console

        def done(address: str | None) -> None:
            if shiboken6.isValid(self):
                self.portal = address
                self.show_links(*self._wanted)

        self._context.jobs.submit(
            lambda _job: portal_address(console, profile),
            on_done=done,
            lane=f"portal-links-{id(self)}",
        )

    def show_links(self, order_id: int | None, owner: tuple[int, int] | None) -> None:
        self._wanted = (order_id, owner)
        if self.portal is None or (order_id is None and owner is None):
            self.setText("")
            return
        self.setText(links_html(self.portal, order_id, owner))
