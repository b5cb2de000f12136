"""Work that must not run on the GUI thread: store queries, REST calls, keyring reads.

:class:`JobRunner` runs plain callables on worker threads and hands their results back
on the GUI thread. The workers are daemon threads: a job stuck on a portal that does not
answer never holds up quitting (a ``QThreadPool`` waits for its jobs when destroyed).

A job may belong to a *lane* ("feed-query", "entity-fetch"): starting a newer job in the
same lane makes the older one stale, and a stale result is dropped instead of delivered,
so a slow query can never overwrite the answer to a newer one.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")


class JobCancelled(Exception):
    """Raised inside a job by :meth:`JobContext.check` once the job was cancelled."""


@dataclass
class JobContext:
    """What a running job may use: progress reports and a cancellation check."""

    job_id: int
    _relay: _Relay
    _cancelled: threading.Event = field(default_factory=threading.Event)

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise :class:`JobCancelled` if the job was cancelled; call it between steps."""
        if self._cancelled.is_set():
            raise JobCancelled

    def progress(self, done: int, total: int) -> None:
        """Report progress (``total`` 0 = unknown); delivered on the GUI thread."""
        self._relay.progressed.emit(self.job_id, done, total)


@dataclass
class _Callbacks(Generic[T]):
    on_done: Callable[[T], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[int, int], None] | None
    lane: str | None
    context: JobContext


class Job:
    """A handle on a submitted job."""

    def __init__(self, runner: JobRunner, job_id: int, context: JobContext) -> None:
        self._runner = runner
        self.job_id = job_id
        self._context = context

    def cancel(self) -> None:
        """Ask the job to stop at its next :meth:`JobContext.check`; its result is dropped."""
        self._context._cancelled.set()
        self._runner._forget(self.job_id)

    @property
    def cancelled(self) -> bool:
        return self._context.cancelled


class _Relay(QObject):
    """Lives on the GUI thread; workers emit through it, so delivery is a queued call."""

    finished = Signal(int, bool, object)
    progressed = Signal(int, int, int)


class _Runnable:
    def __init__(self, fn: Callable[[JobContext], Any], context: JobContext) -> None:
        self._fn = fn
        self._context = context

    def run(self) -> None:
        context = self._context
        try:
            context.check()
            result = self._fn(context)
        except BaseException as exc:  # every failure goes back to the GUI, never lost here
            self._report(False, exc)
        else:
            self._report(True, result)

    def _report(self, ok: bool, payload: object) -> None:
        # RuntimeError: the runner is gone (the window quit while this job ran).
        with contextlib.suppress(RuntimeError):
            self._context._relay.finished.emit(self._context.job_id, ok, payload)


class _DaemonPool:
    """Up to ``max_threads`` daemon worker threads taking jobs in order."""

    def __init__(self, max_threads: int) -> None:
        self._max = max_threads
        self._tasks: queue.SimpleQueue[_Runnable] = queue.SimpleQueue()
        self._lock = threading.Condition()
        self._threads = 0
        self._idle = 0
        self._queued = 0
        # Started and not finished, queued ones included.
        self._outstanding = 0

    def start(self, task: _Runnable) -> None:
        with self._lock:
            self._outstanding += 1
            self._queued += 1
            spawn = self._queued > self._idle and self._threads < self._max
            if spawn:
                self._threads += 1
        self._tasks.put(task)
        if spawn:
            threading.Thread(target=self._work, name="console-job", daemon=True).start()

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            task = self._tasks.get()
            with self._lock:
                self._idle -= 1
                self._queued -= 1
            try:
                task.run()
            finally:
                with self._lock:
                    self._outstanding -= 1
                    self._lock.notify_all()

    def clear(self) -> None:
        """Drop the jobs not started yet."""
        while True:
            try:
                self._tasks.get_nowait()
            except queue.Empty:
                return
            with self._lock:
                self._queued -= 1
                self._outstanding -= 1
                self._lock.notify_all()

    def wait_for_done(self, wait_ms: int) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: self._outstanding <= 0, wait_ms / 1000)


class JobRunner(QObject):
    """Runs callables off the GUI thread and calls back on it; see the module docstring."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = _DaemonPool(max_threads)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver)
        self._relay.progressed.connect(self._report_progress)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Callbacks[Any]] = {}
        self._lanes: dict[str, int] = {}
        self._closed = False

    def submit(
        self,
        fn: Callable[[JobContext], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        lane: str | None = None,
    ) -> Job:
        """Run ``fn(context)`` on a worker thread.

        ``on_done(result)`` or ``on_error(exception)`` then runs on the GUI thread, unless a
        newer job took the same ``lane`` or the job was cancelled. Without ``on_error`` a
        failure is logged.
        """
        job_id = next(self._ids)
        context = JobContext(job_id, self._relay)
        handle = Job(self, job_id, context)
        if self._closed:
            context._cancelled.set()
            return handle
        if lane is not None:
            older = self._lanes.get(lane)
            if older is not None and older in self._pending:
                # The older job's result is stale: cancel it so it stops early if it can.
                self._pending.pop(older).context._cancelled.set()
            self._lanes[lane] = job_id
        self._pending[job_id] = _Callbacks(on_done, on_error, on_progress, lane, context)
        self._pool.start(_Runnable(fn, context))
        return handle

    def cancel_lane(self, lane: str) -> None:
        """Drop whatever the lane is running."""
        job_id = self._lanes.pop(lane, None)
        if job_id is not None:
            callbacks = self._pending.pop(job_id, None)
            if callbacks is not None:
                callbacks.context._cancelled.set()

    def busy(self, lane: str) -> bool:
        """True while the newest job of ``lane`` has not reported back."""
        job_id = self._lanes.get(lane)
        return job_id is not None and job_id in self._pending

    def wait_for_idle(self, wait_ms: int) -> bool:
        """Block until every job started has finished (its result may still be on its way
        to the GUI thread); False after ``wait_ms``. For tests and shutdown, never a slot."""
        return self._pool.wait_for_done(wait_ms)

    def shutdown(self, wait_ms: int = 3000) -> None:
        """Cancel everything, deliver nothing more, and wait a little for running jobs;
        one still running after ``wait_ms`` is left to its daemon thread."""
        self._closed = True
        for callbacks in self._pending.values():
            callbacks.context._cancelled.set()
        self._pending.clear()
        self._lanes.clear()
        self._pool.clear()
        self._pool.wait_for_done(wait_ms)

    def _forget(self, job_id: int) -> None:
        callbacks = self._pending.pop(job_id, None)
        if (
            callbacks is not None
            and callbacks.lane is not None
            and self._lanes.get(callbacks.lane) == job_id
        ):
            del self._lanes[callbacks.lane]

    @Slot(int, bool, object)
    def _deliver(self, job_id: int, ok: bool, payload: object) -> None:
        callbacks = self._pending.pop(job_id, None)
        if callbacks is None:
            return  # cancelled, stale or shut down
        if callbacks.lane is not None and self._lanes.get(callbacks.lane) == job_id:
            del self._lanes[callbacks.lane]
        if ok:
            if callbacks.on_done is not None:
                callbacks.on_done(payload)
            return
        assert isinstance(payload, BaseException)
        if isinstance(payload, JobCancelled):
            return
        if callbacks.on_error is not None:
            callbacks.on_error(payload)
        else:
            log.error("background job failed", exc_info=payload)

    @Slot(int, int, int)
    def _report_progress(self, job_id: int, done: int, total: int) -> None:
        callbacks = self._pending.get(job_id)
        if callbacks is not None and callbacks.on_progress is not None:
            callbacks.on_progress(done, total)
