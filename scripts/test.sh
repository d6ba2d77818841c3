#!/usr/bin/env bash
# Runs every Jigsaw test on a fresh machine with Go: installs what the tests
# need (PostgreSQL, Chromium) when missing, starts a throwaway PostgreSQL
# server in a temporary directory on a free loopback port, runs `go test` on
# both databases and removes the server at the end. Extra arguments go to
# `go test` (e.g. scripts/test.sh -run TestStore ./internal/store/).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

scripts/ensure-deps.sh

# shellcheck source=scripts/pg-temp.sh
source scripts/pg-temp.sh
# No autovacuum: the tests make hundreds of short-lived databases and its
# workers visited them all (a seventh of the server's CPU time in the store
# suite); tests that need the planner's statistics ANALYZE themselves.
PG_TEMP_OPTS="-c autovacuum=off ${PG_TEMP_OPTS:-}"
pg_temp_start
trap pg_temp_stop EXIT

export JIGSAW_TEST_POSTGRES="$PG_TEMP_URL"
export JIGSAW_TEST_CHROMIUM="${JIGSAW_TEST_CHROMIUM:-$(command -v chromium || true)}"
if [ $# -eq 0 ]; then
	set -- ./...
fi
# The whole suite also has a short run of every fuzzer (the seed corpora run
# as ordinary tests too); FUZZ_SMOKE=0 skips it. It runs beside go test: the
# browser tests leave a core idle much of the time, and building the fuzzing
# binaries fills it. Its output is shown when it has finished.
fuzz_pid=
if [ "$*" = ./... ] && [ "${FUZZ_SMOKE:-}" != 0 ]; then
	fuzz_log=$(mktemp "${TMPDIR:-/tmp}/jigsaw-fuzz-log.XXXXXX")
	scripts/fuzz.sh "${FUZZ_SMOKE:-300x}" >"$fuzz_log" 2>&1 &
	fuzz_pid=$!
fi
test_status=0
# -parallel 4: the browser tests mostly wait on Chromium and the server, so
# two at a time (the default on 2 CPUs) left the machine half idle; with
# four the web package takes a quarter less time. More starved Chromium of
# CPU enough to time out its start.
#
# -vet=off: make check, which CI runs first, vets every package with all of
# go vet's checks; go test's own subset of them ran again on every package
# changed, about a minute of CPU. -ldflags=-w: the test binaries, linked
# afresh on every run, go without the DWARF tables only debuggers read
# (a quarter of the links' time; stack traces keep their lines).
gotest() { go test -count=1 -timeout 20m -parallel 4 -vet=off -ldflags=-w "$@"; }
# The web package takes half the suite's time, most of it waiting on
# Chromium. go test runs packages in the order of their paths, two at a
# time, so it started last and ran on alone; started at once, beside the
# others, it ends with them. Within a package go test starts the tests
# marked parallel (the browser tests) only when every other test has
# finished, one after the other, and TestAccessibility, the longest by far,
# then ran on alone for minutes: it runs in a go test of its own, from the
# start, all its parts at once. Their output is shown when each has
# finished.
side_pids=()
side_logs=()
side() {
	local log
	log=$(mktemp "${TMPDIR:-/tmp}/jigsaw-test-log.XXXXXX")
	gotest "$@" >"$log" 2>&1 &
	side_pids+=($!)
	side_logs+=("$log")
}
if [ "$*" = ./... ]; then
	side -run '^TestAccessibility$' -parallel 5 ./internal/web/
	side -skip '^TestAccessibility$' ./internal/web/
	mapfile -t others < <(go list ./... | grep -vx 'jigsaw/internal/web')
	set -- "${others[@]}"
fi
gotest "$@" || test_status=$?
for i in "${!side_pids[@]}"; do
	side_status=0
	wait "${side_pids[$i]}" || side_status=$?
	cat "${side_logs[$i]}"
	rm -f "${side_logs[$i]}"
	if [ "$side_status" != 0 ]; then
		test_status=$side_status
	fi
done
if [ -n "$fuzz_pid" ]; then
	fuzz_status=0
	wait "$fuzz_pid" || fuzz_status=$?
	cat "$fuzz_log"
	rm -f "$fuzz_log"
	if [ "$fuzz_status" != 0 ]; then
		echo "test: the fuzz smoke run failed" >&2
		test_status=$fuzz_status
	fi
fi
if [ "$test_status" != 0 ]; then
	exit "$test_status"
fi
elapsed=$((SECONDS - start))
echo "test: passed in ${elapsed}s ($((elapsed / 60))m$((elapsed % 60))s)" >&2
