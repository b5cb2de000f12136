"""Translations: nothing on screen escapes tr(), the Ukrainian catalogue is complete and
current, the compiled .qm is what the .ts gives, and the language is chosen as documented."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from console.core.profiles import (
    ProfileError,
    WebhookPortalMismatch,
    normalise_portal_url,
    normalise_server_endpoint,
    parse_webhook_url,
    validate_profile_name,
)
from console.core.settings import Settings
from console.operations.statuses import validate_status_fields
from console.store.model import EventSource
from console.store.querylang import parse_query
from console.store.summary import summarize
from console.ui import language
from console.ui.context import ConsoleContext
from console.ui.settings import LayoutStore
from console.ui.views.main_window import MainWindow
from console.ui.wording import (
    translated_change,
    translated_form_problem,
    translated_profile_problem,
    translated_query_note,
    translated_refusal,
    translated_summary,
)
from tests.support.untranslated import scan_source, scan_tree

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "console" / "ui"
TRANSLATIONS = UI / "resources" / "translations"
PLURAL_FORMS = {"uk": 3, "en": 2}


def load_updater() -> ModuleType:
    path = ROOT / "packaging" / "update_translations.py"
    spec = importlib.util.spec_from_file_location("update_translations", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("update_translations", module)
    spec.loader.exec_module(module)
    return module


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    found: dict[tuple[str, str], ET.Element] = {}
    # Our own committed file, not untrusted input.
    for context in ET.parse(ts).getroot().iter("context"):  # noqa: S314
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found[(name, message.findtext("source") or "")] = message
    return found


# --- the scan for untranslated text, proved on snippets first ---------------------------


def test_scan_reports_literals_on_screen_that_skip_tr() -> None:
    source = """
from PySide6.QtWidgets import QLabel, QMessageBox
from PySide6.QtGui import QAction

class Page:
    def build(self, name):
        self.title.setText("Orders")
        QLabel("Customer", self)
        QAction(f"Open {name}", self)
        self.menu.addMenu("&File")
        self.button.setToolTip("Send " + name)
        QMessageBox.warning(self, "Careful", "It is gone")
        self.setWindowTitle("Done" if name else "Empty")
"""
    found = [(f.line, f.call) for f in scan_source(source)]
    assert found == [
        (7, "setText"),
        (8, "QLabel"),
        (9, "QAction"),
        (10, "addMenu"),
        (11, "setToolTip"),
        (12, "warning"),
        (12, "warning"),
        (13, "setWindowTitle"),
    ]


def test_scan_knows_the_consoles_own_ways_to_show_a_sentence() -> None:
    source = """
class Page:
    def build(self, order):
        self.status.say("Saved")
        self._action("Refresh", "F5", self.refresh, name="refresh")
        self.choices.set_choices([Choice("Order", "O"), Choice(self.tr("Delivery"), "D")])
        ask(self, "Delete?", f"Delete {order}?")
"""
    found = [(f.line, f.call) for f in scan_source(source)]
    assert found == [(4, "say"), (5, "_action"), (6, "Choice"), (7, "ask"), (7, "ask")]


def test_scan_reports_tr_that_lupdate_cannot_extract_or_place() -> None:
    source = """
def _tr(text):
    return QCoreApplication.translate("Page", text)

class Page:
    def build(self, name):
        tr = self.tr
        self.title.setText(tr("Orders"))
        self.label.setText(self.tr(f"Order {name}"))
        self.other.setText(_tr("Customer"))
        self.more.setText(QCoreApplication.translate("Page", "A " + name))
"""
    problems = [(f.line, f.problem.split(":")[0]) for f in scan_source(source)]
    assert (8, "a bare tr()") in problems
    assert (9, "tr() over a built string") in problems
    assert (10, "a _tr() helper") in problems
    assert (11, "tr() over a built string") in problems


def test_scan_passes_translated_markup_waived_and_logged_text() -> None:
    source = """
import logging
log = logging.getLogger(__name__)

class Page:
    def build(self, url, n):
        self.title.setText(self.tr("Orders"))
        self.count.setText(self.tr("%n events", "", n))
        QLabel(QCoreApplication.translate("Page", "Customer"))
        self.note.setText(f"<b>{self.tr('Careful')}</b>")
        self.sep.setText("—")
        self.url.setText(f"{url}/bitrix/")  # notr
        log.warning("no lock at %s", url)
        self.header.setText(self.tr("{n} of {m}").format(n=1, m=2))
