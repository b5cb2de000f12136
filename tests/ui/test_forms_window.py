"""The forms in the window: pages on Ctrl+1..4, the order actions from the feed, the
resolver filling the feed's order column, accepting a portal's other domain."""

from __future__ import annotations

from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from console.core.credentials import SecretKind
from console.core.profiles import Profile, ProfileRepository
from console.core.settings import ListenerSettings, Settings
from console.listener.resolver import OrderResolver
from console.sandbox import SandboxPortal
from console.session import start_listen_session
from console.store import Verification
from console.ui.context import ConsoleContext
from console.ui.dialogs.bind import BindDialog
from console.ui.dialogs.order_status import OrderStatusDialog
from console.ui.models.choices import Choice, ChoiceModel
from console.ui.models.feed import Column
from console.ui.models.statuses import StatusNamesModel
from console.ui.settings import LayoutStore
from console.ui.views.inspector import InspectorPanel
from console.ui.views.main_window import MainWindow, default_factories
from console.ui.views.statuses import StatusesPage
from console.ui.views.timeline import TimelineDialog
from tests.listener.conftest import APP_TOKEN, sample
from tests.listener.test_routes import replace_pairs
from tests.ui.loopback import FORM, PROFILE, LoopbackConsole
from tests.ui.window_support import OFFSCREEN_NOISE

pytest_plugins = ["tests.ui.inspector_fixtures"]
pytestmark = OFFSCREEN_NOISE
PROPERTY_SAMPLE = "bitrix-onpropertyvalueentitysaved-webhook.form"


def _window(qtbot: QtBot, context: ConsoleContext, layout_store: LayoutStore) -> MainWindow:
    window = MainWindow(context, factories=default_factories(), layout_store=layout_store)
    qtbot.addWidget(window)
    window.quit_requested.connect(window.detach)
    window.show()
    return window


def test_pages_are_built_on_first_show_and_reached_by_keyboard(
    context: ConsoleContext, layout_store: LayoutStore, qtbot: QtBot
) -> None:
    window = _window(qtbot, context, layout_store)
    assert [window.pages.tabText(i) for i in range(4)] == [
        "Events",
        "Statuses",
        "Bindings",
        "Connections",
    ]
    assert [a.shortcut() for a in window.page_actions] == [
        QKeySequence(f"Ctrl+{n}") for n in range(1, 5)
    ]
    assert not isinstance(window.pages.widget(1), StatusesPage)
    window.page_actions[1].trigger()
    page = window.pages.widget(1)
    assert isinstance(page, StatusesPage) and window.pages.currentIndex() == 1
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    window.page_actions[0].trigger()
    assert window.pages.currentIndex() == 0 and window.pages.widget(1) is page
    shortcuts = {a.objectName(): a.shortcut() for a in window.shortcut_actions()}
    assert shortcuts["changeOrderStatus"] == QKeySequence("Ctrl+Shift+S")
    assert shortcuts["bindToDeal"] == QKeySequence("Ctrl+Shift+B")


def test_order_actions_open_prefilled_from_the_feed(
    context: ConsoleContext,
    console: LoopbackConsole,
    layout_store: LayoutStore,
    qtbot: QtBot,
) -> None:
    window = _window(qtbot, context, layout_store)
    event = console.post_sample("bitrix-onsaleordersaved-webhook.form")
    qtbot.waitUntil(lambda: window.feed_model.row_of(event.id) is not None, timeout=10000)
    window.feed.select_event(event.id)
    dialog = window.change_status_current()
    assert isinstance(dialog, OrderStatusDialog)
    assert dialog.lookup.edit.text() == event.order_id and dialog.profile_combo.profile() == PROFILE
    dialog.close()
    bind = window.bind_current()
    assert isinstance(bind, BindDialog) and bind.lookup.edit.text() == event.order_id
    bind.close()
    assert window.inspector is not None
    inspector = window.inspector
    assert isinstance(inspector, InspectorPanel)
    qtbot.waitUntil(lambda: inspector.current_event is not None, timeout=10000)
    assert inspector.change_status_button.isEnabled()
    before = len(window.findChildren(OrderStatusDialog))
    inspector.change_status_button.click()
    assert len(window.findChildren(OrderStatusDialog)) == before + 1
    timeline = window.open_timeline(PROFILE, event.order_id or "")
    assert isinstance(timeline, TimelineDialog)
    with qtbot.waitSignal(timeline.bind_requested) as asked:
        timeline.bind_button.click()
    assert asked.args == [PROFILE, event.order_id]


