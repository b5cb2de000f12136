"""The query bar: debounce, problems underlined and explained, completions, Esc clears."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.store.model import EventFilter
from console.store.querylang import Completion, ParsedQuery, QueryProblem, parse_query
from console.ui.views.query_bar import CompletionListModel, QueryBar
from tests.ui.window_support import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE


def strict_parse(text: str) -> ParsedQuery:
    """A parser that rejects any word containing '!' (the bar only needs the interface)."""
    problems: list[QueryProblem] = []
    position = 0
    for word in text.split(" "):
        if "!" in word:
            problems.append(QueryProblem(position, position + len(word), f"bad word {word}"))
        position += len(word) + 1
    return ParsedQuery(EventFilter(text=text or None), problems)


def broken_parse(text: str) -> ParsedQuery:
    raise RuntimeError(f"parser bug on {text!r}")


def test_typing_emits_once_after_the_debounce(qtbot: QtBot) -> None:
    bar = QueryBar(debounce_ms=50)
    qtbot.addWidget(bar)
    seen: list[str] = []
    bar.query_changed.connect(lambda text, _parsed: seen.append(text))
    with qtbot.waitSignal(bar.query_changed, timeout=2000):
        qtbot.keyClicks(bar.edit, "order:300")
    assert seen == ["order:300"]
    assert isinstance(bar.parsed, ParsedQuery)
    assert bar.parsed.filter == parse_query("order:300").filter


def test_problems_are_shown_and_cleared(qtbot: QtBot) -> None:
    bar = QueryBar(parse=strict_parse, debounce_ms=10)
    qtbot.addWidget(bar)
    bar.show()
    bar.set_query("order:1 oops! fine")
    assert bar.problem_label.isVisible()
    assert bar.problem_label.text() == "bad word oops!"
    assert "bad word oops!" in bar.edit.toolTip()
    bar.edit.repaint()  # the wavy underline paints without error
    bar.set_query("order:1")
    assert not bar.problem_label.isVisible()
    assert bar.edit.toolTip() == ""


def test_a_parser_that_raises_becomes_a_problem(qtbot: QtBot) -> None:
    bar = QueryBar(parse=broken_parse)
    qtbot.addWidget(bar)
    bar.show()
    with qtbot.waitSignal(bar.query_changed) as blocker:
        bar.set_query("anything")
    parsed = blocker.args[1]
    assert parsed.problems and "parser bug" in parsed.problems[0].message
    assert parsed.filter == EventFilter()


def test_escape_clears_the_query(qtbot: QtBot) -> None:
    bar = QueryBar()
    qtbot.addWidget(bar)
    bar.set_query("source:horoshop")
    with qtbot.waitSignal(bar.query_changed) as blocker:
        qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert blocker.args[0] == ""
    assert bar.text == ""


def test_completion_model(qtmodeltester: ModelTester) -> None:
    model = CompletionListModel()
    model.set_completions(
        [Completion(0, 2, "source:", "source:"), Completion(0, 2, "state:", "state:")]
    )
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(1).data() == "state:"


def test_applying_a_completion_replaces_the_word(qtbot: QtBot) -> None:
    bar = QueryBar()
    qtbot.addWidget(bar)
    bar.edit.setText("order:1 so")
    bar._completions.set_completions([Completion(8, 10, "source:", "source:")])
    bar._apply_completion(bar._completions.index(0))
    assert bar.text == "order:1 source:"
    assert bar.edit.cursorPosition() == len("order:1 source:")


def test_a_bare_order_number_says_it_means_either_system(qtbot: QtBot) -> None:
    bar = QueryBar(debounce_ms=10)
    qtbot.addWidget(bar)
    bar.show()
    bar.set_query("order:300")
    assert bar.problem_label.isVisible()
    assert "order:hs-300" in bar.problem_label.text()
    assert "order:b24-300" in bar.problem_label.text()
    bar.set_query("order:hs-300")
    assert not bar.problem_label.isVisible()


def test_the_completions_open_below_the_querys_problem(qtbot: QtBot) -> None:
    bar = QueryBar(debounce_ms=10)
    qtbot.addWidget(bar)
    bar.resize(700, 80)
    bar.show()
    qtbot.waitExposed(bar)
    bar.set_query("state:nonsense source:")
    assert bar.problem_label.isVisible()
    bar.edit.setFocus()
    bar.edit.setCursorPosition(len(bar.edit.text()))
    bar._offer_completions()
    popup = bar._completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    problem_bottom = bar.problem_label.mapToGlobal(bar.problem_label.rect().bottomLeft()).y()
    assert popup.geometry().top() >= problem_bottom
