package jigsaw

import "testing"

func TestNormalizeDate(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"kept form", "2025-11-24", "2025-11-24"},
		{"day first", "24/11/2025", "2025-11-24"},
		{"single digits", "1/4/2023", "2023-04-01"},
		{"spaces", " 24/11/2025 ", "2025-11-24"},
		{"month and year", "11/2025", "2025-11"},
		{"year", "2010", "2010"},
		{"two-digit year left alone", "24/11/25", "24/11/25"},
		{"no such day, for CheckDate to refuse", "31/02/2025", "2025-02-31"},
		{"words left alone", "yesterday", "yesterday"},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeDate(tt.in); got != tt.want {
				t.Errorf("NormalizeDate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	p := Problems{}
	CheckDate(p, "d", "The date", NormalizeDate("31/02/2025"), false)
	if p["d"] == "" {
		t.Error("31/02/2025 was accepted")
	}
}
