package testrig

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserChecks: each check finds what it is for on a page made to
// break it, and nothing on a page made to pass it.
func TestBrowserChecks(t *testing.T) {
	t.Setenv("JIGSAW_ARTEFACTS", t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/good":
			w.Write([]byte(`<!doctype html><html lang="en"><meta name="viewport" content="width=device-width">
<title>Good</title><style>a:focus-visible{outline:3px solid #000}</style>
<header><a href="#main">Skip to content</a></header><main id="main"><h1>Good</h1>
<p style="max-width:100%">Fits. <a href="/x">A link</a></p>
<img src="/pixel.png" alt="a pixel"></main>`))
		case "/bad":
			w.Write([]byte(`<!doctype html><html><meta name="viewport" content="width=device-width"><title>Bad</title>
<style>a{outline:none}</style>
<div id="wide" style="width:900px">wide</div><p id="word">Supercalifragilisticexpialidociousandthensomemoreletters</p><img src="/pixel.png"><a href="/x">x</a>
<input type="text"><link rel="stylesheet" href="http://192.0.2.1/elsewhere.css">`))
		case "/script":
			w.Write([]byte(`<!doctype html><meta name="viewport" content="width=device-width"><title>before</title><script>document.title = 'ran'</script>`))
		case "/pixel.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(make([]byte, 5000))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	b := StartBrowser(t)
	b.SetCacheDisabled(t, true)

	b.SetViewport(t, Narrow)
	b.Run(t, chromedp.Navigate(srv.URL+"/good"))
	if v := b.Axe(t); len(v) != 0 {
		t.Errorf("good page: axe found %v", v)
	}
	// (The good page has no footer: it is whole for WCAG, and axe's best
	// practices would not ask for one.)
	if o := b.Overflow(t); o != nil {
		t.Errorf("good page: %v", o)
	}
	if f := b.FocusProblems(t); len(f) != 0 {
		t.Errorf("good page: focus not visible on %v", f)
	}
	var reqs []Request
	for _, r := range b.Requests() {
		if !strings.HasSuffix(r.URL, "/favicon.ico") { // Chromium's own
			reqs = append(reqs, r)
		}
	}
	if len(reqs) != 2 || reqs[0].Type != "Document" || reqs[1].Type != "Image" || reqs[1].Bytes == 0 {
		t.Errorf("good page: requests %+v", reqs)
	}
	for _, r := range reqs {
		if !r.Loopback() {
			t.Errorf("good page: %s is not loopback", r.URL)
		}
	}
	if w := PageWeight(reqs); w >= 1000 || w < 200 {
		t.Errorf("good page weighs %d bytes without images", w)
	}
	path := b.Screenshot(t, "good")
	if !strings.HasSuffix(path, filepath.Join("screenshots", "320", "good.png")) {
		t.Errorf("screenshot at %s", path)
	}
	if png, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Errorf("screenshot: %v", err)
	}

	b.ResetRequests()
	b.Run(t, chromedp.Navigate(srv.URL+"/bad"))
	ids := map[string]bool{}
	for _, v := range b.Axe(t) {
		ids[v.ID] = v.Serious() && v.WCAG()
	}
	for _, want := range []string{"html-has-lang", "image-alt", "label"} {
		if !ids[want] {
			t.Errorf("bad page: axe did not report %s as serious: %v", want, ids)
		}
	}
	o := b.Overflow(t)
	if o == nil || len(o.Wide) < 2 || !strings.Contains(o.Wide[0], "div#wide") || !strings.Contains(o.String(), "p#word (content ") {
		t.Errorf("bad page: overflow %v", o)
	}
	if f := b.FocusProblems(t); len(f) != 1 || !strings.Contains(f[0], `a[href="/x"]`) {
		t.Errorf("bad page: focus problems %v", f)
	}
	var elsewhere bool
	for _, r := range b.Requests() {
		elsewhere = elsewhere || !r.Loopback() && strings.Contains(r.URL, "192.0.2.1")
	}
	if !elsewhere {
		t.Errorf("bad page: the request elsewhere is not logged: %+v", b.Requests())
	}

	// With scripts disabled, the page's scripts do not run; the checks made
	// of one evaluation still do.
	b.SetScriptsDisabled(t, true)
	var title string
	b.Run(t, chromedp.Navigate(srv.URL+"/script"), chromedp.Title(&title))
	if title != "before" {
		t.Errorf("with scripts disabled the page's script ran: title %q", title)
	}
	if o := b.Overflow(t); o != nil {
		t.Errorf("with scripts disabled: %v", o)
	}
	b.SetScriptsDisabled(t, false)
	b.Run(t, chromedp.Navigate(srv.URL+"/script"), chromedp.Title(&title))
	if title != "ran" {
		t.Errorf("with scripts enabled again the page's script did not run: title %q", title)
	}
}
