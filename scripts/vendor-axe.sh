#!/usr/bin/env bash
# Refreshes the copy of axe-core the browser tests inject into pages
# (internal/testrig/testdata/axe). Only the tests read it: the server neither
# embeds nor serves it. Fetches the package with npm (which checks it against
# the registry's integrity hash), keeps axe.min.js and its licences, and
# rewrites the version line of the README. Usage: scripts/vendor-axe.sh [4.x.y]
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-4}"
dest=internal/testrig/testdata/axe
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "axe-core@$version" >/dev/null)
tar -xzf "$tmp"/axe-core-*.tgz -C "$tmp"
got=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$tmp/package/package.json" | head -n1)
case "$got" in
4.*) ;;
*) echo "vendor-axe: got axe-core $got; the tests expect 4.x" >&2; exit 1 ;;
esac
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$tmp/package/LICENSE-3RD-PARTY.txt" "$dest/"
sum=$(sha256sum "$dest/axe.min.js" | cut -d' ' -f1)
sed -i -e "s/^Version: .*/Version: $got/" -e "s/^SHA-256 of axe.min.js: .*/SHA-256 of axe.min.js: $sum/" "$dest/README.md"
echo "vendor-axe: axe-core $got in $dest"
