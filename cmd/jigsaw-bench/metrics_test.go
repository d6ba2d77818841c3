package main

import (
	"strings"
	"testing"

	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// TestPageCacheState reads a real server's /metrics, as the harness does
// between phases.
func TestPageCacheState(t *testing.T) {
	a := testrig.StartApp(t, store.SQLite, nil)
	a.Get(t, "/stories")
	a.Get(t, "/stories")
	line, full := pageCacheState(&proc{addr: strings.TrimPrefix(a.URL, "http://")})
	for _, want := range []string{"page cache: ", "entries 1,", "hits_total 1,", "renders_total 1,", "max_bytes 16777216,", "evictions_total 0"} {
		if !strings.Contains(line, want) {
			t.Errorf("got %q, want it to contain %q", line, want)
		}
	}
	if full {
		t.Errorf("a cache of one page is full")
	}
}
