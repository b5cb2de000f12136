#!/usr/bin/env bash
# Build the one-folder bundle and the tarball that installs it under ~/.local.
#
#   bash packaging/build.sh [--out DIR]     (default DIR: dist)
#
# DIR/b24-console/b24-console            the bundle (runs in place)
# DIR/b24-console-VERSION-linux-ARCH.tar.gz
#     b24-console-VERSION/install.sh     puts it under ~/.local (--prefix DIR for another)
#     b24-console-VERSION/uninstall.sh   removes exactly what install.sh put there
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist
while (($#)); do
  case "$1" in
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

if command -v uv >/dev/null; then uv() { command uv "$@"; }; else uv() { python3 -m uv "$@"; }; fi

version=$(uv run --locked python -c \
  'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
arch=$(uname -m)
name="b24-console-$version"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Stale PNGs would ship an icon that is not the SVG's drawing.
uv run --locked python packaging/render_icons.py --check

rm -rf "$out/b24-console"
uv run --locked pyinstaller --noconfirm --clean --log-level WARN \
  --distpath "$out" --workpath "$work/build" packaging/b24-console.spec
# The bundle must at least start and parse its command line.
"$out/b24-console/b24-console" --help >/dev/null

stage="$work/stage/$name"
mkdir -p "$stage"
cp -a "$out/b24-console" "$stage/program"
cp -a console/ui/resources/icons/hicolor "$stage/icons"
cp packaging/ua.b24console.Console.desktop packaging/ua.b24console.Console.metainfo.xml "$stage/"
install -m 0755 packaging/install.sh packaging/uninstall.sh "$stage/"
tarball="$out/$name-linux-$arch.tar.gz"
tar -C "$work/stage" --owner=0 --group=0 -czf "$tarball.partial" "$name"
mv "$tarball.partial" "$tarball"
echo "bundle:  $out/b24-console/b24-console ($(du -sh "$out/b24-console" | cut -f1))"
echo "tarball: $tarball ($(du -sh "$tarball" | cut -f1))"
