package testrig

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Viewport is a window size a page is checked and photographed at.
type Viewport struct {
	Name          string // names the screenshot folder: "375"
	Width, Height int64
	Mobile        bool // phone emulation: the page's viewport meta, touch
}

// The window sizes the checks use: the narrowest phone a page must work
// on, a common phone and a desktop.
var (
	Narrow  = Viewport{Name: "320", Width: 320, Height: 640, Mobile: true}
	Phone   = Viewport{Name: "375", Width: 375, Height: 812, Mobile: true}
	Desktop = Viewport{Name: "1280", Width: 1280, Height: 800}
)

// SetViewport sizes the window, with phone emulation when v.Mobile. The
// page is laid out again in place: no reload.
func (b *Browser) SetViewport(tb testing.TB, v Viewport) {
	tb.Helper()
	b.Run(tb, chromedp.ActionFunc(func(ctx context.Context) error {
		return b.applyViewport(ctx, v, v.Height)
	}))
	b.mu.Lock()
	b.viewport = v
	b.mu.Unlock()
}

func (b *Browser) applyViewport(ctx context.Context, v Viewport, height int64) error {
	if err := emulation.SetDeviceMetricsOverride(v.Width, height, 1, v.Mobile).Do(ctx); err != nil {
		return err
	}
	return emulation.SetTouchEmulationEnabled(v.Mobile).Do(ctx)
}

// Viewport returns the window size set last (Desktop before any).
func (b *Browser) Viewport() Viewport {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.viewport.Width == 0 {
		return Desktop
	}
	return b.viewport
}

// SetScriptsDisabled turns the page's own scripts off or on, as a browser
// with JavaScript disabled would. The checks made of one evaluation through
// the DevTools protocol (Overflow, StructureProblems, FocusProblems) still
// run; Axe does not, as it needs timers, which are off too.
func (b *Browser) SetScriptsDisabled(tb testing.TB, disabled bool) {
	tb.Helper()
	b.Run(tb, emulation.SetScriptExecutionDisabled(disabled))
	b.mu.Lock()
	b.noScripts = disabled
	b.mu.Unlock()
}

// SetCacheDisabled makes every load fetch every resource again, so the
// request log shows what a first visit transfers.
func (b *Browser) SetCacheDisabled(tb testing.TB, disabled bool) {
	tb.Helper()
	b.Run(tb, network.SetCacheDisabled(disabled))
}

// SetCookie gives the browser a cookie for base (e.g. a session from
// TestApp.SessionCookie).
func (b *Browser) SetCookie(tb testing.TB, base, name, value string) {
	tb.Helper()
	b.Run(tb, network.SetCookie(name, value).WithURL(base).WithPath("/").WithHTTPOnly(true))
}

// Request is one request Chromium made, from the Network domain's events.
type Request struct {
	URL    string
	Type   network.ResourceType // Document, Stylesheet, Script, Image, Font…
	Status int64
	Bytes  int64  // transferred (encodedDataLength: headers and body as sent)
	Failed string // the error, if it failed
	done   bool
}

