"""Where the console keeps its files.

Defaults come from platformdirs; ``B24_CONSOLE_CONFIG_DIR``, ``B24_CONSOLE_DATA_DIR`` and
``B24_CONSOLE_LOG_DIR`` override them so that tests and portable installs never touch the
user's real files.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "b24-console"
# One service name in the OS keyring for every secret the console keeps.
KEYRING_SERVICE = "b24-console"


def config_dir() -> Path:
    override = os.environ.get("B24_CONSOLE_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    override = os.environ.get("B24_CONSOLE_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def log_dir() -> Path:
    override = os.environ.get("B24_CONSOLE_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME))
