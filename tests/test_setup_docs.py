"""The README's set-up line and CI install the same system packages, so a newcomer who
follows the README has what the suite was run with."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_apt_packages() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"apt-get install -y ([^\n&|;]+)", text)
    assert len(commands) == 1, "the README has one apt-get install line"
    return set(shlex.split(commands[0]))


def ci_apt_packages() -> set[str]:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    match = re.search(r"^debian_packages=\((.*?)^\)", text, re.MULTILINE | re.DOTALL)
    assert match, ".ci/run declares debian_packages=( ... )"
    return {
        word for line in match.group(1).splitlines() for word in shlex.split(line, comments=True)
    }


def test_the_readme_installs_what_ci_installs() -> None:
    assert readme_apt_packages() == ci_apt_packages()


def test_the_list_has_what_the_window_and_the_keyring_need() -> None:
    needed = {"pipx", "dbus", "gnome-keyring", "libegl1", "fonts-dejavu-core", "libxcb-cursor0"}
    assert needed <= readme_apt_packages()


def test_uv_is_installed_without_pip_outside_a_venv() -> None:
    # Debian 12 and Ubuntu 24.04 refuse `pip install` there (PEP 668).
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pipx install uv" in readme and "pipx ensurepath" in readme
    assert "pip install uv" not in readme.replace("pipx install uv", "")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pipx install uv" in ci and "pip install --quiet uv" not in ci


@pytest.mark.skipif(shutil.which("dbus-run-session") is None, reason="needs dbus-run-session")
def test_the_test_command_opens_without_dbus_noise() -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "tests" / "run"), "-q", "--collect-only", "-p", "no:cacheprovider",
         str(ROOT / "tests" / "test_setup_docs.py")],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Failed to set fd limit" not in result.stderr
    assert "test_the_readme_installs_what_ci_installs" in result.stdout


def test_the_test_command_passes_pytest_exit_code_on() -> None:
    if shutil.which("dbus-run-session") is None:
        pytest.skip("needs dbus-run-session")
    result = subprocess.run(
        ["bash", str(ROOT / "tests" / "run"), "-q", "-p", "no:cacheprovider", "no/such/file.py"],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 4  # pytest: usage error (no such file)
