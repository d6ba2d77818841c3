#!/usr/bin/env bash
# Installs Debian's PostgreSQL server and Chromium when they are missing.
# Uses apt-get as root, or through sudo when run by another user.
set -euo pipefail

need=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
	need+=(postgresql)
fi
if ! command -v chromium >/dev/null 2>&1; then
	need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "ensure-deps: need ${need[*]} but cannot install them without root or sudo" >&2
		exit 1
	fi
	sudo="sudo"
fi
echo "ensure-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
