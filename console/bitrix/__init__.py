"""The Bitrix24 REST client: transport, limiter, typed errors and one module per API area.

Import from here: ``BitrixClient``, the auth types and the error classes.
"""

from console.bitrix.auth import OAuthAuth, TokenPair, WebhookAuth
from console.bitrix.batch import BatchCommand, BatchResult
from console.bitrix.client import BitrixClient, RestResponse, RetryPolicy
from console.bitrix.errors import *  # noqa: F403 - the error classes are the public API
from console.bitrix.errors import B24Error, user_message
from console.bitrix.limiter import ENTERPRISE, STANDARD, BucketLimits, LeakyBucket, limiter_for

__all__ = [
    "ENTERPRISE",
    "STANDARD",
    "B24Error",
    "BatchCommand",
    "BatchResult",
    "BitrixClient",
    "BucketLimits",
    "LeakyBucket",
    "OAuthAuth",
    "RestResponse",
    "RetryPolicy",
    "TokenPair",
    "WebhookAuth",
    "limiter_for",
    "user_message",
]
