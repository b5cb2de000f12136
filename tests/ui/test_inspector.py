"""The inspector over real events from the real listener, and its actions."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from console.core.masking import fingerprint
from console.store import Verification
from console.ui.context import ConsoleContext
from console.ui.models.payload import PATH_ROLE, VALUE_ROLE
from console.ui.views.inspector import InspectorPanel
from console.ui.views.inspector_tabs import hex_dump
from tests.listener.conftest import APP_TOKEN, HOROSHOP_SECRET, sample
from tests.support.queued import settle_jobs
from tests.ui.loopback import LoopbackConsole, make_context
from tests.ui.window_support import OFFSCREEN_NOISE

# The console, context and portal fixtures.
pytest_plugins = ["tests.ui.inspector_fixtures"]

ORDER = "bitrix-onsaleordersaved-webhook.form"
VALUE = "bitrix-onpropertyvalueentitysaved-webhook.form"


def panel_for(qtbot: QtBot, context: ConsoleContext, event_id: int) -> InspectorPanel:
    panel = InspectorPanel(context)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    with qtbot.waitSignal(panel.loaded, timeout=5000) as blocker:
        panel.show_event(event_id)
    assert blocker.args == [event_id]
    return panel


def test_form_event_tabs(qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole) -> None:
    event = console.post_sample(ORDER)
    panel = panel_for(qtbot, context, event.id)
    assert f"#{event.id}" in panel.title.text()
    assert "ONSALEORDERSAVED" in panel.title.text()
    assert "order 300" in panel.meta.text()
    assert "profile shop" in panel.meta.text()
    assert panel.badge.text().strip() == "verified"
    assert not panel.note.isVisibleTo(panel)
    # Payload: the decoded form as a tree and as key = value lines.
    payload = panel.payload_tab
    assert payload.views.isTabVisible(1)
    lines = payload.lines.toPlainText().splitlines()
    assert "data[FIELDS][ID] = 300" in lines
    assert f"auth[application_token] = {fingerprint(APP_TOKEN)}" in lines
    model = payload.model
    data = next(
        model.index(r, 0)
        for r in range(model.rowCount())
        if model.data(model.index(r, 0)) == "data"
    )
    fields = model.index(0, 0, data)
    ident = model.index(0, 0, fields)
    assert model.data(ident, PATH_ROLE) == "data.FIELDS.ID"
    payload.tree.setCurrentIndex(ident)
    payload.copy_value()
    assert QGuiApplication.clipboard().text() == "300"
    payload.copy_path()
    assert QGuiApplication.clipboard().text() == "data.FIELDS.ID"
    payload.expand_action.trigger()
    assert payload.tree.isExpanded(fields)
    # Raw: the body as received (with the token's fingerprint), as text.
    raw = panel.raw_tab
    assert not raw.is_hex
    assert raw.text.toPlainText() == event.raw_body.decode()
    assert APP_TOKEN not in raw.text.toPlainText()
    assert raw.show_all_button.isHidden()
    # The stored size is not the sent one: the info line says why.
    sent = next(int(v) for k, v in event.headers if k.lower() == "content-length")
    assert sent != len(event.raw_body)
    assert f"{len(event.raw_body)} bytes" in raw.info.text()
    assert f"sent {sent} bytes" in raw.info.text() and "fingerprint" in raw.info.text()
    # Headers.
    names = [row[0].lower() for row in panel.headers_tab.model.rows()]
    assert "content-type" in names


def test_json_event(qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole) -> None:
    event = console.put_horoshop(sample("horoshop-order_created.json"))
    assert event.verification is Verification.VERIFIED
    panel = panel_for(qtbot, context, event.id)
    assert not panel.payload_tab.views.isTabVisible(1)
    model = panel.payload_tab.model
    keys = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert "products" in keys and "order_id" in keys
    products = model.index(keys.index("products"), 0)
    title = model.index(0, 0, model.index(0, 0, products))
    assert model.data(title, PATH_ROLE) == "products[0].title"
    assert "MacBook" in model.data(title.siblingAtColumn(1))
    assert "Horoshop" in panel.meta.text()
    assert HOROSHOP_SECRET not in panel.meta.text()


def test_non_utf8_body_is_hex(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    body = b'{"order_id": 7, "name": "\xff\xfeKyiv"}'
    event = console.put_horoshop(body)
    assert event.verification is Verification.MALFORMED
    panel = panel_for(qtbot, context, event.id)
    raw = panel.raw_tab
    assert raw.is_hex
    assert "not UTF-8" in raw.info.text()
    assert raw.text.toPlainText() == hex_dump(event.raw_body)
    assert "ff fe" in raw.text.toPlainText()
    assert panel.payload_tab.empty.isVisibleTo(panel)
    assert "not valid UTF-8" in panel.note.text()


def test_hex_dump_layout() -> None:
    dump = hex_dump(bytes(range(20)) + b"AB")
    first, second = dump.splitlines()
    assert first.startswith("00000000  00 01 02")
    assert second.startswith("00000010  10 11 12 13 41 42")
    assert second.endswith("....AB")


def test_big_body_is_capped(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    products = [{"title": f"item {n}", "article": "x" * 40} for n in range(1500)]
    event = console.put_horoshop({"order_id": 8, "products": products})
    assert len(event.raw_body) > 64 * 1024
    panel = panel_for(qtbot, context, event.id)
    raw = panel.raw_tab
    assert not raw.show_all_button.isHidden()
    assert "KB" in raw.show_all_button.text()
    assert len(raw.text.toPlainText()) == 64 * 1024
    raw.show_all_button.click()
    assert raw.text.toPlainText() == event.raw_body.decode()
    assert raw.show_all_button.isHidden()


def test_rejected_event_is_explained(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    event = console.post_sample(ORDER, **{"auth[application_token]": "f" * 32})
    assert event.verification is Verification.REJECTED
    panel = panel_for(qtbot, context, event.id)
    assert panel.badge.text().strip() == "rejected"
    assert panel.note.isVisibleTo(panel)
    assert "belongs to another webhook" not in panel.note.text()
    assert "two ways" in panel.note.text() and "handler URL" in panel.note.text()
    assert "in the hour up to this one: 1" in panel.note.text()
    assert panel.explanation is not None and panel.explanation.kind == "wrong-token"


def test_show_event_last_call_wins(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    first = console.post_sample(ORDER)
    second = console.put_horoshop(sample("horoshop-order_created.json"))
    panel = InspectorPanel(context)
    qtbot.addWidget(panel)
    seen: list[int] = []
    panel.loaded.connect(seen.append)
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.show_event(first.id)
        panel.show_event(second.id)
    # Let any straggler arrive: none may replace the last request.
    settle_jobs(qtbot, context.jobs)
    assert seen == [second.id]
    assert panel.current_event is not None and panel.current_event.id == second.id
    panel.show_event(None)
    assert panel.current_event is None
    assert panel.placeholder.isVisibleTo(panel)


def test_missing_event(qtbot: QtBot, context: ConsoleContext) -> None:
    panel = InspectorPanel(context)
    qtbot.addWidget(panel)
    panel.show_event(4242)
    qtbot.waitUntil(lambda: "no longer stored" in panel.placeholder.text(), timeout=5000)


def test_pin_and_unpin(qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole) -> None:
    event = console.post_sample(ORDER)
    panel = panel_for(qtbot, context, event.id)
    with qtbot.waitSignal(panel.pin_changed, timeout=5000) as blocker:
        panel.pin_button.click()
        # Until the store answered, a second click cannot race the first.
        assert not panel.pin_button.isEnabled()
    assert blocker.args == [event.id, True]
    assert panel.pin_button.isEnabled()
    assert console.store.get(event.id).pinned  # type: ignore[union-attr]
    assert panel.pin_button.text() == "Pinned"
    with qtbot.waitSignal(panel.pin_changed, timeout=5000) as blocker:
        panel.pin_button.click()
    assert blocker.args == [event.id, False]
    assert not console.store.get(event.id).pinned  # type: ignore[union-attr]


def test_copy_as_curl(qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole) -> None:
    event = console.post_sample("bitrix-onsaleordersaved-app.form")
    panel = panel_for(qtbot, context, event.id)
    with qtbot.waitSignal(panel.notice, timeout=5000):
        panel.curl_button.click()
    masked = QGuiApplication.clipboard().text()
    assert masked.startswith("curl ")
    assert f"{console.server.base_url}/bitrix/shop" in masked
    assert APP_TOKEN not in masked
    # Declined: nothing copied.
    panel.confirm_secrets = lambda parent: False
    QGuiApplication.clipboard().setText("untouched")
    panel.copy_curl_secrets_action.trigger()
    assert QGuiApplication.clipboard().text() == "untouched"
    panel.confirm_secrets = lambda parent: True
    with qtbot.waitSignal(panel.notice, timeout=5000) as blocker:
        panel.copy_curl_secrets_action.trigger()
    assert "WITH secrets" in blocker.args[0]
    assert APP_TOKEN in QGuiApplication.clipboard().text()


def test_signals_carry_ids(qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole) -> None:
    event = console.post_sample(ORDER)
    panel = panel_for(qtbot, context, event.id)
    with qtbot.waitSignal(panel.resend_requested) as resend:
        panel.resend_button.click()
    assert resend.args == [event.id]
    with qtbot.waitSignal(panel.compare_requested) as compare:
        panel.compare_button.click()
    assert compare.args == [event.id]
    with qtbot.waitSignal(panel.timeline_requested) as timeline:
        panel.timeline_button.click()
    assert timeline.args == ["shop", "b24-300"]  # the number alone names two orders


def open_entity(qtbot: QtBot, panel: InspectorPanel) -> None:
    with qtbot.waitSignals([panel.entity_tab.fetched], timeout=10000):
        panel.tabs.setCurrentWidget(panel.entity_tab)


def test_entity_of_an_order_event(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    assert console.portal is not None
    order = console.portal.state.orders[300]
    event = console.post_sample(ORDER)
    panel = panel_for(qtbot, context, event.id)
    open_entity(qtbot, panel)
    tab = panel.entity_tab
    assert tab.view is not None and tab.view.order_id == "300"
    assert f"({order['statusId']})" in tab.status_name.text()
    assert tab.swatch.pixmap() is not None
    assert tab.basket_model.rowCount() == len(order["basketItems"])
    assert tab.shipment_model.rowCount() == 1
    assert "UAH" in tab.summary.text()
    assert tab.busy.isHidden()


def test_entity_of_a_property_value_event(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    assert console.portal is not None
    owner = console.portal.state.property_values[300]["orderId"]
    event = console.post_sample(VALUE)
    panel = panel_for(qtbot, context, event.id)
    assert not panel.timeline_button.isEnabled()
    open_entity(qtbot, panel)
    assert panel.entity_tab.view is not None
    assert panel.entity_tab.view.order_id == str(owner)
    assert "property value 300" in panel.entity_tab.summary.text()
    # The order is known now, so the timeline can open.
    assert panel.timeline_button.isEnabled()
    with qtbot.waitSignal(panel.timeline_requested) as timeline:
        panel.timeline_button.click()
    assert timeline.args == ["shop", f"b24-{owner}"]


def test_entity_of_a_horoshop_event_needs_no_portal(qtbot: QtBot, tmp_path: Path) -> None:
    offline = LoopbackConsole(tmp_path, None)
    context = make_context(offline)
    try:
        event = offline.put_horoshop(sample("horoshop-order_created.json"))
        panel = panel_for(qtbot, context, event.id)
        open_entity(qtbot, panel)
        view = panel.entity_tab.view
        assert view is not None and view.order_id == "115"
        assert panel.entity_tab.basket_model.rowCount() == 1
        assert "Local pickup" in panel.entity_tab.summary.text()
    finally:
        context.jobs.shutdown()
        offline.stop()


def test_entity_errors_are_words(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    event = console.post_sample(ORDER, **{"data[FIELDS][ID]": "999999"})
    panel = panel_for(qtbot, context, event.id)
    with qtbot.waitSignal(panel.entity_tab.failed, timeout=10000) as blocker:
        panel.tabs.setCurrentWidget(panel.entity_tab)
    assert blocker.args[0] == "That order does not exist. Check the order number."
    assert panel.entity_tab.message.text() == blocker.args[0]
    # A profile this console cannot reach the portal for.
    unknown = console.post_bitrix(sample(ORDER), profile="nobody")
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.show_event(unknown.id)
    with qtbot.waitSignal(panel.entity_tab.failed, timeout=10000) as blocker:
        panel.entity_tab.fetch()
    assert "No portal connection for profile nobody" in blocker.args[0]


def test_entity_fetch_can_be_cancelled(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    event = console.post_sample(ORDER)
    panel = panel_for(qtbot, context, event.id)
    tab = panel.entity_tab
    tab.fetch()
    assert not tab.busy.isHidden()
    assert tab.busy.minimum() == tab.busy.maximum() == 0
    tab.cancel_button.click()
    assert tab.busy.isHidden()
    assert tab.message.text() == "Cancelled."
    settle_jobs(qtbot, context.jobs)  # the cancelled fetch ends and has its say
    assert tab.view is None


def test_the_event_selected_again_keeps_its_order_being_fetched(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    # A new query that keeps the row selects it again (found by the soak benchmark).
    event = console.post_sample(ORDER)
    panel = panel_for(qtbot, context, event.id)
    tab = panel.entity_tab
    with qtbot.waitSignal(tab.fetched, timeout=10000):
        tab.fetch()
        panel.show_event(event.id)
    assert tab.view is not None
    assert panel.current_event is not None and panel.current_event.id == event.id


def test_value_role_gives_json_for_containers(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    event = console.post_sample(ORDER)
    panel = panel_for(qtbot, context, event.id)
    model = panel.payload_tab.model
    auth = next(
        model.index(r, 0)
        for r in range(model.rowCount())
        if model.data(model.index(r, 0)) == "auth"
    )
    assert '"member_id"' in model.data(auth, VALUE_ROLE)


def test_event_asked_for_before_the_console_runs(qtbot: QtBot, console: LoopbackConsole) -> None:
    from console.core.settings import Settings

    event = console.post_sample(ORDER)
    context = ConsoleContext(Settings())
    try:
        panel = InspectorPanel(context)
        qtbot.addWidget(panel)
        panel.show_event(event.id)
        assert "starting" in panel.placeholder.text()
        with qtbot.waitSignal(panel.loaded, timeout=5000) as blocker:
            context.attach(console)
        assert blocker.args == [event.id]
    finally:
        context.jobs.shutdown()


def test_big_payload_stays_folded(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    products = [{"title": f"item {n}"} for n in range(600)]
    event = console.put_horoshop({"order_id": 9, "products": products})
    panel = panel_for(qtbot, context, event.id)
    model = panel.payload_tab.model
    keys = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert not panel.payload_tab.tree.isExpanded(model.index(keys.index("products"), 0))
    small = panel_for(
        qtbot, context, console.put_horoshop({"order_id": 9, "products": products[:2]}).id
    )
    model = small.payload_tab.model
    keys = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert small.payload_tab.tree.isExpanded(model.index(keys.index("products"), 0))


def test_vanished_property_value_is_explained(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    event = console.post_sample(VALUE, **{"data[FIELDS][ID]": "999999"})
    panel = panel_for(qtbot, context, event.id)
    with qtbot.waitSignal(panel.entity_tab.failed, timeout=10000) as blocker:
        panel.tabs.setCurrentWidget(panel.entity_tab)
    assert blocker.args[0] == (
        "Property value 999999 no longer exists on the portal, so its order cannot be found."
    )
    assert not panel.timeline_button.isEnabled()


def test_catch_up_event(qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole) -> None:
    from datetime import timedelta

    from console.listener.catchup import CatchUpPoller
    from console.store import EventFilter, EventSource

    poller = CatchUpPoller(
        console.store,
        "shop",
        lambda: console.client_for("shop"),
        interval_seconds=None,
        initial_lookback=timedelta(days=60),
    )
    report = poller.poll_once(raise_errors=True)
    assert report is not None
    found = console.store.query(EventFilter(sources=frozenset({EventSource.CATCH_UP})), limit=1)
    assert found
    event = found[0]
    panel = panel_for(qtbot, context, event.id)
    assert "Catch-up" in panel.meta.text()
    assert "catch-up polling" in panel.note.text()
    assert not panel.resend_button.isEnabled()
    assert not panel.curl_button.isEnabled()
    # The order behind it is fetched by its id.
    open_entity(qtbot, panel)
    assert panel.entity_tab.view is not None
    assert panel.entity_tab.view.order_id == event.order_id


@OFFSCREEN_NOISE
def test_the_buttons_wrap_in_a_narrow_inspector_and_none_is_cut_off(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    event = console.post_sample(ORDER)
    panel = panel_for(qtbot, context, event.id)
    panel.show()
    buttons = [
        panel.curl_button,
        panel.resend_button,
        panel.compare_button,
        panel.timeline_button,
        panel.change_status_button,
        panel.bind_button,
    ]
    # The first row of buttons alone used to be the panel's least width.
    one_line = sum(button.sizeHint().width() for button in buttons[:4])
    narrow = panel.minimumSizeHint().width()
    assert narrow < one_line
    panel.resize(narrow, 700)
    qtbot.waitUntil(lambda: panel.width() == narrow)
    for button in buttons:
        qtbot.waitUntil(lambda b=button: b.mapTo(panel, b.rect().bottomRight()).x() < narrow)  # type: ignore[misc]
    # Wrapped, they take more lines, not overlap.
    rects = [button.geometry() for button in buttons]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    assert len({rect.top() for rect in rects}) >= 2
