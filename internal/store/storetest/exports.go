package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"jigsaw"
)

// eachAll collects what an export's Each method hands on, failing the test
// on its error.
func eachAll[T any](t *testing.T, each func(fn func(T) error) error) []T {
	t.Helper()
	var out []T
	if err := each(func(v T) error { out = append(out, v); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameAsList fails unless an export gave exactly the records of its list's
// one page, in the same order and with the same fields and lists.
func sameAsList[T any](t *testing.T, what string, export, list []T, total int) {
	t.Helper()
	if len(list) != total {
		t.Fatalf("%s: the list's page holds %d of %d: make the page longer", what, len(list), total)
	}
	if !reflect.DeepEqual(export, list) {
		ids := func(vs []T) (s []string) {
			for _, v := range vs {
				s = append(s, fmt.Sprint(reflect.ValueOf(v).Elem().FieldByName("ID")))
			}
			return s
		}
		t.Fatalf("%s: the export gave %v, the list %v (or their fields differ)", what, ids(export), ids(list))
	}
}

// testExports checks that the exports' reads give every record of a list's
// filter, in the list's order, across batches whose boundaries fall among
// records of the same sort key, and public records only.
func (s *suite) testExports(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)

	// Stories: several published at the same moment, so that batches of
	// two end among equal times, and stories in every other state.
	same := time.Date(2025, 4, 1, 12, 0, 0, 500000000, time.UTC)
	for i, when := range []time.Time{same, same, same.Add(time.Microsecond), same, same.Add(-time.Hour), same, same.Add(24 * time.Hour)} {
		st := newStory(fmt.Sprintf("Published %d", i), jigsaw.StoryPublished, when)
		if i%2 == 0 {
			st.story.KeyIssues = []string{"safety"}
		}
		mustCreateStory(t, db, &st)
	}
	for _, status := range []jigsaw.StoryStatus{jigsaw.StoryAwaitingConfirmation, jigsaw.StoryAwaitingReview, jigsaw.StoryRejected, jigsaw.StoryWithdrawn} {
		st := newStory("Not public: "+string(status), status, time.Time{})
		st.story.KeyIssues = []string{"safety"}
		mustCreateStory(t, db, &st)
	}
	for _, filter := range []jigsaw.StoryFilter{{}, {KeyIssue: "safety"}, {District: "bd20", Since: same}} {
		list, total, err := db.FindPublicStories(ctx, jigsaw.StoryFilter{KeyIssue: filter.KeyIssue, District: filter.District, Since: filter.Since, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		filter.Limit = 2
		export := eachAll(t, func(fn func(*jigsaw.PublicStory) error) error { return db.EachPublicStory(ctx, filter, fn) })
		sameAsList(t, fmt.Sprintf("stories %+v", filter), export, list, total)
		for _, st := range export {
			if st.Title == "" || strings.HasPrefix(st.Title, "Not public") || strings.Contains(st.Body, "Zebedee") {
				t.Fatalf("exported story %d %q: %q", st.ID, st.Title, st.Body)
			}
		}
	}
	// The stories of a whole batch (the default size) and one more.
	if n := len(eachAll(t, func(fn func(*jigsaw.PublicStory) error) error {
		return db.EachPublicStory(ctx, jigsaw.StoryFilter{}, fn)
	})); n != 8 {
		t.Fatalf("stories in batches of the default size: got %d, want 8", n)
	}

	// Dangers: drafts and published ones reported on the same day.
	for i := range 5 {
		item := subCoItem(f)
		item.Title = fmt.Sprintf("Danger %d", i)
		item.Published = i != 2
		item.Sources = []jigsaw.Source{{URL: fmt.Sprintf("https://example.org/board-papers/%d", i), Publisher: "Trust board"}}
		if i == 4 {
			item.History = []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2024-01-05"}}
		}
		if err := db.CreateTrackerItem(ctx, item); err != nil {
			t.Fatal(err)
		}
	}
	for _, filter := range []jigsaw.TrackerFilter{{}, {KeyIssue: "outsourcing", OrgID: f.sub.ID}, {Status: jigsaw.TrackerProposed}, {Drafts: true}} {
		list, total, err := db.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{KeyIssue: filter.KeyIssue, OrgID: filter.OrgID, Status: filter.Status, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		filter.Limit = 2
		export := eachAll(t, func(fn func(*jigsaw.TrackerItem) error) error { return db.EachPublicTrackerItem(ctx, filter, fn) })
		sameAsList(t, fmt.Sprintf("dangers %+v", filter), export, list, total)
		for _, item := range export {
			if !item.Published || len(item.Organisations) != 2 || len(item.Stories) != 1 {
				t.Fatalf("exported danger %d: published %v, %d organisations, stories %+v: want published, with its lists and public stories only",
					item.ID, item.Published, len(item.Organisations), item.Stories)
			}
		}
	}

	// Disputes, all with the same latest step.
	for i := range 5 {
		d := aghDispute(f)
		d.Title = fmt.Sprintf("Dispute %d", i)
		if i == 3 {
			d.Status = jigsaw.DisputeWon
		}
		if err := db.CreateDispute(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, filter := range []jigsaw.DisputeFilter{{}, {Live: true}, {Status: jigsaw.DisputeWon}} {
		list, total, err := db.FindDisputes(ctx, jigsaw.DisputeFilter{Live: filter.Live, Status: filter.Status, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		filter.Limit = 2
		export := eachAll(t, func(fn func(*jigsaw.Dispute) error) error { return db.EachDispute(ctx, filter, fn) })
		sameAsList(t, fmt.Sprintf("disputes %+v", filter), export, list, total)
	}

	// Organisations, whose order is the database's lower(name): names in
	// either case, and letters beyond ASCII.
	for _, name := range []string{"ysbyty Gwynedd", "YSBYTY GLAN CLWYD", "Élan Valley Practice", "élan Surgery", "abc Practice", "ABD Practice"} {
		mustCreateOrg(t, db, &jigsaw.Organisation{Name: name, Kind: jigsaw.OrgGPPractice, Region: "Wales"})
	}
	for _, filter := range []jigsaw.OrganisationFilter{{}, {Region: "Wales"}, {Query: "élan"}, {Members: true}} {
		list, total, err := db.FindOrganisations(ctx, jigsaw.OrganisationFilter{Region: filter.Region, Query: filter.Query, Members: filter.Members, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		filter.Limit = 2
		export := eachAll(t, func(fn func(*jigsaw.Organisation) error) error { return db.EachOrganisation(ctx, filter, fn) })
		sameAsList(t, fmt.Sprintf("organisations %+v", filter), export, list, total)
	}

	// The first error of the caller's function ends the export and is
	// returned as it was.
	stop := errors.New("client gone")
	calls := 0
	err := db.EachPublicStory(ctx, jigsaw.StoryFilter{Limit: 2}, func(*jigsaw.PublicStory) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("export stopped by its function: %d calls, error %v; want 1 call and that error", calls, err)
	}
}
