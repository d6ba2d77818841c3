package chart

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestNiceScale(t *testing.T) {
	for _, tt := range []struct {
		top, step, scaleTop int64
	}{
		{0, 1, 1}, {1, 1, 1}, {3, 1, 3}, {7, 2, 8}, {10, 5, 10}, {37, 10, 40}, {123, 50, 150}, {100_000_000, 50_000_000, 100_000_000},
	} {
		if step, top := NiceScale(tt.top, 4); step != tt.step || top != tt.scaleTop {
			t.Errorf("NiceScale(%d) = %d, %d; want %d, %d", tt.top, step, top, tt.step, tt.scaleTop)
		}
	}
}

func TestShortPounds(t *testing.T) {
	for _, tt := range []struct {
		pence int64
		want  string
	}{
		{0, "£0"}, {90_000, "£900"}, {45_000_000, "£450k"}, {120_000_000, "£1.2m"}, {100_000_000, "£1m"}, {300_000_000_000, "£3bn"}, {2_550_000_000_00, "£2.5bn"},
	} {
		if got := ShortPounds(tt.pence); got != tt.want {
			t.Errorf("ShortPounds(%d) = %q, want %q", tt.pence, got, tt.want)
		}
	}
}

func TestSpan(t *testing.T) {
	if got := Span("2024-11", "2025-02"); strings.Join([]string{string(got[0]), string(got[3])}, " ") != "2024-11 2025-02" || len(got) != 4 {
		t.Errorf("Span: %q", got)
	}
	if got := Span("2025-02", "2025-01"); len(got) != 0 {
		t.Errorf("Span backwards: %q", got)
	}
}

// Labels of any text make well-formed SVG, with the text kept.
func TestSVGEscapes(t *testing.T) {
	hostile := `Beds & <b>"wards"</b> 'n' </svg><script>`
	bars := []Bar{{Label: hostile, Tick: hostile, Value: 3}, {Label: "Two", Tick: "2", Value: 0}}
	for name, svg := range map[string]string{
		"columns": string(Columns{LabelledBy: `c"1`, Bars: bars, YLabel: hostile, XLabel: "x", Class: Blue}.SVG()),
		"rows":    string(Rows{LabelledBy: "r", Bars: bars, XLabel: hostile, Class: Red}.SVG()),
		"empty":   string(Columns{LabelledBy: "e"}.SVG()),
	} {
		dec := xml.NewDecoder(strings.NewReader(svg))
		var texts []string
		depth := 0
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed: %v\n%s", name, err, svg)
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				depth++
			case xml.EndElement:
				depth--
			case xml.CharData:
				texts = append(texts, string(tok))
			}
		}
		if depth != 0 {
			t.Errorf("%s: unbalanced elements", name)
		}
		if name != "empty" && !strings.Contains(strings.Join(texts, "\n"), hostile) {
			t.Errorf("%s: the label is not kept: %q", name, texts)
		}
	}
}
