"""Two events' payloads side by side, marked key by key: "what changed between these two
saves of order 300?"."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.listener.payload_diff import DiffNode, Mark, count_marks, diff_payloads
from console.store.model import StoredEvent
from console.ui.context import ConsoleContext
from console.ui.jobs import JobContext
from console.ui.models.diff import DiffTreeModel
from console.ui.models.payload import has_at_most
from console.ui.untrusted import PlainLabel, shown
from console.ui.views.inspector import local_time


@dataclass(frozen=True)
class _Compared:
    left: StoredEvent | None
    right: StoredEvent | None
    diff: DiffNode | None
    counts: dict[Mark, int]


class DiffDialog(QDialog):
    """Non-modal; loads both events and compares them in a job. ``loaded`` fires after."""

    loaded = Signal()

    def __init__(
        self,
        context: ConsoleContext,
        first_id: int,
        second_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare events #{a} and #{b}").format(a=first_id, b=second_id))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(900, 700)
        self._context = context
        self._ids = (first_id, second_id)
        self._small = True

        self.model = DiffTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.tree.header()
        header.resizeSection(0, 220)
        header.resizeSection(1, 250)
        header.resizeSection(2, 250)
        self.only_differences = QCheckBox(self.tr("Show only differences"))
        self.only_differences.toggled.connect(self._filter)
        self.summary = PlainLabel(self.tr("Loading…"))
        self.sides = PlainLabel()
        self.sides.setWordWrap(True)
        self.sides.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.only_differences)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sides)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self._load()

    def _load(self) -> None:
        store = self._context.store
        if store is None:
            self.summary.setText(self.tr("The console is still starting; close and try again."))
            return
        first_id, second_id = self._ids

        def work(job: JobContext) -> _Compared:
            left = store.get(first_id)
            job.check()
            right = store.get(second_id)
            if left is None or right is None:
                return _Compared(left, right, None, {})
            diff = diff_payloads(left.payload, right.payload)
            return _Compared(left, right, diff, count_marks(diff))

        self._context.jobs.submit(
            work,
            on_done=self._show,
            on_error=lambda exc: self.summary.setText(
                self.tr("Could not read the events: {error}").format(error=exc)
            ),
            lane=f"diff-{id(self)}",
        )

    def _describe(self, event: StoredEvent) -> str:
        return (
            f"#{event.id} {shown(event.event)} · {event.source.value} · "
            f"{local_time(event.received_at)}"
        )

    def _show(self, compared: _Compared) -> None:
        if compared.left is None or compared.right is None or compared.diff is None:
            missing = self._ids[0] if compared.left is None else self._ids[1]
            self.summary.setText(self.tr("Event #{id} is no longer stored.").format(id=missing))
            self.loaded.emit()
            return
        self.model.set_headers(
            self.tr("Left: #{id}").format(id=compared.left.id),
            self.tr("Right: #{id}").format(id=compared.right.id),
        )
        self.sides.setText(
            self.tr("Left: {left}\nRight: {right}").format(
                left=self._describe(compared.left), right=self._describe(compared.right)
            )
        )
        counts = compared.counts
        if counts[Mark.CHANGED] + counts[Mark.ADDED] + counts[Mark.REMOVED] == 0:
            self.summary.setText(
                self.tr("The payloads are the same (%n keys).", "", counts[Mark.SAME])
            )
        else:
            self.summary.setText(
                self.tr(
                    "{changed} changed, {added} added, {removed} removed, {same} the same"
                ).format(
                    changed=counts[Mark.CHANGED],
                    added=counts[Mark.ADDED],
                    removed=counts[Mark.REMOVED],
                    same=counts[Mark.SAME],
                )
            )
        self._small = has_at_most(compared.left.payload, 500) and has_at_most(
            compared.right.payload, 500
        )
        self.model.set_diff(compared.diff)
        self._expand()
        self.loaded.emit()

    def _filter(self, only: bool) -> None:
        self.model.set_only_differences(only)
        self._expand()

    def _expand(self) -> None:
        # Real events are small: open everything so every mark is in view.
        if self._small:
            self.tree.expandAll()