"""
    assert scan_source(source) == []


def test_every_string_in_console_ui_goes_through_tr() -> None:
    findings = scan_tree(UI)
    assert not findings, "\n".join(str(f) for f in findings)


# --- the catalogues ---------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%L?n|%\d|\{\{|\}\}|\{\w*\}|<[^<>]+>")


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def test_ukrainian_catalogue_is_complete_with_every_placeholder() -> None:
    problems: list[str] = []
    for (context, source), message in messages(TRANSLATIONS / "b24console_uk.ts").items():
        translation = message.find("translation")
        assert translation is not None
        if translation.get("type") in {"unfinished", "vanished", "obsolete"}:
            problems.append(f"{context}: {source!r} is {translation.get('type')}")
            continue
        if message.get("numerus") == "yes":
            forms = [form.text or "" for form in translation.iter("numerusform")]
            if len(forms) != PLURAL_FORMS["uk"] or not all(f.strip() for f in forms):
                problems.append(f"{context}: {source!r} needs 3 plural forms, has {forms}")
        else:
            forms = [translation.text or ""]
            if not forms[0].strip():
                problems.append(f"{context}: {source!r} has no translation")
        for form in forms:
            if _placeholders(form) != _placeholders(source):
                problems.append(f"{context}: {source!r} -> {form!r}: placeholders differ")
    assert not problems, "\n".join(problems)


def test_english_catalogue_has_both_plural_forms_of_every_count() -> None:
    ts = TRANSLATIONS / "b24console_en.ts"
    plural_sources = {key for key, m in messages(ts).items() if m.get("numerus") == "yes"}
    uk_plurals = {
        key
        for key, m in messages(TRANSLATIONS / "b24console_uk.ts").items()
        if m.get("numerus") == "yes"
    }
    assert plural_sources == uk_plurals and plural_sources
    for message in messages(ts).values():
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None
        forms = [form.text or "" for form in translation.iter("numerusform")]
        assert len(forms) == PLURAL_FORMS["en"] and all(forms)


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed .ts files after lupdate over today's sources, in a temporary copy."""
    updater = load_updater()
    scratch = tmp_path_factory.mktemp("ts")
    copies = {}
    for lang in updater.LANGUAGES:
        copies[lang] = scratch / f"b24console_{lang}.ts"
        shutil.copy(TRANSLATIONS / copies[lang].name, copies[lang])
    updater.run_lupdate(copies)
    return scratch


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_catalogue_is_up_to_date_with_the_sources(refreshed: Path, lang: str) -> None:
    name = f"b24console_{lang}.ts"
    committed = messages(TRANSLATIONS / name)
    current = messages(refreshed / name)
    new = sorted(set(current) - set(committed))
    gone = sorted(set(committed) - set(current))
    assert not new and not gone, (
        f"run `uv run python packaging/update_translations.py`: new {new}, gone {gone}"
    )
    assert (refreshed / name).read_bytes() == (TRANSLATIONS / name).read_bytes(), (
        "the .ts is not as lupdate writes it: run `uv run python packaging/update_translations.py`"
    )


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_compiled_catalogue_is_what_the_source_gives(tmp_path: Path, lang: str) -> None:
    updater = load_updater()
    rebuilt = tmp_path / f"b24console_{lang}.qm"
    updater.run_lrelease(TRANSLATIONS / f"b24console_{lang}.ts", rebuilt)
    assert rebuilt.read_bytes() == (TRANSLATIONS / f"b24console_{lang}.qm").read_bytes(), (
        "the .qm is stale: run `uv run python packaging/update_translations.py --release`"
    )


def test_dynamic_messages_cover_the_settings_schema_and_explanations() -> None:
    found = set(load_updater().dynamic_messages())
    assert ("Settings", "Interface language (applies after a restart).") in found
    assert ("Settings", "Listener: where events arrive") in found
    assert ("Explanation", "The Raw tab shows what arrived.") in found
    assert ("EntityTab", "This event names no order.") in found


# --- choosing and installing the language -------------------------------------------------


@pytest.fixture
def english_afterwards(qapp: QApplication) -> Iterator[QApplication]:
    """The test may install Ukrainian; the tests after it see the English they expect."""
    before = QLocale()
    yield qapp
    language.install_translators(qapp, "en")
    for translator in list(language._installed):
        qapp.removeTranslator(translator)
    language._installed.clear()
    QLocale.setDefault(before)


