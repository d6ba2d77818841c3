package web

import (
	"testing"

	"jigsaw"
)

// A list's total is exact up to jigsaw.CountCap; beyond it the store says
// only that there are more, and so does the page.
func TestCountLabel(t *testing.T) {
	for n, want := range map[int]string{0: "", 1: "1", jigsaw.CountCap: "1000", jigsaw.CountCap + 1: "1000+", 5000: "1000+"} {
		if got := countLabel(n); got != want {
			t.Errorf("countLabel(%d) = %q, want %q", n, got, want)
		}
	}
}
