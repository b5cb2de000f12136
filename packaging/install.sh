#!/usr/bin/env bash
# Install b24-console from this unpacked tarball for the current user.
#
#   ./install.sh [--prefix DIR]      (default DIR: ~/.local)
#
# DIR/lib/b24-console/                        the program, with uninstall.sh and its list
# DIR/bin/b24-console                         a symlink to it
# DIR/share/applications/ua.b24console.Console.desktop
# DIR/share/metainfo/ua.b24console.Console.metainfo.xml
# DIR/share/icons/hicolor/*/apps/ua.b24console.Console.{png,svg}
#
# Every file, link and folder it creates is listed in DIR/lib/b24-console/installed-files
# (each file with its SHA-256); DIR/lib/b24-console/uninstall.sh removes exactly those, and
# of the files only the ones still as installed. Installing again replaces an earlier
# install (its uninstall runs first). Nothing that is not ours is overwritten or written
# through: each file outside DIR/lib/b24-console is written under a fresh name in a private
# folder and then linked into place, which fails, rather than follows, when anything
# (a symlink included) appeared at that path meanwhile.
set -Eeuo pipefail

app_id=ua.b24console.Console
here=$(cd "$(dirname "$0")" && pwd)
prefix="$HOME/.local"
while (($#)); do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

[[ -x "$here/program/b24-console" ]] || fail "$here/program/b24-console is missing: run install.sh from the unpacked tarball"
# The desktop entry's Exec= line cannot carry these without escapes menus disagree on.
case "$prefix" in
  *[[:cntrl:]\"\`\$\\%]*) fail "the prefix '$prefix' has a character a desktop entry cannot hold (one of \" \` \$ \\ % or a control character); choose another with --prefix" ;;
esac
# The physical path, as uninstall.sh computes it; nothing is created yet.
prefix=$(realpath -m -- "$prefix")

lib="$prefix/lib/b24-console"
manifest="$lib/installed-files"
bin_link="$prefix/bin/b24-console"
desktop="$prefix/share/applications/$app_id.desktop"
metainfo="$prefix/share/metainfo/$app_id.metainfo.xml"
icon_files=()
for icon in "$here"/icons/*/apps/"$app_id".*; do
  icon_files+=("$prefix/share/icons/hicolor/${icon#"$here/icons/"}")
done

# An earlier install of ours is replaced; anything else in our way is refused untouched.
if [[ -e "$lib" || -L "$lib" ]]; then
  [[ -f "$manifest" && -x "$lib/uninstall.sh" ]] \
    || fail "$lib exists but was not put there by install.sh; move it away first"
  echo "replacing the b24-console installed in $lib"
  "$lib/uninstall.sh" --quiet
fi
for target in "$bin_link" "$desktop" "$metainfo" "${icon_files[@]}"; do
  if [[ -e "$target" || -L "$target" ]]; then
    fail "$target already exists and is not from this installer (a pipx or uv tool install of b24-console?); remove it, or install elsewhere with --prefix"
  fi
done

# From here every change is listed as it is made, so a failure part-way can be undone.
created_dirs=()
make_dir() {
  # Record each missing folder from the outermost in, so uninstall removes innermost first.
  local dir=$1 missing=()
  while [[ ! -d "$dir" ]]; do
    missing=("$dir" "${missing[@]}")
    dir=$(dirname "$dir")
  done
  local each
  for each in "${missing[@]}"; do
    mkdir "$each"
    created_dirs+=("$each")
    [[ -f "$manifest" ]] && printf 'dir %s\n' "$each" >>"$manifest"
  done
  return 0
}
record() { printf '%s %s\n' "$1" "$2" >>"$manifest"; }

# Where files are made before they are linked into place: a folder of our own (0700, made
# fresh by mktemp), so nothing can be planted inside it while a file is written.
staging=""
stage_in() {
  [[ -n "$staging" ]] && rm -rf -- "$staging"
  staging=$(mktemp -d -- "$1/.b24-console-install.XXXXXX")
}

# put_file STAGED TARGET: link the finished STAGED into place as TARGET and list it with
# its digest. link(2) neither follows nor replaces whatever is at TARGET, so a symlink
# planted there since the check above fails the install instead of being written through.
put_file() {
  local staged=$1 target=$2 digest
  digest=$(sha256sum <"$staged")
  digest=${digest%% *}
  if ! ln -T -- "$staged" "$target" 2>/dev/null; then
    echo "install.sh: $target appeared while installing (not from this installer); nothing was written to it" >&2
    return 1
  fi
  rm -f -- "$staged"
  printf 'file-sha256 %s %s\n' "$digest" "$target" >>"$manifest"
}

undo() {
  echo "install.sh: failed; undoing what was installed" >&2
  [[ -n "$staging" ]] && rm -rf -- "$staging"
  if [[ -f "$manifest" ]]; then
    "$here/uninstall.sh" --prefix "$prefix" --quiet || true
  else
    # Failed before the list existed: only the folders made for it so far.
    local i
    for ((i = ${#created_dirs[@]} - 1; i >= 0; i--)); do rmdir -- "${created_dirs[i]}" 2>/dev/null || true; done
  fi
}
trap undo ERR
trap 'undo; exit 130' INT TERM

make_dir "$lib"
: >"$manifest"
# The folders made for lib/b24-console itself are listed first, the tree after them.
for dir in "${created_dirs[@]}"; do record dir "$dir"; done
record tree "$lib"
cp -a "$here/program/." "$lib/"
install -m 0755 "$here/uninstall.sh" "$lib/uninstall.sh"

make_dir "$(dirname "$bin_link")"
# -T: a folder (or a link to one) that appeared at the name is refused, not entered.
ln -sT -- "$lib/b24-console" "$bin_link"
record link "$bin_link"

# Menus start the program by its full path: ~/.local/bin is not on every session's PATH.
exec_path="$lib/b24-console"
exec_quoted=$exec_path
[[ "$exec_path" == *[[:space:]\'\>\<\~\|\&\;\*\?\#\(\)]* ]] && exec_quoted="\"$exec_path\""
make_dir "$(dirname "$desktop")"
stage_in "$(dirname "$desktop")"
while IFS= read -r line; do
  case "$line" in
    Exec=*) line="Exec=$exec_quoted" ;;
    TryExec=*) line="TryExec=$exec_path" ;;
  esac
  printf '%s\n' "$line"
done <"$here/$app_id.desktop" >"$staging/entry"
chmod 0644 "$staging/entry"
put_file "$staging/entry" "$desktop"

# copy_file SOURCE TARGET: SOURCE's bytes, mode 0644, put into place as TARGET.
copy_file() {
  make_dir "$(dirname "$2")"
  stage_in "$(dirname "$2")"
  install -m 0644 -T -- "$1" "$staging/file"
  put_file "$staging/file" "$2"
}
copy_file "$here/$app_id.metainfo.xml" "$metainfo"
for target in "${icon_files[@]}"; do
  copy_file "$here/icons/${target#"$prefix/share/icons/hicolor/"}" "$target"
done
rm -rf -- "$staging"
staging=""
trap - ERR INT TERM

echo "installed b24-console in $lib"
echo "  command: $bin_link"
echo "  menu:    $desktop"
echo "  remove:  $lib/uninstall.sh"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "  note: $prefix/bin is not on PATH; the menu entry works, or add it to PATH" ;;
esac
