package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Bar is one bar of a chart.
type Bar struct {
	Label string // what the bar counts, in full ("March 2025", "Safety")
	Tick  string // its label on the axis of a column chart ("Mar 2025")
	Value int64
}

// Colour classes of bars, styled by style.css in both colour schemes.
const (
	Blue  = "bar-blue"
	Red   = "bar-red"
	Green = "bar-green"
)

// The size of a chart in its own units (its viewBox): it scales to the
// width of its box, and the text, 11 to 12 units, stays readable at 320
// CSS pixels.
const (
	width      = 320
	colHeight  = 190
	padLeft    = 48
	padRight   = 8
	padTop     = 22
	padBottom  = 40
	rowHeight  = 34
	fontSmall  = 11
	fontNormal = 12
)

// Columns is a column chart: one vertical bar per category, on a scale
// that starts at zero.
type Columns struct {
	// LabelledBy is the id of the element that names the chart: its
	// caption, for assistive technology (the SVG is role="img").
	LabelledBy string
	Bars       []Bar
	// Max is the largest value the scale must hold, so that small
	// multiples share one scale; 0 takes the bars' largest.
	Max    int64
	YLabel string // the quantity, written over the scale ("Dangers")
	XLabel string // the categories, written under them ("Month")
	// Format writes a value on the scale and in a bar's tooltip; nil
	// writes a whole number.
	Format func(int64) string
	Class  string // the bars' colour class (Blue, Red, Green)
}

// SVG draws the chart.
func (c Columns) SVG() template.HTML {
	format := formatOr(c.Format)
	top := c.Max
	for _, b := range c.Bars {
		top = max(top, b.Value)
	}
	step, top := NiceScale(top, 4)
	plotW, plotH := float64(width-padLeft-padRight), float64(colHeight-padTop-padBottom)
	y := func(v int64) float64 { return padTop + plotH - plotH*float64(v)/float64(top) }

	var b strings.Builder
	open(&b, c.LabelledBy, width, colHeight)
	text(&b, "chart-axis-label", 0, padTop-10, "start", fontNormal, c.YLabel)
	for v := int64(0); v <= top; v += step {
		class := "chart-grid"
		if v == 0 {
			class = "chart-axis"
		}
		fmt.Fprintf(&b, `<line class="%s" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, class, padLeft, width-padRight, y(v), y(v))
		text(&b, "chart-tick", padLeft-4, y(v)+3.5, "end", fontSmall, format(v))
	}
	if n := len(c.Bars); n > 0 {
		slot := plotW / float64(n)
		// Label every k-th bar, so that the axis labels never overlap.
		k := 1
		for _, bar := range c.Bars {
			k = max(k, int(math.Ceil((float64(len([]rune(bar.Tick)))*6.2+6)/slot)))
		}
		for i, bar := range c.Bars {
			x := padLeft + slot*float64(i)
			w := max(slot*0.8, 0.5)
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`,
				esc(c.Class), x+(slot-w)/2, y(bar.Value), w, y(0)-y(bar.Value), esc(bar.Label), esc(format(bar.Value)))
			if i%k == 0 && bar.Tick != "" {
				anchor, tx := "middle", x+slot/2
				if n == 1 || k > 1 {
					anchor, tx = "start", x // long labels read from their bar rightwards
				}
				text(&b, "chart-tick", tx, padTop+plotH+13, anchor, fontSmall, bar.Tick)
			}
		}
	}
	text(&b, "chart-axis-label", padLeft+plotW/2, colHeight-6, "middle", fontNormal, c.XLabel)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Rows is a bar chart of horizontal bars, each under its label: labels of
// any length fit a phone's width.
type Rows struct {
	LabelledBy string
	Bars       []Bar
	XLabel     string // the quantity, written under the bars ("Stories")
	Format     func(int64) string
	Class      string
}

// SVG draws the chart.
func (c Rows) SVG() template.HTML {
	format := formatOr(c.Format)
	var top int64
	for _, b := range c.Bars {
		top = max(top, b.Value)
	}
	_, top = NiceScale(top, 4)
	// Room on the right for the value written after the longest bar.
	barMax := float64(width - 64)
	height := 4 + rowHeight*len(c.Bars) + 20
	var b strings.Builder
	open(&b, c.LabelledBy, width, height)
	for i, bar := range c.Bars {
		y0 := float64(4 + rowHeight*i)
		text(&b, "chart-label", 0, y0+11, "start", fontNormal, bar.Label)
		w := barMax * float64(bar.Value) / float64(top)
		fmt.Fprintf(&b, `<rect class="%s" x="0" y="%.1f" width="%.1f" height="14"><title>%s: %s</title></rect>`,
			esc(c.Class), y0+15, w, esc(bar.Label), esc(format(bar.Value)))
		text(&b, "chart-tick", w+4, y0+26, "start", fontSmall, format(bar.Value))
	}
	fmt.Fprintf(&b, `<line class="chart-axis" x1="0" x2="0" y1="4" y2="%d"/>`, 4+rowHeight*len(c.Bars))
	text(&b, "chart-axis-label", 0, float64(height-4), "start", fontNormal, c.XLabel)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// NiceScale returns a step of 1, 2 or 5 times a power of ten that divides
// 0…top into about n steps, and the scale's top: the first multiple of
// step at or above top (a step when top is 0).
func NiceScale(top int64, n int) (step, scaleTop int64) {
	if top <= 0 {
		return 1, 1
	}
	raw := float64(top) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = int64(10 * mag)
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = int64(m * mag)
			break
		}
	}
	step = max(step, 1)
	return step, (top + step - 1) / step * step
}

func open(b *strings.Builder, labelledBy string, w, h int) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s" focusable="false">`,
		w, h, esc(labelledBy))
}

func text(b *strings.Builder, class string, x, y float64, anchor string, size int, s string) {
	if s == "" {
		return
	}
	fmt.Fprintf(b, `<text class="%s" x="%.1f" y="%.1f" text-anchor="%s" font-size="%d">%s</text>`, class, x, y, anchor, size, esc(s))
}

// esc escapes text for XML and HTML alike.
func esc(s string) string { return html.EscapeString(s) }

func formatOr(f func(int64) string) func(int64) string {
	if f != nil {
		return f
	}
	return func(v int64) string { return fmt.Sprint(v) }
}
