"""Refresh the translation sources and compile them, with PySide6's own lupdate/lrelease.

    uv run python packaging/update_translations.py            # lupdate, then lrelease
    uv run python packaging/update_translations.py --release  # only lrelease (.ts -> .qm)

lupdate reads every module under ``console/ui``. Some text reaches ``tr()`` as a value
rather than a literal, declared once in English where it belongs (the settings schema's
names and descriptions, the listener's explanations of a refused event, the REST
client's messages): :func:`dynamic_messages` lists them and they are handed to lupdate
as ``QT_TRANSLATE_NOOP`` lines in a temporary file. Locations are left out of the .ts
files, so the sources stay the same when code only moves (and rebases stay quiet).
The English catalogue holds only plural forms ("%n events"); the Ukrainian one holds
every message.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
import typing
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "console" / "ui"
TRANSLATIONS = UI / "resources" / "translations"
CATALOGUE = "b24console"
LANGUAGES = ("en", "uk")
# Languages whose catalogue carries only the plural forms: their source text is the text.
PLURALS_ONLY = frozenset({"en"})


def _tool(name: str) -> str:
    """``pyside6-<name>`` beside this interpreter (the project's venv), else on PATH."""
    beside = Path(sys.executable).parent / f"pyside6-{name}"
    if beside.exists():
        return str(beside)
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: run `uv sync` first")
    return found


def ts_path(language: str, directory: Path = TRANSLATIONS) -> Path:
    return directory / f"{CATALOGUE}_{language}.ts"


def qm_path(language: str, directory: Path = TRANSLATIONS) -> Path:
    return directory / f"{CATALOGUE}_{language}.qm"


def _literal_args(path: Path, call: str, positions: Iterable[int]) -> list[str]:
    """The non-empty string literals at ``positions`` of every ``call(...)`` in ``path``."""
    wanted = tuple(positions)
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id != call:
            continue
        for index in wanted:
            if index < len(node.args):
                argument = node.args[index]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.extend([argument.value] if argument.value else [])
    return found


def _settings_messages() -> list[str]:
    """What the Settings dialog shows from the schema: section titles, field labels and
    descriptions (the same words :mod:`console.ui.dialogs.settings_dialog` builds)."""
    from pydantic import BaseModel

    from console.core.settings import Settings
    from console.ui.dialogs.settings_dialog import _simple

    def label(name: str) -> str:
        return name.replace("_", " ").capitalize()

    texts: list[str] = []
    for name, info in Settings.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            texts.append(info.description or label(name))
            for field_name, field_info in annotation.model_fields.items():
                if _simple(field_info):
                    texts.append(label(field_name))
                    if field_info.description:
                        texts.append(field_info.description)
        elif _simple(info):
            texts.append(label(name))
            if info.description:
                texts.append(info.description)
    return texts


def dynamic_messages() -> list[tuple[str, str]]:
    """``(context, source text)`` of every message that reaches ``tr()`` as a value."""
    from console.bitrix import errors

    messages = [("Settings", text) for text in _settings_messages()]
    explain = ROOT / "console" / "listener" / "explain.py"
    templates = _literal_args(explain, "_Rule", (2, 3)) + _literal_args(explain, "Finding", (1, 2))
    messages += [("Explanation", text) for text in templates]
    order_view = ROOT / "console" / "bitrix" / "order_view.py"
    messages += [("EntityTab", text) for text in _literal_args(order_view, "OrderViewError", (0,))]
    messages += [("PortalErrors", text) for _cls, text in errors._MESSAGES]
    messages.append(("PortalErrors", errors.user_message(Exception())))
    unique: dict[tuple[str, str], None] = dict.fromkeys(messages)
    return list(unique)


def write_dynamic_module(directory: Path) -> Path:
    """A Python file of ``QT_TRANSLATE_NOOP`` lines for :func:`dynamic_messages`."""
    lines = ["from PySide6.QtCore import QT_TRANSLATE_NOOP", ""]
    for context, text in dynamic_messages():
        lines.append(f"QT_TRANSLATE_NOOP({context!r}, {text!r})")
    path = directory / "dynamic_messages.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ui_sources() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def run_lupdate(ts_files: dict[str, Path]) -> None:
    """Merge the current sources into each language's .ts (created when missing)."""
    with tempfile.TemporaryDirectory(prefix="b24-lupdate-") as scratch:
        dynamic = write_dynamic_module(Path(scratch))
        sources = [str(path) for path in [*ui_sources(), dynamic]]
        for language, ts in ts_files.items():
            ts.parent.mkdir(parents=True, exist_ok=True)
            command = [_tool("lupdate"), "-silent", "-locations", "none", "-no-obsolete"]
            command += ["-source-language", "en", "-target-language", language]
            if language in PLURALS_ONLY:
                command.append("-pluralonly")
            # The tool is PySide6's own and every argument is a path this script built.
            subprocess.run([*command, *sources, "-ts", str(ts)], check=True)  # noqa: S603


def run_lrelease(ts: Path, qm: Path) -> None:
    """Compile one .ts into its .qm."""
    command = [_tool("lrelease"), "-silent", "-nounfinished", str(ts), "-qm", str(qm)]
    subprocess.run(command, check=True)  # noqa: S603


def main(argv: typing.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="only compile .ts into .qm")
    args = parser.parse_args(argv)
    if not args.release:
        run_lupdate({language: ts_path(language) for language in LANGUAGES})
    for language in LANGUAGES:
        run_lrelease(ts_path(language), qm_path(language))
        print(qm_path(language).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