def test_a_horoshop_order_never_prefills_a_bitrix24_form(
    context: ConsoleContext,
    console: LoopbackConsole,
    layout_store: LayoutStore,
    qtbot: QtBot,
) -> None:
    window = _window(qtbot, context, layout_store)
    bitrix = console.post_sample("bitrix-onsaleordersaved-webhook.form")
    horoshop = console.put_horoshop({"order_id": int(bitrix.order_id or 0), "total_sum": 10})
    assert horoshop.order_id == bitrix.order_id
    qtbot.waitUntil(lambda: window.feed_model.row_of(horoshop.id) is not None, timeout=10000)
    window.feed.select_event(horoshop.id)
    dialog = window.change_status_current()
    assert isinstance(dialog, OrderStatusDialog)
    assert dialog.lookup.edit.text() == ""
    assert "belongs to Horoshop" in dialog.lookup.summary.text()
    dialog.close()
    bind = window.bind_current()
    assert isinstance(bind, BindDialog) and bind.lookup.edit.text() == ""
    assert "belongs to Horoshop" in bind.lookup.summary.text()
    bind.close()
    inspector = window.inspector
    assert isinstance(inspector, InspectorPanel)
    qtbot.waitUntil(
        lambda: inspector.current_event is not None and inspector.current_event.id == horoshop.id,
        timeout=10000,
    )
    assert "Horoshop order" in inspector.meta.text()
    inspector.change_status_button.click()
    from_inspector = window.findChildren(OrderStatusDialog)[-1]
    assert from_inspector.lookup.edit.text() == ""
    timeline = window.open_timeline(PROFILE, f"hs-{horoshop.order_id}")
    assert isinstance(timeline, TimelineDialog) and "Horoshop" in timeline.windowTitle()
    qtbot.waitUntil(lambda: "entries" in timeline.view.status.text(), timeout=10000)
    assert [e.event_id for e in timeline.view.model.entries()] == [horoshop.id]
    with qtbot.waitSignal(timeline.change_status_requested) as asked:
        timeline.change_status_button.click()
    assert asked.args == [PROFILE, f"hs-{horoshop.order_id}"]
    assert window.findChildren(OrderStatusDialog)[-1].lookup.edit.text() == ""


def test_resolved_property_value_event_shows_its_order_in_the_feed(
    context: ConsoleContext,
    console: LoopbackConsole,
    portal: SandboxPortal,
    layout_store: LayoutStore,
    qtbot: QtBot,
) -> None:
    value_id, value = next(iter(sorted(portal.state.property_values.items())))
    resolver = OrderResolver(console.store, console.client_for, retry_base=0.05)
    console.resolver = resolver  # type: ignore[attr-defined]
    window = _window(qtbot, context, layout_store)
    assert resolver.on_resolved is not None
    resolver.start()
    try:
        body = replace_pairs(sample(PROPERTY_SAMPLE), **{"data[FIELDS][ID]": str(value_id)})
        event = console.post_bitrix(body)
        assert event.order_id is None
        qtbot.waitUntil(lambda: window.feed_model.row_of(event.id) is not None, timeout=10000)

        def shown() -> str:
            row = window.feed_model.row_of(event.id)
            return window.feed_model.index(row or 0, Column.ORDER).data() or ""

        qtbot.waitUntil(lambda: shown() == str(value["orderId"]), timeout=15000)
        feed_row = window.feed_model.feed_row(window.feed_model.row_of(event.id) or 0)
        assert feed_row is not None and feed_row.order_id == str(value["orderId"])
    finally:
        resolver.stop()


def test_accept_another_domain_for_the_profile(tmp_path: Path, qtbot: QtBot) -> None:
    repo = ProfileRepository()
    repo.save(Profile(name="shop", portal_url="https://some-domain.bitrix24.com"))
    repo.set_secret("shop", SecretKind.APPLICATION_TOKEN, APP_TOKEN)
    session = start_listen_session(
        ListenerSettings(host="127.0.0.1", port=0),
        store_path=tmp_path / "events.sqlite3",
        profiles=repo,
    )
    context = ConsoleContext(Settings())
    context.attach(session)
    try:
        assert session.server is not None
        url = f"{session.server.base_url}/bitrix/shop"
        body = replace_pairs(
            sample("bitrix-onsaleordersaved-webhook.form"), **{"auth[domain]": "shop.example.ua"}
        )
        httpx.post(url, content=body, headers=FORM)
        (rejected,) = session.store.query(_everything(), limit=5)
        assert rejected.verification is Verification.REJECTED
        panel = InspectorPanel(context)
        qtbot.addWidget(panel)
        with qtbot.waitSignal(panel.loaded, timeout=10000):
            panel.show_event(rejected.id)
        button = panel.accept_domain_button
        assert button.isVisibleTo(panel)
        assert button.text() == "Accept shop.example.ua for profile shop"
        with qtbot.waitSignal(panel.domain_accepted, timeout=10000):
            button.click()
        assert repo.get("shop").extra_domains == ["shop.example.ua"]
        assert not button.isVisibleTo(panel)
        httpx.post(url, content=replace_pairs(body, ts="1714649700"), headers=FORM)
        newest = session.store.query(_everything(), limit=1)[0]
        assert newest.id != rejected.id and newest.verification is Verification.VERIFIED
    finally:
        context.jobs.shutdown()
        session.stop()


