#!/bin/sh
# Installs the shortlist binary for this machine from a release, checking its SHA-256 first:
#   curl -fsSL <releases>/latest/download/install.sh | sh
# The release workflow fills in RELEASES below; SHORTLIST_RELEASES overrides it (a folder of
# packed archives, as scripts/release/package.sh writes them, works too: file:///path).
# Installs into $SHORTLIST_INSTALL_DIR, else ~/.local/bin; replaces an older shortlist there
# and nothing else.
set -eu

RELEASES="${SHORTLIST_RELEASES:-@RELEASES@}"
case "$RELEASES" in
  @*) echo "error: this copy of install.sh names no release; set SHORTLIST_RELEASES to the address of the release's files" >&2; exit 1 ;;
esac
dir="${SHORTLIST_INSTALL_DIR:-$HOME/.local/bin}"

os=$(uname -s)
arch=$(uname -m)
case "$os/$arch" in
  Linux/x86_64) target=x86_64-unknown-linux-gnu ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-gnu ;;
  Darwin/arm64) target=aarch64-apple-darwin ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  *)
    echo "error: no shortlist binary is built for $os on $arch; install the Rust toolchain and run \`cargo install --path . --locked\` in the source folder" >&2
    exit 1
    ;;
esac

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL "$1" -o "$2"
  elif command -v wget >/dev/null 2>&1; then
    wget -q "$1" -O "$2"
  else
    echo "error: neither curl nor wget is installed" >&2
    exit 1
  fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
archive="shortlist-$target.tar.gz"
echo "downloading $RELEASES/$archive"
fetch "$RELEASES/$archive" "$work/$archive" || { echo "error: could not download $RELEASES/$archive" >&2; exit 1; }
fetch "$RELEASES/$archive.sha256" "$work/$archive.sha256" || { echo "error: could not download its checksum, $archive.sha256" >&2; exit 1; }

expected=$(cut -d ' ' -f 1 < "$work/$archive.sha256")
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$work/$archive" | cut -d ' ' -f 1)
else
  actual=$(shasum -a 256 "$work/$archive" | cut -d ' ' -f 1)
fi
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  echo "error: $archive does not match its checksum (expected $expected, got $actual); nothing was installed" >&2
  exit 1
fi

tar -xzf "$work/$archive" -C "$work"
mkdir -p "$dir"
# Into place by a rename, so that a shortlist running from $dir is never half overwritten.
cp "$work/shortlist-$target/shortlist" "$dir/.shortlist.new"
chmod 755 "$dir/.shortlist.new"
mv -f "$dir/.shortlist.new" "$dir/shortlist"
echo "installed $("$dir/shortlist" --version) in $dir"
case ":$PATH:" in
  *":$dir:"*) ;;
  *) echo "note: $dir is not on your PATH; add it, e.g. export PATH=\"$dir:\$PATH\" in your shell's profile" ;;
esac
