"""The package's layers, checked on the source: who may import what.

Every import counts, at any depth (inside functions too): a lazy import still ties the
layers together. Relative imports are resolved against the importing module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "console"
QT = ("PySide6", "shiboken6")


@dataclass(frozen=True)
class Rule:
    """Modules under ``layer`` must not import anything under ``forbidden``."""

    layer: str
    forbidden: tuple[str, ...]
    why: str


RULES = (
    Rule(
        "console.core",
        (
            "console.bitrix",
            "console.listener",
            "console.store",
            "console.ui",
            "console.cli",
            "console.sandbox",
        ),
        "core is the bottom layer",
    ),
    Rule(
        "console.store",
        ("console.listener", "console.ui", "console.cli"),
        "the store is read by the listener and the window, never the other way",
    ),
    Rule("console.ui", ("console.cli",), "the window shares the Qt-free core, not the CLI"),
)


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, root: Path) -> Iterator[str]:
    """Every module ``path`` (under package ``root``) imports, as absolute dotted names."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            # "from console import ui" imports console.ui.
            for alias in node.names:
                yield f"{target}.{alias.name}"


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def all_imports(root: Path = PACKAGE_ROOT) -> list[tuple[str, str]]:
    return [
        (module_name(path, root), imported)
        for path in sorted(root.rglob("*.py"))
        for imported in imports_of(path, root)
    ]


def violations(pairs: list[tuple[str, str]]) -> list[str]:
    found: set[str] = set()
    for module, imported in pairs:
        if any(within(imported, qt) for qt in QT) and not within(module, "console.ui"):
            found.add(f"{module} imports {imported}: only console.ui may import Qt")
        for rule in RULES:
            if within(module, rule.layer) and any(within(imported, f) for f in rule.forbidden):
                found.add(f"{module} imports {imported}: {rule.why}")
    return sorted(found)


def test_the_layers_hold() -> None:
    problems = violations(all_imports())
    assert not problems, "layering violations:\n" + "\n".join(problems)


def test_the_scan_sees_imports_inside_functions_and_relative_ones() -> None:
    pairs = all_imports()
    # Known lazy imports: if the walk missed function bodies these would vanish.
    assert ("console.cli.app", "console.cli.errors") in pairs
    assert ("console.session", "console.bitrix.connect") in pairs


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("core/bad.py", "def f():\n    import PySide6.QtCore\n", "only console.ui may import Qt"),
        ("store/bad.py", "from ..listener import server\n", "never the other way"),
        ("ui/bad.py", "from console.cli.app import run\n", "not the CLI"),
        ("core/bad.py", "from console.bitrix import client\n", "bottom layer"),
        ("listener/bad.py", "import shiboken6\n", "only console.ui may import Qt"),
    ],
)
def test_a_violation_is_reported_with_module_and_import(
    tmp_path: Path, module: str, source: str, expected: str
) -> None:
    root = tmp_path / "console"
    target = root / module
    target.parent.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (target.parent / "__init__.py").write_text("")
    target.write_text(source)
    problems = violations(all_imports(root))
    name = "console." + module.removesuffix(".py").replace("/", ".")
    assert len(problems) >= 1 and all(p.startswith(f"{name} imports ") for p in problems)
    assert any(expected in p for p in problems), problems