def test_language_follows_env_then_setting_then_system(monkeypatch: pytest.MonkeyPatch) -> None:
    ukrainian_os = QLocale("uk_UA")
    german_os = QLocale("de_DE")
    monkeypatch.delenv(language.LANGUAGE_ENV, raising=False)
    assert language.choose_language("system", ukrainian_os) == "uk"
    assert language.choose_language("system", german_os) == "en"
    assert language.choose_language("en", ukrainian_os) == "en"
    assert language.choose_language("uk", german_os) == "uk"
    monkeypatch.setenv(language.LANGUAGE_ENV, "uk_UA")
    assert language.choose_language("en", german_os) == "uk"
    monkeypatch.setenv(language.LANGUAGE_ENV, "en")
    assert language.choose_language("uk", ukrainian_os) == "en"


def test_unknown_env_language_is_reported_and_ignored(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(language.LANGUAGE_ENV, "klingon")
    ukrainian_os = QLocale("uk_UA")
    assert language.choose_language("system", ukrainian_os) == "uk"
    assert "klingon" in caplog.text and "not a language" in caplog.text


def test_settings_reject_a_language_that_is_not_shipped() -> None:
    with pytest.raises(ValueError, match="language"):
        Settings.model_validate({"window": {"language": "fr"}})
    assert Settings().window.language == "system"


def test_ukrainian_window_shows_ukrainian_menus_plurals_and_qt_buttons(
    qtbot: QtBot, english_afterwards: QApplication, tmp_path: Path
) -> None:
    assert language.install_translators(english_afterwards, "uk") == "uk"
    assert language.bitrix_lid() == "ua"
    layout = LayoutStore(QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))
    window = MainWindow(ConsoleContext(Settings()), layout_store=layout)
    qtbot.addWidget(window)
    menus = [a.text() for a in window.menuBar().actions()]
    # Latin mnemonics: Alt+F opens File whichever keyboard layout is on.
    assert menus[:2] == ["Файл (&F)", "Вигляд (&V)"]
    untranslated = []
    for menu in window.menuBar().findChildren(QMenu):
        for action in menu.actions():
            text = action.text()
            words = re.sub(r"b24-console|Bitrix24|Horoshop|cURL|JSON", "", text)
            if not action.isSeparator() and re.search(r"[A-Za-z]{3}", words):
                untranslated.append(text)
    assert not untranslated
    tr = QCoreApplication.translate
    assert tr("FeedTableView", "↑ %Ln new events", "", 1) == "↑ 1 нова подія"
    assert tr("FeedTableView", "↑ %Ln new events", "", 3) == "↑ 3 нові події"
    assert tr("FeedTableView", "↑ %Ln new events", "", 11) == "↑ 11 нових подій"
    assert tr("QPlatformTheme", "Cancel") == "Скасувати"


def test_english_catalogue_gives_the_singular(english_afterwards: QApplication) -> None:
    language.install_translators(english_afterwards, "en")
    assert language.bitrix_lid() == "en"
    tr = QCoreApplication.translate
    assert tr("FeedTableView", "↑ %Ln new events", "", 1) == "↑ 1 new event"
    assert tr("FeedTableView", "↑ %Ln new events", "", 2) == "↑ 2 new events"


def test_stored_summaries_show_their_words_in_the_interface_language(
    english_afterwards: QApplication,
) -> None:
    catch_up = summarize(
        EventSource.CATCH_UP,
        "ONSALEORDERSAVED",
        {"order": {"statusId": "F", "price": "5897.0", "currency": "UAH"}},
    )
    property_value = summarize(
        EventSource.BITRIX, "ONPROPERTYVALUEENTITYSAVED", {"data": {"FIELDS": {"ID": "575"}}}
    )
    save = summarize(
        EventSource.BITRIX,
        "ONSALEORDERSAVED",
        {"data": {"FIELDS": {"ACTION": "save", "XML_ID": "horoshop_4300"}}},
    )
    # The money part is shown as the interface's locale writes money.
    assert translated_summary(catch_up) == catch_up.replace("5897.0 UAH", "5,897.00 UAH")
    language.install_translators(english_afterwards, "uk")
    QLocale.setDefault(QLocale("uk_UA"))
    assert translated_summary(catch_up) == (
        "змінено на порталі, подія не надійшла · статус F · 5\u00a0897,00 ₴"
    )
    assert translated_summary(property_value) == "значення властивості 575 збережено"
    assert translated_summary(save) == save


