package imports_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/imports"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// fuzzImport imports body as kind into one SQLite database shared by the
// fuzz run. Whatever the bytes, the import must not panic, must fail only
// with EINVALID naming the file, and a failed import must leave every table
// as it was.
func fuzzImport(f *testing.F, kind string, seeds ...string) {
	for _, s := range seeds {
		if !strings.HasPrefix(s, data) {
			f.Add([]byte(s)) // an inline seed
			continue
		}
		// A file seed that cannot be read fails, rather than fuzzing its
		// name as a seed.
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	db := testrig.MustOpenDB(f, store.SQLite)
	f.Fuzz(func(t *testing.T, body []byte) {
		before, err := db.CountRows(context.Background(), contentTables...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = importBytes(db, kind, "fuzz", body, imports.Options{})
		if err == nil {
			return
		}
		if jigsaw.ErrorCode(err) != jigsaw.EINVALID {
			t.Fatalf("%q: %v is not EINVALID", body, err)
		}
		after, _ := db.CountRows(context.Background(), contentTables...)
		if !equalCounts(before, after) {
			t.Fatalf("%q: a failed import wrote rows: %v → %v", body, before, after)
		}
	})
}

func FuzzImportOCDS(f *testing.F) {
	invalid, _ := filepath.Glob(filepath.Join(data, "ocds", "invalid", "*.json"))
	if len(invalid) == 0 {
		f.Fatalf("no seeds in %s", filepath.Join(data, "ocds", "invalid"))
	}
	fuzzImport(f, "ocds", append([]string{countessOfChester, bfi, fictional, fictionalRecord, mexicanRecord,
		`{"ocid":"a","id":"1","awards":[{"id":"x","value":{"amount":"1e400"},"suppliers":[{"name":"N H S"}]}]}`,
		`{"releases":[{"ocid":"a","id":"1","date":"2020-01-01","awards":[{"status":"active","date":"2021-01-01","contractPeriod":{"startDate":"2022-01-01","endDate":"2020-01-01"}}]}]}`,
		`{"records":[{"ocid":"b","releases":[{"url":"x"}]}]}`}, invalid...)...)
}

func FuzzImportODS(f *testing.F) {
	fuzzImport(f, "ods", epraccur, eccg, odsRow("RCF", "AIREDALE NHS FOUNDATION TRUST"), "Organisation Code,Name\nRCF,X\n")
}

func FuzzImportCSV(f *testing.F) {
	fuzzImport(f, "csv", trackerCSV, "kind,title,status,status_on,value_gbp\ncut,A,decided,2025-01-01,1.5\n")
}
