"""What every item model here shares: the index type Qt passes and the "no parent" index."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex

# Qt hands models either kind of index.
Index = QModelIndex | QPersistentModelIndex
# Qt's "no parent" index; one shared instance as the default argument.
NO_PARENT = QModelIndex()
