"""Render the application icon's SVG into the PNG sizes desktop environments ask for.

    uv run python packaging/render_icons.py           # write the PNGs beside the SVG's theme
    uv run python packaging/render_icons.py --check   # exit 1 if a committed PNG is stale

Run it after changing the SVG and commit the PNGs: the window, the tray, the wheel and the
bundle use the PNGs, so none of them needs Qt's SVG plugins at run time.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from console.ui.icons import ICON_SIZES, icon_png_path, icon_svg_path

# A committed PNG may differ from a fresh render by this much per channel (rounding in a
# different Qt release) without being called stale; a changed drawing differs far more.
CHANNEL_TOLERANCE = 8


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def largest_channel_difference(first: QImage, second: QImage) -> int:
    """The largest difference of one colour channel between two same-sized images."""
    a = first.convertToFormat(QImage.Format.Format_RGBA8888)
    b = second.convertToFormat(QImage.Format.Format_RGBA8888)
    a_bytes, b_bytes = bytes(a.constBits()), bytes(b.constBits())
    return max((abs(x - y) for x, y in zip(a_bytes, b_bytes, strict=True)), default=0)


def stale_icons() -> list[str]:
    """One line per PNG that is missing, of the wrong size, or no longer the SVG's drawing."""
    problems = []
    for size in ICON_SIZES:
        path = icon_png_path(size)
        committed = QImage(str(path))
        if committed.isNull():
            problems.append(f"{path}: missing or unreadable")
            continue
        if committed.width() != size or committed.height() != size:
            problems.append(f"{path}: {committed.width()}x{committed.height()}, not {size}x{size}")
            continue
        difference = largest_channel_difference(committed, render(icon_svg_path(), size))
        if difference > CHANNEL_TOLERANCE:
            problems.append(f"{path}: differs from the SVG by up to {difference}/255 per channel")
    return problems


def write_icons() -> None:
    for size in ICON_SIZES:
        path = icon_png_path(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(icon_svg_path(), size).save(str(path), "PNG"):
            raise SystemExit(f"{path}: could not be written")
        print(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    if args.check:
        problems = stale_icons()
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print("run: uv run python packaging/render_icons.py", file=sys.stderr)
        return 1 if problems else 0
    write_icons()
    return 0


if __name__ == "__main__":
    sys.exit(main())
