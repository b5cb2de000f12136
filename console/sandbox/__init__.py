"""The sandbox portal: a loopback HTTP server that behaves like a Bitrix24 portal.

It emulates the documented REST methods, errors and limits, the OAuth token server and
the outgoing events, for ``b24-console --demo`` and for the client and listener tests.
"""

from console.sandbox.faults import Faults
from console.sandbox.portal import SandboxConfig, SandboxPortal
from console.sandbox.state import PortalState

__all__ = ["Faults", "PortalState", "SandboxConfig", "SandboxPortal"]
