package storetest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/geo"
)

// testPlaces checks the map's counts per district and the streams of the
// GeoJSON exports: public items only, each kind's list filter followed.
func (s *suite) testPlaces(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db) // a published story without a district, one awaiting review
	day := func(d int) time.Time { return time.Date(2025, 6, d, 12, 0, 0, 0, time.UTC) }
	stories := []storyFixture{
		newStory("one", jigsaw.StoryPublished, day(1)),
		newStory("two", jigsaw.StoryPublished, day(3)),
		newStory("island", jigsaw.StoryPublished, day(2)),
		newStory("unpublished", jigsaw.StoryAwaitingReview, time.Time{}),
	}
	stories[1].story.KeyIssues = []string{"pay-and-conditions", "outsourcing"}
	stories[2].story.District = "GY1"
	stories[3].story.District = "SW1A"
	for i := range stories {
		mustCreateStory(t, db, &stories[i])
	}
	danger := subCoItem(f) // BD20, reported 2022-11
	danger.Published = true
	danger.Sources = []jigsaw.Source{{URL: "https://example.org/agh", Publisher: "Example"}}
	draft := &jigsaw.TrackerItem{Kind: jigsaw.TrackerCut, Title: "A draft cut", District: "LS1",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025-01-01"}}}
	for _, it := range []*jigsaw.TrackerItem{danger, draft} {
		if err := db.CreateTrackerItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	dispute := aghDispute(f) // BD20, its latest step ending 2025-09-17
	if err := db.CreateDispute(ctx, dispute); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name string
		f    geo.Filter
		want []geo.Count
	}{
		{"everything", geo.Filter{}, []geo.Count{
			{District: "BD20", Stories: 2, Dangers: 1, Disputes: 1}, {District: "", Stories: 1}, {District: "GY1", Stories: 1}}},
		{"stories only", geo.Filter{Stories: true}, []geo.Count{
			{District: "BD20", Stories: 2}, {District: "", Stories: 1}, {District: "GY1", Stories: 1}}},
		{"dangers and disputes", geo.Filter{Dangers: true, Disputes: true}, []geo.Count{{District: "BD20", Dangers: 1, Disputes: 1}}},
		{"key issue", geo.Filter{KeyIssue: "outsourcing"}, []geo.Count{{District: "BD20", Stories: 1, Dangers: 1, Disputes: 1}}},
		{"organisation", geo.Filter{OrgID: f.sub.ID}, []geo.Count{{District: "BD20", Dangers: 1, Disputes: 1}, {District: "", Stories: 1}}},
		{"since", geo.Filter{Since: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)}, []geo.Count{
			{District: "BD20", Stories: 1, Disputes: 1}, {District: "GY1", Stories: 1}}},
		{"until", geo.Filter{Until: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)}, []geo.Count{
			{District: "BD20", Stories: 1, Dangers: 1}, {District: "", Stories: 1}}},
		{"nothing", geo.Filter{KeyIssue: "no-such-issue"}, []geo.Count{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.PlaceCounts(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PlaceCounts = %+v, want %+v", got, tt.want)
			}
		})
	}

	collect := func(t *testing.T, each func(fn func(*geo.Item) error) error) []geo.Item {
		t.Helper()
		var out []geo.Item
		if err := each(func(it *geo.Item) error { out = append(out, *it); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Run("stories", func(t *testing.T) {
		got := collect(t, func(fn func(*geo.Item) error) error { return db.EachPublicStoryPlace(ctx, jigsaw.StoryFilter{}, fn) })
		var titles []string
		for _, it := range got {
			titles = append(titles, it.Title)
		}
		// Newest first, as the list; unpublished never.
		if strings.Join(titles, ",") != "two,island,one,Second-class citizens" {
			t.Fatalf("titles %q", titles)
		}
		want := geo.Item{ID: stories[1].story.ID, Title: "two", Kind: "patient", District: "BD20", Area: "Keighley",
			Date: "2025-06-03", KeyIssues: []string{"outsourcing", "pay-and-conditions"}}
		if !reflect.DeepEqual(got[0], want) {
			t.Errorf("item %+v, want %+v", got[0], want)
		}
		got = collect(t, func(fn func(*geo.Item) error) error {
			return db.EachPublicStoryPlace(ctx, jigsaw.StoryFilter{KeyIssue: "outsourcing", Limit: 1, Offset: 5}, fn)
		})
		if len(got) != 1 || got[0].Title != "two" {
			t.Errorf("filtered by key issue (paging ignored): %+v", got)
		}
	})
	t.Run("dangers", func(t *testing.T) {
		got := collect(t, func(fn func(*geo.Item) error) error {
			return db.EachPublicTrackerPlace(ctx, jigsaw.TrackerFilter{}, fn)
		})
		want := []geo.Item{{ID: danger.ID, Title: danger.Title, Kind: string(jigsaw.TrackerSubCoTransfer), Status: string(jigsaw.TrackerImplemented),
			District: "BD20", Area: "Keighley", Date: danger.ReportedOn, KeyIssues: []string{"outsourcing", "pay-and-conditions"}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("dangers %+v, want %+v", got, want)
		}
		if got := collect(t, func(fn func(*geo.Item) error) error {
			return db.EachPublicTrackerPlace(ctx, jigsaw.TrackerFilter{Kind: jigsaw.TrackerCut, Drafts: true}, fn)
		}); len(got) != 0 {
			t.Errorf("a draft reached the public stream: %+v", got)
		}
	})
	t.Run("disputes", func(t *testing.T) {
		got := collect(t, func(fn func(*geo.Item) error) error { return db.EachDisputePlace(ctx, jigsaw.DisputeFilter{}, fn) })
		want := []geo.Item{{ID: dispute.ID, Title: dispute.Title, Status: string(jigsaw.DisputeAction), District: "BD20", Area: "Keighley",
			Date: "2025-09-17", KeyIssues: []string{"outsourcing", "pay-and-conditions"}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("disputes %+v, want %+v", got, want)
		}
		if got := collect(t, func(fn func(*geo.Item) error) error {
			return db.EachDisputePlace(ctx, jigsaw.DisputeFilter{Status: jigsaw.DisputeWon}, fn)
		}); len(got) != 0 {
			t.Errorf("status filter not followed: %+v", got)
		}
	})
	t.Run("stop", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		err := db.EachPublicStoryPlace(ctx, jigsaw.StoryFilter{}, func(*geo.Item) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("got %v after %d items, want the callback's error after 1", err, n)
		}
	})
}
