package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// The admin's watched sources: a bad address is refused with a message by
// the field; a good source is added, runs at once against a loopback
// server, runs again on demand (not modified), pauses and goes.
func TestAdminWatchedSources(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			admin, _ := a.AsUser(t, jigsaw.RoleAdmin)
			editor, _ := a.AsUser(t, jigsaw.RoleEditor)
			cf, err := os.ReadFile(filepath.Join(testdata, "ocds", "bluetail-cf-raw-88b8ba25-1773-46b0-b5a5-37a8e3c1097a.json"))
			if err != nil {
				t.Fatal(err)
			}
			feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"cf-1"`)
				if r.Header.Get("If-None-Match") == `"cf-1"` {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				w.Write(cf)
			}))
			defer feed.Close()

			if p := get(t, editor, a.URL+"/admin/imports/sources"); p.status == http.StatusOK {
				t.Fatalf("an editor sees the watched sources: %d", p.status)
			}
			get(t, admin, a.URL+"/admin/imports/sources").expect(t, 200, "Add a source", "No watched sources yet.")

			bad := url.Values{"name": {"Countess"}, "url": {"ftp://example.invalid/x.json"}, "kind": {"ocds"}, "schedule": {"daily"}, "cpv": {"85, health"}}
			p := post(t, admin, a.URL+"/admin/imports/sources", bad)
			p.expect(t, http.StatusBadRequest, "Please correct the marked fields", "Address must be an http or https address", "A CPV code is 2 to 8 digits")
			if !strings.Contains(p.body, `value="ftp://example.invalid/x.json"`) || !strings.Contains(p.body, `aria-invalid="true"`) {
				t.Errorf("the refused form lost what was typed or its marks")
			}
			if p := post(t, admin, a.URL+"/admin/imports/sources", url.Values{"name": {"x"}, "url": {"https://a.invalid/"}, "schedule": {"never"}}); p.status != http.StatusBadRequest {
				t.Errorf("bad kind and schedule: %d", p.status)
			}

			good := url.Values{"name": {"Countess of Chester"}, "url": {feed.URL + "/notices.json"}, "kind": {"ocds"}, "schedule": {"daily"},
				"nhs_only": {"1"}, "cpv": {"851"}, "regions": {"ch2"}}
			p = post(t, admin, a.URL+"/admin/imports/sources", good)
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/admin/imports/sources/") {
				t.Fatalf("add: %d %q %.300s", p.status, p.location, p.body)
			}
			source := a.URL + strings.TrimSuffix(p.location, "?done=added")
			// Added, it runs at once: wait for the run to show.
			waitFor(t, admin, source, "1 read: 1 created")
			get(t, admin, source).expect(t, 200, "Countess of Chester", "Recent runs", "Imported", "CPV codes: 851", "Regions: CH2.")
			get(t, admin, a.URL+"/admin/imports").expect(t, 200, "watch: Countess of Chester")
			get(t, admin, a.URL+"/admin/imports/sources").expect(t, 200, "Countess of Chester", "Imported", "1 read: 1 created")

			p = post(t, admin, source+"/run", nil)
			if p.status != http.StatusSeeOther {
				t.Fatalf("run now: %d", p.status)
			}
			waitFor(t, admin, source, "Not modified since the last run.")

			// Changed: a mistake shows the form again; a good change is saved.
			change := url.Values{"name": {"Countess (all health)"}, "url": {feed.URL + "/notices.json"}, "kind": {"ocds"}, "schedule": {"weekly"}, "cpv": {"8x"},
				"regions": {"Cheshire"}}
			p = post(t, admin, source+"/edit", change)
			p.expect(t, http.StatusBadRequest, "Change the source", "A CPV code is 2 to 8 digits", "is not a region: give an ITL code", "Not modified since the last run.")
			change.Set("cpv", "85")
			change.Set("regions", "")
			if p := post(t, admin, source+"/edit", change); p.status != http.StatusSeeOther {
				t.Fatalf("change: %d %.300s", p.status, p.body)
			}
			get(t, admin, source+"?done=changed").expect(t, 200, "Source changed", "Countess (all health)", "Every week", "CPV codes: 85.")

			post(t, admin, source+"/pause", nil)
			get(t, admin, source).expect(t, 200, "Paused", "Resume")
			if p := post(t, admin, source+"/run", nil); p.status != http.StatusConflict {
				t.Errorf("run now of a paused source: %d", p.status)
			}
			post(t, admin, source+"/resume", nil)
			get(t, admin, source).expect(t, 200, "Active", "Pause")
			if p := post(t, admin, source+"/explode", nil); p.status != http.StatusNotFound {
				t.Errorf("unknown action: %d", p.status)
			}
			if p := post(t, admin, source+"/delete", nil); p.status != http.StatusSeeOther {
				t.Fatalf("delete: %d", p.status)
			}
			get(t, admin, a.URL+"/admin/imports/sources?done=deleted").expect(t, 200, "Source deleted", "No watched sources yet.")
			if p := get(t, admin, source); p.status != http.StatusNotFound {
				t.Errorf("deleted source's page: %d", p.status)
			}
			audit, _, _ := a.DB.FindAudit(context.Background(), jigsaw.AuditFilter{Action: "watch-create"})
			if len(audit) != 1 {
				t.Errorf("audit of the addition: %+v", audit)
			}
		})
	}
}

// waitFor reloads the page until it shows want: the runner works on its own.
func waitFor(t *testing.T, c *http.Client, u, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p := get(t, c, u)
		if strings.Contains(p.body, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q: %.2000s", u, want, p.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
