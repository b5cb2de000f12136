"""The interface language: which one, and the translators that make Qt speak it.

The OS decides (``QLocale.system()``'s UI languages), the settings' ``window.language``
overrides it, and ``B24_CONSOLE_LANGUAGE`` (``en`` or ``uk``) overrides both for tests and
screenshots. The compiled catalogues live in ``resources/translations`` beside this
module, so the wheel and the bundle carry them.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

LANGUAGE_ENV = "B24_CONSOLE_LANGUAGE"
SUPPORTED = ("en", "uk")
TRANSLATIONS_DIR = Path(__file__).parent / "resources" / "translations"
CATALOGUE = "b24console"
# Bitrix24 names its languages by its own ids (``lid``): Ukrainian is "ua", not "uk".
BITRIX_LIDS = {"en": "en", "uk": "ua"}

_current = "en"
# Qt does not own installed translators: they must outlive the application's use of them.
_installed: list[QTranslator] = []


def _supported(code: str) -> str | None:
    """``uk``, ``uk_UA``, ``uk-UA``, ``ua`` -> ``uk``; None for a language not shipped."""
    short = code.strip().replace("-", "_").split("_")[0].lower()
    short = "uk" if short == "ua" else short
    return short if short in SUPPORTED else None


def choose_language(setting: str = "system", system: QLocale | None = None) -> str:
    """The language to show: the environment override, else ``setting`` unless it is
    ``system``, else the first of the OS's UI languages that is shipped, else English."""
    override = os.environ.get(LANGUAGE_ENV, "").strip()
    if override:
        chosen = _supported(override)
        if chosen is not None:
            return chosen
        log.warning(
            "%s=%s is not a language b24-console has (%s); ignored",
            LANGUAGE_ENV,
            override,
            ", ".join(SUPPORTED),
        )
    if setting and setting != "system":
        chosen = _supported(setting)
        if chosen is not None:
            return chosen
    locale = system if system is not None else QLocale.system()
    for name in [*locale.uiLanguages(), locale.name()]:
        chosen = _supported(name)
        if chosen is not None:
            return chosen
    return "en"


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOGUE}_{language}.qm"


def install_translators(app: QCoreApplication, language: str) -> str:
    """Make ``app`` speak ``language`` (one of :data:`SUPPORTED`): the console's catalogue
    and Qt's own (standard buttons, context menus). Returns the language installed; a
    missing catalogue is logged and the text stays English."""
    global _current
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = language if language in SUPPORTED else "en"
    console = QTranslator(app)
    if console.load(str(catalogue_path(language))):
        app.installTranslator(console)
        _installed.append(console)
    else:
        log.warning("no translation catalogue at %s", catalogue_path(language))
    if language != "en":
        qt_own = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load(f"qtbase_{language}", qt_dir):
            app.installTranslator(qt_own)
            _installed.append(qt_own)
    QLocale.setDefault(QLocale(language))
    _current = language
    return language


def current_language() -> str:
    """The language installed by :func:`install_translators` (``en`` before that)."""
    return _current


def bitrix_lid() -> str:
    """The Bitrix24 language id (``lid``) of the interface language: ``en`` or ``ua``."""
    return BITRIX_LIDS.get(_current, "en")


def latin_mnemonic(translated: str, english: str) -> str:
    """``translated`` with a mnemonic reachable on a Latin keyboard layout.

    A Cyrillic mnemonic (``&Файл``) answers only while a Cyrillic layout is on; Qt also
    tries the Latin key of the same key press, so a Latin one (``Файл (&F)``) answers on
    either. A translation whose mnemonic is Latin already is kept as it is.
    """
    mark = translated.replace("&&", "").find("&")
    if mark < 0 or translated.replace("&&", "")[mark + 1 : mark + 2].isascii():
        return translated
    english_mark = english.replace("&&", "").find("&")
    letter = english.replace("&&", "")[english_mark + 1 : english_mark + 2]
    if english_mark < 0 or not letter.isascii():
        return translated
    plain = translated.replace("&&", "\0").replace("&", "").replace("\0", "&&")
    return f"{plain} (&{letter.upper()})"
