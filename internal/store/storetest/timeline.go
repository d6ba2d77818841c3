package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jigsaw"
)

func (s *suite) testTimeline(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	src := []jigsaw.Source{{URL: "https://news.example/"}}
	// A danger of the trust, a draft danger of the subsidiary, a dispute at
	// the subsidiary, a danger of an unrelated company.
	for _, it := range []*jigsaw.TrackerItem{
		{Kind: jigsaw.TrackerSubCoTransfer, Title: "SubCo plan", Sources: src, Published: true,
			History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2022-11"}, {Status: jigsaw.TrackerImplemented, On: "2023-04-01"}},
			Organisations: []jigsaw.TrackerOrg{{OrgID: f.trust.ID, Role: jigsaw.RoleParent}, {OrgID: f.sub.ID, Role: jigsaw.RoleEmployer}}},
		{Kind: jigsaw.TrackerCut, Title: "Draft cut", History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025-10-01"}},
			Organisations: []jigsaw.TrackerOrg{{OrgID: f.sub.ID, Role: jigsaw.RoleEmployer}}},
		{Kind: jigsaw.TrackerContractAward, Title: "Logistics", Sources: src, Published: true,
			History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: "2006-09"}},
			Organisations: []jigsaw.TrackerOrg{{OrgID: f.company.ID, Role: jigsaw.RoleSupplier}}},
	} {
		if err := db.CreateTrackerItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	d := aghDispute(f)
	if err := db.CreateDispute(ctx, d); err != nil {
		t.Fatal(err)
	}
	entries := func(list []*jigsaw.TimelineEntry) string {
		var out []string
		for _, e := range list {
			what := string(e.Status) + string(e.Step)
			var orgs []string
			for _, o := range e.Organisations {
				orgs = append(orgs, o.Slug)
			}
			out = append(out, fmt.Sprintf("%s %s %s [%s]", e.Date, e.Kind, strings.TrimSpace(what+" "+e.Title), strings.Join(orgs, " ")))
		}
		return strings.Join(out, "\n")
	}
	for _, tt := range []struct {
		name  string
		org   int64
		limit int
		want  string
	}{
		{"the trust and its subsidiary", f.trust.ID, 0, `2025-09-15 dispute-step strike AGH Solutions: parity with Agenda for Change [agh-solutions-ltd]
2025-07-29 dispute-step ballot-closed AGH Solutions: parity with Agenda for Change [agh-solutions-ltd]
2025-07-01 dispute-step ballot-opened AGH Solutions: parity with Agenda for Change [agh-solutions-ltd]
2025-02 story Second-class citizens [agh-solutions-ltd]
2023-04-01 danger implemented SubCo plan [airedale-nhs-foundation-trust agh-solutions-ltd]
2022-11 danger proposed SubCo plan [airedale-nhs-foundation-trust agh-solutions-ltd]`},
		{"the union", f.union.ID, 2, `2025-09-15 dispute-step strike AGH Solutions: parity with Agenda for Change [gmb]
2025-07-29 dispute-step ballot-closed AGH Solutions: parity with Agenda for Change [gmb]`},
		{"the company", f.company.ID, 0, `2006-09 danger decided Logistics [dhl]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list, err := db.OrganisationTimeline(ctx, tt.org, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := entries(list); got != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	list, _ := db.OrganisationTimeline(ctx, f.trust.ID, 0)
	if e := list[1]; e.TurnoutBP != 7350 || e.YesBP != 9450 || e.ObjectID != d.ID {
		t.Fatalf("ballot entry: %+v", e)
	}
	if e := list[0]; e.EndDate != "2025-09-17" || e.Note != "Three-day strike" {
		t.Fatalf("strike entry: %+v", e)
	}
	if _, err := db.OrganisationTimeline(ctx, 987654, 0); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("missing organisation: got %v, want ENOTFOUND", err)
	}
}
