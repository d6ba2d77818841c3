#!/usr/bin/env bash
# Fuzzes every parser of outside input with the given budget each, a time
# (60s, the default, as the harness runs it) or a number of inputs (300x,
# CI's short run, which cannot race the clock). New inputs that fail are kept
# under the package's testdata/fuzz and fail go test from then on.
#
# Each package's fuzz-instrumented test binary is built once (go test -c
# -fuzz) and run for each of its targets from the package's directory, as
# go test -fuzz runs it, so that a failing input lands in the package's
# testdata/fuzz/<target>. go test -fuzz links the binary afresh for every
# target (3-4 s each here, even with every package compiled in the cache).
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-60s}
status=0
inputs() { if [ -d "$1" ]; then ls "$1" | wc -l; else echo 0; fi; }
bindir=$(mktemp -d "${TMPDIR:-/tmp}/jigsaw-fuzz.XXXXXX")
trap 'rm -rf "$bindir"' EXIT
# A timed run keeps the inputs it found interesting in the cache go test
# -fuzz keeps, and starts from those found before. A run of a number of
# inputs (CI's smoke) starts from the seeds alone, in a cache of its own:
# every input cached is run again before any new one, so in the shared
# cache the smoke grew longer with every run on the same machine
# (FuzzQueryParameters took twice the CPU time with 299 inputs cached).
cachedir=$(go env GOCACHE)/fuzz
if [[ $budget == *x ]]; then
	cachedir=$bindir/cache
fi

# fuzz runs one target with the binary already built for its package.
fuzz() {
	local target=$1 pkg=$2 bin=$3 importpath=$4 corpus before out
	echo "fuzz: $target ($pkg), $budget"
	corpus="$pkg/testdata/fuzz/$target"
	before=$(inputs "$corpus")
	# Inputs found interesting are minimised for at most 2s: the default,
	# a minute each, left the slower targets minimising all run.
	if out=$(cd "$pkg" && "$bin" -test.run '^$' -test.fuzz "^$target\$" -test.fuzztime "$budget" \
		-test.fuzzminimizetime 2s -test.fuzzcachedir "$cachedir/$importpath" 2>&1); then
		echo "$out" | tail -n 2
		return 0
	fi
	echo "$out"
	# Go 1.26 can report the end of a timed run as "context deadline
	# exceeded" (golang/go#75804); that is a failure only if an input that
	# fails was written.
	if [ "$(inputs "$corpus")" = "$before" ] && grep -q "context deadline exceeded" <<<"$out"; then
		echo "fuzz: $target: the timed run's end was reported as an error and no failing input was found; not a failure"
		return 0
	fi
	return 1
}

# The targets, grouped by package in the order listed.
declare -A targets=()
pkgs=()
while read -r target pkg; do
	[ -n "${targets[$pkg]+x}" ] || pkgs+=("$pkg")
	targets[$pkg]="${targets[$pkg]:-} $target"
done <<'TARGETS'
FuzzHTML ./internal/markdown
FuzzSubmission ./internal/web
FuzzDecode ./internal/api
FuzzQueryParameters ./internal/server
FuzzImportOCDS ./internal/imports
FuzzImportODS ./internal/imports
FuzzImportCSV ./internal/imports
FuzzImportInstance ./internal/store
FuzzVerify ./internal/federation
FuzzParse ./internal/mailin
TARGETS

for pkg in "${pkgs[@]}"; do
	bin="$bindir/$(basename "$pkg").test"
	# -fuzz here only asks for the fuzzing instrumentation; which target
	# runs is chosen when the binary runs.
	# Without vet (make check runs it) and DWARF, as test.sh builds them.
	if ! go test -c -fuzz . -vet=off -ldflags=-w -o "$bin" "$pkg"; then
		echo "fuzz: cannot build the fuzzing test binary of $pkg"
		status=1
		continue
	fi
	importpath=$(go list "$pkg")
	for target in ${targets[$pkg]}; do
		fuzz "$target" "$pkg" "$bin" "$importpath" || status=1
	done
done
exit $status
