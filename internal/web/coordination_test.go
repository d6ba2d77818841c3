package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/demo"
	"jigsaw/internal/testrig"
)

// With the demo loaded, the coalition's campaign page gathers what the
// parts of coordination hold of it, and the home page reaches all of them.
func TestCoordinationIsReachable(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", nil)
	if _, err := demo.Load(context.Background(), a.DB); err != nil {
		t.Fatal(err)
	}
	code, page := a.Get(t, "/campaigns/"+demo.CoalitionCampaign)
	for _, want := range []string{`href="/events/`, `href="/plan/`, `href="/pledges/`, `href="/resources/`, `href="/topics/`, `href="/tracker/`, `href="/disputes/`} {
		if code != 200 || !strings.Contains(page, want) {
			t.Errorf("the campaign's page (%d) has no link like %s", code, want)
		}
	}
	code, home := a.Get(t, "/")
	for _, want := range []string{`href="/campaigns/` + demo.CoalitionCampaign + `"`, `href="/events/`, `href="/topics"`, `href="/plan"`,
		`href="/pledges"`, `href="/representatives"`, `href="/seats"`, `href="/resources"`} {
		if code != 200 || !strings.Contains(home, want) {
			t.Errorf("the home page (%d) has no link like %s", code, want)
		}
	}
}

// A person in a public role's page lists the seats they hold or seek.
func TestRepresentativeSeats(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, "sqlite", nil)
	if _, err := demo.Load(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	people, _, err := a.DB.FindRepresentatives(ctx, jigsaw.RepresentativeFilter{Limit: 1})
	if err != nil || len(people) == 0 {
		t.Fatalf("demo people: %v", err)
	}
	person := people[0]
	orgs, _, err := a.DB.FindOrganisations(ctx, jigsaw.OrganisationFilter{Limit: 1})
	if err != nil || len(orgs) == 0 {
		t.Fatalf("demo organisations: %v", err)
	}
	seat := &jigsaw.Seat{Kind: jigsaw.SeatHealthwatch, Title: "Chair of the board, demo", BodyID: orgs[0].ID, Holder: person.Name,
		RepresentativeID: person.ID, State: jigsaw.SeatStanding, Date: "2027-05-06"}
	if err := a.DB.CreateSeat(ctx, seat); err != nil {
		t.Fatal(err)
	}
	code, page := a.Get(t, "/representatives/"+strconv.FormatInt(person.ID, 10))
	if code != 200 || !strings.Contains(page, "Chair of the board, demo") {
		t.Errorf("the page of %s (%d) does not list their seat", person.Name, code)
	}
}
