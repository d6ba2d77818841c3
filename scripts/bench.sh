#!/usr/bin/env bash
# The full benchmark and reliability harness: starts a throwaway PostgreSQL
# with its normal durability and the memory a deployment would give it,
# runs cmd/jigsaw-bench on SQLite and PostgreSQL, and writes the figures
# into docs/benchmarks.md. Arguments go to jigsaw-bench (e.g.
# scripts/bench.sh -sizes 10000 -duration 3s).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
# shellcheck source=scripts/pg-temp.sh
source scripts/pg-temp.sh
# A quarter of the machine's memory for PostgreSQL's buffers, and three
# quarters expected in caches, as PostgreSQL's own tuning advice goes; the
# package default, 128 MB of buffers, is meant for the smallest machines and
# would have a corpus of a million stories read mostly from the kernel.
mem_mb=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
PG_TEMP_OPTS="-c shared_buffers=$((mem_mb / 4))MB -c effective_cache_size=$((mem_mb * 3 / 4))MB"
PG_TEMP_DURABLE=1 pg_temp_start
trap pg_temp_stop EXIT
JIGSAW_BENCH_POSTGRES="$PG_TEMP_URL" go run ./cmd/jigsaw-bench "$@"
# The long fuzz runs: each parser of outside input for a while.
if [ "${FUZZ_TIME:-}" != 0 ]; then
	scripts/fuzz.sh "${FUZZ_TIME:-60s}"
fi
