"""Open every operator form against the demo console and save a PNG of each.

    uv run python -m tests.ui.screenshot_forms --out DIR

Runs the demo (sandbox portal, real listener, store in a temporary folder) with no
simulated activity, builds the main window and opens each page and dialog with realistic
values (looked up on the sandbox) before grabbing it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import keyring
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from tests.support.memory_keyring import MemoryKeyring


def settle(ms: int = 200) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        settle(50)


def grab(widget: QWidget, out: Path, name: str) -> None:
    settle(300)
    from console.ui.language import current_language

    # B24_CONSOLE_LANGUAGE=uk: the Ukrainian shots sit beside the English ones.
    path = out / f"{name}{'-uk' if current_language() == 'uk' else ''}.png"
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    config = Path(tempfile.mkdtemp(prefix="b24-forms-"))
    os.environ["B24_CONSOLE_CONFIG_DIR"] = str(config / "config")
    os.environ["B24_CONSOLE_DATA_DIR"] = str(config / "data")
    keyring.set_keyring(MemoryKeyring())

    from console.core.profiles import Profile, ProfileRepository
    from console.core.settings import Settings
    from console.demo import DEMO_PROFILE, DemoSession
    from console.operations import open_context
    from console.operations.orders import change_order_status
    from console.ui.context import ConsoleContext
    from console.ui.dialogs.bind import BindDialog
    from console.ui.dialogs.order_status import OrderStatusDialog
    from console.ui.dialogs.outcome_unknown import OutcomeUnknownDialog
    from console.ui.dialogs.profile_edit import ProfileEditDialog
    from console.ui.dialogs.settings_dialog import SettingsDialog
    from console.ui.dialogs.status_edit import StatusEditDialog
    from console.ui.views.connections import ConnectionsPage
    from console.ui.views.main_window import MainWindow, default_factories
    from console.ui.views.statuses import StatusesPage

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    from console.ui.language import choose_language, install_translators

    install_translators(app, choose_language("en"))
    demo = DemoSession(activity_seconds=None, seed=3).start()
    try:
        order_id = sorted(demo.portal.state.orders)[5]
        with open_context(demo, DEMO_PROFILE, operator="olena") as ctx:
            now = demo.portal.state.orders[order_id]["statusId"]
            change_order_status(ctx, order_id, "S" if now != "S" else "P")
        context = ConsoleContext(Settings())
        context.attach(demo)
        window = MainWindow(context, factories=default_factories())
        window.resize(1400, 820)
        window.show()
        wait_until(lambda: window.feed_model.rowCount() > 0)
        grab(window, out, "01-events")

        window.show_page(1)
        statuses = window.page(1)
        assert isinstance(statuses, StatusesPage)
        wait_until(lambda: statuses.model.rowCount() > 0)
        statuses.select("P")
        grab(window, out, "02-statuses-page")
        row = statuses.current()
        edit = statuses.edit_current()
        assert edit is not None and row is not None
        edit.resize(560, 560)
        grab(edit, out, "03-status-edit")
        edit.color_edit.setText("#12ZZ")
        edit.sort_edit.setText("-5")
        grab(edit, out, "04-status-edit-invalid")
        edit.reject()
        statuses.select("F")
        system = statuses.edit_current()
        assert isinstance(system, StatusEditDialog)
        system.resize(560, 560)
        grab(system, out, "05-status-edit-system")
        system.reject()

        window.show_page(0)
        dialog = window.open_change_status(DEMO_PROFILE, str(order_id))
        assert isinstance(dialog, OrderStatusDialog)
        wait_until(lambda: dialog.lookup.order is not None)
        dialog.order_target.setCurrentIndex(dialog.order_targets.row_of("D"))
        grab(dialog, out, "06-order-status")
        dialog.tabs.setCurrentIndex(1)
        grab(dialog, out, "07-delivery-status")
        dialog.reject()

        bind = window.open_bind(DEMO_PROFILE, str(order_id))
        assert isinstance(bind, BindDialog)
        wait_until(lambda: bind.lookup.order is not None and bind.existing_label.isVisible())
        from console.bitrix.models import OwnerType

        bind.set_owner_type(OwnerType.DEAL)
        surname = demo.portal.state.deals[5]["TITLE"].rsplit(" ", 1)[1]
        bind.search_edit.setText(surname)
        bind.search()
        wait_until(lambda: bind.results_model.rowCount() > 0)
        bind.pick(0)
        grab(bind, out, "08-bind")
        bind.reject()

        window.show_page(2)
        bindings = window.page(2)
        bindings.order_edit.setText(str(next(iter(demo.portal.state.bindings))))  # type: ignore[attr-defined]
        bindings.show_order()  # type: ignore[attr-defined]
        wait_until(lambda: bindings.model.rowCount() > 0)  # type: ignore[attr-defined]
        grab(window, out, "09-bindings-page")

        window.show_page(3)
        connections = window.page(3)
        assert isinstance(connections, ConnectionsPage)
        wait_until(lambda: connections.snapshot is not None)
        connections.test_connection()
        wait_until(lambda: connections.report is not None)
        grab(window, out, "10-connections-demo")

        repo = ProfileRepository()
        repo.save(Profile(name="shop", portal_url="https://shop.bitrix24.ua"))
        page = ConnectionsPage(context)
        page.repository = lambda: repo  # type: ignore[method-assign]
        page.resize(1200, 600)
        page.show()
        page.activate()
        wait_until(lambda: page.snapshot is not None)
        grab(page, out, "11-connections-profiles")
        profile_dialog = ProfileEditDialog(context, repo, None)
        profile_dialog.name_edit.setText("second shop")
        profile_dialog.portal_edit.setText("not a url")
        profile_dialog.check()
        settle(800)
        grab(profile_dialog, out, "12-profile-edit")
        settings = SettingsDialog(context)
        settings.resize(640, 760)
        settings.editors[("listener", "port")].editor.setValue(9999)  # type: ignore[attr-defined]
        grab(settings, out, "13-settings")

        from console.bitrix.errors import OutcomeUnknown
        from console.operations.base import ChangeOutcomeUnknown

        with open_context(demo, DEMO_PROFILE) as ctx:
            current = ctx.client.orders.get(order_id)
        unknown: ChangeOutcomeUnknown[object] = ChangeOutcomeUnknown(
            OutcomeUnknown("the portal did not answer within 30 s"), lambda: current, None
        )
        outcome = OutcomeUnknownDialog(context, unknown)
        outcome.show()
        outcome.reread()
        wait_until(lambda: outcome.reread_value is not None)
        grab(outcome, out, "14-outcome-unknown")

        timeline = window.open_timeline(DEMO_PROFILE, str(order_id))
        assert timeline is not None
        timeline.resize(1100, 420)
        settle(1500)
        grab(timeline, out, "15-timeline-with-change")
        context.jobs.shutdown()
    finally:
        demo.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
