package store

import "testing"

// A passage copied from the page, where the Markdown's marks are not shown,
// is found in the Markdown with its marks.
func TestDisplayedPassage(t *testing.T) {
	for _, tt := range []struct{ source, passage, want string }{
		{"Sister **Vexhaven** said no.", "Sister Vexhaven", "[redacted] said no."},
		{"**Sister Vexhaven** said no.", "Sister Vexhaven", "[redacted] said no."},
		{"Ask [Dr Vexhaven](https://example.org/v) on ward 9.", "Dr Vexhaven on ward 9", "Ask [redacted]."},
		{"Call `07700 900123`\nor _write_.", "07700 900123 or write", "Call [redacted]."},
		{"Nothing to see here.", "Vexhaven", "Nothing to see here."},
	} {
		if got := displayedPassage(tt.passage).ReplaceAllLiteralString(tt.source, redactionMark); got != tt.want {
			t.Errorf("redacting %q in %q: got %q, want %q", tt.passage, tt.source, got, tt.want)
		}
	}
}
