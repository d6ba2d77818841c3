package geo

import (
	"math"
	"testing"
)

func TestCentroids(t *testing.T) {
	if n := Districts(); n < 2800 || n > 3200 {
		t.Errorf("Districts() = %d, want about 3,000", n)
	}
	for _, tt := range []struct {
		district string
		lat, lon float64
	}{
		{"BD20", 53.9, -1.9},
		{"SW1A", 51.50, -0.13},
		{"CF10", 51.48, -3.18},
		{"BT1", 54.60, -5.93},
		{"ZE1", 60.15, -1.17},
		{"TR21", 49.95, -6.19},
	} {
		t.Run(tt.district, func(t *testing.T) {
			p, ok := Centroid(tt.district)
			if !ok {
				t.Fatalf("Centroid(%q) not found", tt.district)
			}
			if math.Abs(p.Lat-tt.lat) > 0.1 || math.Abs(p.Lon-tt.lon) > 0.1 {
				t.Errorf("Centroid(%q) = %v, want about %v, %v", tt.district, p, tt.lat, tt.lon)
			}
		})
	}
	for _, d := range []string{"", "bd20", "GY1", "XX99"} {
		if p, ok := Centroid(d); ok {
			t.Errorf("Centroid(%q) = %v, want none", d, p)
		}
	}
}

// TestInTheUK checks every centroid and outline point against the box of
// the United Kingdom, and that the projection keeps them in the viewBox:
// a swapped latitude and longitude would fail both.
func TestInTheUK(t *testing.T) {
	in := func(p Point) bool { return p.Lat >= 49.8 && p.Lat <= 60.9 && p.Lon >= -8.3 && p.Lon <= 1.9 }
	inBox := func(p Point) bool {
		x, y := Project(p)
		return x >= 0 && x <= Width && y >= 0 && y <= Height
	}
	for d, p := range data().centroids {
		if !in(p) || !inBox(p) {
			t.Errorf("%s at %v: outside the UK", d, p)
		}
	}
	if len(Outline()) == 0 {
		t.Fatal("no outline")
	}
	for _, ring := range Outline() {
		for _, p := range ring {
			if !in(p) || !inBox(p) {
				t.Errorf("outline point %v: outside the UK", p)
			}
		}
	}
	// North is up and east is right.
	nx, ny := Project(Point{60, -1})
	sx, sy := Project(Point{50, -5})
	if ny >= sy || nx <= sx {
		t.Errorf("Shetland at (%v, %v), Cornwall at (%v, %v): the map is not north up", nx, ny, sx, sy)
	}
	if OutlinePath() == "" || OutlinePath()[0] != 'M' {
		t.Errorf("OutlinePath() = %.20q…", OutlinePath())
	}
}
