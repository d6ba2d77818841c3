package testrig

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestBrowserSeesScripts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/clean":
			w.Write([]byte(`<!doctype html><title>x</title><p id=p>hello</p>`))
		case "/handler":
			w.Write([]byte(`<!doctype html><title>x</title><img src="/nope" onerror="document.title='pwned'"><p id=p>hello</p>`))
		case "/script":
			w.Write([]byte(`<!doctype html><title>x</title><script>var a = 1;</script><p id=p>hello</p>`))
		}
	}))
	defer srv.Close()
	b := StartBrowser(t)
	var text string
	b.Run(t, chromedp.Navigate(srv.URL+"/clean"), chromedp.Text("#p", &text))
	if text != "hello" || len(b.Scripts()) != 0 {
		t.Fatalf("clean page: text %q, scripts %v", text, b.Scripts())
	}
	for _, path := range []string{"/handler", "/script"} {
		b.ResetScripts()
		b.Run(t, chromedp.Navigate(srv.URL+path), chromedp.Text("#p", &text))
		b.Run(t, chromedp.Sleep(200*1e6))
		if len(b.Scripts()) == 0 {
			t.Errorf("%s: no script seen", path)
		}
		t.Logf("%s: %v", path, b.Scripts())
	}
}
