#!/usr/bin/env bash
# Fuzzes every parser of outside input with the given budget each, a time
# (60s, the default, as the harness runs it) or a number of inputs (3000x,
# CI's short run, which cannot race the clock). New inputs that fail are kept
# under testdata/fuzz and fail go test from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-60s}
status=0
inputs() { if [ -d "$1" ]; then ls "$1" | wc -l; else echo 0; fi; }
while read -r target pkg; do
	echo "fuzz: $target ($pkg), $budget"
	corpus="$pkg/testdata/fuzz/$target"
	before=$(inputs "$corpus")
	# Inputs found interesting are minimised for at most 2s: the default,
	# a minute each, left the slower targets minimising all run.
	if out=$(go test -run '^$' -fuzz "^$target\$" -fuzztime "$budget" -fuzzminimizetime 2s "$pkg" 2>&1); then
		echo "$out" | tail -n 3
		continue
	fi
	echo "$out"
	# Go 1.26 can report the end of a timed run as "context deadline
	# exceeded" (golang/go#75804); that is a failure only if an input that
	# fails was written.
	if [ "$(inputs "$corpus")" = "$before" ] && grep -q "context deadline exceeded" <<<"$out"; then
		echo "fuzz: $target: the timed run's end was reported as an error and no failing input was found; not a failure"
		continue
	fi
	status=1
done <<'TARGETS'
FuzzHTML ./internal/markdown
FuzzSubmission ./internal/web
FuzzDecode ./internal/api
FuzzQueryParameters ./internal/server
FuzzImportOCDS ./internal/imports
FuzzImportODS ./internal/imports
FuzzImportCSV ./internal/imports
FuzzImportInstance ./internal/store
TARGETS
exit $status
