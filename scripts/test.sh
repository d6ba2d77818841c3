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
pg_temp_start
trap pg_temp_stop EXIT

export JIGSAW_TEST_POSTGRES="$PG_TEMP_URL"
export JIGSAW_TEST_CHROMIUM="${JIGSAW_TEST_CHROMIUM:-$(command -v chromium || true)}"
if [ $# -eq 0 ]; then
	set -- ./...
fi
go test -count=1 -timeout 20m "$@"
# The whole suite ends with a short run of every fuzzer (the seed corpora ran
# above as ordinary tests); FUZZ_SMOKE=0 skips it.
if [ "$*" = ./... ] && [ "${FUZZ_SMOKE:-}" != 0 ]; then
	scripts/fuzz.sh "${FUZZ_SMOKE:-3000x}"
fi
elapsed=$((SECONDS - start))
echo "test: passed in ${elapsed}s ($((elapsed / 60))m$((elapsed % 60))s)" >&2
