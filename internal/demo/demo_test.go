package demo_test

import (
	"context"
	"database/sql"
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
		if first.Organisations < 20 || first.Stories < 8 || first.TrackerItems < 7 || first.Disputes != 5 {
			t.Fatalf("first load: %+v, want the seeds' organisations, stories, dangers and disputes", first)
		}
		_, orgs, _ := db.FindOrganisations(ctx, jigsaw.OrganisationFilter{})
		_, public, _ := db.FindPublicStories(ctx, jigsaw.StoryFilter{})
		_, dangers, _ := db.FindTrackerItems(ctx, jigsaw.TrackerFilter{})
		_, disputes, _ := db.FindDisputes(ctx, jigsaw.DisputeFilter{})
		second, err := demo.Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if second != (demo.Summary{}) {
			t.Fatalf("second load created %+v, want nothing", second)
		}
		_, orgs2, _ := db.FindOrganisations(ctx, jigsaw.OrganisationFilter{})
		_, public2, _ := db.FindPublicStories(ctx, jigsaw.StoryFilter{})
		_, dangers2, _ := db.FindTrackerItems(ctx, jigsaw.TrackerFilter{})
		_, disputes2, _ := db.FindDisputes(ctx, jigsaw.DisputeFilter{})
		if orgs2 != orgs || public2 != public || dangers2 != dangers || disputes2 != disputes {
			t.Fatalf("counts changed: organisations %d → %d, stories %d → %d, dangers %d → %d, disputes %d → %d",
				orgs, orgs2, public, public2, dangers, dangers2, disputes, disputes2)
		}
		if dangers != first.TrackerItems || disputes != first.Disputes {
			t.Fatalf("stored %d dangers and %d disputes, want %d and %d", dangers, disputes, first.TrackerItems, first.Disputes)
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
		if len(onAGH) != 1 || onAGH[0].Byline != "Sam, Keighley" {
			t.Fatalf("stories about AGH Solutions: %+v", onAGH)
		}

		// Every seed event is modelled: the AGH strike is on the parent
		// trust's timeline, the Worcestershire win has its figures, and every
		// danger has a source.
		timeline, err := db.OrganisationTimeline(ctx, airedale.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		var strike, subco bool
		for _, e := range timeline {
			strike = strike || e.Kind == jigsaw.TimelineDisputeStep && e.Step == jigsaw.StepStrike && e.EndDate == "2025-09-17"
			subco = subco || e.Kind == jigsaw.TimelineDanger && e.Status == jigsaw.TrackerImplemented
		}
		if !strike || !subco {
			t.Fatalf("Airedale's timeline lacks the AGH strike (%v) or the SubCo transfer (%v): %+v", strike, subco, timeline)
		}
		won, _, _ := db.FindDisputes(ctx, jigsaw.DisputeFilter{Status: jigsaw.DisputeWon})
		if len(won) != 1 || won[0].Headcount() != 1000 || len(won[0].OutcomeFigures) != 2 || won[0].OutcomeFigures[1].Pence != 400000 {
			t.Fatalf("Worcestershire win: %+v", won)
		}
		items, _, _ := db.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{})
		titles := map[string]bool{}
		for _, it := range items {
			titles[it.Title] = true
			if len(it.Sources) == 0 || len(it.Organisations) == 0 {
				t.Errorf("danger %q has no source or no organisation", it.Title)
			}
		}
		for _, want := range []string{"Three Dorset trusts plan to move staff into a wholly owned subsidiary",
			"NHS Logistics and part of NHS PASA to be handed to Novation and DHL",
			"MARS: a Mutually Agreed Resignation Scheme agreed in “partnership”"} {
			if !titles[want] {
				t.Errorf("no published danger %q", want)
			}
		}
	})
}

// Every demo story shows a moderator the consents its teller gave, in the
// words of the form, and a published one carries exactly the byline those
// consents allow: a name only where the teller agreed to it.
func TestDemoBylinesFollowConsents(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		moderator := &jigsaw.User{Email: "moderator@example.org", Role: jigsaw.RoleModerator}
		if err := db.CreateUser(ctx, moderator); err != nil {
			t.Fatal(err)
		}
		queue, total, err := db.ModerationQueue(ctx, "", 100, 0)
		if err != nil || total < 8 {
			t.Fatalf("moderation queue: %d stories, %v; want every demo story", total, err)
		}
		var published, named int
		for _, item := range queue {
			v, err := db.ModerationView(ctx, item.ID, moderator, "")
			if err != nil {
				t.Fatal(err)
			}
			s := v.Story
			var publishName string
			if err := db.QuietTx(ctx, func(tx *sql.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT publish_name FROM stories WHERE id = $1`, s.ID).Scan(&publishName)
			}); err != nil {
				t.Fatal(err)
			}
			given := jigsaw.Submission{PublishAs: v.PublishAs, PublishName: publishName}
			wording := map[string]string{
				"publish-as":        given.PublishAsWording(),
				"contact-coalition": jigsaw.ConsentWording["contact-coalition"],
				"contact-media":     jigsaw.ConsentWording["contact-media"],
				"agree":             jigsaw.ConsentWording["agree"],
			}
			for _, c := range v.Consents {
				if c.Wording != wording[c.Kind] || c.Wording == "" || !c.GivenAt.Equal(s.SubmittedAt) {
					t.Errorf("story %d %q: consent %+v, want the wording %q given at its submission (%s)", s.ID, s.Title, c, wording[c.Kind], s.SubmittedAt)
				}
				if c.Kind == "publish-as" && c.Value != string(v.PublishAs) {
					t.Errorf("story %d %q: publish-as consent %q, but the story is to be published as %q", s.ID, s.Title, c.Value, v.PublishAs)
				}
				delete(wording, c.Kind)
			}
			if len(wording) != 0 {
				t.Errorf("story %d %q: no consent of kind %v", s.ID, s.Title, wording)
			}
			if s.Status != jigsaw.StoryPublished {
				if s.Byline != "" {
					t.Errorf("story %d %q is %s with the byline %q, want none until publication", s.ID, s.Title, s.Status, s.Byline)
				}
				continue
			}
			published++
			if want := jigsaw.Byline(v.PublishAs, v.Person.Name, publishName, s.Kind, s.Area); s.Byline != want {
				t.Errorf("story %d %q: byline %q, want %q (%s, name %q, name to publish %q)", s.ID, s.Title, s.Byline, want, v.PublishAs, v.Person.Name, publishName)
			}
			if v.PublishAs != jigsaw.PublishWithoutName {
				named++
			}
		}
		if published < 7 || named == 0 || named == published {
			t.Errorf("%d published stories, %d of them named: want some named and some not", published, named)
		}
	})
}
