"""Every key a window answers to, and the pairs of them Qt would find ambiguous.

Qt refuses a key that two enabled shortcuts claim where both apply ("Ambiguous shortcut
overload"): neither runs. A shortcut applies by its context: the whole window, the
widget and its children, or the widget alone; a mnemonic (``&`` in a label with a buddy,
a button, a group box, a tab, a menu title) applies to its whole window while it is
shown. Widgets on different pages of one stacked widget (a tab widget's pages) are never
shown together; any other widget may be (a hidden one is shown in another state).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMenu,
    QMenuBar,
    QStackedWidget,
    QTabBar,
    QWidget,
)

WINDOW, SUBTREE, ONLY = "window", "subtree", "widget"


@dataclass(frozen=True)
class Binding:
    keys: str
    scope: str
    owner: QWidget
    what: str

    def __str__(self) -> str:
        return f"{self.keys} ({self.what}, {self.scope} of {type(self.owner).__name__})"


def _scope(context: Qt.ShortcutContext) -> str:
    if context == Qt.ShortcutContext.WidgetShortcut:
        return ONLY
    if context == Qt.ShortcutContext.WidgetWithChildrenShortcut:
        return SUBTREE
    return WINDOW


def _portable(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


def mnemonic_of(text: str) -> str | None:
    """The Alt+letter of a text with ``&`` (``&&`` is a literal ampersand), or None."""
    sequence = QKeySequence.mnemonic(text)
    return None if sequence.isEmpty() else _portable(sequence)


def _pages(widget: QWidget) -> dict[int, QWidget]:
    """id(stacked widget) -> the page of it ``widget`` is on."""
    pages: dict[int, QWidget] = {}
    current: QWidget | None = widget
    while current is not None:
        parent = current.parentWidget()
        if isinstance(parent, QStackedWidget):
            pages[id(parent)] = current
        current = parent
    return pages


def shown_together(first: QWidget, second: QWidget) -> bool:
    a, b = _pages(first), _pages(second)
    return all(a[key] is b[key] for key in a.keys() & b.keys())


def _inside(widget: QWidget, ancestor: QWidget) -> bool:
    current: QWidget | None = widget
    while current is not None:
        if current is ancestor:
            return True
        current = current.parentWidget()
    return False


def bindings(top: QWidget) -> list[Binding]:
    """Every shortcut and mnemonic of ``top``'s window that can apply."""
    found: list[Binding] = []
    actions = {id(a): a for a in [*top.actions(), *top.findChildren(QAction)]}
    for action in actions.values():
        owners = [
            o
            for o in action.associatedObjects()
            if isinstance(o, QWidget) and not isinstance(o, QMenu | QMenuBar)
        ]
        owner = owners[0] if owners else top
        for sequence in action.shortcuts():
            if not sequence.isEmpty():
                what = action.text() or action.objectName()
                found.append(
                    Binding(_portable(sequence), _scope(action.shortcutContext()), owner, what)
                )
    for shortcut in top.findChildren(QShortcut):
        parent = shortcut.parent()
        if isinstance(parent, QWidget):
            sequences: list[QKeySequence] = shortcut.keys()
            for sequence in sequences:
                scope = _scope(shortcut.context())
                found.append(Binding(_portable(sequence), scope, parent, "QShortcut"))
    for widget in [top, *top.findChildren(QWidget)]:
        for keys, what in _mnemonics(widget):
            found.append(Binding(keys, WINDOW, widget, what))
    return found


def _mnemonics(widget: QObject) -> list[tuple[str, str]]:
    texts: list[str] = []
    labelled = isinstance(widget, QLabel) and widget.buddy() is not None
    button = isinstance(widget, QAbstractButton) and not isinstance(widget.parent(), QTabBar)
    if labelled or button:
        assert isinstance(widget, QLabel | QAbstractButton)
        texts.append(widget.text())
    elif isinstance(widget, QGroupBox):
        texts.append(widget.title())
    elif isinstance(widget, QTabBar):
        texts += [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
    elif isinstance(widget, QMenuBar):
        texts += [a.text() for a in widget.actions() if a.isVisible()]
    found = []
    for text in texts:
        keys = mnemonic_of(text)
        if keys is not None:
            found.append((keys, text))
    return found


def overlap(first: Binding, second: Binding) -> bool:
    if first.owner.window() is not second.owner.window():
        return False
    if not shown_together(first.owner, second.owner):
        return False
    if WINDOW in (first.scope, second.scope):
        return True
    if first.scope == SUBTREE and second.scope == SUBTREE:
        return _inside(first.owner, second.owner) or _inside(second.owner, first.owner)
    if first.scope == SUBTREE:
        return _inside(second.owner, first.owner)
    if second.scope == SUBTREE:
        return _inside(first.owner, second.owner)
    return first.owner is second.owner


def ambiguous(top: QWidget) -> list[str]:
    """Each pair of bindings of ``top`` that claim the same key where both apply."""
    found = bindings(top)
    clashes = []
    for first, second in combinations(found, 2):
        if first.keys.lower() == second.keys.lower() and overlap(first, second):
            clashes.append(f"{first}  <->  {second}")
    return clashes
