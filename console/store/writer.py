"""The writer thread both event stores share: queued writes in order, appends grouped.

Appends that arrive while a transaction runs are handed to the store together, so that
under a burst many events share one commit (group commit). Any other write is a
:class:`WriteJob`, run in its own transaction between the groups, in the order the callers
queued it. How a group or a job is committed (SQL dialect, retries, connection handling)
stays with the store, which passes it in as two callbacks.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from console.store.model import StoreClosedError

log = logging.getLogger(__name__)

T = TypeVar("T")
ConnT = TypeVar("ConnT")
AppendT = TypeVar("AppendT")


@dataclass(slots=True)
class WriteJob(Generic[ConnT, T]):
    """A write other than an append, run in its own transaction on the writer thread."""

    run: Callable[[ConnT], T]
    future: Future[T]


class GroupCommitWriter(Generic[AppendT, ConnT]):
    """One thread that takes queued appends and jobs in order and hands them to the store.

    ``commit_appends``: commits one group of appends (at most ``max_group``) and resolves
    their futures. ``run_job``: runs one :class:`WriteJob` in its own transaction and
    resolves its future. ``on_exit``: called on the writer thread as it ends, whatever the
    reason (the store closes its write connection there).
    """

    def __init__(
        self,
        commit_appends: Callable[[list[AppendT]], None],
        run_job: Callable[[WriteJob[ConnT, Any]], None],
        *,
        max_group: int,
        on_exit: Callable[[], None],
    ) -> None:
        self._commit_appends = commit_appends
        self._run_job = run_job
        self._max_group = max_group
        self._on_exit = on_exit
        self._queue: queue.SimpleQueue[AppendT | WriteJob[ConnT, Any] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._stopping = False
        # Daemon: a process that exits without close() must not hang on it; anything still
        # queued then was never acknowledged, because futures resolve only after commit.
        self._thread = threading.Thread(target=self._loop, name="event-store-writer", daemon=True)
        self._thread.start()

    @property
    def stopping(self) -> bool:
        """Whether :meth:`stop` was called: nothing new is queued from then on."""
        return self._stopping

    def put(self, item: AppendT | WriteJob[ConnT, Any]) -> None:
        """Queue ``item``; raises :class:`StoreClosedError` once the writer is stopping,
        or when it died of a bug and would never answer."""
        with self._lock:
            if self._stopping:
                raise StoreClosedError("the event store is closed")
            if not self._thread.is_alive():
                raise StoreClosedError("the event store's writer stopped; the log says why")
            self._queue.put(item)

    def submit_job(self, run: Callable[[ConnT], T]) -> Future[T]:
        """Queue ``run`` as a job; the future resolves with its result after its commit."""
        future: Future[T] = Future()
        self.put(WriteJob(run, future))
        return future

    def call(self, run: Callable[[ConnT], T]) -> T:
        """Run ``run`` in its own transaction on the writer thread; return its result.

        Called from the writer thread itself (a subscriber writing), it runs at once:
        waiting for the queue there would wait for ourselves.
        """
        job: WriteJob[ConnT, T] = WriteJob(run, Future())
        if self.on_writer_thread():
            self._run_job(job)
        else:
            self.put(job)
        return job.future.result()

    def probe(self, run: Callable[[ConnT], None], timeout: float) -> str | None:
        """Run ``run`` as a job and wait up to ``timeout``: ``None`` when it committed,
        else why not, in a line for a health check."""
        if not self.is_alive():
            return "the store's writer thread has stopped"
        try:
            self.submit_job(run).result(timeout=timeout)
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return None

    def stop(self) -> bool:
        """Commit everything queued, then end the thread; False when already stopping.

        Waits for the thread unless called on it (a subscriber closing the store).
        """
        with self._lock:
            if self._stopping:
                return False
            self._stopping = True
            # Under the lock, after _stopping: nothing can be queued behind the sentinel.
            self._queue.put(None)
        if not self.on_writer_thread():
            self._thread.join()
        return True

    def on_writer_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def queue_depth(self) -> int:
        return self._queue.qsize()

    def _loop(self) -> None:
        try:
            stopping = False
            while not stopping:
                batch = [self._queue.get()]
                while len(batch) < self._max_group:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                appends: list[AppendT] = []
                for item in batch:
                    if item is not None and not isinstance(item, WriteJob):
                        appends.append(item)
                        continue
                    # Keep the order callers asked for: appends before a job commit first.
                    self._commit_appends(appends)
                    appends = []
                    if item is None:
                        stopping = True
                    else:
                        self._run_job(item)
                self._commit_appends(appends)
        except BaseException:  # a bug here would silently stall every caller: say so loudly
            log.critical("event store writer stopped", exc_info=True)
            raise
        finally:
            self._on_exit()
