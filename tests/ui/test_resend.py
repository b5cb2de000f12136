"""Edit and resend to the real listener: verified when the replay rules allow it,
rejected otherwise; bad JSON never leaves the dialog."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.core.phpform import parse_php_form
from console.core.settings import Settings
from console.demo import DemoSession
from console.store import Verification
from console.ui.context import ConsoleContext
from console.ui.dialogs.resend import EditError, ResendDialog, encode_edit
from tests.listener.conftest import APP_TOKEN, HOROSHOP_SECRET, sample
from tests.listener.test_routes import replace_pairs
from tests.ui.loopback import FORM, LoopbackConsole
from tests.ui.window_support import OFFSCREEN_NOISE

pytest_plugins = ["tests.ui.inspector_fixtures"]
pytestmark = OFFSCREEN_NOISE

ORDER = "bitrix-onsaleordersaved-webhook.form"


def open_dialog(qtbot: QtBot, context: ConsoleContext, event_id: int) -> ResendDialog:
    dialog = ResendDialog(context, event_id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        pass
    return dialog


def edit(dialog: ResendDialog, change: dict[str, object]) -> None:
    payload = json.loads(dialog.editor.toPlainText())
    payload["data"]["FIELDS"].update(change)
    dialog.editor.setPlainText(json.dumps(payload, indent=2))


def test_edited_form_event_is_verified(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    original = console.post_sample(ORDER)
    dialog = open_dialog(qtbot, context, original.id)
    assert '"ID": "300"' in dialog.editor.toPlainText()
    assert console.server.base_url in dialog.to_listener.text()
    edit(dialog, {"ID": "301"})
    with qtbot.waitSignal(dialog.sent, timeout=10000) as blocker:
        dialog.send_button.click()
    assert blocker.args == [200]
    assert dialog.answer is not None and dialog.answer.stored_id is not None
    assert "HTTP 200" in dialog.result_label.text()
    assert "Stored as a new event" in dialog.result_label.text()
    assert f'href="event:{dialog.answer.stored_id}"' in dialog.result_label.text()
    resent = console.store.get(dialog.answer.stored_id)
    assert resent is not None
    assert resent.verification is Verification.VERIFIED
    assert resent.order_id == "301"
    assert resent.content_type == "application/x-www-form-urlencoded"
    # Stored redacted again, as every event is.
    assert APP_TOKEN.encode() not in resent.raw_body
    assert dict(resent.headers).get("X-B24-Console-Replay") == str(original.id)


def test_without_secrets_it_is_rejected(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    original = console.post_sample(ORDER)
    dialog = open_dialog(qtbot, context, original.id)
    dialog.with_secrets.setChecked(False)
    with qtbot.waitSignal(dialog.sent, timeout=10000) as blocker:
        dialog.send_button.click()
    assert blocker.args == [401]
    assert "wrong application token" in dialog.result_body.toPlainText()
    assert console.newest().verification is Verification.REJECTED


def test_forged_event_stays_rejected(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    forged = console.post_sample(ORDER, **{"auth[application_token]": "f" * 32})
    dialog = open_dialog(qtbot, context, forged.id)
    with qtbot.waitSignal(dialog.sent, timeout=10000) as blocker:
        dialog.send_button.click()
    assert blocker.args == [401]
    assert console.newest().verification is Verification.REJECTED


def test_horoshop_event_to_own_listener_and_masked_url(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    original = console.put_horoshop(sample("horoshop-order_created.json"))
    dialog = open_dialog(qtbot, context, original.id)
    payload = json.loads(dialog.editor.toPlainText())
    payload["total_sum"] = 1
    dialog.editor.setPlainText(json.dumps(payload))
    with qtbot.waitSignal(dialog.sent, timeout=10000) as blocker:
        dialog.send_button.click()
    assert blocker.args == [200]
    assert HOROSHOP_SECRET not in dialog.result_label.text()
    resent = console.newest()
    assert resent.verification is Verification.VERIFIED
    assert resent.payload["total_sum"] == 1


def test_to_a_typed_url(qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole) -> None:
    original = console.post_sample(ORDER)
    dialog = open_dialog(qtbot, context, original.id)
    dialog.to_url.setChecked(True)
    assert dialog.secrets_warning.isVisibleTo(dialog)
    dialog.url_edit.setText(f"{console.server.base_url}/bitrix/blank")
    with qtbot.waitSignal(dialog.sent, timeout=10000) as blocker:
        dialog.send_button.click()
    # The profile "blank" has no token configured: the listener says so.
    assert blocker.args == [401]
    assert console.newest().profile == "blank"


def test_invalid_json_is_refused_before_sending(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    original = console.post_sample(ORDER)
    count = console.store.count()
    dialog = open_dialog(qtbot, context, original.id)
    dialog.editor.setPlainText('{\n  "event": "X",\n  "data": {oops}\n}')
    dialog.send_button.click()
    assert dialog.problem.isVisibleTo(dialog)
    assert "Line 3, column 12" in dialog.problem.text()
    assert dialog.editor.textCursor().blockNumber() == 2
    dialog.to_url.setChecked(True)
    dialog.editor.setPlainText("{}")
    dialog.url_edit.setText("ftp://nowhere")
    dialog.send_button.click()
    assert "http://" in dialog.problem.text()
    assert console.store.count() == count


def test_unreachable_target_says_so(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    original = console.post_sample(ORDER)
    dialog = open_dialog(qtbot, context, original.id)
    dialog.to_url.setChecked(True)
    dialog.url_edit.setText("http://127.0.0.1:9/bitrix/shop")
    with qtbot.waitSignal(dialog.failed, timeout=15000) as blocker:
        dialog.send_button.click()
    assert blocker.args[0].startswith("Not delivered")


def test_encode_edit(console: LoopbackConsole) -> None:
    form = console.post_sample(ORDER)
    body = encode_edit(form, '{"event": "X", "data": {"FIELDS": {"ID": "5"}}, "flag": true}')
    assert parse_php_form(body.decode()) == {
        "event": "X",
        "data": {"FIELDS": {"ID": "5"}},
        "flag": "1",
    }
    with pytest.raises(EditError) as info:
        encode_edit(form, "[1, 2]")
    assert "object" in str(info.value)
    horoshop = console.put_horoshop(sample("horoshop-order_created.json"))
    assert json.loads(encode_edit(horoshop, '{"a": "é"}')) == {"a": "é"}
    with pytest.raises(EditError) as info:
        encode_edit(horoshop, '{"a": }')
    assert (info.value.line, info.value.column) == (1, 7)


def test_resend_in_the_demo_uses_its_made_up_secrets(qtbot: QtBot, tmp_path: Path) -> None:
    """The demo has no profile repository: its in-memory secrets stand in for the keyring."""
    with DemoSession(data_dir=tmp_path / "demo", activity_seconds=None, seed=7) as demo:
        body = replace_pairs(
            sample(ORDER),
            **{
                "auth[application_token]": demo.portal.application_token,
                "auth[domain]": demo.portal.domain,
                "auth[member_id]": demo.portal.member_id,
            },
        )
        response = httpx.post(demo.bitrix_handler_url, content=body, headers=FORM, timeout=30)
        assert response.status_code == 200
        original = response.json()["id"]
        context = ConsoleContext(Settings())
        context.attach(demo)  # type: ignore[arg-type]
        try:
            dialog = open_dialog(qtbot, context, original)
            with qtbot.waitSignal(dialog.sent, timeout=10000) as blocker:
                dialog.send_button.click()
            assert blocker.args == [200]
            assert dialog.answer is not None and dialog.answer.stored_id is not None
            assert demo.store is not None
            resent = demo.store.get(dialog.answer.stored_id)
            assert resent is not None and resent.verification is Verification.VERIFIED
        finally:
            context.jobs.shutdown()


def test_an_edited_resend_is_a_new_event_and_an_unedited_one_a_copy(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    original = console.post_sample(ORDER)
    dialog = open_dialog(qtbot, context, original.id)
    edit(dialog, {"ACTION": "edited"})  # same order, same ts: only the content differs
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    dialog.editor.setFocus()
    with qtbot.waitSignal(dialog.sent, timeout=10000):
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    answer = dialog.answer
    assert answer is not None and answer.stored_id is not None
    assert answer.duplicate_of is None
    edited = console.store.get(answer.stored_id)
    assert edited is not None and edited.duplicate_of is None
    assert "Stored as a new event" in dialog.result_label.text()
    assert '{"status"' not in dialog.result_label.text()
    with qtbot.waitSignal(dialog.event_requested, timeout=2000) as asked:
        dialog.result_label.linkActivated.emit(f"event:{answer.stored_id}")
    assert asked.args == [answer.stored_id]

    again = open_dialog(qtbot, context, original.id)
    with qtbot.waitSignal(again.sent, timeout=10000):
        again.send_button.click()
    assert again.answer is not None and again.answer.duplicate_of == original.id
    text = again.result_label.text()
    assert "copy of" in text and "dup:yes" in text
    assert f'href="event:{original.id}"' in text


def test_a_json_problem_goes_once_the_json_is_fixed(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    original = console.post_sample(ORDER)
    dialog = open_dialog(qtbot, context, original.id)
    good = dialog.editor.toPlainText()
    dialog.editor.setPlainText('{\n  "data": {oops}\n}')
    dialog.send_button.click()
    assert dialog.problem.isVisibleTo(dialog)
    # Under the editor's pane, not inside it: the splitter never cuts it.
    assert dialog.problem.parent() is dialog
    dialog.editor.setPlainText(good)
    assert not dialog.problem.isVisibleTo(dialog)
