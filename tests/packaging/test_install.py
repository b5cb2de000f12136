"""The tarball's install.sh and uninstall.sh, run for real in a temporary HOME."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from console.ui.icons import APP_ID, ICON_SIZES
from tests.support.first_paint import empty_console_env, run_window_until_painted

pytestmark = pytest.mark.slow


def tree(root: Path) -> dict[str, str]:
    """Every path under ``root``: a folder, a link and its target, or a file's digest."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = f"link {os.readlink(path)}"
        elif path.is_dir():
            found[key] = "dir"
        else:
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def a_home(tmp_path: Path) -> Path:
    """A HOME with things of its own where the install goes, which must survive it."""
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "other-tool").write_text("#!/bin/sh\n")
    (home / ".local" / "share" / "applications").mkdir(parents=True)
    (home / ".local" / "share" / "applications" / "other.desktop").write_text("[Desktop Entry]\n")
    return home


def run(command: list[str | Path], home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=300,
        check=False, env={**os.environ, "HOME": str(home)},
    )  # fmt: skip


def test_install_puts_everything_under_local_and_uninstall_takes_exactly_that(
    unpacked: Path, tmp_path: Path
) -> None:
    home = a_home(tmp_path)
    before = tree(home)
    installed = run([unpacked / "install.sh"], home)
    assert installed.returncode == 0, installed.stderr
    local = home / ".local"
    lib = local / "lib" / "b24-console"
    link = local / "bin" / "b24-console"
    assert link.is_symlink() and link.resolve() == (lib / "b24-console").resolve()
    desktop = local / "share" / "applications" / f"{APP_ID}.desktop"
    assert f"Exec={lib}/b24-console\n" in desktop.read_text()
    assert f"Icon={APP_ID}\n" in desktop.read_text()
    assert (local / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    hicolor = local / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        assert (hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    assert (hicolor / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    if shutil.which("desktop-file-validate"):
        validated = run(["desktop-file-validate", desktop], home)
        assert validated.returncode == 0 and not validated.stdout.strip(), validated.stdout

    help_text = run([link, "--help"], home)
    assert help_text.returncode == 0 and "usage: b24-console" in help_text.stdout

    removed = run([lib / "uninstall.sh"], home)
    assert removed.returncode == 0, removed.stderr
    assert tree(home) == before


def test_the_installed_program_opens_its_window(unpacked: Path, tmp_path: Path) -> None:
    home = a_home(tmp_path)
    assert run([unpacked / "install.sh"], home).returncode == 0
    data = tmp_path / "data"
    env = empty_console_env({**os.environ, "HOME": str(home)}, tmp_path / "config")
    window = run_window_until_painted(
        [str(home / ".local" / "bin" / "b24-console"), "--data-dir", str(data)],
        env={**env, "QT_QPA_PLATFORM": "offscreen", "B24_CONSOLE_LANGUAGE": "uk"},
        cwd=tmp_path,
        ready_file=data / "listener.json",
    )
    assert window.launch_to_paint is not None, window.stderr
    # The listener child is the bundle's own binary again (console/core/program.py).
    assert window.ready, window.stderr
    assert window.exit_code == 0, window.stderr
    # The Ukrainian catalogue came along (console/ui/language.py warns when it is missing).
    assert not [line for line in window.stderr if "no translation catalogue" in line]


def test_uninstall_keeps_what_others_put_in_folders_install_made(
    unpacked: Path, tmp_path: Path
) -> None:
    home = a_home(tmp_path)
    before = tree(home)
    assert run([unpacked / "install.sh"], home).returncode == 0
    theirs = home / ".local" / "share" / "icons" / "hicolor" / "48x48" / "apps" / "other.png"
    theirs.write_bytes(b"not ours")
    assert run([home / ".local" / "lib" / "b24-console" / "uninstall.sh"], home).returncode == 0
    after = tree(home)
    assert after.pop(str(theirs.relative_to(home))) == hashlib.sha256(b"not ours").hexdigest()
    kept_folders = {key for key, kind in after.items() if key not in before and kind == "dir"}
    assert kept_folders == {
        ".local/share/icons",
        ".local/share/icons/hicolor",
        ".local/share/icons/hicolor/48x48",
        ".local/share/icons/hicolor/48x48/apps",
    }
    assert {key: kind for key, kind in after.items() if key in before} == before


def test_install_refuses_a_b24_console_that_is_not_its_own(unpacked: Path, tmp_path: Path) -> None:
    home = a_home(tmp_path)
    # What `uv tool install` or `pipx install` of the wheel leaves there.
    (home / ".local" / "bin" / "b24-console").write_text("#!/bin/sh\n")
    before = tree(home)
    refused = run([unpacked / "install.sh"], home)
    assert refused.returncode == 1
    assert ".local/bin/b24-console already exists" in refused.stderr
    assert "--prefix" in refused.stderr
    assert tree(home) == before


def test_installing_again_replaces_the_earlier_install(unpacked: Path, tmp_path: Path) -> None:
    home = a_home(tmp_path)
    before = tree(home)
    assert run([unpacked / "install.sh"], home).returncode == 0
    first = tree(home)
    again = run([unpacked / "install.sh"], home)
    assert again.returncode == 0, again.stderr
    assert "replacing" in again.stdout
    assert tree(home) == first
    assert run([unpacked / "uninstall.sh"], home).returncode == 0  # the tarball's copy
    assert tree(home) == before


def test_a_failed_install_undoes_what_it_did(unpacked: Path, tmp_path: Path) -> None:
    home = a_home(tmp_path)
    # A file where the icon theme's folder must go: the icons are copied last, so the
    # program, the link and the menu entry are in place when it fails.
    (home / ".local" / "share" / "icons").write_text("in the way")
    before = tree(home)
    failed = run([unpacked / "install.sh"], home)
    assert failed.returncode != 0
    assert "undoing" in failed.stderr
    assert tree(home) == before


def test_install_into_another_prefix(unpacked: Path, tmp_path: Path) -> None:
    home = a_home(tmp_path)
    before = tree(home)
    prefix = tmp_path / "opt with space"
    assert run([unpacked / "install.sh", "--prefix", prefix], home).returncode == 0
    desktop = prefix / "share" / "applications" / f"{APP_ID}.desktop"
    assert f'Exec="{prefix}/lib/b24-console/b24-console"\n' in desktop.read_text()
    if shutil.which("desktop-file-validate"):
        assert run(["desktop-file-validate", desktop], home).returncode == 0
    assert tree(home) == before
    assert run([prefix / "lib" / "b24-console" / "uninstall.sh"], home).returncode == 0
    assert not prefix.exists()
