package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"jigsaw/internal/config"
	"jigsaw/internal/server"
	"jigsaw/internal/testrig"
)

// FuzzQueryParameters sends arbitrary path values and query strings to every
// public GET route of a server holding the demo data. Whatever the URL, the
// answer is a page or a client error: never a panic, never a 5xx.
func FuzzQueryParameters(f *testing.F) {
	a := testrig.StartApp(f, "sqlite", func(c *config.Config) { c.Demo = true })
	var routes []string
	for _, r := range a.Server.Routes() {
		if r.Access == server.Public && strings.HasPrefix(r.Pattern, "GET /") && r.Pattern != "GET /static/" {
			routes = append(routes, strings.TrimPrefix(r.Pattern, "GET "))
		}
	}
	h := a.Server.Handler()
	for i, q := range []string{"page=2", "page=-1", "page=99999999999999999999", "kind=patient&issue=safety", "district=bd20",
		"district=%00", "q=trust", "q=%22unclosed", "q=NEAR(a+b)", "q=*", "status=all", "org=1", "org=x", "since=2024-02-30",
		"page=1&page=2", "%zz", "issue=" + strings.Repeat("x", 5000)} {
		f.Add(uint8(i), "1", q)
	}
	f.Add(uint8(0), "BD20", "")
	f.Add(uint8(1), "0", "")
	f.Add(uint8(2), "-1", "")
	f.Add(uint8(3), "%2e%2e", "")
	f.Add(uint8(4), "99999999999999999999", "")
	f.Fuzz(func(t *testing.T, route uint8, value, query string) {
		pattern := routes[int(route)%len(routes)]
		path := pattern
		if i := strings.Index(path, "{"); i >= 0 {
			j := strings.Index(path, "}")
			path = path[:i] + url.PathEscape(value) + path[j+1:]
		}
		path = strings.TrimSuffix(path, "{$}")
		target := path
		if query != "" {
			target += "?" + query
		}
		req, err := http.NewRequest("GET", "http://127.0.0.1"+target, nil)
		if err != nil {
			return // not a URL a client could send
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body, _ := io.ReadAll(rec.Result().Body)
		if rec.Code >= 500 {
			t.Fatalf("GET %s (route %s): %d %s", target, pattern, rec.Code, body)
		}
		if rec.Code == http.StatusBadRequest && len(body) == 0 {
			t.Fatalf("GET %s: 400 without saying why", target)
		}
		// A NUL character, which PostgreSQL cannot store, never gets past
		// the edge, whatever route it is sent to.
		if vals, err := url.ParseQuery(req.URL.RawQuery); err == nil {
			for k, vs := range vals {
				if strings.ContainsRune(k+strings.Join(vs, ""), 0) && rec.Code != http.StatusBadRequest {
					t.Fatalf("GET %s: %d for a query holding NUL, want 400", target, rec.Code)
				}
			}
		}
	})
}
