"""The one-folder bundle itself: what it carries, what it leaves out, that it runs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from console.core.versions import program_version
from console.ui.icons import APP_ID, ICON_SIZES
from tests.packaging.conftest import ROOT, BuiltBundle

pytestmark = pytest.mark.slow


def internal(bundle: BuiltBundle) -> Path:
    return bundle.program.parent / "_internal"


def test_the_bundle_carries_the_package_resources(built_bundle: BuiltBundle) -> None:
    resources = internal(built_bundle) / "console" / "ui" / "resources"
    for size in ICON_SIZES:
        png = resources / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png.is_file()
    translations = ROOT / "console" / "ui" / "resources" / "translations"
    if translations.is_dir():
        for catalogue in translations.glob("*.qm"):
            assert (resources / "translations" / catalogue.name).is_file(), catalogue.name
    # --version reads the version from the package's metadata.
    assert list(internal(built_bundle).glob("b24_console-*.dist-info"))


def test_the_bundle_leaves_out_the_gtk_stack_and_unused_qt(built_bundle: BuiltBundle) -> None:
    names = {path.name for path in internal(built_bundle).rglob("*")}
    assert not {name for name in names if name.startswith(("libgtk-3", "libgdk-3", "libqgtk3"))}
    assert "libqeglfs.so" not in names and "libqvnc.so" not in names
    assert "libqxcb.so" in names and "libqoffscreen.so" in names and "libqwayland.so" in names
    assert not {name for name in names if name.startswith("qt_help_")}


def test_the_bundle_runs_its_command_line(built_bundle: BuiltBundle, tmp_path: Path) -> None:
    env = {**os.environ, "B24_CONSOLE_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [str(built_bundle.program), "--help"], capture_output=True, text=True, timeout=60,
        check=False, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "usage: b24-console" in result.stdout
    # A bad argument is a usage error (exit 2) from the bundle as from the checkout.
    bad = subprocess.run(
        [str(built_bundle.program), "events", "list", "--since", "yesterday-ish"],
        capture_output=True, text=True, timeout=60, check=False, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert bad.returncode == 2, bad.stderr


def test_the_bundle_names_its_versions(built_bundle: BuiltBundle, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(built_bundle.program), "--version"], capture_output=True, text=True, timeout=60,
        check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"b24-console {program_version()}"
    assert lines[2].startswith("PySide6 6."), lines


@pytest.mark.real_keyring
def test_the_bundle_passes_its_self_test(built_bundle: BuiltBundle, tmp_path: Path) -> None:
    # The real keyring of the suite's D-Bus session, a store, the listener, the sandbox and
    # an offscreen window, all from the bundle's own files.
    result = subprocess.run(
        [str(built_bundle.program), "--self-test"], capture_output=True, text=True,
        timeout=120, check=False, cwd=tmp_path,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
             "B24_CONSOLE_LOG_DIR": str(tmp_path / "log")},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "keyring.backends.SecretService" in result.stdout
    assert "self-test passed" in result.stdout
