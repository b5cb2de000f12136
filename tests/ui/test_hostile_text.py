"""Hostile event text in the window: sent through the real listener, shown as plain text
(never obeyed as markup), with invisible characters visible and long values capped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from console.core.settings import Settings
from console.session import ListenSession
from console.ui.context import ConsoleContext
from console.ui.dialogs.diff import DiffDialog
from console.ui.models.choices import VALUE_ROLE, Choice, ChoiceModel
from console.ui.untrusted import LINE_LIMIT, PlainLabel, message_box, shown, tooltip
from console.ui.views.timeline import TimelineDialog
from tests.ui.hostile import (
    GREEN,
    IMAGE,
    LOOK_ALIKES,
    deliver,
    long_deliveries,
    look_alike_deliveries,
    markup_deliveries,
    obeys_markup,
    open_window,
    problems_in,
    rendered,
    save_profile,
)
from tests.ui.window_support import OFFSCREEN_NOISE, start_session

pytestmark = OFFSCREEN_NOISE
ROOT = Path(__file__).resolve().parents[2]
# The window under a barrage of hostile events, selected, hovered, compared: its peak.
MEMORY_MB = 600


# -- the helper -----------------------------------------------------------------------------


def test_shown_caps_and_makes_invisible_characters_visible() -> None:
    assert shown("300") == "300"
    assert {shown(text) for text in LOOK_ALIKES} == {"\\u202e003", "30\\u200b0", "3\\u206000"}
    assert shown("a\nb") == "a\\nb"
    assert shown("a\nb", one_line=False) == "a\nb"
    long = shown("3" * 1_000_000)
    assert long.startswith("3" * LINE_LIMIT)
    assert len(long) < LINE_LIMIT + 40
    assert "999700" in long  # says how much was left out


@pytest.mark.parametrize("text", [GREEN, IMAGE, "#1: " + GREEN, "a &lt;b&gt; c", "x\ny <b>"])
def test_a_tooltip_reads_as_the_text_it_was_given(qtbot: QtBot, text: str) -> None:
    del qtbot
    tip = tooltip(text)
    assert not obeys_markup(tip)
    assert rendered(tip) == shown(text, one_line=False)


def test_plain_label_and_message_box_never_read_markup(qtbot: QtBot) -> None:
    label = PlainLabel(GREEN)
    qtbot.addWidget(label)
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == GREEN
    label.setText("30\u200b0")
    assert label.text() == "30\\u200b0"
    box = message_box(None, QMessageBox.Icon.Question, GREEN, IMAGE)
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == IMAGE


def test_a_portals_choice_is_shown_plain_and_kept_whole(qtbot: QtBot) -> None:
    """A status name or deal title from the portal: shown capped and visible, chosen whole."""
    del qtbot
    name = "Paid\u200b" + "!" * 10_000
    model = ChoiceModel()
    model.set_choices([Choice(name, "P", tooltip=GREEN)])
    index = model.index(0, 0)
    assert model.data(index, Qt.ItemDataRole.DisplayRole).startswith("Paid\\u200b!!!")
    assert len(model.data(index, Qt.ItemDataRole.DisplayRole)) < LINE_LIMIT + 40
    assert not obeys_markup(model.data(index, Qt.ItemDataRole.ToolTipRole))
    assert model.data(index, Qt.ItemDataRole.EditRole) == name
    assert model.data(index, VALUE_ROLE) == "P"


# -- the window -----------------------------------------------------------------------------


@pytest.fixture
def hostile_session(tmp_path: Path) -> Iterator[ListenSession]:
    save_profile()
    running = start_session(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def every_widget() -> list[QWidget]:
    return [
        widget
        for top in QApplication.topLevelWidgets()
        for widget in [top, *top.findChildren(QWidget)]
    ]


def test_hostile_events_are_shown_as_plain_visible_capped_text(
    qtbot: QtBot, hostile_session: ListenSession, tmp_path: Path
) -> None:
    sent = deliver(
        hostile_session,
        [
            *markup_deliveries(GREEN),
            *markup_deliveries(IMAGE),
            *look_alike_deliveries(),
            *long_deliveries(20_000),
        ],
    )
    context = ConsoleContext(Settings())
    window, inspector = open_window(context, tmp_path)
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
            context.attach(hostile_session)
        model = window.feed_model
        qtbot.waitUntil(lambda: model.rowCount() == sent, timeout=10_000)
        found: list[str] = []
        for row in range(model.rowCount()):
            with qtbot.waitSignal(inspector.loaded, timeout=10_000):
                window.feed.selectRow(row)
            for tab in range(inspector.tabs.count()):
                inspector.tabs.setCurrentIndex(tab)
                entity = inspector.entity_tab
                qtbot.waitUntil(lambda e=entity: e._job is None, timeout=10_000)  # type: ignore[misc]
                found += [f"row {row}: {problem}" for problem in problems_in(every_widget())]
        # Compare two hostile events; the timeline of a hostile order.
        window.feed.selectRow(0)
        window.feed.selectionModel().select(
            model.index(1, 0),
            window.feed.selectionModel().SelectionFlag.Select
            | window.feed.selectionModel().SelectionFlag.Rows,
        )
        window.compare_selected()
        diff = next(d for d in window._dialogs if isinstance(d, DiffDialog))
        qtbot.waitUntil(lambda: diff.model.rowCount() > 0, timeout=10_000)
        found += [f"compare: {problem}" for problem in problems_in(every_widget())]
        for order in (GREEN, IMAGE, "30\u200b0"):
            timeline = window.open_timeline("shop", order)
            assert isinstance(timeline, TimelineDialog)
            qtbot.waitUntil(lambda t=timeline: t.view.model.rowCount() > 0, timeout=10_000)  # type: ignore[misc]
            found += [f"timeline {order!r}: {problem}" for problem in problems_in(every_widget())]
        assert not found, "\n".join(found)
        # The look-alikes read differently wherever the order is shown.
        orders = {model.data(model.index(row, 3)) for row in range(model.rowCount())}
        assert {"\\u202e003", "30\\u200b0", "3\\u206000"} <= orders
        # The inspector's header says the event's name and order as text.
        labels = [w for w in inspector.findChildren(QLabel) if GREEN in w.text()]
        assert all(w.textFormat() == Qt.TextFormat.PlainText for w in labels)
    finally:
        for dialog in list(window._dialogs):
            dialog.close()
        window.detach()
        context.jobs.shutdown()


def test_a_fuzzed_window_lives_and_stays_under_600_mb(tmp_path: Path) -> None:
    """Hostile bodies of every shape (markup with /dev/zero, bidi and zero-width runs, 1 MB
    values, compressed, deeply nested, markup in the profile path) through the real
    listener into a window in its own process: an abort there fails this test, not the run."""
    root = tmp_path / "data"
    root.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "tests.ui.hostile_window", str(root)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if run.returncode != 0:
        how = (
            f"died of {signal.Signals(-run.returncode).name}"
            if run.returncode < 0
            else f"exited with {run.returncode}"
        )
        pytest.fail(f"the window {how}:\n{run.stderr[-3000:]}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["stored"] == result["sent"], (result, run.stderr[-3000:])
    assert result["rows"] >= 20, result
    assert result["hovered"] > 1000, result
    assert result["peak_rss_mb"] < MEMORY_MB, result
