"""One core function per operator action, shared by the command line and the window.

Each takes an :class:`OperationContext` (client, profile, store, operator), returns a typed
result and raises :class:`OperationError` subclasses: :class:`InvalidInput` (nothing sent),
:class:`PortalRefused` (the portal's reason), :class:`ChangeOutcomeUnknown` (sent, no
answer; offers ``reread()``). Every change is recorded in the store's change log.
"""

from console.operations.base import (
    ChangeOutcomeUnknown,
    ChangeResult,
    InvalidInput,
    OperationContext,
    OperationError,
    PortalRefused,
    current_operator,
    open_context,
)

__all__ = [
    "ChangeOutcomeUnknown",
    "ChangeResult",
    "InvalidInput",
    "OperationContext",
    "OperationError",
    "PortalRefused",
    "current_operator",
    "open_context",
]
