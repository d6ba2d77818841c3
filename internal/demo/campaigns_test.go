package demo_test

import (
	"context"
	"testing"

	"jigsaw"
	"jigsaw/internal/demo"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

func TestDemoCampaign(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sum, err := demo.Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Campaigns != 1 || sum.Topics != 6 {
			t.Fatalf("loaded %+v, want the coalition campaign and its six topics", sum)
		}
		c, err := db.FindCampaignBySlug(ctx, demo.CoalitionCampaign)
		if err != nil {
			t.Fatal(err)
		}
		roles := map[string]jigsaw.CampaignRole{}
		for _, o := range c.Organisations {
			roles[o.Slug] = o.Role
		}
		if roles["socialist-health-association"] != jigsaw.CampaignLead || roles["keep-our-nhs-public"] != jigsaw.CampaignLead ||
			roles["unite-the-union"] != jigsaw.CampaignPartner || roles["unison"] != jigsaw.CampaignPartner {
			t.Fatalf("organisations: %+v", c.Organisations)
		}
		if len(c.TrackerItems) < 7 || len(c.Disputes) != 5 {
			t.Fatalf("gathers %d dangers and %d disputes", len(c.TrackerItems), len(c.Disputes))
		}
		untaken, _, err := db.FindTopics(ctx, jigsaw.TopicFilter{Untaken: true, CampaignID: c.ID})
		if err != nil || len(untaken) != 1 || untaken[0].Title != "Work with councillors and MPs" {
			t.Fatalf("untaken: %+v %v", untaken, err)
		}
		done, _, _ := db.FindTopics(ctx, jigsaw.TopicFilter{State: jigsaw.TopicDone})
		if len(done) != 1 {
			t.Fatalf("done: %+v", done)
		}
		// Every one of the four took part of the board.
		for _, slug := range []string{"socialist-health-association", "keep-our-nhs-public", "unite-the-union", "unison"} {
			o, _ := db.FindOrganisationBySlug(ctx, slug)
			if took, _, _ := db.FindTopics(ctx, jigsaw.TopicFilter{OrgID: o.ID}); len(took) == 0 {
				t.Errorf("%s took no topic", slug)
			}
		}
	})
}
