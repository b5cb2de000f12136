"""The status bar at a narrow window: no value is cut without a mark. Numbers (today's
count, the REST budget, the listener's port) are never cut; other labels end in "…"
with their whole text in the tooltip; a message too long for the bar is shown whole
above the feed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from console.ui.context import ConsoleContext
from console.ui.settings import LayoutStore
from console.ui.views.elided_label import ElidedLabel
from console.ui.views.main_window import MainWindow
from console.ui.views.status_bar import PortalState, StatusSnapshot
from tests.ui.window_support import OFFSCREEN_NOISE, context, session

pytestmark = OFFSCREEN_NOISE
__all__ = ["context", "session"]


def shown(label: QLabel) -> str:
    return label.shown_text() if isinstance(label, ElidedLabel) else label.text()


def fits_or_is_marked(label: QLabel) -> bool:
    text = shown(label)
    room = label.contentsRect().width()
    return label.fontMetrics().horizontalAdvance(text) <= room or text.endswith("…")


def test_a_narrow_window_cuts_with_an_ellipsis_and_never_a_number(
    qtbot: QtBot, context: ConsoleContext, tmp_path: Path
) -> None:
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    bar = window.status
    bar._today = 19
    now = datetime.now(UTC)
    portals = [
        PortalState(f"shop-{n}", None if n else "timed out", now, now, 3, 1) for n in range(4)
    ]
    bar._snapshot_arrived(StatusSnapshot(portals=portals, buckets={"p.example": (1.0, 50)}))
    bar._on_tick()
    window.status.team.store_label.setText("Team database olena@db.shop.example:5432/team" * 2)
    bar_layout = bar.layout()
    assert bar_layout is not None
    bar_layout.activate()
    assert bar.width() <= 1024

    listener = window.context.console.listener  # type: ignore[union-attr]
    assert listener is not None
    port = listener.base_url.rsplit(":", 1)[1]
    assert shown(bar.listener_label).endswith(port)
    assert shown(bar.today_label) == "Today: 19"
    assert shown(bar.rest_label) == "REST 49/50"
    for label in bar.findChildren(QLabel):
        if label.isVisible() and label.text():
            assert fits_or_is_marked(label), (label.objectName(), shown(label))
            if shown(label) != label.text():
                assert label.text() in label.toolTip()

    message = "order 300 bound to deal 31 (was deal 30); the portal answered in 2.5 s " * 3
    window.show_message(message)
    assert bar.currentMessage() == message
    assert shown(bar.message_label).endswith("…")
    assert window.notice_banner.isVisible() and window.notice_banner.text() == message
    window.detach()
