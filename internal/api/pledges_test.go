package api_test

import (
	"context"
	"fmt"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

func TestPledgeAPI(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testPledgeAPI(t, engine) })
	}
}

func testPledgeAPI(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	ed, _ := a.AsUser(t, jigsaw.RoleEditor)
	icb := &jigsaw.Organisation{Name: "NHS Dorset ICB", Kind: jigsaw.OrgICB, Region: "South West"}
	konp := &jigsaw.Organisation{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup}
	for _, o := range []*jigsaw.Organisation{icb, konp} {
		if err := a.DB.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	u := func(path string) string { return a.URL + "/api/v1" + path }

	status, m, _ := call(t, a.Client, "POST", u("/pledges"), `{"title": "x"}`)
	if status != 401 {
		t.Fatalf("anonymous create: %d", status)
	}
	status, m, _ = call(t, ed, "POST", u("/pledges"), `{"title": "The KONP pledge", "kind": "ask"}`)
	if status != 400 || fieldsOf(m)["text"] == nil {
		t.Fatalf("without text: %d %v", status, m)
	}
	status, m, h := call(t, ed, "POST", u("/pledges"), fmt.Sprintf(`{"title": "The KONP pledge", "kind": "ask", "keeper": %d,
		"text": "We will not tender.", "adopted_on": "2012-04-20"}`, konp.ID))
	if status != 201 || m["text"] != "We will not tender." || h.Get("Location") == "" {
		t.Fatalf("create: %d %v", status, m)
	}
	id := int64(m["id"].(float64))
	path := fmt.Sprintf("/pledges/%d", id)
	status, m, _ = call(t, ed, "PATCH", u(path), `{"text": "We will keep services in the NHS.", "adopted_on": "2022-07-01", "version": 1}`)
	if status != 200 || len(m["versions"].([]any)) != 2 {
		t.Fatalf("new wording: %d %v", status, m)
	}

	// A target, then a change of state without a date: refused, naming it.
	status, m, h = call(t, ed, "POST", u(path+"/targets"), fmt.Sprintf(`{"organisation": %d, "state": "asked", "state_on": "2024-05-01"}`, icb.ID))
	if status != 201 || m["kind"] != "icb" || m["area"] != "South West" || h.Get("Location") == "" {
		t.Fatalf("add target: %d %v", status, m)
	}
	target := fmt.Sprintf("%s/targets/%d", path, int64(m["id"].(float64)))
	status, m, _ = call(t, ed, "PATCH", u(target), `{"state": "signed"}`)
	if status != 400 || fieldsOf(m)["state_on"] == nil {
		t.Fatalf("state change without a date: %d %v", status, m)
	}
	status, m, _ = call(t, ed, "PATCH", u(target), `{"state": "signed", "state_on": "02/06/2024"}`)
	if status != 200 || m["state_on"] != "2024-06-02" || m["version_signed"] != float64(2) || m["needs_evidence"] != true ||
		len(m["history"].([]any)) != 2 {
		t.Fatalf("signed: %d %v", status, m)
	}

	status, m, _ = call(t, a.Client, "GET", u(path+"/targets?state=signed"), nil)
	shares, _ := m["shares"].(map[string]any)
	if status != 200 || len(m["targets"].([]any)) != 1 || shares == nil || len(shares["by_area"].([]any)) != 1 {
		t.Fatalf("table: %d %v", status, m)
	}
	if status, m, _ = call(t, a.Client, "GET", u(path+"/targets?state=maybe"), nil); status != 400 || fieldsOf(m)["state"] == nil {
		t.Fatalf("bad filter: %d %v", status, m)
	}
	status, m, _ = call(t, a.Client, "GET", u("/pledges?kind=ask"), nil)
	if status != 200 || len(m["pledges"].([]any)) != 1 {
		t.Fatalf("list: %d %v", status, m)
	}
	if status, _, _ = call(t, a.Client, "GET", u("/pledges/987654"), nil); status != 404 {
		t.Fatalf("no such pledge: %d", status)
	}
}
