package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// The sitemap reads list public records only, by id range, on both engines:
// a story awaiting review, a withdrawn story and a draft danger are absent.
func TestSitemapStore(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, testrig.NewDSN(t, engine))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			published := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
			story := func(title string, status jigsaw.StoryStatus) int64 {
				s := &jigsaw.Story{Title: title, Body: "b", PublicBody: "b", Kind: jigsaw.StoryPatient, Status: status, Byline: "A patient"}
				if status == jigsaw.StoryPublished {
					s.PublishedAt = published
				}
				if err := db.CreateStory(ctx, s, &jigsaw.Person{Name: "N", Email: "n@example.invalid"}); err != nil {
					t.Fatal(err)
				}
				return s.ID
			}
			pub := story("Published", jigsaw.StoryPublished)
			review := story("Awaiting review", jigsaw.StoryAwaitingReview)
			withdrawn := story("Withdrawn", jigsaw.StoryWithdrawn)
			pub2 := story("Published too", jigsaw.StoryPublished)

			org := &jigsaw.Organisation{Name: "Sitemap Trust", Kind: jigsaw.OrgNHSTrust}
			if err := db.CreateOrganisation(ctx, org); err != nil {
				t.Fatal(err)
			}
			danger := func(title string, published bool) int64 {
				ti := &jigsaw.TrackerItem{Kind: jigsaw.TrackerCut, Title: title, Published: published,
					Sources: []jigsaw.Source{{URL: "https://news.example/a"}},
					History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025"}}}
				if err := db.CreateTrackerItem(ctx, ti); err != nil {
					t.Fatal(err)
				}
				return ti.ID
			}
			pubDanger, draftDanger := danger("Public danger", true), danger("Draft danger", false)
			d := &jigsaw.Dispute{Title: "A dispute", Status: jigsaw.DisputeAction,
				Parties: []jigsaw.DisputeParty{{OrgID: org.ID, Role: jigsaw.PartyUnion}}}
			if err := db.CreateDispute(ctx, d); err != nil {
				t.Fatal(err)
			}

			ids := func(kind string, from, to int64) []int64 {
				var got []int64
				err := db.SitemapRange(ctx, kind, from, to, func(id int64, slug string, at time.Time) {
					if (kind == "organisations") != (slug != "") {
						t.Errorf("%s %d: slug %q", kind, id, slug)
					}
					if at.IsZero() {
						t.Errorf("%s %d: no time", kind, id)
					}
					if kind == "stories" && !at.Equal(published) {
						t.Errorf("story %d: modified %v, want %v", id, at, published)
					}
					got = append(got, id)
				})
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			if got, want := ids("stories", 0, 1<<40), []int64{pub, pub2}; !slices.Equal(got, want) {
				t.Errorf("stories: got %v, want %v (not %d awaiting review, %d withdrawn)", got, want, review, withdrawn)
			}
			if got := ids("stories", pub2, pub2+1); !slices.Equal(got, []int64{pub2}) {
				t.Errorf("stories in [%d, %d): got %v", pub2, pub2+1, got)
			}
			if got := ids("stories", 0, pub); len(got) != 0 {
				t.Errorf("stories below %d: got %v", pub, got)
			}
			if got := ids("tracker", 0, 1<<40); !slices.Equal(got, []int64{pubDanger}) {
				t.Errorf("dangers: got %v, want [%d] (not draft %d)", got, pubDanger, draftDanger)
			}
			if got := ids("disputes", 0, 1<<40); !slices.Equal(got, []int64{d.ID}) {
				t.Errorf("disputes: got %v, want [%d]", got, d.ID)
			}
			if got := ids("organisations", 0, 1<<40); !slices.Equal(got, []int64{org.ID}) {
				t.Errorf("organisations: got %v, want [%d]", got, org.ID)
			}
			if err := db.SitemapRange(ctx, "people", 0, 10, func(int64, string, time.Time) {}); jigsaw.ErrorCode(err) != jigsaw.EINVALID {
				t.Errorf("unknown kind: got %v, want EINVALID", err)
			}

			max, err := db.SitemapMaxIDs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if max["stories"] != pub2 || max["tracker"] != draftDanger || max["disputes"] != d.ID || max["organisations"] != org.ID {
				t.Errorf("max ids: got %v", max)
			}
		})
	}
}
