package store

import (
	"slices"
	"testing"
)

func TestTsqueryLexemes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{`'x-ray' & 'x' & 'ray'`, []string{"x-ray", "x", "ray"}},
		{`'o''brien'`, []string{"o'brien"}},
		{`'a''' & 'b'`, []string{"a'", "b"}},
		{``, nil},
		{`'unterminated`, nil},
	} {
		if got := tsqueryLexemes(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("tsqueryLexemes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWordFrequency(t *testing.T) {
	st := lexemeStats{freq: map[string]float64{"x-ray": 0.16, "x": 0.2, "ray": 0.17, "chang": 0.5}, other: 0.004}
	for _, tt := range []struct {
		wordQuery string
		want      float64
		ok        bool
	}{
		{`'chang'`, 0.5, true},
		// The lexemes of one word occur together: the rarest, not their product.
		{`'x-ray' & 'x' & 'ray'`, 0.16, true},
		{`'jesofon'`, 0.004, true}, // not among the most common
		{``, 0, false},             // a stop word
	} {
		got, ok := st.wordFrequency(tt.wordQuery)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("wordFrequency(%q) = %v, %v; want %v, %v", tt.wordQuery, got, ok, tt.want, tt.ok)
		}
	}
}
