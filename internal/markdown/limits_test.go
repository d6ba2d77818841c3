package markdown

import (
	"strings"
	"testing"

	"jigsaw"
)

func TestCheckLimits(t *testing.T) {
	table := func(cols, rows int) string {
		return strings.Repeat("|a", cols) + "|\n" + strings.Repeat("|-", cols) + "|\n" + strings.Repeat("x\n", rows)
	}
	for _, tt := range []struct {
		name, src string
		refused   string // part of the message, "" when accepted
	}{
		{"plain text", "Eleven hours on a trolley.\n\nThen a bed.", ""},
		{"a small table", table(4, 20), ""},
		{"the probe's table", table(300, 9390), "at most 30 columns"},
		{"many cells", table(30, 140), "at most 4000 cells"},
		{"cells add up across tables", table(20, 100) + "\n" + table(20, 100), "at most 4000 cells"},
		{"just under the cells", table(30, 130), ""},
		{"deep quotes", strings.Repeat(">", 17) + " deep", "nested at most 16"},
		{"quotes within the limit", strings.Repeat(">", 16) + " deep", ""},
		{"deep lists", func() string {
			var b strings.Builder
			for i := range 20 {
				b.WriteString(strings.Repeat("  ", i) + "- item\n")
			}
			return b.String()
		}(), "nested at most 16"},
		{"an indented poem", strings.Repeat(strings.Repeat(" ", 60)+"a line of verse\n", 30), ""},
		{"a pipe in prose", "Either | or, then a rule:\n---\n", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := Check("body", tt.src)
			if tt.refused == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || !strings.Contains(jigsaw.FieldErrors(err)["body"], tt.refused) {
				t.Fatalf("got %v, want EINVALID on body saying %q", err, tt.refused)
			}
		})
	}
}

// Whatever the text, its HTML is bounded by its length: a text over the
// limits (one stored before they were checked) is shown as plain text.
func TestRenderIsBounded(t *testing.T) {
	r := New()
	for _, src := range []string{
		strings.Repeat("|a", 300) + "|\n" + strings.Repeat("|-", 300) + "|\n" + strings.Repeat("x\n", 9390),
		strings.Repeat("|a", 30) + "|\n" + strings.Repeat("|-", 30) + "|\n" + strings.Repeat("x\n", 130),
		strings.Repeat(">", 5000) + " deep",
		strings.Repeat("http://a.example/ ", 2000),
		strings.Repeat("&<>\"'", 4000),
		strings.Repeat("*\n", 10000),
		strings.Repeat("[a]: http://a.example/\n[a]\n", 1000),
	} {
		out := r.Render(src)
		if len(out) > MaxOutput(len(src)) {
			t.Errorf("%.40q…: %d bytes of HTML from %d, over %d", src, len(out), len(src), MaxOutput(len(src)))
		}
	}
	hostile := strings.Repeat("|a", 300) + "|\n" + strings.Repeat("|-", 300) + "|\n" + strings.Repeat("<b>x</b>\n", 100)
	out := r.Render(hostile)
	if strings.Contains(out, "<td") || strings.Contains(out, "<b>") || !strings.Contains(out, "&lt;b&gt;") {
		t.Fatalf("a text over the limits is not shown as escaped plain text: %.200s", out)
	}
}
