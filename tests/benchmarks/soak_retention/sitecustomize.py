"""Read by the soak's listener child only (the soak puts this folder on its PYTHONPATH).

The store's retention pass runs every 10 minutes, a constant and not a setting. The soak
compresses hours into minutes, so the child's pass runs every ``B24_SOAK_RETENTION_INTERVAL``
seconds instead: the default of the store's constructor is the only thing changed.
"""

import os

_interval = os.environ.get("B24_SOAK_RETENTION_INTERVAL")
if _interval:
    from console.store.sqlite import SqliteEventStore

    defaults = SqliteEventStore.__init__.__kwdefaults__
    if defaults is not None:
        defaults["retention_interval"] = float(_interval)