def test_every_refusal_reason_the_listener_words_is_shown_in_ukrainian(
    english_afterwards: QApplication,
) -> None:
    from console.listener.verification import BitrixExpectation, verify_bitrix

    expected = BitrixExpectation("token", "shop.bitrix24.ua", "member")
    auth = [
        verify_bitrix("demo", BitrixExpectation(None, None), **given)
        for given in [{"application_token": "t", "domain": None, "member_id": None}]
    ] + [
        verify_bitrix("demo", expected, **given)
        for given in [
            {"application_token": None, "domain": None, "member_id": None},
            {"application_token": "other", "domain": None, "member_id": None},
            {"application_token": "token", "domain": None, "member_id": None},
            {"application_token": "token", "domain": "x.bitrix24.ua", "member_id": None},
            {"application_token": "token", "domain": "shop.bitrix24.ua", "member_id": "m2"},
        ]
    ]
    reasons = [r for r in auth if r is not None] + [
        "unknown profile 'shop2'",
        "unknown Horoshop secret",
        "unsupported content type text/plain",
        "body is not valid UTF-8 (byte 7)",
        "body is not valid JSON: Expecting value: line 1 column 1 (char 0)",
        "body nests deeper than 32 levels",
        "key nests deeper than 32 levels",
        "more than 5000 keys",
        "body larger than 1048576 bytes",
        "not a valid form body: bad escape",
        "body is not an object",
        "JSON body is not an object",
        "no event name",
        "ONSALEORDERSAVED without data[FIELDS][ID]",
        "no order_id in the body",
        "body not parsed",
    ]
    assert len(auth) == 6 and None not in auth
    assert [translated_refusal(r) for r in reasons] == reasons
    language.install_translators(english_afterwards, "uk")
    untranslated = [r for r in reasons if translated_refusal(r) == r]
    assert not untranslated, "console/ui/wording.py does not know these: " + repr(untranslated)
    assert translated_refusal(auth[2]) == "хибний токен застосунку для профілю demo"
    # A listener reason this module does not know is shown as it came.
    assert translated_refusal("something new") == "something new"


def test_the_query_bars_note_on_an_order_of_either_system_is_in_ukrainian(
    english_afterwards: QApplication,
) -> None:
    notes = parse_query("order:300").notes
    assert len(notes) == 1 and translated_query_note(notes[0]) == notes[0]
    language.install_translators(english_afterwards, "uk")
    assert translated_query_note(notes[0]) == (
        "order:300 знаходить замовлення Horoshop 300 і замовлення Bitrix24 300 (це різні "
        "замовлення): напишіть order:hs-300 або order:b24-300, щоб вибрати одне з них"
    )


STATUS_FIELD_CASES: list[dict[str, Any]] = [
    {"id": ""},
    {"id": "ABCDEFGHI"},
    {"id": "Ж"},
    {"type": "X"},
    {"sort": "ten"},
    {"sort": -1},
    {"color": "red"},
    {"xml_id": "x" * 300},
    {"names": {"x1!": "Paid"}},
    {"names": {"ua": "x" * 300}},
    {"id": "N", "type": "D", "current_type": "O"},
    {"id": "DF", "type": "O", "current_type": "D"},
]


def test_every_status_problem_the_core_words_is_shown_in_ukrainian(
    english_afterwards: QApplication,
) -> None:
    problems = [
        problem
        for fields in STATUS_FIELD_CASES
        for problem in validate_status_fields(**fields).values()
    ]
    assert len(problems) >= len(STATUS_FIELD_CASES)
    assert [translated_form_problem(p) for p in problems] == problems
    language.install_translators(english_afterwards, "uk")
    untranslated = [p for p in problems if translated_form_problem(p) == p]
    assert not untranslated, "console/ui/wording.py does not know these: " + repr(untranslated)
    assert translated_form_problem("Between 0 and 2147483647.") == "Від 0 до 2147483647."


def test_inspector_names_a_refused_state_in_the_interface_language(
    english_afterwards: QApplication,
) -> None:
    from console.listener.explain import Explanation, Finding
    from console.ui.views.inspector import _explanation_tr, _localized

    finding = Finding(
        "unknown",
        "The event was {state}, with no reason recorded.",
        "The Raw and Headers tabs show exactly what arrived.",
        {"state": "rejected"},
    )
    explanation = Explanation((finding,))
    assert _localized(explanation).render(_explanation_tr)[0] == (
        "The event was rejected, with no reason recorded."
    )
    language.install_translators(english_afterwards, "uk")
    title, advice = _localized(explanation).render(_explanation_tr)
    assert title == "Подія відхилена, причину не записано."
    assert advice == "Вкладки «Сирі дані» і «Заголовки» показують, що саме надійшло."


