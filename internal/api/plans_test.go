package api_test

import (
	"context"
	"fmt"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// Plans and seats through the API: a plan is made with its milestones,
// its anchor moved by PATCH (every date follows), a milestone added, and
// each bad field refused by name. Every answer is checked against
// openapi.json by testrig.
func TestPlansAndSeatsAPI(t *testing.T) {
	a := testrig.StartApp(t, store.SQLite, nil)
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)
	trust := &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust}
	if err := a.DB.CreateOrganisation(context.Background(), trust); err != nil {
		t.Fatal(err)
	}
	base := a.URL + "/api/v1/plans"

	status, m, _ := call(t, editor, "POST", base, `{"name": "General election", "anchor_label": "Election day", "anchor_date": "2029-05-03",
		"milestones": [{"title": "Hustings round", "offset": -28, "kind": "hustings"}, {"title": "Pledge asks", "offset": -90}]}`)
	if status != 201 {
		t.Fatalf("create: %d %v", status, m)
	}
	id := int64(m["id"].(float64))
	dates := func(m map[string]any) []string {
		var out []string
		for _, x := range m["milestones"].([]any) {
			ms := x.(map[string]any)
			out = append(out, fmt.Sprint(ms["offset"], " ", ms["date"]))
		}
		return out
	}
	if got := fmt.Sprint(dates(m)); got != "[-90 2029-02-02 -28 2029-04-05]" {
		t.Fatalf("milestones: %s", got)
	}

	status, m, _ = call(t, editor, "PATCH", fmt.Sprintf("%s/%d", base, id), `{"anchor_date": "2029-06-07"}`)
	if got := fmt.Sprint(dates(m)); status != 200 || got != "[-90 2029-03-09 -28 2029-05-10]" {
		t.Fatalf("after moving the anchor: %d %s", status, got)
	}
	status, m, _ = call(t, editor, "POST", fmt.Sprintf("%s/%d/milestones", base, id), `{"title": "Election day", "offset": 0, "kind": "election"}`)
	if status != 201 || len(m["milestones"].([]any)) != 3 {
		t.Fatalf("add a milestone: %d %v", status, m)
	}

	status, m, _ = call(t, editor, "POST", a.URL+"/api/v1/seats", fmt.Sprintf(`{"kind": "ft-governors", "body": %d, "holder": "Jo Whitaker", "state": "sought", "date": "2029-04-01"}`, trust.ID))
	if status != 201 || m["body"].(map[string]any)["name"] != trust.Name {
		t.Fatalf("create a seat: %d %v", status, m)
	}
	status, m, _ = call(t, a.Client, "GET", fmt.Sprintf("%s/%d", base, id), nil)
	if seats, _ := m["seats"].([]any); status != 200 || len(seats) != 1 {
		t.Fatalf("the plan's seats: %d %v", status, m["seats"])
	}
	status, m, _ = call(t, a.Client, "GET", a.URL+"/api/v1/seats?state=sought&limit=1", nil)
	if status != 200 || m["total"] != float64(1) {
		t.Fatalf("seats list: %d %v", status, m)
	}
	status, m, _ = call(t, a.Client, "GET", base+"?limit=1", nil)
	if status != 200 || len(m["plans"].([]any)) != 1 {
		t.Fatalf("plans list: %d %v", status, m)
	}

	for _, tt := range []struct {
		name, method, path, body, field string
		status                          int
	}{
		{"offset not whole", "POST", base, `{"name": "x", "anchor_label": "y", "anchor_date": "2029-05-03", "milestones": [{"title": "t", "offset": 1.5}]}`, "milestones[0].offset", 400},
		{"offset as text", "POST", fmt.Sprintf("%s/%d/milestones", base, id), `{"title": "t", "offset": "soon"}`, "offset", 400},
		{"milestone outside any plan", "POST", base + "/999999/milestones", `{"title": "Stray", "offset": -3}`, "plan_id", 400},
		{"no anchor", "POST", base, `{"name": "x", "anchor_label": "y"}`, "anchor_date", 400},
		{"unknown campaign", "PATCH", fmt.Sprintf("%s/%d", base, id), `{"campaign": "nobody"}`, "campaign", 400},
		{"stale version", "PATCH", fmt.Sprintf("%s/%d", base, id), `{"name": "x", "version": 1}`, "version", 409},
		{"seat without a body", "POST", a.URL + "/api/v1/seats", `{"kind": "healthwatch", "holder": "x", "state": "held"}`, "body", 400},
		{"seat term before it starts", "POST", a.URL + "/api/v1/seats", fmt.Sprintf(`{"kind": "healthwatch", "body": %d, "holder": "x", "state": "held", "date": "2026-05-01", "term_end": "2026-01-01"}`, trust.ID), "term_end", 400},
		{"unknown seat state", "GET", a.URL + "/api/v1/seats?state=won", "", "state", 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			status, m, _ := call(t, editor, tt.method, tt.path, body)
			if status != tt.status || fieldsOf(m)[tt.field] == nil {
				t.Fatalf("got %d %v, want %d naming %s", status, m, tt.status, tt.field)
			}
		})
	}
}
