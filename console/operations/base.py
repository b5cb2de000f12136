"""What every operator action shares: who acts, on which portal, and how a change is
recorded and reported. Plain Python: the command line and the window call the same code.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from console.bitrix.errors import B24Error, OutcomeUnknown, user_message
from console.store.model import ChangeKind, ChangeOutcome, ChangeRecord

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient
    from console.session import RunningConsole
    from console.store.model import EventStore

log = logging.getLogger(__name__)

T = TypeVar("T")


def current_operator(configured: str | None = None) -> str:
    """Who acts: the configured operator name, else the OS user name."""
    if configured and configured.strip():
        return configured.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers): still record something
        return "unknown"


@dataclass
class OperationContext:
    """A portal client for ``profile``, and where changes are recorded (``store``).

    ``store=None`` records nothing (a read-only use, or tests of the call alone).
    """

    client: BitrixClient
    profile: str
    store: EventStore | None = None
    operator: str = field(default_factory=current_operator)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@contextmanager
def open_context(
    console: RunningConsole, profile: str, *, operator: str | None = None
) -> Iterator[OperationContext]:
    """A context on a running console (window, demo): its client for ``profile`` (closed
    on exit) and its store for the change log. Raises CredentialsError like client_for."""
    client = console.client_for(profile)
    try:
        yield OperationContext(client, profile, console.store, current_operator(operator))
    finally:
        client.close()


class OperationError(Exception):
    """An action did not happen; ``message`` is one sentence a person can act on."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class InvalidInput(OperationError):
    """Local validation refused the values before anything was sent; per field."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {text}" for name, text in self.problems.items()))


class PortalRefused(OperationError):
    """The portal answered with an error; ``error`` keeps its code and description."""

    def __init__(self, error: B24Error) -> None:
        self.error = error
        super().__init__(user_message(error))


class ChangeOutcomeUnknown(OperationError, Generic[T]):
    """The change was sent but no answer came. ``reread()`` reads the entity again so the
    operator sees whether it was applied before retrying; ``change_id`` is the change-log
    entry recorded as "unknown outcome" (None without a store); :meth:`confirm` records
    that a re-read showed it applied."""

    def __init__(
        self,
        error: OutcomeUnknown,
        reread: Callable[[], T],
        change_id: int | None,
        confirm: Callable[[T], int | None] | None = None,
    ) -> None:
        self.error = error
        self.reread = reread
        self.change_id = change_id
        self._confirm = confirm
        super().__init__(user_message(error))

    def confirm(self, value: T) -> int | None:
        """Given what :meth:`reread` returned: when it shows the change applied, record
        that in the change log (the "unknown" entry then reads as applied) and return the
        new entry's id; None when it does not show it, or nothing could be recorded."""
        return self._confirm(value) if self._confirm is not None else None


@dataclass(frozen=True)
class ChangeResult(Generic[T]):
    """A change the portal confirmed: the entity after it, and the change-log entry."""

    value: T
    before: Any
    after: Any
    summary: str
    change_id: int | None


@dataclass(frozen=True)
class ChangeSpec:
    """What the change log says about one change."""

    kind: ChangeKind
    action: str
    order_id: str | None
    entity_id: str | None
    before: Any
    after: Any
    summary: str


# The action of a change-log entry that says a re-read showed change N applied:
# "confirmed:N" (see console.operations.changelog.order_changes).
CONFIRMATION_PREFIX = "confirmed:"


def record(
    ctx: OperationContext, spec: ChangeSpec, outcome: ChangeOutcome, at: datetime
) -> int | None:
    """Write ``spec`` to the change log; a failing store never undoes a done change."""
    if ctx.store is None:
        return None
    change = ChangeRecord(
        at=at,
        operator=ctx.operator,
        profile=ctx.profile,
        kind=spec.kind,
        action=spec.action,
        order_id=spec.order_id,
        entity_id=spec.entity_id,
        before=spec.before,
        after=spec.after,
        outcome=outcome,
        summary=spec.summary,
    )
    try:
        return ctx.store.record_change(change)
    except Exception:  # the portal already changed; losing the log line is the lesser harm
        log.exception("could not record the change %s", spec.summary)
        return None


def send_change(
    ctx: OperationContext,
    spec: ChangeSpec,
    call: Callable[[], T],
    reread: Callable[[], Any],
    after: Callable[[T], Any] | None = None,
) -> ChangeResult[T]:
    """Run ``call`` (one change on the portal), record it and wrap its errors.

    ``after`` turns the call's result into the change log's "after" (default: the spec's).
    """
    # When it was sent: the portal's OnSaleOrderSaved can be stored before the answer is
    # read, and following_event() looks for events after this moment.
    sent_at = ctx.clock()
    try:
        value = call()
    except OutcomeUnknown as exc:
        change_id = record(ctx, spec, ChangeOutcome.UNKNOWN, sent_at)

        def confirm(now: Any) -> int | None:
            if change_id is None or after is None:
                return None
            try:
                applied = after(now) == spec.after
            except Exception:  # the re-read is of another shape: it cannot tell
                return None
            if not applied:
                return None
            confirmation = ChangeSpec(
                **{**spec.__dict__, "action": f"{CONFIRMATION_PREFIX}{change_id}"}
            )
            return record(ctx, confirmation, ChangeOutcome.APPLIED, ctx.clock())

        raise ChangeOutcomeUnknown(exc, reread, change_id, confirm) from exc
    except B24Error as exc:
        raise PortalRefused(exc) from exc
    final = spec if after is None else ChangeSpec(**{**spec.__dict__, "after": after(value)})
    change_id = record(ctx, final, ChangeOutcome.APPLIED, sent_at)
    return ChangeResult(value, final.before, final.after, final.summary, change_id)


def read(call: Callable[[], T]) -> T:
    """Run a read on the portal; its errors become :class:`PortalRefused`."""
    try:
        return call()
    except B24Error as exc:
        raise PortalRefused(exc) from exc
