#!/usr/bin/env bash
# The full benchmark and reliability harness: starts a throwaway PostgreSQL
# with its normal durability and its package's settings, runs
# cmd/jigsaw-bench on SQLite and PostgreSQL, and writes the figures into
# docs/benchmarks.md. Arguments go to jigsaw-bench (e.g. scripts/bench.sh
# -sizes 10000 -duration 3s); PG_TEMP_OPTS adds PostgreSQL settings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
# shellcheck source=scripts/pg-temp.sh
source scripts/pg-temp.sh
PG_TEMP_DURABLE=1 pg_temp_start
trap pg_temp_stop EXIT
JIGSAW_BENCH_POSTGRES="$PG_TEMP_URL" go run ./cmd/jigsaw-bench "$@"
# The long fuzz runs: each parser of outside input for a while.
if [ "${FUZZ_TIME:-}" != 0 ]; then
	scripts/fuzz.sh "${FUZZ_TIME:-60s}"
fi
