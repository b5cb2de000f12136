"""One counted line per kind of failure, not a traceback per request (issue 8, logging)."""

from __future__ import annotations

import errno
import logging
import socket

import pytest

from console.listener.failures import FailureLog
from tests.listener.conftest import Running


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_flood_is_one_line_then_one_line_with_the_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    failures = FailureLog(logging.getLogger("test.failures"), interval=60, clock=clock)
    with caplog.at_level(logging.INFO, logger="test.failures"):
        for _ in range(1000):
            failures.note("accept failed", "Too many open files")
        failures.note("other kind", "x")
        assert len(caplog.records) == 2
        clock.now = 61
        failures.note("accept failed", "Too many open files")
        assert len(caplog.records) == 3
        assert "999 more" in caplog.records[-1].getMessage()
        failures.note("accept failed", "again")
        failures.flush()
    assert "1 more" in caplog.records[-1].getMessage()
    assert failures.counts["accept failed"] == 1002


def test_accept_errors_from_the_loop_are_counted(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    # What asyncio reports when accept() runs out of descriptors, once per attempt.
    context = {
        "message": "socket.accept() out of system resource",
        "exception": OSError(errno.EMFILE, "Too many open files"),
    }
    with caplog.at_level(logging.INFO):
        for _ in range(500):
            running.server._loop_exception(None, context)  # type: ignore[arg-type]
    lines = [r for r in caplog.records if "accept" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].exc_info is None


def test_malformed_requests_and_hang_ups_log_no_tracebacks(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        for _ in range(30):
            with socket.create_connection(("127.0.0.1", running.server.port)) as sock:
                sock.sendall(b"POST /bitrix/shop HTTP/1.1\r\nBad Header Line\r\n\r\n")
                sock.settimeout(5)
                sock.recv(4096)
        for _ in range(30):
            with socket.create_connection(("127.0.0.1", running.server.port)) as sock:
                sock.sendall(b"POST /bitrix/shop HTTP/1.1\r\nContent-Length: 100\r\n\r\nab")
        running.assert_serving()
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert all(r.exc_info is None for r in errors), [r.getMessage() for r in errors]
    assert len(errors) <= 3
