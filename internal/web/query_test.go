package web

import (
	"testing"

	"jigsaw"
)

// A list's total is exact up to jigsaw.CountCap, or to the end of the page
// asked for when that is further; beyond, the store reports that bound plus
// one, and the page says only that there are more.
func TestTotalText(t *testing.T) {
	for _, tt := range []struct {
		total, upTo int
		want        string
	}{
		{0, 6, "0"},
		{1, 6, "1"},
		{jigsaw.CountCap, 6, "1000"},
		{jigsaw.CountCap + 1, 6, "1000+"},
		{jigsaw.CountCap + 1, 100, "1000+"},
		{1200, 1500, "1200"}, // a deep page's count reached the end
		{1500, 1500, "1500"},
		{1501, 1500, "1500+"},
	} {
		if got := jigsaw.TotalText(tt.total, tt.upTo); got != tt.want {
			t.Errorf("jigsaw.TotalText(%d, %d) = %q, want %q", tt.total, tt.upTo, got, tt.want)
		}
		p := Pager{Page: 1, PerPage: tt.upTo, Total: tt.total}
		if got := p.Shown(); got != tt.want {
			t.Errorf("Pager %+v shows %q, want %q", p, got, tt.want)
		}
	}
}
