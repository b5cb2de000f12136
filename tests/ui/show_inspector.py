"""Show the inspector, the diff, the timeline and the resend dialog on realistic events.

Until the main window exists this is how to look at them::

    uv run python -m tests.ui.show_inspector              # interactive
    uv run python -m tests.ui.show_inspector --out DIR    # PNG screenshots, then exit

The sample bodies are posted to a real listener (so they are stored exactly as intake
stores them) and the Entity tab reads orders from the sandbox portal.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import keyring
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from console.sandbox import SandboxConfig, SandboxPortal
from console.ui.context import ConsoleContext
from console.ui.dialogs.diff import DiffDialog
from console.ui.dialogs.resend import ResendDialog
from console.ui.views.inspector import InspectorPanel
from console.ui.views.timeline import TimelineDialog
from tests.listener.conftest import sample
from tests.support.memory_keyring import MemoryKeyring
from tests.ui.loopback import LoopbackConsole, make_context

ORDER = "bitrix-onsaleordersaved-webhook.form"


def wait_for(signal: object, timeout_ms: int = 10000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def settle(ms: int = 150) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def grab(widget: QWidget, out: Path, name: str) -> None:
    settle()
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, help="save screenshots here and exit")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="inspector-show-"))
    os.environ["B24_CONSOLE_CONFIG_DIR"] = str(root / "config")
    os.environ["B24_CONSOLE_DATA_DIR"] = str(root / "data")
    keyring.set_keyring(MemoryKeyring())
    app = QApplication(sys.argv)
    portal = SandboxPortal(SandboxConfig(port=0)).start()
    console = LoopbackConsole(root, portal)
    context: ConsoleContext = make_context(console)
    try:
        owner = str(portal.state.property_values[300]["orderId"])
        order = console.post_sample(ORDER)
        console.post_sample(
            ORDER,
            ts="1714649700",
            **{"data[FIELDS][ACTION]": "update", "data[FIELDS][XML_ID]": None},
        )
        second = console.newest()
        value = console.post_sample("bitrix-onpropertyvalueentitysaved-webhook.form")
        console.post_sample(ORDER, **{"data[FIELDS][ID]": owner})
        horoshop = console.put_horoshop(sample("horoshop-order_created.json"))
        forged = console.post_sample(ORDER, **{"auth[application_token]": "f" * 32})
        binary = console.put_horoshop(b'{"order_id": 7, "name": "\xff\xfeKyiv"}')

        panel = InspectorPanel(context)
        panel.resize(900, 700)
        panel.setWindowTitle("Inspector")
        panel.show()
        shown: list[QWidget] = [panel]

        def open_dialog(make: Callable[[], QWidget]) -> None:
            dialog = make()
            dialog.show()
            shown.append(dialog)

        panel.compare_requested.connect(
            lambda event_id: open_dialog(lambda: DiffDialog(context, order.id, event_id))
        )
        panel.resend_requested.connect(
            lambda event_id: open_dialog(lambda: ResendDialog(context, event_id))
        )
        panel.timeline_requested.connect(
            lambda profile, order_id: open_dialog(
                lambda: TimelineDialog(context, profile or None, order_id)
            )
        )

        def show(event_id: int) -> None:
            panel.show_event(event_id)
            wait_for(panel.loaded)

        if args.out is None:
            show(order.id)
            return app.exec()

        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        show(order.id)
        grab(panel, out, "inspector-form-payload")
        panel.payload_tab.views.setCurrentIndex(1)
        grab(panel, out, "inspector-form-lines")
        panel.payload_tab.views.setCurrentIndex(0)
        panel.tabs.setCurrentWidget(panel.raw_tab)
        grab(panel, out, "inspector-form-raw")
        panel.tabs.setCurrentWidget(panel.headers_tab)
        grab(panel, out, "inspector-headers")
        panel.tabs.setCurrentWidget(panel.entity_tab)
        wait_for(panel.entity_tab.fetched)
        grab(panel, out, "inspector-entity-order")
        show(value.id)
        wait_for(panel.entity_tab.fetched)
        grab(panel, out, "inspector-entity-property-value")
        show(horoshop.id)
        grab(panel, out, "inspector-entity-horoshop")
        panel.tabs.setCurrentWidget(panel.payload_tab)
        grab(panel, out, "inspector-horoshop-payload")
        show(forged.id)
        grab(panel, out, "inspector-rejected")
        show(binary.id)
        panel.tabs.setCurrentWidget(panel.raw_tab)
        grab(panel, out, "inspector-non-utf8-raw")

        diff = DiffDialog(context, order.id, second.id)
        diff.show()
        wait_for(diff.loaded)
        grab(diff, out, "diff")
        diff.only_differences.setChecked(True)
        grab(diff, out, "diff-only-differences")
        diff.close()

        timeline = TimelineDialog(context, "shop", owner)
        timeline.show()
        wait_for(timeline.view.loaded)
        settle(500)
        grab(timeline, out, "timeline")
        timeline.close()

        resend = ResendDialog(context, order.id)
        resend.show()
        wait_for(resend.loaded)
        resend.send_button.click()
        wait_for(resend.sent)
        grab(resend, out, "resend")
        resend.close()
        return 0
    finally:
        context.jobs.shutdown()
        console.stop()
        portal.stop()


if __name__ == "__main__":
    sys.exit(main())
