package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jigsaw/internal/testrig"
)

// A NUL character, which PostgreSQL cannot store, is refused at the edge
// with a 400 naming where it was, alike on both engines: in a query
// parameter, a form field and a JSON body.
func TestNULIsRefused(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			for _, tt := range []struct {
				name, method, path, ctype, body, field string
			}{
				{"list filter", "GET", "/stories?district=a%00b", "", "", "district"},
				{"API filter", "GET", "/api/v1/tracker?kind=x%00", "", "", "kind"},
				{"organisation search", "GET", "/organisations?q=a%00b", "", "", "q"},
				{"form field", "POST", "/stories/new", "application/x-www-form-urlencoded",
					url.Values{"title": {"nul\x00title"}, "body": {strings.Repeat("x", 40)}}.Encode(), "title"},
				{"JSON field", "POST", "/api/v1/stories", "application/json",
					`{"title": "nul\u0000title", "body": "` + strings.Repeat("x", 40) + `"}`, "title"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					req, _ := http.NewRequest(tt.method, a.URL+tt.path, strings.NewReader(tt.body))
					if tt.ctype != "" {
						req.Header.Set("Content-Type", tt.ctype)
					}
					if strings.HasPrefix(tt.path, "/api/") {
						req.Header.Set("Accept", "application/json")
					}
					resp, err := a.Client.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusBadRequest {
						t.Fatalf("status %d, want 400: %.300s", resp.StatusCode, b)
					}
					if !strings.Contains(string(b), tt.field) || !strings.Contains(string(b), "NUL") {
						t.Fatalf("the answer does not name %q: %.300s", tt.field, b)
					}
					if strings.HasPrefix(tt.path, "/api/") {
						var m struct{ Fields map[string]string }
						if json.Unmarshal(b, &m) != nil || m.Fields[tt.field] == "" {
							t.Fatalf("the API's error does not name %q in its fields: %s", tt.field, b)
						}
					}
				})
			}
		})
	}
}
