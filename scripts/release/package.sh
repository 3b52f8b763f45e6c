#!/usr/bin/env bash
# Packs a built shortlist binary for one platform, as the release workflow publishes it:
#   scripts/release/package.sh TARGET BINARY OUT_DIR
# writes OUT_DIR/shortlist-TARGET.tar.gz (.zip for Windows), holding the binary, the README
# and SECURITY.md in a folder `shortlist-TARGET`, and beside it a `.sha256` file that
# `sha256sum -c` (and scripts/release/install.sh) checks. The names carry no version, so that
# `releases/latest/download/...` always names the newest.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 TARGET BINARY OUT_DIR" >&2
  exit 2
fi
target=$1
binary=$2
out=$3
root="$(cd "$(dirname "$0")/../.." && pwd)"

[ -f "$binary" ] || { echo "error: no binary at $binary (build it with cargo build --release --target $target)" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

name="shortlist-$target"
mkdir "$work/$name"
case "$target" in
  *windows*) exe=shortlist.exe ;;
  *) exe=shortlist ;;
esac
cp "$binary" "$work/$name/$exe"
chmod 755 "$work/$name/$exe"
cp "$root/README.md" "$root/SECURITY.md" "$work/$name/"

cd "$work"
case "$target" in
  *windows*)
    archive="$name.zip"
    if command -v zip >/dev/null 2>&1; then
      zip -qr "$out/$archive" "$name"
    else
      # Windows runners have PowerShell rather than zip.
      powershell -NoProfile -Command "Compress-Archive -Path '$name' -DestinationPath '$(cygpath -w "$out/$archive" 2>/dev/null || echo "$out/$archive")'"
    fi
    ;;
  *)
    archive="$name.tar.gz"
    tar -czf "$out/$archive" "$name"
    ;;
esac

cd "$out"
if command -v sha256sum >/dev/null 2>&1; then
  sha256sum "$archive" > "$archive.sha256"
else
  # macOS has shasum instead; the same two-column format.
  shasum -a 256 "$archive" > "$archive.sha256"
fi
echo "$out/$archive"
