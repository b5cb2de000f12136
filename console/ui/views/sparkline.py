"""Events per minute over the last hour, painted with QPainter (no chart module)."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

MINUTES = 60


class EventRateSparkline(QWidget):
    """Keeps 60 per-minute buckets; :meth:`add` counts a live event, :meth:`seed` loads history."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._buckets: deque[int] = deque([0] * MINUTES, maxlen=MINUTES)
        self._minute = int(time.time() // 60)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip(self.tr("Events per minute, last hour"))

    def sizeHint(self) -> QSize:
        return QSize(MINUTES * 2 + 4, 18)

    def _advance(self, now: float) -> None:
        minute = int(now // 60)
        steps = min(MINUTES, minute - self._minute)
        for _ in range(max(0, steps)):
            self._buckets.append(0)
        if steps > 0:
            self._minute = minute

    def add(self, received_at: float | None = None, count: int = 1) -> None:
        """Count ``count`` events at ``received_at`` (epoch seconds; now when None)."""
        now = time.time()
        self._advance(now)
        moment = now if received_at is None else received_at
        back = self._minute - int(moment // 60)
        if 0 <= back < MINUTES:
            # No repaint per event (hundreds a second under load): tick() repaints.
            self._buckets[MINUTES - 1 - back] += count

    def seed(self, received_seconds: list[float]) -> None:
        """Replace the history with these event times (from an initial store query)."""
        self._buckets = deque([0] * MINUTES, maxlen=MINUTES)
        self._minute = int(time.time() // 60)
        for moment in received_seconds:
            back = self._minute - int(moment // 60)
            if 0 <= back < MINUTES:
                self._buckets[MINUTES - 1 - back] += 1
        self._update_tooltip()
        self.update()

    def tick(self) -> None:
        """Called every few seconds so quiet minutes scroll by too."""
        self._advance(time.time())
        self._update_tooltip()
        self.update()

    def values(self) -> list[int]:
        return list(self._buckets)

    def _update_tooltip(self) -> None:
        self.setToolTip(
            self.tr("Events per minute, last hour: %1 in all, at most %2 a minute")
            .replace("%1", str(sum(self._buckets)))
            .replace("%2", str(max(self._buckets)))
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(1, 2, -1, -2)
        palette = self.palette()
        baseline = palette.color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(baseline, 1))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        peak = max(self._buckets)
        if peak == 0:
            painter.end()
            return
        step = area.width() / (MINUTES - 1)
        path = QPainterPath()
        for position, value in enumerate(self._buckets):
            point = QPointF(
                area.left() + position * step, area.bottom() - area.height() * value / peak
            )
            if position == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
        painter.setPen(
            QPen(palette.color(QPalette.ColorRole.Highlight), 1.4, Qt.PenStyle.SolidLine)
        )
        painter.drawPath(path)
        painter.end()
