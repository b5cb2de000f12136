"""Screenshots of the real window for the README, taken from a live demo console.

Run under a real display (Xvfb) so fonts and styles are those an operator sees::

    Xvfb :60 -screen 0 1600x1000x24 &
    DISPLAY=:60 QT_QPA_PLATFORM=xcb uv run python -m tests.ui.screenshot_window \
        --out resources/screenshots [--dark]
    ... -m tests.ui.screenshot_window --out resources/screenshots --main-only --size 1024x700

With B24_CONSOLE_LANGUAGE=uk the window is in Ukrainian and each file is named ``*-uk.png``.
With ``--main-only`` only the main window is saved, named after its size
(``main-window-1024x700.png``).

It starts the demo (sandbox portal, listener, store), makes the shop do one of each thing
plus a few status changes of order 300, and saves the main window, a query, the diff of
two saves of order 300, the order timeline and a rejected event.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("B24_CONSOLE_CONFIG_DIR", tempfile.mkdtemp(prefix="b24-shots-"))

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from console.core.settings import Settings
from console.demo import DEMO_ACTS, DemoSession
from console.store.model import EventFilter, EventSource, Verification
from console.ui.context import ConsoleContext
from console.ui.language import choose_language, current_language, install_translators
from console.ui.theme import apply_theme
from console.ui.views.main_window import MainWindow, default_factories
from tests.support.qt_loop import run_for, run_until

ORDER = "300"


def settle(seconds: float = 0.6) -> None:
    run_for(seconds)


def save(widget: QWidget, out: Path, name: str) -> None:
    settle()
    # B24_CONSOLE_LANGUAGE=uk: the Ukrainian shots sit beside the English ones.
    path = out / f"{name}{'-uk' if current_language() == 'uk' else ''}.png"
    widget.grab().save(str(path))
    print(path, flush=True)


def select_event(window: MainWindow, event_id: int) -> None:
    run_until(lambda: window.feed_model.row_of(event_id) is not None)
    row = window.feed_model.row_of(event_id)
    assert row is not None, event_id
    window.feed.selectRow(row)
    settle(1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dark", action="store_true", help="only the main window, dark")
    parser.add_argument(
        "--size", default="1500x880", help="the window's size, WIDTHxHEIGHT (default 1500x880)"
    )
    parser.add_argument(
        "--main-only",
        action="store_true",
        help="only the main window, saved as main-window-WIDTHxHEIGHT.png",
    )
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication([])
    install_translators(app, choose_language("en"))
    apply_theme(app, dark=args.dark)
    context = ConsoleContext(Settings())
    window = MainWindow(context, factories=default_factories())
    window.resize(width, height)
    window.show()
    window.install_inspector()
    demo = DemoSession(activity_seconds=None, seed=7).start()
    context.attach(demo)
    store = demo.store
    try:
        with demo.client() as client:
            for kind in DEMO_ACTS:
                demo.act(kind, client)
            for status in ("P", "S", "F"):
                client.orders.set_status(int(ORDER), status)
                # A later second: saves in the same second with the same ts are duplicates.
                time.sleep(1.1)
            for _ in range(12):
                demo.act_once(client)
        order_saves = EventFilter(
            sources=frozenset({EventSource.BITRIX}),
            verification=frozenset({Verification.VERIFIED}),
            order_id=ORDER,
        )
        run_until(lambda: len(store.query(order_saves, limit=10)) >= 3)
        saves = store.query(order_saves, limit=10)
        run_until(lambda: window.feed_model.row_of(saves[0].id) is not None)
        settle(2.5)  # the sidebar's counts and the status bar catch up

        select_event(window, saves[0].id)
        suffix = ("-dark" if args.dark else "") + (f"-{width}x{height}" if args.main_only else "")
        save(window, args.out, f"main-window{suffix}")
        if args.dark or args.main_only:
            return

        window.inspector.tabs.setCurrentWidget(window.inspector.entity_tab)  # type: ignore[union-attr]
        window.inspector.entity_tab.fetch()  # type: ignore[union-attr]
        settle(2.0)
        save(window, args.out, "entity")
        window.inspector.tabs.setCurrentIndex(0)  # type: ignore[union-attr]

        rejected = store.query(
            EventFilter(verification=frozenset({Verification.REJECTED})), limit=1
        )
        if rejected:
            select_event(window, rejected[0].id)
            save(window, args.out, "rejected")

        window.query_bar.edit.setFocus()
        QTest.keyClicks(window.query_bar.edit, f"order:{ORDER} source:bitrix,catch-up")
        settle(0.5)
        run_until(lambda: window.feed_model.rowCount() > 0 and not window.feed_model.loading)
        select_event(window, saves[0].id)
        save(window, args.out, "query")

        diff = default_factories().diff(context, saves[1].id, saves[0].id, window)
        diff.resize(1100, 700)
        diff.show()
        settle(1.5)
        save(diff, args.out, "diff")
        diff.close()

        timeline = default_factories().timeline(context, "demo", ORDER, window)
        timeline.resize(1100, 520)
        timeline.show()
        settle(1.5)
        save(timeline, args.out, "timeline")
        timeline.close()
    finally:
        window.detach()
        context.jobs.shutdown()
        demo.stop()


if __name__ == "__main__":
    main()
