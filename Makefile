# make test  — every test, on SQLite and a throwaway PostgreSQL (installs what is missing; 7-8 minutes on 2 cores)
# make run   — Jigsaw with the embedded database and demo data on http://127.0.0.1:8080
# make check — formatting, vet and known vulnerabilities (govulncheck), as CI runs them
# make bench — the benchmark and reliability harness (writes docs/benchmarks.md; about 50 minutes on 2 cores, 18 of them growing the 1 M corpora)

.PHONY: test run check build bench

test:
	scripts/test.sh

run:
	go run ./cmd/jigsaw serve --demo

check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	go vet ./...
	scripts/vulncheck.sh

build:
	CGO_ENABLED=0 go build -o bin/jigsaw ./cmd/jigsaw

bench:
	scripts/bench.sh
