package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

func TestCampaignsAPI(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testCampaignsAPI(t, engine) })
	}
}

func testCampaignsAPI(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)
	anon := a.Client
	konp := &jigsaw.Organisation{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup}
	unite := &jigsaw.Organisation{Name: "Unite", Kind: jigsaw.OrgUnion}
	for _, o := range []*jigsaw.Organisation{konp, unite} {
		if err := a.DB.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	u := func(path string, args ...any) string { return a.URL + fmt.Sprintf(path, args...) }
	campaign := fmt.Sprintf(`{"name": "Keep Our NHS Public", "status": "active", "aim": "Stop the privatisation of our NHS.",
		"started_on": "2012-04", "organisations": [{"organisation": %d, "role": "lead"}, {"organisation": %d, "role": "partner"}]`, konp.ID, unite.ID)

	for _, tt := range []struct {
		name   string
		client *http.Client
		method string
		path   string
		body   string
		status int
		field  string
	}{
		{"anonymous write", anon, "POST", "/api/v1/campaigns", campaign + "}", 401, ""},
		{"no lead", editor, "POST", "/api/v1/campaigns", fmt.Sprintf(`{"name": "x", "status": "active", "organisations": [{"organisation": %d, "role": "partner"}]}`, konp.ID), 400, "organisations"},
		{"unknown field", editor, "POST", "/api/v1/campaigns", campaign + `, "colour": "red"}`, 400, ""},
		{"unknown danger", editor, "POST", "/api/v1/campaigns", campaign + `, "tracker_items": [424242]}`, 400, "tracker_items[0]"},
		{"bad filter", anon, "GET", "/api/v1/campaigns?status=paused", "", 400, "status"},
		{"no such campaign", anon, "GET", "/api/v1/campaigns/no-such-campaign", "", 404, ""},
		{"taken without organisation", editor, "POST", "/api/v1/topics", `{"title": "Update TUPE guidance", "state": "taken"}`, 400, "organisations"},
		{"bad link", editor, "POST", "/api/v1/topics", `{"title": "x", "links": [{"url": "ftp://x"}]}`, 400, "links[0].url"},
		{"unknown campaign filter", anon, "GET", "/api/v1/topics?campaign=nowhere", "", 400, "campaign"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			status, m, _ := call(t, tt.client, tt.method, u("%s", tt.path), body)
			if status != tt.status {
				t.Fatalf("got %d, want %d: %v", status, tt.status, m)
			}
			if tt.field != "" && fieldsOf(m)[tt.field] == nil {
				t.Fatalf("fields: got %v, want %q", fieldsOf(m), tt.field)
			}
		})
	}

	status, m, h := call(t, editor, "POST", u("/api/v1/campaigns"), campaign+"}")
	if status != 201 || m["slug"] != "keep-our-nhs-public" || h.Get("Location") == "" {
		t.Fatalf("create: %d %v %v", status, m, h)
	}
	id := int64(m["id"].(float64))
	status, m, _ = call(t, anon, "GET", u("/api/v1/campaigns/keep-our-nhs-public"), nil)
	if orgs := m["organisations"].([]any); status != 200 || len(orgs) != 2 || orgs[0].(map[string]any)["role"] != "lead" {
		t.Fatalf("read by slug: %d %v", status, m)
	}
	status, m, _ = call(t, editor, "PATCH", u("/api/v1/campaigns/%d", id), `{"status": "won", "version": 1}`)
	if status != 200 || m["status"] != "won" || m["version"].(float64) != 2 {
		t.Fatalf("patch: %d %v", status, m)
	}
	if status, _, _ := call(t, editor, "PATCH", u("/api/v1/campaigns/%d", id), `{"status": "lost", "version": 1}`); status != 409 {
		t.Fatalf("stale patch: got %d, want 409", status)
	}

	status, m, _ = call(t, editor, "POST", u("/api/v1/topics"), fmt.Sprintf(`{"title": "Update TUPE guidance", "state": "taken",
		"organisations": [{"organisation": %d}], "links": [{"url": "https://example.org/tupe", "label": "Guidance"}], "campaign": %d}`, unite.ID, id))
	if status != 201 || m["campaign"].(map[string]any)["slug"] != "keep-our-nhs-public" {
		t.Fatalf("topic: %d %v", status, m)
	}
	topic := int64(m["id"].(float64))
	if status, _, _ := call(t, editor, "POST", u("/api/v1/topics"), `{"title": "Conflicts of interest of GPs"}`); status != 201 {
		t.Fatalf("open topic: %d", status)
	}
	status, m, _ = call(t, anon, "GET", u("/api/v1/topics?untaken=1"), nil)
	if list := m["topics"].([]any); status != 200 || len(list) != 1 || list[0].(map[string]any)["title"] != "Conflicts of interest of GPs" {
		t.Fatalf("untaken: %d %v", status, m)
	}
	status, m, _ = call(t, anon, "GET", u("/api/v1/topics?limit=1"), nil)
	if status != 200 || m["next"] == nil {
		t.Fatalf("first page: %d %v", status, m)
	}
	status, m, _ = call(t, anon, "GET", m["next"].(string), nil)
	if list := m["topics"].([]any); status != 200 || len(list) != 1 || list[0].(map[string]any)["title"] != "Update TUPE guidance" {
		t.Fatalf("next page: %d %v", status, m)
	}
	status, m, _ = call(t, editor, "PATCH", u("/api/v1/topics/%d", topic), `{"state": "done", "campaign": 0}`)
	if status != 200 || m["state"] != "done" || m["campaign"] != nil {
		t.Fatalf("topic patch: %d %v", status, m)
	}
}
