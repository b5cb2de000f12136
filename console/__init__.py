"""b24-console: the operator console for Bitrix24 online-store back offices."""

__version__ = "0.1.0"
