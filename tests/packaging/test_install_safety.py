"""install.sh writes through nothing planted while it runs; uninstall.sh removes only the
files still as it installed them. Run for real on a small payload in a temporary HOME."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from console.ui.icons import APP_ID
from tests.packaging.test_install import a_home, run, tree

DESKTOP = f"share/applications/{APP_ID}.desktop"
METAINFO = f"share/metainfo/{APP_ID}.metainfo.xml"
ICON = f"share/icons/hicolor/48x48/apps/{APP_ID}.png"


def planting_mkdir(tmp_path: Path, folder: Path, name: str, target: Path) -> dict[str, str]:
    """An environment whose ``mkdir``, once it has made ``folder``, plants a symlink
    ``folder/name`` -> ``target``: another program acting between install.sh's checks and
    its writes, at the one moment that matters, every run."""
    real_mkdir = shutil.which("mkdir")
    assert real_mkdir is not None
    tools = tmp_path / "tools"
    tools.mkdir()
    wrapper = tools / "mkdir"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'"{real_mkdir}" "$@" || exit\n'
        f'if [ "$1" = "{folder}" ]; then ln -s "{target}" "{folder}/{name}"; fi\n'
    )
    wrapper.chmod(0o755)
    return {"PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}


def run_with(command: list[str | Path], home: Path, env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=120,
        check=False, env={**os.environ, "HOME": str(home), **env},
    )  # fmt: skip
    return done.returncode, done.stderr


@pytest.mark.parametrize("planted", [DESKTOP, METAINFO, ICON])
def test_a_symlink_planted_mid_install_is_not_written_through(
    small_unpacked: Path, tmp_path: Path, planted: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    victim = tmp_path / "victim.conf"
    victim.write_text("the user's own file\n")
    where = home / ".local" / planted
    env = planting_mkdir(tmp_path, where.parent, where.name, victim)

    code, stderr = run_with([small_unpacked / "install.sh"], home, env)

    assert victim.read_text() == "the user's own file\n"
    assert code != 0 and f"{where} appeared while installing" in stderr
    assert where.is_symlink() and os.readlink(where) == str(victim)  # not ours: left alone
    # Everything install.sh made is undone; the folder holding the planted link stays.
    left = {key for key in tree(home) if not where.parent.is_relative_to(home / key)}
    assert left == {str(where.relative_to(home))}


def test_a_folder_planted_at_the_command_link_is_not_entered(
    small_unpacked: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    victim = tmp_path / "victim-folder"
    victim.mkdir()
    bin_dir = home / ".local" / "bin"
    env = planting_mkdir(tmp_path, bin_dir, "b24-console", victim)

    code, _ = run_with([small_unpacked / "install.sh"], home, env)

    assert code != 0
    assert list(victim.iterdir()) == []
    assert os.readlink(bin_dir / "b24-console") == str(victim)


@pytest.mark.parametrize("how", ["edited", "replaced by a link"])
def test_uninstall_keeps_a_menu_entry_changed_since_install_and_says_so(
    small_unpacked: Path, tmp_path: Path, how: str
) -> None:
    home = a_home(tmp_path)
    before = tree(home)
    installed = run([small_unpacked / "install.sh"], home)
    assert installed.returncode == 0, installed.stderr
    desktop = home / ".local" / DESKTOP
    if how == "edited":
        desktop.write_text(desktop.read_text() + "NoDisplay=true\n")
    else:
        mine = tmp_path / "my-entry.desktop"
        mine.write_text("[Desktop Entry]\nName=Mine\n")
        desktop.unlink()
        desktop.symlink_to(mine)
    kept = tree(home)[str(desktop.relative_to(home))]

    removed = run([home / ".local" / "lib" / "b24-console" / "uninstall.sh"], home)

    assert removed.returncode == 0, removed.stderr
    assert f"kept {desktop}" in removed.stderr
    after = tree(home)
    assert after.pop(str(desktop.relative_to(home))) == kept
    assert after == before  # the rest of what install.sh put there is gone


def test_uninstall_removes_the_files_it_installed_unchanged(
    small_unpacked: Path, tmp_path: Path
) -> None:
    home = a_home(tmp_path)
    before = tree(home)
    assert run([small_unpacked / "install.sh"], home).returncode == 0
    manifest = (home / ".local" / "lib" / "b24-console" / "installed-files").read_text()
    assert "file-sha256 " in manifest and str(home / ".local" / DESKTOP) in manifest
    removed = run([home / ".local" / "lib" / "b24-console" / "uninstall.sh"], home)
    assert removed.returncode == 0 and "kept" not in removed.stderr
    assert tree(home) == before