// Loopback reports whether the request went to this machine (or needed no
// network at all: data: and blob: URLs).
func (r Request) Loopback() bool {
	u, err := url.Parse(r.URL)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// onNetwork records the Network domain's events in the request log.
func (b *Browser) onNetwork(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.requestIdx == nil {
		b.requestIdx = map[network.RequestID]int{}
	}
	find := func(id network.RequestID) *Request {
		if i, ok := b.requestIdx[id]; ok {
			return &b.requests[i]
		}
		return nil
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if r := find(ev.RequestID); r != nil && ev.RedirectResponse != nil {
			// The earlier hop of a redirect is over.
			r.Status, r.Bytes, r.done = ev.RedirectResponse.Status, int64(ev.RedirectResponse.EncodedDataLength), true
		}
		b.requestIdx[ev.RequestID] = len(b.requests)
		b.requests = append(b.requests, Request{URL: ev.Request.URL, Type: ev.Type})
	case *network.EventResponseReceived:
		if r := find(ev.RequestID); r != nil {
			r.Status = ev.Response.Status
			if ev.Type != "" {
				r.Type = ev.Type
			}
		}
	case *network.EventLoadingFinished:
		if r := find(ev.RequestID); r != nil {
			r.Bytes, r.done = int64(ev.EncodedDataLength), true
		}
	case *network.EventLoadingFailed:
		if r := find(ev.RequestID); r != nil {
			r.Failed, r.done = ev.ErrorText, true
			if ev.Type != "" {
				r.Type = ev.Type
			}
		}
	}
}

// Requests returns the request log since the last ResetRequests, waiting
// up to two seconds for requests still under way to finish.
func (b *Browser) Requests() []Request {
	deadline := time.Now().Add(2 * time.Second)
	for {
		b.mu.Lock()
		pending := 0
		for _, r := range b.requests {
			if !r.done {
				pending++
			}
		}
		out := append([]Request(nil), b.requests...)
		b.mu.Unlock()
		if pending == 0 || time.Now().After(deadline) {
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ResetRequests empties the request log.
func (b *Browser) ResetRequests() {
	b.mu.Lock()
	b.requests, b.requestIdx = nil, nil
	b.mu.Unlock()
}

// PageWeight sums the bytes transferred by the requests, images excepted.
func PageWeight(reqs []Request) int64 {
	var n int64
	for _, r := range reqs {
		if r.Type != network.ResourceTypeImage {
			n += r.Bytes
		}
	}
	return n
}

// eval evaluates a JavaScript expression in the page (awaiting it if it is a
// promise) and decodes its JSON-able value into res.
func (b *Browser) eval(tb testing.TB, expr string, res any) {
	tb.Helper()
	b.Run(tb, chromedp.Evaluate(expr, res, func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
}

// Overflow is what makes a page wider than its window.
type Overflow struct {
	ScrollWidth, ClientWidth int64
	Wide                     []string // the widest offending elements: selector and size
}

func (o *Overflow) String() string {
	return fmt.Sprintf("page is %d px wide in a %d px window; widest elements past the edge:\n\t%s",
		o.ScrollWidth, o.ClientWidth, strings.Join(o.Wide, "\n\t"))
}

// overflowJS measures horizontal overflow and names the elements that reach
// furthest past the right edge and are not inside a box that scrolls or
// clips them (content left of 0 cannot be scrolled to, so a skip link
// parked off-screen there is no overflow).
const overflowJS = `(() => {
  const de = document.documentElement, cw = de.clientWidth;
  const sel = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) return s + '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    const p = el.parentElement;
    return p && p !== document.body ? sel(p) + ' > ' + s : s;
  };
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body && a !== de; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [], seen = new Map(), boxes = [], spills = [];
  const add = (el, s, w, right) => {
    if (seen.has(s)) { seen.get(s).n++; return; }
    const x = {s, w, r: right, n: 1};
    seen.set(s, x);
    wide.push(x);
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || clipped(el) || el.closest('details:not([open]) > :not(summary)')) continue;
    if (r.right <= cw + 0.01) {
      // Text too long for its box (a long address, say) spills out of it
      // while the box itself fits.
      if (getComputedStyle(el).overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 &&
          r.left + el.scrollWidth > cw + 0.01 && r.left + el.scrollWidth <= de.scrollWidth + 1) spills.push([el, r]);
      continue;
    }
    boxes.push(el);
    // An element no wider than its overflowing parent adds nothing.
    const pr = el.parentElement.getBoundingClientRect();
    if (el.parentElement !== document.body && pr.right > cw + 0.01 && Math.abs(pr.right - r.right) <= 1 && Math.abs(pr.width - r.width) <= 4) continue;
    add(el, sel(el) + ' (' + Math.round(r.width) + ' px wide, ' + Math.round(r.left) + '…' + Math.round(r.right) + ')', r.width, r.right);
  }
  for (const [el, r] of spills) {
    // Its overflowing descendant is the cause, and is listed.
    if (boxes.some(b => el.contains(b)) || spills.some(([o]) => o !== el && el.contains(o))) continue;
    add(el, sel(el) + ' (content ' + el.scrollWidth + ' px wide in a ' + el.clientWidth + ' px box, ' + Math.round(r.left) + '…' + Math.round(r.left + el.scrollWidth) + ')', el.scrollWidth, r.left + el.scrollWidth);
  }
  wide.sort((a, b) => b.r - a.r || b.w - a.w);
  return {scrollWidth: de.scrollWidth, clientWidth: cw,
    wide: wide.slice(0, 8).map(x => x.s + (x.n > 1 ? ' ×' + x.n : ''))};
})()`

// Overflow returns nil if the page does not scroll sideways in the current
// window, else what sticks out. It also fails when a phone-sized page lays
// out wider than the phone (no viewport meta).
func (b *Browser) Overflow(tb testing.TB) *Overflow {
	tb.Helper()
	var o struct {
		ScrollWidth, ClientWidth int64
		Wide                     []string
	}
	b.eval(tb, overflowJS, &o)
	v := b.Viewport()
	if o.ScrollWidth > o.ClientWidth || o.ClientWidth > v.Width {
		return &Overflow{ScrollWidth: o.ScrollWidth, ClientWidth: o.ClientWidth, Wide: o.Wide}
	}
	return nil
}

// AxeViolation is a rule axe found broken, with where.
type AxeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"` // minor, moderate, serious, critical
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Tags    []string  `json:"tags"`
	Nodes   []AxeNode `json:"nodes"`
}

// AxeNode is one element breaking a rule.
type AxeNode struct {
	Target  []string `json:"target"` // CSS selectors
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

// Serious reports whether the violation is serious or critical.
func (v AxeViolation) Serious() bool { return v.Impact == "serious" || v.Impact == "critical" }

// WCAG reports whether the rule is one of WCAG's (in AxeTags), not only
// one of axe's best practices.
func (v AxeViolation) WCAG() bool {
	for _, t := range v.Tags {
		for _, w := range AxeTags {
			if t == w {
				return true
			}
		}
	}
	return false
}

func (v AxeViolation) String() string {
	var b strings.Builder
	kind := "WCAG"
	if !v.WCAG() {
		kind = "best practice"
	}
	fmt.Fprintf(&b, "%s [%s, %s] %s (%d elements)", v.ID, v.Impact, kind, v.Help, len(v.Nodes))
	for i, n := range v.Nodes {
		if i == 5 {
			fmt.Fprintf(&b, "\n\t\t… and %d more", len(v.Nodes)-i)
			break
		}
		fmt.Fprintf(&b, "\n\t\t%s", strings.Join(n.Target, " "))
	}
	return b.String()
}

// AxeTags are the WCAG rule sets axe runs: WCAG 2.0, 2.1 and 2.2, levels A
// and AA. It runs axe's best practices too (landmarks, heading order…), which
// AxeViolation.WCAG tells apart.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

var axeSource = sync.OnceValues(func() ([]byte, error) {
	_, file, _, _ := runtime.Caller(0)
	return os.ReadFile(filepath.Join(filepath.Dir(file), "testdata", "axe", "axe.min.js"))
})

// Axe runs axe-core (the copy in testdata/axe) on the page as it is now,
// with AxeTags and the best practices, and returns the violations. It injects axe through the
// DevTools protocol, so it is not counted in Scripts; it needs the page's
// scripts enabled.
func (b *Browser) Axe(tb testing.TB) []AxeViolation {
	tb.Helper()
	b.mu.Lock()
	off := b.noScripts
	b.mu.Unlock()
	if off {
		tb.Fatal("axe cannot run with scripts disabled: it needs timers")
	}
	src, err := axeSource()
	if err != nil {
		tb.Fatalf("axe: %v", err)
	}
	var loaded bool
	b.eval(tb, `typeof window.axe === 'object'`, &loaded)
	if !loaded {
		b.Run(tb, chromedp.ActionFunc(func(ctx context.Context) error {
			_, exc, err := cdpruntime.Evaluate(string(src)).Do(ctx)
			if err == nil && exc != nil {
				err = fmt.Errorf("%s", exc.Text)
			}
			return err
		}))
	}
	tags, _ := json.Marshal(append(AxeTags[:len(AxeTags):len(AxeTags)], "best-practice"))
	var out []AxeViolation
	b.eval(tb, `axe.run(document, {runOnly: {type: 'tag', values: `+string(tags)+`}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, tags: v.tags,
    nodes: v.nodes.map(n => ({target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t),
      html: n.html, summary: n.failureSummary || ''}))})))`, &out)
	return out
}

// FocusProblems returns the focusable elements that look the same focused
// as not: WCAG 2.4.7, focus visible. It first presses Tab, as a keyboard
// user would, so that :focus-visible styles apply, and leaves no element
// focused.
func (b *Browser) FocusProblems(tb testing.TB) []string {
	tb.Helper()
	var out []string
	b.Run(tb, chromedp.KeyEvent("\t"))
	b.eval(tb, `(() => {
  const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow', 'background-color', 'color',
    'border-top-color', 'border-bottom-color', 'border-bottom-width', 'text-decoration-line', 'text-decoration-thickness'];
  const snap = el => props.map(p => getComputedStyle(el).getPropertyValue(p)).join('|');
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.getAttribute('href') ? '[href="' + el.getAttribute('href') + '"]' : '') +
    (el.name ? '[name="' + el.name + '"]' : '') + (el.value && el.type !== 'hidden' && el.tagName !== 'TEXTAREA' && el.tagName !== 'SELECT' && el.type !== 'text' ? '[value="' + el.value + '"]' : '');
  const bad = [];
  const els = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])');
  for (const el of els) {
    if (el.disabled || !el.getClientRects().length) continue;
    el.focus();
    if (document.activeElement !== el) continue;
    const on = snap(el);
    el.blur();
    if (on === snap(el)) bad.push(name(el));
  }
  return bad;
})()`, &out)
	return out
}

// ArtefactsDir is where tests leave files for people to look at:
// $JIGSAW_ARTEFACTS, else artefacts/ at the repository root.
func ArtefactsDir() string {
	if d := os.Getenv("JIGSAW_ARTEFACTS"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "artefacts")
}

// Screenshot saves a full-page PNG of the page at the current window size
// as screenshots/<viewport>/<name>.png under ArtefactsDir, and logs where.
func (b *Browser) Screenshot(tb testing.TB, name string) string {
	tb.Helper()
	v := b.Viewport()
	var png []byte
	b.Run(tb, chromedp.ActionFunc(func(ctx context.Context) error {
		// Grow the window to the page's height so the whole page is laid
		// out and drawn as a person scrolling it would see it.
		var h float64
		if err := chromedp.Evaluate(`Math.ceil(Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0))`, &h).Do(ctx); err != nil {
			return err
		}
		full := max(v.Height, min(int64(h), 16000))
		if err := b.applyViewport(ctx, v, full); err != nil {
			return err
		}
		var err error
		png, err = page.CaptureScreenshot().WithFormat(page.CaptureScreenshotFormatPng).
			WithCaptureBeyondViewport(true).WithFromSurface(true).Do(ctx)
		if rerr := b.applyViewport(ctx, v, v.Height); err == nil {
			err = rerr
		}
		return err
	}))
	path := filepath.Join(ArtefactsDir(), "screenshots", v.Name, name+".png")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatal(err)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	tb.Logf("screenshot: %s", path)
	return path
}

// SortViolations orders violations most serious first, then by rule.
func SortViolations(vs []AxeViolation) {
	rank := map[string]int{"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
	sort.SliceStable(vs, func(i, j int) bool {
		if rank[vs[i].Impact] != rank[vs[j].Impact] {
			return rank[vs[i].Impact] < rank[vs[j].Impact]
		}
		return vs[i].ID < vs[j].ID
	})
}
