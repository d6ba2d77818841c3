package demo_test

import (
	"context"
	"testing"

	"jigsaw"
	"jigsaw/internal/demo"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// The site's search finds every kind of coordination record the demo
// holds, on both engines, and each hit leads to its page.
func TestDemoSearchFindsCoordination(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			q    string
			typ  jigsaw.SearchType
			path string
		}{
			{"TUPE guidance", jigsaw.SearchTopic, "/topics/"},
			{"KONP pledge", jigsaw.SearchPledge, "/pledges/"},
			{"Harriet Example", jigsaw.SearchRepresentative, "/representatives/"},
			{"TUPE guidance", jigsaw.SearchResource, "/resources/"},
			{"privatisation", jigsaw.SearchCampaign, "/campaigns/"},
			{"general election", jigsaw.SearchPlan, "/plan/"},
		} {
			res, err := db.SearchPublic(ctx, jigsaw.SearchFilter{Query: tt.q, Type: tt.typ, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Errorf("searching %ss for %q found nothing", tt.typ, tt.q)
				continue
			}
			if h := res.Hits[0]; h.Type != tt.typ || len(h.Path()) <= len(tt.path) || h.Path()[:len(tt.path)] != tt.path {
				t.Errorf("searching %ss for %q: first hit %s %q at %s", tt.typ, tt.q, h.Type, h.Title, h.Path())
			}
		}
	})
}
