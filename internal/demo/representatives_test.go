package demo_test

import (
	"context"
	"testing"

	"jigsaw"
	"jigsaw/internal/demo"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// TestDemoRepresentatives checks the demo's people in public roles: MPs
// and councillors of a Conservative and a Liberal Democrat area, a mayor,
// candidates, and a company board whose director declared an interest
// linked to a contract; loaded twice, nothing is added.
func TestDemoRepresentatives(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for range 2 {
			if _, err := demo.Load(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		count := func(f jigsaw.RepresentativeFilter) int {
			_, n, err := db.FindRepresentatives(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, tt := range []struct {
			name string
			f    jigsaw.RepresentativeFilter
			want int
		}{
			{"everyone, once", jigsaw.RepresentativeFilter{}, 12},
			{"Conservative", jigsaw.RepresentativeFilter{Party: "Conservative"}, 3},
			{"Liberal Democrat", jigsaw.RepresentativeFilter{Party: "Liberal Democrat"}, 2},
			{"MPs", jigsaw.RepresentativeFilter{Role: jigsaw.OfficeMP}, 2},
			{"mayor", jigsaw.RepresentativeFilter{Role: jigsaw.OfficeMayor}, 1},
			{"candidates", jigsaw.RepresentativeFilter{Role: jigsaw.OfficeCandidate}, 3},
		} {
			if got := count(tt.f); got != tt.want {
				t.Errorf("%s: got %d, want %d", tt.name, got, tt.want)
			}
		}
		hsl, err := db.FindOrganisationBySlug(ctx, "health-services-laboratories")
		if err != nil {
			t.Fatal(err)
		}
		if got := count(jigsaw.RepresentativeFilter{OrgID: hsl.ID}); got != 3 {
			t.Fatalf("the company board: %d people, want 3", got)
		}
		items, _, err := db.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Kind: jigsaw.TrackerContractAward, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var linked []jigsaw.Interest
		for _, it := range items {
			in, err := db.FindInterestsByTracker(ctx, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			linked = append(linked, in...)
		}
		if len(linked) != 1 || linked[0].RepresentativeName != "Dr Avery Sample" || linked[0].OrgID != hsl.ID || linked[0].TrackerTitle == "" {
			t.Fatalf("interests linked to a contract award: %+v", linked)
		}
	})
}
