"""Whatever arrives, the listener answers below 500 and keeps serving."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.listener.conftest import APP_TOKEN, DOMAIN, HOROSHOP_SECRET, MEMBER_ID, Running

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One listener for every example: starting one per example would dominate the run."""
    instance = Running(tmp_path_factory.mktemp("listener-props"))
    try:
        yield instance
    finally:
        instance.close()


AUTH = {
    "auth[application_token]": APP_TOKEN,
    "auth[domain]": DOMAIN,
    "auth[member_id]": MEMBER_ID,
}

bracket_keys = st.lists(
    st.text(alphabet="abcXYZ_01[]%", min_size=0, max_size=6), min_size=1, max_size=5
).map(lambda parts: parts[0] + "".join(f"[{p}]" for p in parts[1:]))
form_pairs = st.lists(st.tuples(bracket_keys, st.text(max_size=20)), max_size=15)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)

bodies = st.one_of(
    st.binary(max_size=600),
    form_pairs.map(lambda pairs: urlencode(pairs).encode()),
    # Authentic forms with arbitrary extra content: exercises MALFORMED and VERIFIED too.
    form_pairs.map(lambda pairs: urlencode([*pairs, *AUTH.items()]).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.text(max_size=8), json_values, max_size=5).map(
        lambda d: json.dumps(
            {**d, "order_id": 1, "auth": {"application_token": APP_TOKEN}}
        ).encode()
    ),
)
content_types = st.one_of(
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/xml",
            "",
        ]
    ),
    # h11 refuses header values with surrounding blanks: the client could not send them.
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30).map(
        str.strip
    ),
)
header_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12).filter(
    lambda name: (
        name.lower()
        not in {
            "content-length",
            "transfer-encoding",
            "host",
            "connection",
            "content-encoding",
            "expect",
        }
    )
)
header_values = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40
).map(str.strip)
paths = st.one_of(
    st.just("/bitrix/shop"),
    st.just(f"/horoshop/{HOROSHOP_SECRET}"),
    st.text(max_size=12).map(lambda s: "/bitrix/" + quote(s, safe="")),
    st.text(max_size=12).map(lambda s: "/horoshop/" + quote(s, safe="")),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=paths,
    method=st.sampled_from(["POST", "PUT"]),
    body=bodies,
    content_type=content_types,
    headers=st.dictionaries(header_names, header_values, max_size=4),
)
def test_any_request_gets_a_4xx_or_2xx(
    shared: Running,
    path: str,
    method: str,
    body: bytes,
    content_type: str,
    headers: dict[str, str],
) -> None:
    sent = {**headers, "Content-Type": content_type}
    response = shared.client.request(method, path, content=body, headers=sent)

    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        # One line saying why.
        reason = response.json()["error"]
        assert reason and "\n" not in reason
    shared.assert_serving()
