#!/usr/bin/env bash
# Installs Debian's PostgreSQL server and Chromium when they are missing.
# Uses apt-get as root, or through sudo when run by another user. Waits for
# another apt or dpkg run (another test run, unattended upgrades) to finish
# rather than failing on its lock.
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

# lock_wait is how long, in seconds, to wait for another run's lock.
lock_wait=${ENSURE_DEPS_LOCK_WAIT:-600}

# apt_get runs apt-get, waiting for any lock another run holds.
# DPkg::Lock::Timeout makes apt-get wait for dpkg's locks itself, but
# Debian 12's apt (2.6) does not wait for the others: the package lists'
# (apt-get update) and the downloaded packages' (taken by a run that only
# downloads). apt-get fails on those before it changes anything, so it is
# run again until the lock is free or lock_wait has passed.
apt_get() {
	local log deadline=$((SECONDS + lock_wait)) said=""
	log=$(mktemp)
	while :; do
		if $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$lock_wait" "$@" >"$log" 2>&1; then
			cat "$log" >&2
			rm -f "$log"
			return 0
		fi
		if ! grep -q "Could not get lock" "$log" || [ $SECONDS -ge $deadline ]; then
			cat "$log" >&2
			rm -f "$log"
			return 1
		fi
		[ -n "$said" ] || echo "ensure-deps: waiting for another apt run to finish" >&2
		said=1
		sleep 5
	done
}

echo "ensure-deps: installing ${need[*]}" >&2
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${need[@]}"
