#!/usr/bin/env bash
# Remove b24-console installed by install.sh: exactly the files, the link and the folders
# listed in lib/b24-console/installed-files, and nothing else (a folder is removed only
# when it is empty, so files others put there since stay). A listed file is removed only
# while it still has the digest install.sh recorded: one changed or replaced since (an
# edited menu entry) is kept, and said so.
#
#   ~/.local/lib/b24-console/uninstall.sh
#   ./uninstall.sh [--prefix DIR]    from the unpacked tarball (default DIR: ~/.local)
set -euo pipefail

quiet=0
prefix=""
while (($#)); do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --quiet) quiet=1; shift ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "uninstall.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd -P)
if [[ -z "$prefix" && -f "$here/installed-files" ]]; then
  lib=$here # run from the installed copy
else
  prefix=${prefix:-$HOME/.local}
  lib="$(realpath -m -- "$prefix")/lib/b24-console"
fi
manifest="$lib/installed-files"
if [[ ! -f "$manifest" ]]; then
  echo "uninstall.sh: no b24-console installed by install.sh in $lib" >&2
  exit 1
fi

entries=()
while IFS= read -r line; do entries+=("$line"); done <"$manifest"

# Last made, first removed: files before their folders, the tree before the folders above it.
for ((i = ${#entries[@]} - 1; i >= 0; i--)); do
  kind=${entries[i]%% *}
  path=${entries[i]#* }
  case "$kind" in
    file) rm -f -- "$path" ;; # listed by an install.sh that recorded no digest
    file-sha256)
      recorded=${path%% *}
      path=${path#* }
      if [[ -f "$path" && ! -L "$path" ]]; then
        found=$(sha256sum <"$path")
        if [[ "${found%% *}" == "$recorded" ]]; then
          rm -f -- "$path"
        else
          echo "uninstall.sh: kept $path: it changed since it was installed" >&2
        fi
      elif [[ -e "$path" || -L "$path" ]]; then
        echo "uninstall.sh: kept $path: something else replaced it since it was installed" >&2
      fi
      ;;
    link)
      # Only our link: a b24-console that something else put there since stays.
      if [[ -L "$path" && "$(readlink -- "$path")" == "$lib/"* ]]; then rm -f -- "$path"; fi
      ;;
    tree) [[ "$path" == "$lib" ]] && rm -rf -- "$path" ;;
    dir) rmdir -- "$path" 2>/dev/null || true ;;
    *) echo "uninstall.sh: skipping an unknown line in $manifest: ${entries[i]}" >&2 ;;
  esac
done
((quiet)) || echo "removed b24-console from $lib"
