package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A run replaces the figures of the run before between the markers and
// keeps the reference text around them: run after run, the page holds one
// table, not a diary of them.
func TestReportReplacesFigures(t *testing.T) {
	out := filepath.Join(t.TempDir(), "benchmarks.md")
	old := "# Benchmarks\n\nThe method, by hand.\n\n" +
		markerStart + "\nAn older run's table.\n" + markerEnd + "\n\n" +
		importMarkerStart + "\nAn older import.\n" + importMarkerEnd + "\n\nAfter the figures.\n"
	if err := os.WriteFile(out, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	run := loadResult{Requests: 6000, Hits: 3000, Duration: 6 * time.Second, P99: 8 * time.Millisecond}
	r := &report{
		started: time.Date(2026, 12, 1, 17, 52, 0, 0, time.UTC), finished: time.Date(2026, 12, 1, 18, 30, 0, 0, time.UTC),
		opts: options{sizes: []int{1000}, duration: 6 * time.Second, soak: time.Minute, concurrency: 32, soakClients: 200,
			crashRounds: 20, importMB: 1, importPGMB: 1, out: out},
		results: []sizeResult{{Engine: "sqlite", Size: 1000, StoryPage: run, StoryBaseline: run, StoryPageCold: run, List: run,
			ListBaseline: run, Home: run, StoryRatios: []float64{1, 1}, Soak: &run}},
		writes:  []writeResult{{Engine: "sqlite", Submissions: 1500, BaselineInserts: 1500, Crash: crashResult{Rounds: 20, Acknowledged: 100, IntegrityOK: true}}},
		imports: []importResult{{Engine: "sqlite", Bytes: 1 << 20, Releases: 300, Import: time.Second, Decode: time.Second, PeakRSS: 30}},
	}
	if err := r.write(out); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(out)
	doc := string(first)
	for _, want := range []string{"The method, by hand.", "After the figures.", "Measured 2026-12-01 17:52 UTC", "-phases pages,writes`", "| sqlite | 1000 |", "| sqlite | 1 MB |"} {
		if !strings.Contains(doc, want) {
			t.Errorf("report lacks %q:\n%s", want, doc)
		}
	}
	for _, gone := range []string{"An older run's table.", "An older import."} {
		if strings.Contains(doc, gone) {
			t.Errorf("report kept %q:\n%s", gone, doc)
		}
	}
	for _, m := range []string{markerStart, markerEnd, importMarkerStart, importMarkerEnd} {
		if n := strings.Count(doc, m); n != 1 {
			t.Errorf("marker %q %d times, want once", m, n)
		}
	}
	if err := r.write(out); err != nil {
		t.Fatal(err)
	}
	if second, _ := os.ReadFile(out); string(second) != doc {
		t.Errorf("a second run of the same figures changed the page:\n%s", second)
	}
}

// The command a report names is the one that made it: a run of one phase
// does not claim the other.
func TestReportNamesItsPhases(t *testing.T) {
	r := &report{opts: options{sizes: []int{1000}, phases: map[string]bool{"pages": true}}}
	if md := r.markdown(); !strings.Contains(md, "-phases pages`") {
		t.Fatalf("a pages run's report names another command:\n%s", md)
	}
}
