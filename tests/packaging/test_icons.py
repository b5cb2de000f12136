"""The committed PNGs are the SVG's drawing at every size desktops ask for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from console.ui.icons import APP_ID, ICON_SIZES, application_icon, icon_png_path, icon_svg_path

ROOT = Path(__file__).resolve().parents[2]


def test_every_size_is_a_square_png_of_that_size(qtbot: QtBot) -> None:
    del qtbot
    for size in ICON_SIZES:
        image = QImage(str(icon_png_path(size)))
        assert not image.isNull(), icon_png_path(size)
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()


def test_the_pngs_match_the_svg() -> None:
    # A changed SVG without a new render fails here, as it does in packaging/build.sh.
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "render_icons.py"), "--check"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_stale_png_is_found(tmp_path: Path) -> None:
    # The check itself can fail: the same script against a copy with one PNG replaced.
    copy = tmp_path / "console" / "ui"
    (copy / "resources").mkdir(parents=True)
    for package in ("console", "console/ui"):
        (tmp_path / package / "__init__.py").write_text("")
    (copy / "icons.py").write_text((ROOT / "console" / "ui" / "icons.py").read_text())
    icons = ROOT / "console" / "ui" / "resources" / "icons"
    subprocess.run(["cp", "-a", str(icons), str(copy / "resources" / "icons")], check=True)
    stale = copy / "resources" / "icons" / "hicolor" / "32x32" / "apps" / f"{APP_ID}.png"
    small = copy / "resources" / "icons" / "hicolor" / "16x16" / "apps" / f"{APP_ID}.png"
    QImage(str(small)).scaled(32, 32).save(str(stale), "PNG")
    script = tmp_path / "packaging" / "render_icons.py"
    script.parent.mkdir()
    script.write_text((ROOT / "packaging" / "render_icons.py").read_text())
    result = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True,
        timeout=120, check=False, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "32x32" in result.stderr and "differs from the SVG" in result.stderr
    assert "16x16" not in result.stderr


def test_the_icon_ships_inside_the_package() -> None:
    # The wheel and the bundle carry only what is under console/.
    assert icon_svg_path().is_relative_to(ROOT / "console")
    assert icon_svg_path().read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert not (ROOT / "resources" / "icons").exists()


def test_the_application_icon_has_every_size(qtbot: QtBot) -> None:
    del qtbot
    sizes = {size.width() for size in application_icon().availableSizes()}
    assert sizes == set(ICON_SIZES)
