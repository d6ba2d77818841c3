package demo_test

import (
	"context"
	"testing"

	"jigsaw"
	"jigsaw/internal/demo"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

func TestLoadIsIdempotent(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first, err := demo.Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if first.Organisations < 20 || first.Stories < 8 {
			t.Fatalf("first load: %+v, want the seeds' organisations and stories", first)
		}
		_, orgs, _ := db.FindOrganisations(ctx, jigsaw.OrganisationFilter{})
		_, public, _ := db.FindPublicStories(ctx, jigsaw.StoryFilter{})
		second, err := demo.Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if second != (demo.Summary{}) {
			t.Fatalf("second load created %+v, want nothing", second)
		}
		_, orgs2, _ := db.FindOrganisations(ctx, jigsaw.OrganisationFilter{})
		_, public2, _ := db.FindPublicStories(ctx, jigsaw.StoryFilter{})
		if orgs2 != orgs || public2 != public {
			t.Fatalf("counts changed: organisations %d → %d, stories %d → %d", orgs, orgs2, public, public2)
		}
		if public != first.Stories-1 {
			t.Fatalf("public stories %d, want all but the one awaiting review (%d)", public, first.Stories-1)
		}

		agh, err := db.FindOrganisationBySlug(ctx, "agh-solutions-ltd")
		if err != nil {
			t.Fatal(err)
		}
		airedale, _ := db.FindOrganisationBySlug(ctx, "airedale-nhs-foundation-trust")
		if agh.ParentID != airedale.ID || agh.Kind != jigsaw.OrgSubsidiary {
			t.Fatalf("AGH Solutions: parent %d kind %s, want Airedale (%d), subsidiary", agh.ParentID, agh.Kind, airedale.ID)
		}
		onAGH, _, _ := db.FindPublicStories(ctx, jigsaw.StoryFilter{OrgID: agh.ID})
		if len(onAGH) != 1 || onAGH[0].Byline != "Sam, a porter in Keighley" {
			t.Fatalf("stories about AGH Solutions: %+v", onAGH)
		}
	})
}
