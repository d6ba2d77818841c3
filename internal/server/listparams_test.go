package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

// Every public list reads its filters with one parser, so a page and its
// API twin accept and refuse the same parameters, and a refusal names the
// parameter.
func TestListParametersWebAndAPIAgree(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", func(c *config.Config) { c.Demo = true })
	for _, tt := range []struct {
		name, list, query string
		bad               string // the parameter refused, "" if none
	}{
		{"no filter", "stories", "", ""},
		{"kind", "stories", "kind=staff", ""},
		{"bad kind", "stories", "kind=doctor", "kind"},
		{"since", "stories", "since=2024-01-31", ""},
		{"since as people write it", "stories", "since=31/01/2024", ""},
		{"bad since", "stories", "since=31/13/2024", "since"},
		{"key issue", "stories", "issue=cuts", ""},
		{"unknown key issue", "stories", "issue=weather", "issue"},
		{"bad district", "stories", "district=BD", "district"},
		{"organisation by slug", "stories", "organisation=no-such-organisation", "organisation"},
		{"unknown parameter", "stories", "disrict=BD20", "disrict"},
		{"tracking parameter", "stories", "utm_source=newsletter&fbclid=x", ""},
		{"page", "stories", "page=2", ""},
		{"bad page", "stories", "page=0", "page"},
		{"limit", "stories", "limit=5&offset=5", ""},
		{"limit too large", "stories", "limit=500", "limit"},
		{"page and offset", "stories", "page=2&offset=5", "offset"},
		{"repeated", "stories", "kind=staff&kind=patient", "kind"},
		{"tracker status", "tracker", "status=decided", ""},
		{"bad tracker status", "tracker", "status=maybe", "status"},
		{"bad tracker kind", "tracker", "kind=x", "kind"},
		{"disputes live", "disputes", "live=1", ""},
		{"bad live", "disputes", "live=perhaps", "live"},
		{"organisations kind", "organisations", "kind=nhs-trust&members=1", ""},
		{"bad organisations kind", "organisations", "kind=club", "kind"},
		{"unknown parent", "organisations", "parent=999999", "parent"},
		{"campaigns status", "campaigns", "status=won&issue=outsourcing", ""},
		{"bad campaigns status", "campaigns", "status=paused", "status"},
		{"topics untaken", "topics", "untaken=1&campaign=keep-our-nhs-public", ""},
		{"unknown campaign", "topics", "campaign=nowhere", "campaign"},
		{"bad topic state", "topics", "state=stuck", "state"},
		{"events kind", "events", "kind=picket&district=BD21", ""},
		{"bad events kind", "events", "kind=party", "kind"},
		{"events month", "events", "view=month&month=2026-05", ""},
		{"bad events month", "events", "view=month&month=May", "month"},
		{"events past from", "events", "past=1&from=1/5/2026", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := http.StatusOK
			if tt.bad != "" {
				want = http.StatusBadRequest
			}
			q := ""
			if tt.query != "" {
				q = "?" + tt.query
			}
			webCode, webBody := a.Get(t, "/"+tt.list+q)
			apiCode, apiBody := a.Get(t, "/api/v1/"+tt.list+q)
			if webCode != want || apiCode != want {
				t.Fatalf("/%s%s: web %d, API %d, want %d for both\nAPI: %s", tt.list, q, webCode, apiCode, want, apiBody)
			}
			if tt.bad == "" {
				return
			}
			var body struct {
				Fields map[string]string `json:"fields"`
			}
			if err := json.Unmarshal([]byte(apiBody), &body); err != nil {
				t.Fatalf("API answer is not JSON: %v\n%s", err, apiBody)
			}
			if body.Fields[tt.bad] == "" {
				t.Errorf("API error does not name %q: %s", tt.bad, apiBody)
			}
			if !strings.Contains(webBody, tt.bad) {
				t.Errorf("the page does not name %q", tt.bad)
			}
		})
	}
}
