"""The fuzz run: hostile bodies of every shape through the real listener into an offscreen
window, every row hovered and selected, every inspector tab opened and hovered, compared
and shown in the order's timeline.

Run in its own process by ``test_hostile_text.py``: a window that dies of the markup it
was sent (``std::bad_alloc`` from ``<img src="/dev/zero">``) aborts this process, and the
test reports the signal instead of losing the whole pytest run. Prints one JSON line
(rows, hovers, peak memory) when the window lived through it all.

    python -m tests.ui.hostile_window DIR [--screenshot PNG]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import shiboken6
from PySide6.QtCore import QEvent, QEventLoop, QModelIndex, QTimer, SignalInstance
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QToolTip, QWidget

from console.core.settings import Settings
from console.store.model import EventFilter
from console.ui.context import ConsoleContext
from console.ui.dialogs.diff import DiffDialog
from console.ui.views.timeline import TimelineDialog
from tests.support.memory_keyring import MemoryKeyring
from tests.ui.hostile import (
    DEV_ZERO,
    GREEN,
    deliver,
    long_deliveries,
    look_alike_deliveries,
    markup_deliveries,
    open_window,
    save_profile,
    shaped_deliveries,
)
from tests.ui.window_support import start_session

TIMEOUT = 60.0
# Address space for the whole run (Qt, Python, thread stacks): far above what a healthy
# window maps, far below the machine's memory.
ADDRESS_SPACE_MB = 3072
# Rows of a tree or table hovered per view: the first screenful is what a mouse reaches.
HOVER_ROWS = 40


def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Run the event loop until ``condition`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def fired(signal: SignalInstance) -> Callable[[], bool]:
    """A condition that holds once ``signal`` has been emitted."""
    seen: list[bool] = []
    signal.connect(lambda *_args: seen.append(True))
    return lambda: bool(seen)


def hover(widget: QWidget, at: QWidget | None = None, index: QModelIndex | None = None) -> None:
    """What a resting mouse does: ask ``widget`` (or a view's cell) for its tooltip."""
    target = at or widget
    point = target.rect().center()
    if index is not None and isinstance(widget, QAbstractItemView):
        widget.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        point = widget.visualRect(index).center()
    event = QHelpEvent(QEvent.Type.ToolTip, point, target.mapToGlobal(point))
    QApplication.sendEvent(target, event)
    QApplication.processEvents()
    QToolTip.hideText()


def hover_view(view: QAbstractItemView) -> int:
    """Hover the first rows of ``view`` (every column, and one level of children)."""
    model = view.model()
    if model is None or not view.isVisible():
        return 0
    hovered = 0
    parents = [QModelIndex()]
    while parents and hovered < HOVER_ROWS * 4:
        parent = parents.pop()
        for row in range(min(model.rowCount(parent), HOVER_ROWS)):
            for column in range(model.columnCount(parent)):
                hover(view, view.viewport(), model.index(row, column, parent))
                hovered += 1
            child = model.index(row, 0, parent)
            if parent == QModelIndex() and model.rowCount(child) > 0:
                parents.append(child)
    return hovered


def hover_everything(root: QWidget) -> int:
    """Every visible widget with a tooltip, and every visible item view's rows."""
    hovered = 0
    for widget in [root, *root.findChildren(QWidget)]:
        # A tooltip's label is a child of the widget it belongs to, deleted when hidden.
        if not shiboken6.isValid(widget) or not widget.isVisible():
            continue
        if isinstance(widget, QAbstractItemView):
            hovered += hover_view(widget)
        elif widget.toolTip():
            hover(widget)
            hovered += 1
    return hovered


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_mapped_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(root: Path, screenshot: Path | None) -> dict[str, object]:
    keyring.set_keyring(MemoryKeyring())
    app = QApplication.instance() or QApplication(sys.argv[:1])
    save_profile()
    session = start_session(root)
    sent = deliver(
        session,
        [
            *markup_deliveries(DEV_ZERO),
            *markup_deliveries(GREEN),
            *look_alike_deliveries(),
            *long_deliveries(1_000_000),
            *shaped_deliveries(),
        ],
    )
    context = ConsoleContext(Settings())
    window, inspector = open_window(context, root)
    context.attach(session)
    model = window.feed_model
    shown_rows = len(session.store.query_rows(model.event_filter, limit=1000))
    print(f"{sent} sent, {shown_rows} rows to show", file=sys.stderr, flush=True)
    wait_until(lambda: model.rowCount() == shown_rows and not model.loading, "the feed")
    hovered = 0
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            hover(window.feed, window.feed.viewport(), model.index(row, column))
            hovered += 1
    for row in range(model.rowCount()):
        event_id = model.event_id(row)
        window.feed.selectRow(row)
        wait_until(
            lambda e=event_id: (
                inspector.current_event is not None  # type: ignore[misc]
                and inspector.current_event.id == e
            ),
            f"event {event_id} in the inspector",
        )
        for tab in range(inspector.tabs.count()):
            inspector.tabs.setCurrentIndex(tab)
            entity = inspector.entity_tab
            wait_until(lambda e=entity: e._job is None, "the entity tab")  # type: ignore[misc]
            hovered += hover_everything(inspector)
    for first in range(0, model.rowCount() - 1, 2):
        ids = sorted(i for i in (model.event_id(first), model.event_id(first + 1)) if i)
        dialog = DiffDialog(context, ids[0], ids[1], window)
        compared = fired(dialog.loaded)
        dialog.show()
        wait_until(compared, "the comparison")
        hovered += hover_everything(dialog)
        dialog.close()
    orders = {row.order_id for row in map(model.feed_row, range(model.rowCount())) if row}
    for order in sorted(o for o in orders if o)[:12]:
        timeline = window.open_timeline("shop", order)
        assert isinstance(timeline, TimelineDialog)
        wait_until(fired(timeline.view.loaded), f"the timeline of {order[:40]!r}")
        hovered += hover_everything(timeline)
        timeline.close()
    if screenshot is not None:
        for row in range(model.rowCount()):
            feed_row = model.feed_row(row)
            # The verified event named <img src="/dev/zero">, with it as a payload key too.
            if feed_row is not None and feed_row.event == DEV_ZERO and feed_row.profile == "shop":
                window.feed.selectRow(row)
                wait_until(
                    lambda r=feed_row: (
                        inspector.current_event is not None  # type: ignore[misc]
                        and inspector.current_event.id == r.id
                    ),
                    "the screenshot's event",
                )
                break
        inspector.tabs.setCurrentIndex(0)
        inspector.payload_tab.tree.horizontalScrollBar().setValue(0)
        window.resize(1600, 900)
        QApplication.processEvents()
        window.grab().save(str(screenshot))
    stored = sum(1 for _ in session.store.iter_events(EventFilter(include_duplicates=True)))
    window.detach()
    context.jobs.shutdown()
    window.close()
    session.stop()
    del app
    return {
        "sent": sent,
        "stored": stored,
        "rows": shown_rows,
        "hovered": hovered,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_mapped_mb": round(peak_mapped_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument(
        "--address-space-mb",
        type=int,
        default=ADDRESS_SPACE_MB,
        help="the most memory this process may map (0: no limit)",
    )
    args = parser.parse_args(argv)
    if args.address_space_mb:
        # A window that reads /dev/zero into a label would otherwise take the machine's
        # memory until the kernel kills something; capped, it dies of std::bad_alloc.
        limit = args.address_space_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    result = run(args.root, args.screenshot)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
