package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// Editors may type dates day first, as 24/11/2025; they are kept as
// 2025-11-24, and a day that does not exist is refused with the value
// typed shown again.
func TestEditorDatesDayFirst(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, "sqlite", nil)
	ed, _ := a.AsUser(t, jigsaw.RoleEditor)
	u := func(path string) string { return a.URL + path }
	gmb := &jigsaw.Organisation{Name: "GMB", Kind: jigsaw.OrgUnion}
	if err := a.DB.CreateOrganisation(ctx, gmb); err != nil {
		t.Fatal(err)
	}

	v := url.Values{"kind": {"cut"}, "title": {"Ward closed"},
		"status_history[0].status": {"proposed"}, "status_history[0].on": {"11/2022"},
		"status_history[1].status": {"implemented"}, "status_history[1].on": {"1/4/2023"},
		"decided_on": {" 24/11/2022 "}, "sources[0].url": {"https://example.org/news"}, "sources[0].published_on": {"02/12/2022"}}
	bad := url.Values{}
	for k, vs := range v {
		bad[k] = vs
	}
	bad.Set("decided_on", "31/02/2023")
	post(t, ed, u("/tracker/new"), bad).expect(t, 422, "Decided on must be a date", `value="31/02/2023"`)

	p := post(t, ed, u("/tracker/new"), v)
	p.expect(t, 303)
	id, err := strconv.ParseInt(strings.TrimPrefix(p.location, "/tracker/"), 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q", p.location)
	}
	item, err := a.DB.FindTrackerItemByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if item.ReportedOn != "2022-11" || item.DecidedOn != "2022-11-24" || item.History[1].On != "2023-04-01" ||
		item.Sources[0].PublishedOn != "2022-12-02" {
		t.Errorf("kept reported %q decided %q status on %q source %q; want 2022-11, 2022-11-24, 2023-04-01, 2022-12-02",
			item.ReportedOn, item.DecidedOn, item.History[1].On, item.Sources[0].PublishedOn)
	}

	d := &jigsaw.Dispute{Title: "Porters' pay", Status: jigsaw.DisputeBalloting,
		Parties: []jigsaw.DisputeParty{{OrgID: gmb.ID, Role: jigsaw.PartyUnion}}}
	if err := a.DB.CreateDispute(ctx, d); err != nil {
		t.Fatal(err)
	}
	steps := "/disputes/" + itoa(d.ID) + "/steps"
	post(t, ed, u(steps), url.Values{"kind": {"strike"}, "date": {"15/9/2025"}, "end_date": {"17/09/2025"}}).expect(t, 303)
	got, err := a.DB.FindDisputeByID(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Steps) != 1 || got.Steps[0].Date != "2025-09-15" || got.Steps[0].EndDate != "2025-09-17" {
		t.Errorf("steps %+v, want a strike from 2025-09-15 to 2025-09-17", got.Steps)
	}
}