def _everything() -> object:
    from console.store import EventFilter

    return EventFilter(include_duplicates=True)


def test_small_models(qtmodeltester: object) -> None:
    names = StatusNamesModel({"en": "English", "ua": "Українська"})
    names.set_names({"en": "Paid"})
    row = names.add_language()
    assert names.index(row, 0).data() == "ua"
    names.setData(names.index(row, 2), "Оплачено")
    assert names.names() == {"en": "Paid", "ua": "Оплачено"}
    qtmodeltester.check(names)  # type: ignore[attr-defined]
    names.remove_row(0)
    assert names.names() == {"ua": "Оплачено"}
    choices = ChoiceModel()
    choices.set_choices([Choice("Paid (P)", "P", "#C2EFBA"), Choice("New (N)", "N")])
    qtmodeltester.check(choices)  # type: ignore[attr-defined]
    assert choices.row_of("N") == 1 and choices.index(0).data(Qt.ItemDataRole.DecorationRole)


def test_a_change_from_the_timeline_appears_in_it(
    context: ConsoleContext,
    portal: SandboxPortal,
    layout_store: LayoutStore,
    qtbot: QtBot,
) -> None:
    from console.ui.models.timeline import EntryKind

    window = _window(qtbot, context, layout_store)
    timeline = window.open_timeline(PROFILE, "146")
    assert isinstance(timeline, TimelineDialog)
    qtbot.waitUntil(lambda: "entries" in timeline.view.status.text(), timeout=10000)
    assert not any(e.kind is EntryKind.CHANGE for e in timeline.view.model.entries())
    with qtbot.waitSignal(timeline.change_status_requested) as asked:
        timeline.change_status_button.click()
    dialog = window.findChildren(OrderStatusDialog)[-1]
    assert asked.args == [PROFILE, "146"] and dialog.lookup.edit.text() == "146"
    qtbot.waitUntil(lambda: dialog.lookup.order is not None, timeout=10000)
    before = portal.state.orders[146]["statusId"]
    target = "D" if before != "D" else "P"
    dialog.order_target.setCurrentIndex(dialog.order_targets.row_of(target))
    dialog.submit()
    qtbot.waitUntil(
        lambda: any(e.kind is EntryKind.CHANGE for e in timeline.view.model.entries()),
        timeout=10000,
    )
    assert portal.state.orders[146]["statusId"] == target


def test_a_profile_added_in_the_window_verifies_its_events_at_once(
    tmp_path: Path, qtbot: QtBot
) -> None:
    from console.ui.views.connections import ConnectionsPage

    session = start_listen_session(
        ListenerSettings(host="127.0.0.1", port=0), store_path=tmp_path / "events.sqlite3"
    )
    context = ConsoleContext(Settings())
    context.attach(session)
    try:
        assert session.server is not None
        page = ConnectionsPage(context)
        qtbot.addWidget(page)
        with qtbot.waitSignal(page.loaded, timeout=10000):
            page.activate()
        dialog = page.add()
        assert dialog is not None
        dialog.name_edit.setText("shop")  # type: ignore[attr-defined]
        dialog.portal_edit.setText("https://some-domain.bitrix24.com")  # type: ignore[attr-defined]
        dialog.webhook.setText(  # type: ignore[attr-defined]
            "https://some-domain.bitrix24.com/rest/1/abcdefgh12345678/"
        )
        dialog.app_token.setText(APP_TOKEN)  # type: ignore[attr-defined]
        with qtbot.waitSignal(page.loaded, timeout=10000):
            dialog.save()  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: "shop" in session.credentials.profiles(), timeout=10000)
        url = f"{session.server.base_url}/bitrix/shop"
        httpx.post(url, content=sample("bitrix-onsaleordersaved-webhook.form"), headers=FORM)
        (event,) = session.store.query(_everything(), limit=5)
        assert event.verification is Verification.VERIFIED
    finally:
        context.jobs.shutdown()
        session.stop()
