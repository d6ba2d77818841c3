#!/usr/bin/env bash
# Fuzzes every parser of outside input for the given time each (default 60s):
# scripts/fuzz.sh 5s is CI's short run, the harness runs the long one. New
# inputs that fail are kept under testdata/fuzz and fail go test from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
time=${1:-60s}
while read -r target pkg; do
	echo "fuzz: $target ($pkg) for $time"
	go test -run '^$' -fuzz "^$target\$" -fuzztime "$time" "$pkg"
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
