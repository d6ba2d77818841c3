package jigsaw

import (
	"testing"
)

func TestInRegion(t *testing.T) {
	for _, tt := range []struct {
		regions          []string
		region, postcode string
		want             bool
	}{
		{[]string{"UKE"}, "UKE41", "", true},
		{[]string{"UKE4"}, "UKE", "", false}, // a wider region is not inside a narrower one
		{[]string{"UKE4"}, "", "BD20 6TD", false},
		{[]string{"BD"}, "", "BD20 6TD", true},
		{[]string{"BD"}, "", "bd206td", true},
		{[]string{"B"}, "", "BD20 6TD", false}, // the area B is not BD
		{[]string{"B"}, "", "B1 1AA", true},
		{[]string{"BD2"}, "", "BD20 6TD", false}, // districts are whole
		{[]string{"BD20"}, "", "BD20 6TD", true},
		{[]string{"M", "UKD"}, "UKD3", "", true},
		{[]string{"M"}, "", "", false},
		{nil, "UKE", "BD1 1AA", false},
	} {
		if got := InRegion(tt.regions, tt.region, tt.postcode); got != tt.want {
			t.Errorf("InRegion(%q, %q, %q) = %v, want %v", tt.regions, tt.region, tt.postcode, got, tt.want)
		}
	}
}

func TestWatchedSourceRegions(t *testing.T) {
	s := WatchedSource{Name: "FTS", Kind: ImportOCDS, URL: "https://example.org/ocds", Schedule: WatchDaily,
		Regions: []string{"uke4, bd20 ", "LS"}}
	s.Normalize()
	if err := s.Validate(); err != nil {
		t.Fatalf("valid regions refused: %v", err)
	}
	if want := []string{"UKE4", "BD20", "LS"}; len(s.Regions) != 3 || s.Regions[0] != want[0] || s.Regions[1] != want[1] || s.Regions[2] != want[2] {
		t.Errorf("regions = %q, want %q", s.Regions, want)
	}
	s.Regions = []string{"West Yorkshire"}
	s.Normalize()
	if FieldErrors(s.Validate())["regions"] == "" {
		t.Errorf("a region's name accepted: %q", s.Regions)
	}
	s.Kind = ImportODS
	s.Normalize()
	if s.Regions != nil {
		t.Errorf("an ODS source keeps regions %q", s.Regions)
	}
}
