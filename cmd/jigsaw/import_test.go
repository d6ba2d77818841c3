package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jigsaw/internal/testrig"
)

// testdata is the repository's own copy of real published files (see its
// README for where each comes from).
const testdata = "../../testdata"

func TestImportCommand(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := testrig.NewDSN(t, engine)
			mustJigsaw(t, "migrate", "--db", dsn)
			cf := filepath.Join(testdata, "ocds", "bluetail-cf-raw-88b8ba25-1773-46b0-b5a5-37a8e3c1097a.json")
			bfi := filepath.Join(testdata, "ocds", "bluetail-cf-raw-0054a4e6-0715-42c6-9109-e219fe9d3289.json")

			// Flags before, between and after the files.
			code, out, stderr := runJigsaw(t, nil, "import", "ocds", "--dry-run", cf, "--db", dsn, bfi, "--nhs-only")
			if code != 0 || !strings.Contains(out, "dry run, nothing written): 1 read: 1 created") ||
				!strings.Contains(out, "buyer not selected: 1") {
				t.Fatalf("dry run: %d %q %q", code, out, stderr)
			}
			code, out, _ = runJigsaw(t, map[string]string{"JIGSAW_DB": dsn}, "import", "ocds", cf)
			if code != 0 || !strings.Contains(out, "(imported): 1 read: 1 created") {
				t.Fatalf("import: %d %q", code, out)
			}

			// Standard input, gzipped.
			raw, _ := os.ReadFile(cf)
			var gz bytes.Buffer
			gzipTo(&gz, raw)
			var stdout, errb bytes.Buffer
			code = run(context.Background(), []string{"import", "ocds", "--db", dsn, "-"}, &gz, &stdout, &errb)
			if code != 0 || !strings.Contains(stdout.String(), "standard input (imported): 1 read: 0 created, 0 updated, 1 unchanged") {
				t.Fatalf("stdin: %d %q %q", code, stdout.String(), errb.String())
			}

			bad := filepath.Join(testdata, "ocds", "invalid", "cove-ocds-tenders_releases_2_releases_not_json.json")
			code, _, stderr = runJigsaw(t, nil, "import", "ocds", "--db", dsn, bad)
			if code != 1 || !strings.Contains(stderr, "line 66, column 11: $.releases[1]: not valid JSON") {
				t.Errorf("broken file: %d %q", code, stderr)
			}
			code, _, stderr = runJigsaw(t, nil, "import", "ocds", "--db", dsn, "/no/such/file.json")
			if code != 1 || !strings.Contains(stderr, "/no/such/file.json: cannot open: no such file") {
				t.Errorf("missing file: %d %q", code, stderr)
			}
			code, out, stderr = runJigsaw(t, nil, "import", "ods", "--db", dsn, filepath.Join(testdata, "ods", "etr_2025_folakeobalakun.csv"))
			if code != 0 || !strings.Contains(out, "210 read") {
				t.Errorf("ods: %d %q %q", code, out, stderr)
			}
		})
	}
}

func TestImportUsage(t *testing.T) {
	for _, args := range [][]string{
		{"import"},
		{"import", "pdf", "x"},
		{"import", "ocds"},
		{"import", "ocds", "--since", "last year", "x.json"},
		{"import", "ocds", "--cpv", "health", "x.json"},
		{"import", "ods", "--nhs-only", "x.csv"},
	} {
		if code, _, stderr := runJigsaw(t, nil, args...); code != 2 || stderr == "" {
			t.Errorf("%q: exit %d, stderr %q; want a usage error", args, code, stderr)
		}
	}
}

func gzipTo(w *bytes.Buffer, b []byte) {
	zw := gzip.NewWriter(w)
	zw.Write(b)
	zw.Close()
}

// The whole instance moves from each engine to each other through files.
func TestExportImportInstanceCommand(t *testing.T) {
	engines := testrig.Engines(t)
	for _, from := range engines {
		for _, to := range engines {
			t.Run(from+"-to-"+to, func(t *testing.T) {
				src, dst := testrig.NewDSN(t, from), testrig.NewDSN(t, to)
				mustJigsaw(t, "demo", "--db", src)
				a, b := filepath.Join(t.TempDir(), "a.jsonl"), filepath.Join(t.TempDir(), "b.jsonl")
				if code, _, stderr := runJigsaw(t, nil, "export", "--db", src, a); code != 0 {
					t.Fatalf("export: %s", stderr)
				}
				code, out, stderr := runJigsaw(t, nil, "import", "instance", a, "--db", dst)
				if code != 0 || !strings.Contains(out, "rows imported") {
					t.Fatalf("import instance: %d %q %q", code, out, stderr)
				}
				if code, _, stderr := runJigsaw(t, nil, "export", "--db", dst, b); code != 0 {
					t.Fatalf("export again: %s", stderr)
				}
				ab, _ := os.ReadFile(a)
				bb, _ := os.ReadFile(b)
				if !bytes.Equal(ab, bb) {
					t.Fatal("export → import instance → export is not byte-identical")
				}
				code, _, stderr = runJigsaw(t, nil, "import", "instance", a, "--db", dst)
				if code != 1 || !strings.Contains(stderr, "not empty") {
					t.Errorf("second import: %d %q", code, stderr)
				}
			})
		}
	}
}
