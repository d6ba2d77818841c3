package web

import (
	"strings"
	"testing"
)

func TestDiscoveryExcerpt(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"I waited **eleven hours** on a [trolley](https://x.example).", "I waited eleven hours on a trolley."},
		{"<p>First &amp; <em>second</em></p><p>third</p>", "First & second third"},
		{"# Heading\n\n> quoted\ttext", "Heading quoted text"},
		// Block tags part words, inline ones do not; a "<" not closed is text.
		{"<ul><li>one</li><li>two</li></ul><param>x</param>3 <b>is</b> <em>a</em>lot < 4", "one two x3 is alot < 4"},
		{"<TD>a</td><td>b</td><h2 id=x>c</h2>d<br/>e</ P>f", "a b c d ef"},
		{strings.Repeat("word ", 100), strings.TrimSpace(strings.Repeat("word ", 40)) + "…"},
	} {
		if got := excerpt(tt.in, 200); got != tt.want {
			t.Errorf("excerpt(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := excerpt(strings.Repeat("é", 300), 200); got != strings.Repeat("é", 200)+"…" {
		t.Errorf("a long word: got %d runes", len([]rune(got)))
	}
}
