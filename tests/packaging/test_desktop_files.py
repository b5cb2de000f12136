"""The desktop entry and the AppStream metainfo: named by the app id, consistent, valid."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from console.ui.icons import APP_ID, icon_png_path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"


def validator(tool: str, package: str) -> str:
    """The validator's path; CI must have it (.ci/run installs it), elsewhere it may be absent."""
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is missing: apt-get install {package} (the README's apt line has it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def metainfo_root() -> ElementTree.Element:
    # Our own committed file, not untrusted input.
    return ElementTree.parse(METAINFO).getroot()  # noqa: S314


def test_desktop_file_validate_accepts_the_entry() -> None:
    result = subprocess.run(
        [validator("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    # Hints (a second main category and the like) are fixed too, not only errors.
    assert result.stdout.strip() == "", result.stdout


def test_appstreamcli_accepts_the_metainfo() -> None:
    result = subprocess.run(
        [validator("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validators_refuse_a_broken_file(tmp_path: Path) -> None:
    # Both validators really check what they are given: the same files, broken.
    broken_entry = tmp_path / f"{APP_ID}.desktop"
    broken_entry.write_text(DESKTOP.read_text().replace("Type=Application\n", ""))
    entry = subprocess.run(
        [validator("desktop-file-validate", "desktop-file-utils"), str(broken_entry)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert entry.returncode != 0
    broken_metainfo = tmp_path / f"{APP_ID}.metainfo.xml"
    broken_metainfo.write_text(METAINFO.read_text()[:-40])
    metainfo = subprocess.run(
        [validator("appstreamcli", "appstream"), "validate", "--no-net", str(broken_metainfo)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert metainfo.returncode != 0


def test_the_entry_names_the_app_id_icon_and_command() -> None:
    entry = desktop_entry()
    assert entry["Icon"] == APP_ID
    assert entry["Exec"] == "b24-console"
    assert entry["Type"] == "Application"
    # X11 desktops match the window to this entry by its WM_CLASS, which Qt takes from the
    # application name (console/ui/settings.py APPLICATION).
    assert entry["StartupWMClass"] == "b24-console"
    assert not (PACKAGING / "b24-console.desktop").exists()


def test_the_metainfo_launches_the_entry_and_dates_this_release() -> None:
    root = metainfo_root()
    assert root.findtext("id") == APP_ID
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    developer = root.find("developer")
    assert developer is not None and developer.get("id") and developer.findtext("name")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == version
    assert releases[0].get("date")
    assert root.findtext("provides/binary") == "b24-console"


def test_every_screenshot_is_a_committed_png() -> None:
    root = metainfo_root()
    images = [image.text or "" for image in root.iter("image")]
    assert len(images) >= 3
    for url in images:
        assert url.startswith("https://")
        relative = url.split("/main/", 1)[1]
        assert relative.startswith("resources/screenshots/") and (ROOT / relative).is_file(), url
    defaults = [shot for shot in root.iter("screenshot") if shot.get("type") == "default"]
    assert len(defaults) == 1


def test_the_icon_the_entry_names_exists_at_the_sizes_menus_use() -> None:
    for size in (16, 24, 32, 48, 64, 128, 256):
        assert icon_png_path(size).name == f"{desktop_entry()['Icon']}.png"
        assert icon_png_path(size).is_file()
