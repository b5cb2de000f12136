"""A started sandbox portal per test (fresh state), plus a factory for custom limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from console.core.phpform import encode_php_form
from console.sandbox import SandboxConfig, SandboxPortal


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., SandboxPortal]]:
    """Start portals with config overrides; all are stopped after the test."""
    started: list[SandboxPortal] = []

    def make(**overrides: Any) -> SandboxPortal:
        portal = SandboxPortal(SandboxConfig(**overrides)).start()
        started.append(portal)
        return portal

    yield make
    for portal in started:
        portal.stop()


@pytest.fixture
def portal(sandbox_factory: Callable[..., SandboxPortal]) -> SandboxPortal:
    """A sandbox with limits loose enough that only limit tests ever hit them."""
    return sandbox_factory(burst=10_000, drain_rate=1000.0)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as client:
        yield client


class Rest:
    """Calls a webhook URL over JSON (default) or a form-encoded body."""

    def __init__(self, client: httpx.Client, base: str) -> None:
        self.client = client
        self.base = base

    def __call__(self, method: str, params: dict[str, Any] | None = None, *, form: bool = False):
        url = self.base + method
        if form:
            return self.client.post(
                url,
                content=encode_php_form(params or {}),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        return self.client.post(url, json=params or {})


@pytest.fixture
def rest(portal: SandboxPortal, http: httpx.Client) -> Rest:
    return Rest(http, portal.webhook_url)


@pytest.fixture
def limited(portal: SandboxPortal, http: httpx.Client) -> Rest:
    return Rest(http, portal.limited_webhook_url)