def test_timeline_shows_recorded_status_changes_in_the_interface_language(
    english_afterwards: QApplication,
) -> None:
    order = "order 300: status P → S"
    shipment = "order 300, shipment 200: delivery status DN → DF"
    binding = "order 300 bound to deal 12"
    assert [translated_change(s) for s in (order, shipment, binding)] == [order, shipment, binding]
    language.install_translators(english_afterwards, "uk")
    assert translated_change(order) == "замовлення 300: статус P → S"
    assert translated_change(shipment) == (
        "замовлення 300, відвантаження 200: статус доставки DN → DF"
    )
    assert translated_change(binding) == binding
    # As the timeline gets them: who made the change, and what became of it.
    assert translated_change("olena: " + order) == "olena: замовлення 300: статус P → S"
    assert translated_change(f"olena: {order} (sent, no answer: outcome unknown)") == (
        "olena: замовлення 300: статус P → S (надіслано, відповіді немає: результат невідомий)"
    )


def test_the_timeline_names_what_became_of_a_change_in_the_interface_language(
    english_afterwards: QApplication,
) -> None:
    from console.ui.models.timeline import _verification_word

    assert [_verification_word(s) for s in ("applied", "unknown")] == [
        "applied",
        "outcome unknown",
    ]
    language.install_translators(english_afterwards, "uk")
    assert [_verification_word(s) for s in ("applied", "unknown", "verified")] == [
        "застосовано",
        "результат невідомий",
        "перевірена",
    ]


def _profile_problem(check: Callable[[str], object], value: str) -> str:
    with pytest.raises(ProfileError) as raised:
        check(value)
    return str(raised.value)


def test_every_profile_problem_the_core_words_is_shown_in_ukrainian(
    english_afterwards: QApplication,
) -> None:
    problems = [
        _profile_problem(validate_profile_name, "second shop"),
        _profile_problem(normalise_portal_url, "ftp://shop.bitrix24.ua"),
        _profile_problem(normalise_portal_url, "https://shop.bitrix24.ua:99999"),
        _profile_problem(normalise_portal_url, "https://user:pw@shop.bitrix24.ua"),
        _profile_problem(normalise_portal_url, "not a url"),
        _profile_problem(normalise_portal_url, "http://shop.bitrix24.ua"),
        _profile_problem(normalise_portal_url, "https://shop.bitrix24.ua/crm/"),
        _profile_problem(normalise_server_endpoint, "https://oauth.bitrix.info/other/"),
        _profile_problem(parse_webhook_url, "https://shop.bitrix24.ua/rest/"),
        str(WebhookPortalMismatch("https://a.bitrix24.ua", "https://b.bitrix24.ua").reason),
    ]
    assert [translated_profile_problem(p) for p in problems] == problems
    language.install_translators(english_afterwards, "uk")
    untranslated = [p for p in problems if translated_profile_problem(p) == p]
    assert not untranslated, "console/ui/wording.py does not know these: " + repr(untranslated)
    assert translated_profile_problem(problems[4]) == (
        "неправильний хост: має бути https://<portal host>[:port] (простий http лише для loopback)"
    )


def test_forms_say_the_portals_refusal_and_field_problems_in_ukrainian(
    english_afterwards: QApplication,
) -> None:
    from console.bitrix.errors import OrderNotFound
    from console.operations import InvalidInput, PortalRefused
    from console.ui.dialogs.form_support import error_text

    refused = PortalRefused(OrderNotFound(code="ERROR_ORDER_NOT_EXISTS"))
    invalid = InvalidInput({"order_id": "A positive whole number."})
    assert error_text(refused) == "That order does not exist. Check the order number."
    language.install_translators(english_afterwards, "uk")
    assert error_text(refused) == "Такого замовлення немає. Перевірте номер замовлення."
    assert error_text(invalid) == "Додатне ціле число."


def test_the_system_status_note_is_in_the_interface_language(
    english_afterwards: QApplication, qtbot: object
) -> None:
    from console.operations.statuses import StatusRow
    from console.ui.dialogs.status_edit import StatusEditDialog

    language.install_translators(english_afterwards, "uk")
    row = StatusRow("F", "O", "Виконано", True, 100, None, None, True, {"ua": "Виконано"})
    dialog = StatusEditDialog(ConsoleContext(Settings()), "shop", row, [], "ua")
    try:
        assert dialog.type_lock.text().startswith("F — системний статус")
    finally:
        dialog.deleteLater()
