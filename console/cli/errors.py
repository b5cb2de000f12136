"""Typed errors from core, the store, the listener and the REST client, in the command
line's words: one line and an exit code.

Core errors carry structured fields and neutral messages; the hints that name commands
("see `b24-console profile list`") are added here, so a window never shows them. Each
check looks in ``sys.modules`` first: an error of a class whose module was never imported
cannot have been raised, and a failing command must not pay for imports it did not use.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.cli.app import ExitCode


def _loaded(module: str) -> bool:
    return module in sys.modules


def translate_profile_error(error: BaseException) -> tuple[ExitCode, str] | None:
    """Profiles and credentials (console.core) with the command to run next."""
    from console.cli.app import ExitCode

    if not _loaded("console.core.credentials"):
        return None
    from console.core.credentials import CredentialsError

    if _loaded("console.core.profiles"):
        from console.core.profiles import (
            MissingWebhook,
            ProfileError,
            ProfileExists,
            ProfileNotFound,
        )

        if isinstance(error, ProfileNotFound):
            return ExitCode.USAGE, (
                f"{error}: see `b24-console profile list` or add it with `b24-console profile add`"
            )
        if isinstance(error, ProfileExists):
            return ExitCode.USAGE, f"{error}: pass --replace to overwrite it"
        if isinstance(error, MissingWebhook):
            return ExitCode.CREDENTIALS, (
                f"{error}: run `b24-console profile add {error.profile} --portal "
                f"{error.portal_url} --replace` and give the webhook URL"
            )
        if isinstance(error, ProfileError):
            return ExitCode.USAGE, str(error)
    if isinstance(error, CredentialsError):
        return ExitCode.CREDENTIALS, str(error)
    return None


def translate_client_error(error: BaseException) -> tuple[ExitCode, str] | None:
    """The REST client's errors (and request-model validation) to the exit-code contract."""
    from console.cli.app import ExitCode

    if _loaded("console.bitrix.errors"):
        from console.bitrix.errors import (
            B24Error,
            InvalidPortalUrl,
            NetworkError,
            OAuthServerError,
            Unauthorized,
            user_message,
        )

        if isinstance(error, NetworkError):
            return ExitCode.NETWORK, f"{error}. {user_message(error)}"
        if isinstance(error, Unauthorized | OAuthServerError):
            return ExitCode.CREDENTIALS, f"{error}. {user_message(error)}"
        if isinstance(error, InvalidPortalUrl):
            return ExitCode.USAGE, str(error)
        if isinstance(error, B24Error):
            code = error.code or "-"
            return (
                ExitCode.PORTAL_REFUSED,
                f"portal refused: {code}: {error}. {user_message(error)}",
            )
    if _loaded("pydantic"):
        import pydantic

        if isinstance(error, pydantic.ValidationError):
            fields = ", ".join(
                ".".join(str(part) for part in item["loc"]) for item in error.errors()
            )
            return ExitCode.USAGE, f"invalid value for {fields}"
    return None


def translate_store_error(error: BaseException) -> tuple[ExitCode, str] | None:
    """A store that cannot be opened, with the ``store`` command that fixes it."""
    from console.cli.app import ExitCode

    if _loaded("console.store.location"):
        from console.store.location import StoreUrlError

        if isinstance(error, StoreUrlError):
            return ExitCode.USAGE, f"store URL: {error}"
    if _loaded("console.store.model"):
        from console.store.model import QueryError

        if isinstance(error, QueryError):
            return ExitCode.USAGE, f"query: {error.message}"
    if _loaded("console.store.schema"):
        from console.store.schema import SchemaTooNewError

        if isinstance(error, SchemaTooNewError):
            return ExitCode.USAGE, f"{error}: upgrade b24-console to use this store"
    if not _loaded("console.store.postgres.access"):
        return None
    from console.store.postgres.access import (
        StoreAccessError,
        StoreAuthFailed,
        StoreDatabaseMissing,
        StoreSchemaMissing,
        StoreSchemaOutdated,
        StoreUnreachable,
    )

    if not isinstance(error, StoreAccessError):
        return None
    url = error.location.url
    if isinstance(error, StoreAuthFailed):
        return ExitCode.CREDENTIALS, (
            f"{error}: save the right password with `b24-console store password {url}` "
            "(or set B24_STORE_PASSWORD), or check the user name in the URL"
        )
    if isinstance(error, StoreUnreachable):
        return ExitCode.NETWORK, (
            f"{error}: check the host and port in the URL, that PostgreSQL runs there and "
            "that a firewall lets this computer in"
        )
    if isinstance(error, StoreDatabaseMissing):
        return ExitCode.USAGE, (
            f"{error}: create it (createdb {error.location.dbname}) and run "
            f"`b24-console store init {url}`"
        )
    if isinstance(error, StoreSchemaMissing):
        return ExitCode.USAGE, f"{error}: run `b24-console store init {url}`"
    if isinstance(error, StoreSchemaOutdated):
        return ExitCode.USAGE, f"{error}: run `b24-console store migrate {url}`"
    return ExitCode.USAGE, str(error)


def translate_error(error: BaseException) -> tuple[ExitCode, str] | None:
    """Every typed error the command line knows, or None."""
    return (
        translate_profile_error(error)
        or translate_client_error(error)
        or translate_store_error(error)
    )
