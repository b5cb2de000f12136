"""The window's remembered layout: geometry, splitters, columns, last query and view.

Only layout lives in ``QSettings`` (it is Qt's own binary state and means nothing
outside Qt); everything the operator configures is in the declared settings file
(:mod:`console.core.settings`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

from console.core.paths import config_dir

ORGANIZATION = "b24-console"
APPLICATION = "b24-console"


@dataclass
class WindowLayout:
    geometry: QByteArray | None = None
    state: QByteArray | None = None
    main_splitter: QByteArray | None = None
    feed_splitter: QByteArray | None = None
    feed_header: QByteArray | None = None
    last_query: str = ""
    selected_view: str | None = None


def _bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


class LayoutStore:
    """Reads and writes :class:`WindowLayout` under one ``QSettings`` group."""

    GROUP = "window"

    def __init__(self, settings: QSettings | None = None) -> None:
        # Beside settings.json, so B24_CONSOLE_CONFIG_DIR moves (and isolates) both.
        self._settings = settings or QSettings(
            str(config_dir() / "window.ini"), QSettings.Format.IniFormat
        )

    def load(self) -> WindowLayout:
        s = self._settings
        s.beginGroup(self.GROUP)
        try:
            query = s.value("last_query", "")
            view = s.value("selected_view", "")
            return WindowLayout(
                geometry=_bytes(s, "geometry"),
                state=_bytes(s, "state"),
                main_splitter=_bytes(s, "main_splitter"),
                feed_splitter=_bytes(s, "feed_splitter"),
                feed_header=_bytes(s, "feed_header"),
                last_query=query if isinstance(query, str) else "",
                selected_view=view if isinstance(view, str) and view else None,
            )
        finally:
            s.endGroup()

    def save(self, layout: WindowLayout) -> None:
        s = self._settings
        s.beginGroup(self.GROUP)
        try:
            for key in ("geometry", "state", "main_splitter", "feed_splitter", "feed_header"):
                value = getattr(layout, key)
                if value is not None:
                    s.setValue(key, value)
            s.setValue("last_query", layout.last_query)
            s.setValue("selected_view", layout.selected_view or "")
        finally:
            s.endGroup()
        s.sync()
