from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.logging import RedactingFilter, configure_logging, redact, register_secret
from console.core.masking import MASK


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Root logging configured into a buffer; the handler is removed afterwards."""
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    stream = io.StringIO()
    configure_logging(logging.DEBUG, stream=stream)
    yield stream
    for handler in root.handlers:
        if handler not in before:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("POST https://shop.bitrix24.ua/rest/1/q1w2e3r4t5y6/crm.deal.list", "q1w2e3r4t5y6"),
        ("auth[access_token]=AT-7f3a9c&auth[domain]=x.bitrix24.com", "AT-7f3a9c"),
        ("auth%5Brefresh_token%5D=RT-55aa&x=1", "RT-55aa"),
        ("auth[application_token]=51856fefc120afa4", "51856fefc120afa4"),
        ('{"access_token": "AT-json-1", "expires_in": 3600}', "AT-json-1"),
        ('{"refresh_token":"RT-json-2"}', "RT-json-2"),
        ("{'application_token': 'APP-repr-3'}", "APP-repr-3"),
        ('{"token": "HS-horoshop-4", "orders": []}', "HS-horoshop-4"),
        (
            "GET /oauth/token/?grant_type=refresh_token&client_secret=CS-5x&refresh_token=RT-6y",
            "CS-5x",
        ),
        (
            "GET /oauth/token/?grant_type=refresh_token&client_secret=CS-5x&refresh_token=RT-6y",
            "RT-6y",
        ),
        ("GET https://x.bitrix24.com/rest/user.current?auth=AUTH-8z&start=0", "AUTH-8z"),
        ("redirect /cb?code=OAUTHCODE-9&state=s", "OAUTHCODE-9"),
    ],
)
def test_patterns_scrub_secret_shaped_fields(line: str, secret: str) -> None:
    redacted = redact(line)
    assert secret not in redacted
    assert MASK in redacted


def test_non_secret_text_is_left_alone() -> None:
    line = "event=ONSALEORDERSAVED&data[FIELDS][ID]=300&auth[domain]=x.bitrix24.com code: 42"
    assert redact(line) == line
    assert redact("GET https://x.bitrix24.com/rest/crm.deal.list") == (
        "GET https://x.bitrix24.com/rest/crm.deal.list"
    )


def test_registered_secret_is_scrubbed_anywhere() -> None:
    register_secret("Zq8-registered-secret-1")
    assert redact("Horoshop said Zq8-registered-secret-1!") == f"Horoshop said {MASK}!"
    register_secret("abc")  # too short to be a secret: would shred ordinary words
    assert redact("abcdef") == "abcdef"


def test_log_output_through_configure_logging(log_stream: io.StringIO) -> None:
    register_secret("Hs-registered-horoshop-77")
    log = logging.getLogger("console.test")
    log.info("calling %s", "https://shop.bitrix24.ua/rest/1/webhookcode123/profile")
    log.warning("event body: %r", {"auth": {"access_token": "AT-in-args-1"}})
    log.error("target url https://relay.example/h/Hs-registered-horoshop-77")
    try:
        raise RuntimeError("refresh failed for refresh_token=RT-in-exception-2")
    except RuntimeError:
        log.exception("oauth")
    output = log_stream.getvalue()
    for secret in (
        "webhookcode123",
        "AT-in-args-1",
        "Hs-registered-horoshop-77",
        "RT-in-exception-2",
    ):
        assert secret not in output
    assert output.count(MASK) >= 4
    assert "https://shop.bitrix24.ua/rest/1/" in output  # the useful part stays


def test_configure_logging_is_idempotent(log_stream: io.StringIO) -> None:
    second = io.StringIO()
    configure_logging(logging.INFO, stream=second)
    configure_logging(logging.INFO, stream=second)
    ours = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactingFilter) for f in h.filters)
    ]
    assert len(ours) == 1
    logging.getLogger("console.test").info("once")
    assert second.getvalue().count("once") == 1
    assert log_stream.getvalue() == ""


def test_filter_keeps_records_and_clears_args() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "token %s in %s", ("?auth=TOKEN-1", "url"), None
    )
    assert RedactingFilter().filter(record) is True
    assert record.args is None
    assert record.getMessage() == f"token ?auth={MASK} in url"


def test_register_secret_is_thread_safe() -> None:
    values = [f"thread-secret-{i:04d}" for i in range(200)]

    def register_all(chunk: list[str]) -> None:
        for value in chunk:
            register_secret(value)

    threads = [threading.Thread(target=register_all, args=(values[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    text = " ".join(values)
    assert redact(text) == " ".join([MASK] * len(values))


def test_the_command_line_logs_through_the_redaction_filter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from console.cli import main
    from console.store import open_store

    secret = "cli-secret-4f1c9a77e2"
    register_secret(secret)
    open_store(tmp_path / "events.sqlite3").close()
    assert main(["events", "list", "--data-dir", str(tmp_path)]) == 0
    logging.getLogger("console.test").warning(
        "calling https://shop.bitrix24.ua/rest/1/%s/profile", secret
    )
    err = capsys.readouterr().err
    assert "console.test" in err
    assert secret not in err
