package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// call sends body (a string of JSON, or nil) and returns the status and the
// decoded answer.
func call(t *testing.T, c *http.Client, method, url string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(body.(string))
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: answer is not a JSON object: %s", method, url, b)
		}
	}
	return resp.StatusCode, m, resp.Header
}

// fieldsOf returns the field messages of an error answer.
func fieldsOf(m map[string]any) map[string]any {
	f, _ := m["fields"].(map[string]any)
	return f
}

func TestAPI(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testAPI(t, engine) })
	}
}

func testAPI(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)
	anon := a.Client
	trust := &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RCF"}
	if err := a.DB.CreateOrganisation(ctx, trust); err != nil {
		t.Fatal(err)
	}
	sub := &jigsaw.Organisation{Name: "AGH Solutions Ltd", Kind: jigsaw.OrgSubsidiary, ParentID: trust.ID}
	union := &jigsaw.Organisation{Name: "GMB", Kind: jigsaw.OrgUnion}
	for _, o := range []*jigsaw.Organisation{sub, union} {
		if err := a.DB.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	story := &jigsaw.Story{Title: "Second-class citizens", Body: "b", PublicBody: "b", Kind: jigsaw.StoryStaff, Status: jigsaw.StoryPublished,
		PublishedAt: time.Now()}
	if err := a.DB.CreateStory(ctx, story, &jigsaw.Person{Name: "Private Person", Email: "private@example.invalid"}); err != nil {
		t.Fatal(err)
	}
	u := func(path string, args ...any) string { return a.URL + fmt.Sprintf(path, args...) }

	item := fmt.Sprintf(`{"kind": "subco-transfer", "title": "Staff moved to AGH Solutions",
		"status_history": [{"status": "proposed", "on": "2022-11"}, {"status": "implemented", "on": "2023-04-01"}],
		"value_pence": 2000000000000, "staff_affected": 150, "district": "bd20",
		"organisations": [{"organisation": %d, "role": "parent"}, {"organisation": %d, "role": "employer"}],
		"stories": [%d], "key_issues": ["outsourcing"]`, trust.ID, sub.ID, story.ID)

	t.Run("tracker errors", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			client *http.Client
			method string
			path   string
			body   string
			status int
			field  string
			msg    string
		}{
			{"anonymous write", anon, "POST", "/api/v1/tracker", item + "}", 401, "", ""},
			{"unknown field", editor, "POST", "/api/v1/tracker", `{"titel": "x"}`, 400, "titel", "unknown field"},
			{"unknown field in a list", editor, "POST", "/api/v1/tracker", `{"sources": [{"url": "https://a.example/"}, {"url": "https://b.example/", "bogus": 1}]}`, 400, "sources[1].bogus", "unknown field"},
			{"money as text", editor, "POST", "/api/v1/tracker", `{"value_pence": "12"}`, 400, "value_pence", "whole number"},
			{"money with a fraction", editor, "POST", "/api/v1/tracker", `{"value_pence": 12.5}`, 400, "value_pence", "whole number"},
			{"negative value", editor, "POST", "/api/v1/tracker", item + `, "value_pence": -5}`, 400, "value_pence", "cannot be negative"},
			{"bad status in the history", editor, "POST", "/api/v1/tracker", item + `, "status_history": [{"status": "proposed", "on": "2022"}, {"status": "rumoured", "on": "2023"}]}`, 400, "status_history[1].status", "Choose a status"},
			{"published without a source", editor, "POST", "/api/v1/tracker", item + `, "published": true}`, 400, "sources", "at least one source"},
			{"missing organisation", editor, "POST", "/api/v1/tracker", item + `, "organisations": [{"organisation": 999999, "role": "buyer"}]}`, 400, "organisations[0].organisation", "No such organisation"},
			{"not JSON", editor, "POST", "/api/v1/tracker", `{"title": `, 400, "", ""},
			{"trailing data", editor, "POST", "/api/v1/tracker", item + `} {}`, 400, "", ""},
			{"bad filter", anon, "GET", "/api/v1/tracker?kind=rumour&limit=1000", "", 400, "kind", "must be one of"},
			{"drafts need an editor", anon, "GET", "/api/v1/tracker?drafts=1", "", 401, "", ""},
			{"missing item", anon, "GET", "/api/v1/tracker/999999", "", 404, "", ""},
			{"bad id", anon, "GET", "/api/v1/tracker/abc", "", 404, "", ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var body any
				if tt.body != "" {
					body = tt.body
				}
				status, m, _ := call(t, tt.client, tt.method, a.URL+tt.path, body)
				if status != tt.status {
					t.Fatalf("status %d, want %d: %v", status, tt.status, m)
				}
				if tt.field != "" {
					if msg, _ := fieldsOf(m)[tt.field].(string); !strings.Contains(msg, tt.msg) {
						t.Fatalf("fields %v: want %q on %q", fieldsOf(m), tt.msg, tt.field)
					}
				}
			})
		}
		if _, n, _ := a.DB.FindTrackerItems(ctx, jigsaw.TrackerFilter{}); n != 0 {
			t.Fatalf("refused items were stored: %d", n)
		}
	})

	var itemID int64
	t.Run("tracker draft, publish, read", func(t *testing.T) {
		status, m, h := call(t, editor, "POST", u("/api/v1/tracker"), item+"}")
		if status != 201 || m["published"] != false || m["status"] != "implemented" || m["value"] != "£20,000,000,000" {
			t.Fatalf("create: %d %v", status, m)
		}
		itemID = int64(m["id"].(float64))
		if h.Get("Location") != fmt.Sprintf("/api/v1/tracker/%d", itemID) {
			t.Fatalf("Location: %q", h.Get("Location"))
		}
		if status, _, _ := call(t, anon, "GET", u("/api/v1/tracker/%d", itemID), nil); status != 404 {
			t.Fatalf("anonymous read of a draft: %d, want 404", status)
		}
		if status, m, _ := call(t, anon, "GET", u("/api/v1/tracker"), nil); status != 200 || m["total"].(float64) != 0 {
			t.Fatalf("public list with a draft only: %d %v", status, m)
		}
		if status, m, _ := call(t, editor, "GET", u("/api/v1/tracker?drafts=1"), nil); status != 200 || m["total"].(float64) != 1 {
			t.Fatalf("editor's drafts: %d %v", status, m)
		}
		status, m, _ = call(t, editor, "PATCH", u("/api/v1/tracker/%d", itemID),
			`{"published": true, "sources": [{"url": "https://socialistworker.co.uk/", "publisher": "Socialist Worker", "published_on": "2025-09", "quote": "second class"}]}`)
		if status != 200 || m["published"] != true || m["title"] != "Staff moved to AGH Solutions" {
			t.Fatalf("publish: %d %v", status, m)
		}
		status, m, _ = call(t, anon, "GET", u("/api/v1/tracker/%d", itemID), nil)
		if status != 200 || m["value_pence"].(float64) != 2e12 || m["district"] != "BD20" {
			t.Fatalf("public read: %d %v", status, m)
		}
		orgs := m["organisations"].([]any)
		if len(orgs) != 2 || orgs[1].(map[string]any)["slug"] != "agh-solutions-ltd" || orgs[1].(map[string]any)["role"] != "employer" {
			t.Fatalf("organisations: %v", orgs)
		}
		if stories := m["stories"].([]any); len(stories) != 1 {
			t.Fatalf("stories: %v", stories)
		}
		status, m, _ = call(t, anon, "GET", u("/api/v1/tracker?organisation=%d&district=bd20&kind=subco-transfer", sub.ID), nil)
		if status != 200 || m["total"].(float64) != 1 {
			t.Fatalf("filtered list: %d %v", status, m)
		}
	})

	t.Run("tracker edits carry their version", func(t *testing.T) {
		_, m, _ := call(t, editor, "GET", u("/api/v1/tracker/%d", itemID), nil)
		v, ok := m["version"].(float64)
		if !ok || v < 1 {
			t.Fatalf("read: version %v", m["version"])
		}
		status, m, _ := call(t, editor, "PATCH", u("/api/v1/tracker/%d", itemID), fmt.Sprintf(`{"staff_affected": 151, "version": %v}`, v))
		if status != 200 || m["version"] != v+1 {
			t.Fatalf("save from the current version: %d, version %v, want 200 and %v", status, m["version"], v+1)
		}
		status, m, _ = call(t, editor, "PATCH", u("/api/v1/tracker/%d", itemID), fmt.Sprintf(`{"staff_affected": 152, "version": %v}`, v))
		if status != 409 || fieldsOf(m)["version"] == nil {
			t.Fatalf("save from an old version: %d %v, want 409 naming the version", status, m)
		}
		if got, _ := a.DB.FindTrackerItemByID(ctx, itemID); got.StaffAffected != 151 {
			t.Fatalf("staff affected %d after a refused save, want 151", got.StaffAffected)
		}
	})

	dispute := fmt.Sprintf(`{"title": "AGH Solutions strike", "status": "balloting", "district": "BD20",
		"parties": [{"organisation": %d, "role": "employer"}, {"organisation": %d, "role": "union"}],
		"workforce": [{"role": "porters", "headcount": 60}, {"role": "domestics", "headcount": 90}],
		"demands": ["Parity with Agenda for Change"]`, sub.ID, union.ID)
	t.Run("dispute errors", func(t *testing.T) {
		for _, tt := range []struct {
			name  string
			steps string
			field string
			msg   string
		}{
			{"turnout above 100 %", `{"kind": "ballot-opened", "date": "2025-07-01"}, {"kind": "strike", "date": "2025-09-15"}, {"kind": "ballot-closed", "date": "2025-07-29", "turnout": 100.5, "yes_share": 90}`, "steps[2].turnout", "above 100%"},
			{"strike ending before it starts", `{"kind": "ballot-opened", "date": "2025-07-01"}, {"kind": "strike", "date": "2025-09-15", "end_date": "2025-09-14"}`, "steps[1].end_date", "The strike cannot end before it starts."},
			{"turnout as text", `{"kind": "ballot-closed", "date": "2025-07-29", "turnout": "58"}`, "steps[0].turnout", "must be a number"},
			{"turnout too precise", `{"kind": "ballot-closed", "date": "2025-07-29", "turnout": 58.125}`, "steps[0].turnout", "two decimals"},
			{"negative yes share", `{"kind": "ballot-closed", "date": "2025-07-29", "yes_share": -1}`, "steps[0].yes_share", "negative"},
			{"unknown field in a step", `{"kind": "rally", "date": "2025-07-01"}, {}, {}, {"kind": "rally", "date": "2025-07-02", "crowd": 500}`, "steps[3].crowd", "unknown field"},
			{"headcount as text", `], "workforce": [{"role": "porters", "headcount": "sixty"}`, "workforce[0].headcount", "whole number"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				status, m, _ := call(t, editor, "POST", u("/api/v1/disputes"), dispute+`, "steps": [`+tt.steps+`]}`)
				if status != 400 {
					t.Fatalf("status %d, want 400: %v", status, m)
				}
				if msg, _ := fieldsOf(m)[tt.field].(string); !strings.Contains(msg, tt.msg) {
					t.Fatalf("fields %v: want %q on %q", fieldsOf(m), tt.msg, tt.field)
				}
			})
		}
		if _, n, _ := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{}); n != 0 {
			t.Fatalf("refused disputes were stored: %d", n)
		}
	})

	t.Run("dispute from ballot to outcome", func(t *testing.T) {
		status, m, _ := call(t, editor, "POST", u("/api/v1/disputes"), dispute+`, "steps": [
			{"kind": "ballot-closed", "date": "2025-07-29", "turnout": 58.5, "yes_share": 94.35},
			{"kind": "ballot-opened", "date": "2025-07-01"}]}`)
		if status != 201 || m["headcount"].(float64) != 150 || m["live"] != true {
			t.Fatalf("create: %d %v", status, m)
		}
		id := int64(m["id"].(float64))
		steps := m["steps"].([]any)
		ballot := steps[1].(map[string]any)
		if steps[0].(map[string]any)["kind"] != "ballot-opened" || ballot["turnout"].(float64) != 58.5 || ballot["yes_share"].(float64) != 94.35 {
			t.Fatalf("steps: %v", steps)
		}
		status, m, _ = call(t, editor, "POST", u("/api/v1/disputes/%d/steps", id), `{"kind": "ballot-closed", "date": "2025-07-30", "turnout": 101}`)
		if status != 400 || !strings.Contains(fieldsOf(m)["turnout"].(string), "above 100%") {
			t.Fatalf("step with turnout 101: %d %v", status, m)
		}
		status, m, h := call(t, editor, "POST", u("/api/v1/disputes/%d/steps", id), `{"kind": "strike", "date": "2025-09-15", "end_date": "2025-09-17"}`)
		if status != 201 || m["days"].(float64) != 3 || !strings.HasPrefix(h.Get("Location"), fmt.Sprintf("/api/v1/disputes/%d/steps/", id)) {
			t.Fatalf("add strike: %d %v", status, m)
		}
		strike := int64(m["id"].(float64))
		if status, m, _ := call(t, editor, "PATCH", u("/api/v1/disputes/%d/steps/%d", id, strike), `{"kind": "strike", "date": "2025-09-15", "end_date": "2025-09-12"}`); status != 400 || fieldsOf(m)["end_date"] == nil {
			t.Fatalf("strike ending before it starts: %d %v", status, m)
		}
		if status, m, _ := call(t, editor, "PATCH", u("/api/v1/disputes/%d/steps/%d", id, strike), `{"kind": "strike", "date": "2025-09-15", "end_date": "2025-09-18", "note": "Extended"}`); status != 200 || m["days"].(float64) != 4 {
			t.Fatalf("update step: %d %v", status, m)
		}
		if status, _, _ := call(t, editor, "POST", u("/api/v1/disputes/%d/steps", id), `{"kind": "offer", "date": "2025-10-01"}`); status != 201 {
			t.Fatalf("add offer: %d", status)
		}
		status, m, _ = call(t, editor, "PATCH", u("/api/v1/disputes/%d", id), `{"status": "won", "outcome": "Parity won.",
			"outcome_figures": [{"label": "workers brought onto Agenda for Change", "people": 150}, {"label": "back pay each", "pence": 400000}]}`)
		if status != 200 || m["live"] != false || len(m["steps"].([]any)) != 4 {
			t.Fatalf("outcome: %d %v", status, m)
		}
		if f := m["outcome_figures"].([]any)[1].(map[string]any); f["amount"] != "£4,000" || f["pence"].(float64) != 400000 {
			t.Fatalf("figure: %v", f)
		}
		offer := int64(m["steps"].([]any)[3].(map[string]any)["id"].(float64))
		if status, _, _ := call(t, editor, "DELETE", u("/api/v1/disputes/%d/steps/%d", id, offer), nil); status != 204 {
			t.Fatalf("delete step: %d", status)
		}
		if status, _, _ := call(t, editor, "DELETE", u("/api/v1/disputes/%d/steps/%d", id, offer), nil); status != 404 {
			t.Fatalf("delete again: %d, want 404", status)
		}
		if status, _, _ := call(t, anon, "DELETE", u("/api/v1/disputes/%d/steps/%d", id, strike), nil); status != 401 {
			t.Fatalf("anonymous delete: %d, want 401", status)
		}
		// A PATCH with steps replaces them; another dispute's step is refused.
		status, m, _ = call(t, editor, "PATCH", u("/api/v1/disputes/%d", id), fmt.Sprintf(`{"steps": [{"id": %d, "kind": "strike", "date": "2025-09-15"}, {"id": 999999, "kind": "rally", "date": "2025-09-16"}]}`, strike))
		if status != 400 || fieldsOf(m)["steps[1].id"] == nil {
			t.Fatalf("foreign step id: %d %v", status, m)
		}
		status, m, _ = call(t, anon, "GET", u("/api/v1/disputes?status=won&organisation=%d", union.ID), nil)
		if status != 200 || m["total"].(float64) != 1 {
			t.Fatalf("public list: %d %v", status, m)
		}
		if status, m, _ := call(t, anon, "GET", u("/api/v1/disputes?status=simmering"), nil); status != 400 || fieldsOf(m)["status"] == nil {
			t.Fatalf("bad status filter: %d %v", status, m)
		}

		// The dispute is on the parent trust's timeline.
		status, m, _ = call(t, anon, "GET", u("/api/v1/organisations/%s/timeline", trust.Slug), nil)
		if status != 200 {
			t.Fatalf("timeline: %d %v", status, m)
		}
		var kinds []string
		for _, e := range m["entries"].([]any) {
			e := e.(map[string]any)
			step, _ := e["step"].(string)
			st, _ := e["status"].(string)
			kinds = append(kinds, fmt.Sprint(e["kind"], ":", step, st))
		}
		want := "dispute-step:strike,dispute-step:ballot-closed,dispute-step:ballot-opened,danger:implemented,danger:proposed"
		if strings.Join(kinds, ",") != want {
			t.Fatalf("timeline kinds: got %s, want %s", strings.Join(kinds, ","), want)
		}
	})

	t.Run("organisations", func(t *testing.T) {
		status, m, _ := call(t, editor, "POST", u("/api/v1/organisations"), `{"name": "AGH Solutions", "kind": "company", "ods_code": "rcf", "website": "ftp://x"}`)
		f := fieldsOf(m)
		if status != 400 || f["website"] == nil {
			t.Fatalf("bad organisation: %d %v", status, m)
		}
		status, m, _ = call(t, editor, "POST", u("/api/v1/organisations"), `{"name": "AGH Solutions", "kind": "company", "ods_code": "rcf"}`)
		if status != 409 || fieldsOf(m)["ods_code"] == nil {
			t.Fatalf("taken ODS code: %d %v", status, m)
		}
		status, m, _ = call(t, editor, "POST", u("/api/v1/organisations"), `{"name": "AGH Solutions", "kind": "company", "company_number": "10660279"}`)
		if status != 201 || m["slug"] != "agh-solutions" {
			t.Fatalf("create: %d %v", status, m)
		}
		dup := int64(m["id"].(float64))
		if status, m, _ := call(t, editor, "PATCH", u("/api/v1/organisations/%d", trust.ID), fmt.Sprintf(`{"parent_id": %d}`, trust.ID)); status != 400 || !strings.Contains(fieldsOf(m)["parent_id"].(string), "own parent") {
			t.Fatalf("own parent: %d %v", status, m)
		}
		if status, m, _ := call(t, editor, "PATCH", u("/api/v1/organisations/%d", trust.ID), fmt.Sprintf(`{"parent_id": %d}`, sub.ID)); status != 400 || fieldsOf(m)["parent_id"] == nil {
			t.Fatalf("child as parent: %d %v", status, m)
		}
		status, m, _ = call(t, editor, "POST", u("/api/v1/organisations/%d/merge", dup), fmt.Sprintf(`{"into": %d}`, sub.ID))
		if status != 200 || m["id"].(float64) != float64(sub.ID) || m["company_number"] != "10660279" {
			t.Fatalf("merge: %d %v", status, m)
		}
		if status, m, _ := call(t, anon, "GET", u("/api/v1/organisations/%d", dup), nil); status != 200 || m["id"].(float64) != float64(sub.ID) {
			t.Fatalf("merged organisation by old number: %d %v", status, m)
		}
		if status, m, _ := call(t, anon, "GET", u("/api/v1/organisations?parent=%d", trust.ID), nil); status != 200 || m["total"].(float64) != 1 {
			t.Fatalf("children: %d %v", status, m)
		}
		if status, _, _ := call(t, anon, "POST", u("/api/v1/organisations/%d/merge", sub.ID), `{"into": 1}`); status != 401 {
			t.Fatalf("anonymous merge: %d, want 401", status)
		}
	})

	// Nothing private leaks into any answer.
	for _, path := range []string{"/api/v1/tracker", fmt.Sprintf("/api/v1/tracker/%d", itemID), "/api/v1/disputes", fmt.Sprintf("/api/v1/organisations/%d/timeline", sub.ID)} {
		resp, err := anon.Get(a.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(b, []byte("Private Person")) || bytes.Contains(b, []byte("private@example.invalid")) {
			t.Errorf("%s leaks the story teller: %s", path, b)
		}
	}
}
