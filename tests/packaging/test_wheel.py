"""`uv tool install` of the built wheel gives a working b24-console, window included.

Built with `uv build`, installed with `uv tool install` into folders of the test's own
(UV_TOOL_DIR, UV_TOOL_BIN_DIR), run from there: never from the checkout.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from console.core.versions import program_version
from console.ui.icons import APP_ID, ICON_SIZES
from tests.packaging.conftest import ROOT
from tests.support.first_paint import (
    empty_console_env,
    run_window_until_painted,
    without_checkout_env,
)

pytestmark = pytest.mark.slow

UV = shlex.split(os.environ.get("B24_UV_CMD", "uv"))


def uv(*args: str | Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [*UV, *(str(arg) for arg in args)], capture_output=True, text=True, timeout=600,
        check=False, cwd=ROOT, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    uv("build", "--wheel", "--out-dir", out)
    (built,) = out.glob("b24_console-*.whl")
    return built


def test_the_wheel_carries_icons_and_translations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for size in ICON_SIZES:
        assert f"console/ui/resources/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in names
    assert f"console/ui/resources/icons/hicolor/scalable/apps/{APP_ID}.svg" in names
    translations = ROOT / "console" / "ui" / "resources" / "translations"
    for catalogue in translations.glob("*.qm") if translations.is_dir() else []:
        assert f"console/ui/resources/translations/{catalogue.name}" in names
    assert not {name for name in names if name.startswith("tests/")}


@pytest.mark.real_keyring  # the self-test writes to the keyring of the suite's session
def test_uv_tool_install_of_the_wheel_runs_the_window(wheel: Path, tmp_path: Path) -> None:
    tools, bin_dir = tmp_path / "tools", tmp_path / "bin"
    env = {
        **without_checkout_env(dict(os.environ)),
        "UV_TOOL_DIR": str(tools),
        "UV_TOOL_BIN_DIR": str(bin_dir),
    }
    # The same versions as the lock file (which keeps out PySide6 6.12.0 on Python 3.11).
    constraints = tmp_path / "constraints.txt"
    uv("export", "--locked", "--no-dev", "--no-hashes", "--no-emit-project",
       "--format", "requirements-txt", "--output-file", constraints)  # fmt: skip
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    uv("tool", "install", "--python", python, "--constraints", constraints, wheel, env=env)
    program = bin_dir / "b24-console"
    assert program.is_file()

    version = subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, timeout=60, check=False,
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert version.returncode == 0, version.stderr
    assert version.stdout.splitlines()[0] == f"b24-console {program_version()}"
    self_test = subprocess.run(
        [str(program), "--self-test"], capture_output=True, text=True, timeout=120,
        check=False, cwd=tmp_path,
        env={**env, "QT_QPA_PLATFORM": "offscreen", "B24_CONSOLE_LOG_DIR": str(tmp_path / "log")},
    )  # fmt: skip
    assert self_test.returncode == 0, self_test.stdout + self_test.stderr
    tool_python = next(tools.glob("b24-console/bin/python"))
    where = subprocess.run(
        [str(tool_python), "-c", "import console.ui.icons as m; print(m.icon_svg_path())"],
        capture_output=True, text=True, timeout=60, check=False, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    icon = Path(where.stdout.strip())
    assert icon.is_relative_to(tools) and icon.is_file()

    data = tmp_path / "data"
    window = run_window_until_painted(
        [str(program), "--data-dir", str(data)],
        env={
            **empty_console_env(env, tmp_path / "config"),
            "QT_QPA_PLATFORM": "offscreen",
            "B24_CONSOLE_LANGUAGE": "uk",
        },
        cwd=tmp_path,
        ready_file=data / "listener.json",
    )
    assert window.launch_to_paint is not None, window.stderr
    assert window.ready, window.stderr  # the listener child runs too
    assert window.exit_code == 0, window.stderr
    # The Ukrainian catalogue came along (console/ui/language.py warns when it is missing).
    assert not [line for line in window.stderr if "no translation catalogue" in line]
