"""Finds user-visible text in ``console/ui`` that does not go through ``tr()``.

An AST scan: a string literal (or an f-string, or a concatenation holding one) that is
passed to a call putting text on the screen (``setText``, ``setToolTip``, ``QLabel(...)``,
``QAction(...)``, ``addMenu``, ``QMessageBox.warning`` ...) is reported unless it is
wrapped in ``self.tr``/``QCoreApplication.translate``. A literal with no letters outside
HTML tags ("", "…", ":", "<b>") is not text. A line ending in ``# notr`` is taken at its
word (product names, ids, URLs). ``tr()`` over an f-string or a concatenation is reported
too: lupdate cannot extract it, so no translation would ever match it at run time. So is a
bare ``tr(...)`` or ``_tr(...)`` helper: lupdate gives it no context, or does not see it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

# Methods whose string arguments end up on the screen.
TEXT_METHODS = frozenset(
    {
        "setText",
        "setToolTip",
        "setStatusTip",
        "setWhatsThis",
        "setWindowTitle",
        "setPlaceholderText",
        "setTitle",
        "setLabelText",
        "setInformativeText",
        "setDetailedText",
        "setButtonText",
        "setTabText",
        "setTabToolTip",
        "setItemText",
        "setPrefix",
        "setSuffix",
        "setSpecialValueText",
        "setHeaderLabels",
        "setHorizontalHeaderLabels",
        "setAccessibleName",
        "setFormat",
        "showMessage",
        "addMenu",
        "addAction",
        "addTab",
        "insertTab",
        "addItem",
        "insertItem",
        "addRow",
        "addButton",
        "setPlainText",
        "setHtml",
        "setMarkdown",
        "showText",
        "information",
        "warning",
        "critical",
        "question",
        "about",
        "getText",
        "getItem",
    }
)
# The console's own calls that put a sentence on screen: which positional arguments are text.
CONSOLE_TEXT_ARGUMENTS: dict[str, tuple[int, ...]] = {
    "say": (0,),
    "fail": (0,),
    "_say": (0,),
    "_set_message": (0,),
    "show_message": (0,),
    "show_start_error": (0,),
    "set_listener_error": (0,),
    "page_title": (0,),
    "start": (0,),
    "_action": (0,),
    "ask": (1, 2),
    "_shown": (1,),
    "Choice": (0,),
    "FeedView": (0,),
}
# Widgets and objects whose constructor's string arguments are shown.
TEXT_CONSTRUCTORS = frozenset(
    {
        "QLabel",
        "QPushButton",
        "QToolButton",
        "QCheckBox",
        "QRadioButton",
        "QGroupBox",
        "QAction",
        "QMenu",
        "QMessageBox",
        "QCommandLinkButton",
        "QProgressDialog",
        "QDockWidget",
        "QLineEdit",
    }
)
TRANSLATE_CALLS = frozenset({"tr", "translate", "QT_TR_NOOP", "QT_TRANSLATE_NOOP"})
# Arguments of the text calls that are never text.
NOT_TEXT_KEYWORDS = frozenset({"objectName", "parent", "icon", "shortcut"})


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    call: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.call}: {self.problem}"


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_translation(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _call_name(node) in TRANSLATE_CALLS


_MARKUP = re.compile(r"<[^<>]*>|&\w+;")
# Receivers whose ``warning``/``critical`` calls write a log, not a message box.
LOG_RECEIVERS = frozenset({"log", "logger", "logging", "_log"})


def _is_text_literal(value: str) -> bool:
    """Whether ``value`` has words in it once HTML tags and entities are taken out."""
    return any(char.isalpha() for char in _MARKUP.sub("", value))


def _raw_text(node: ast.AST) -> str | None:
    """The untranslated text ``node`` puts on screen, or None when it puts none.

    Walks into concatenations, f-strings, conditional expressions and ``.format``/
    ``.replace``/``.join`` receivers, but never into a translation call.
    """
    if _is_translation(node):
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if _is_text_literal(node.value) else None
    if isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                if _is_text_literal(part.value):
                    return part.value
            elif isinstance(part, ast.FormattedValue):
                found = _raw_text(part.value)
                if found is not None:
                    return found
        return None
    if isinstance(node, ast.BinOp):
        return _raw_text(node.left) or _raw_text(node.right)
    if isinstance(node, ast.IfExp):
        return _raw_text(node.body) or _raw_text(node.orelse)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"format", "replace", "arg", "strip", "upper", "capitalize"}
    ):
        return _raw_text(node.func.value)
    return None


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.findings: list[Finding] = []

    def _waived(self, node: ast.AST) -> bool:
        first = getattr(node, "lineno", 1)
        last = getattr(node, "end_lineno", first) or first
        return any(self.lines[n - 1].rstrip().endswith("# notr") for n in range(first, last + 1))

    def _report(self, node: ast.AST, call: str, problem: str) -> None:
        if not self._waived(node):
            self.findings.append(Finding(self.path, getattr(node, "lineno", 0), call, problem))

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if isinstance(receiver, ast.Name) and receiver.id in LOG_RECEIVERS:
            name = ""
        if name in TEXT_METHODS or name in TEXT_CONSTRUCTORS:
            arguments: list[ast.AST] = list(node.args)
            arguments += [k.value for k in node.keywords if k.arg not in NOT_TEXT_KEYWORDS]
        elif name in CONSOLE_TEXT_ARGUMENTS:
            positions = CONSOLE_TEXT_ARGUMENTS[name]
            arguments = [a for i, a in enumerate(node.args) if i in positions]
        else:
            arguments = []
        for argument in arguments:
            text = _raw_text(argument)
            if text is not None:
                self._report(argument, name, f"untranslated text {text!r}")
        if name in TRANSLATE_CALLS:
            source_index = 1 if name in {"translate", "QT_TRANSLATE_NOOP"} else 0
            if len(node.args) > source_index:
                source = node.args[source_index]
                if isinstance(source, ast.JoinedStr | ast.BinOp):
                    self._report(node, name, "tr() over a built string: lupdate cannot see it")
            if isinstance(node.func, ast.Name) and name == "tr":
                self._report(node, name, "a bare tr(): use self.tr or QCoreApplication.translate")
        if isinstance(node.func, ast.Name) and node.func.id == "_tr":
            self._report(node, "_tr", "a _tr() helper: lupdate does not see it")
        self.generic_visit(node)


def scan_source(source: str, path: str = "<snippet>") -> list[Finding]:
    """Every untranslated user-visible string in one module's source."""
    scanner = _Scanner(path, source.splitlines())
    scanner.visit(ast.parse(source, filename=path))
    return scanner.findings


def scan_tree(root: Path) -> list[Finding]:
    """:func:`scan_source` over every ``.py`` file under ``root``."""
    findings: list[Finding] = []
    for path in sorted(root.rglob("*.py")):
        findings.extend(scan_source(path.read_text(encoding="utf-8"), str(path)))
    return findings
