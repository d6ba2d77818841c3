package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"jigsaw"
)

// walkPages reads a list page by page, each page from just past the last
// item of the one before (keyset paging, jigsaw.After), and returns the IDs
// in the order read. between runs after each page, to change the list
// under the walk.
func walkPages[T any](t *testing.T, page func(after *jigsaw.After) ([]T, error), pos func(T) (int64, string), between func()) []int64 {
	t.Helper()
	var ids []int64
	var after *jigsaw.After
	for range 100 {
		items, err := page(after)
		if err != nil {
			t.Fatalf("page after %+v: %v", after, err)
		}
		if len(items) == 0 {
			return ids
		}
		for _, it := range items {
			id, _ := pos(it)
			ids = append(ids, id)
		}
		id, key := pos(items[len(items)-1])
		after = &jigsaw.After{Key: key, ID: id}
		between()
	}
	t.Fatal("the walk does not end")
	return nil
}

// checkWalk compares a walk with the list as one page read before it.
func checkWalk(t *testing.T, name string, got, want []int64) {
	t.Helper()
	if len(want) < 4 {
		t.Fatalf("%s: the fixture lists only %d items", name, len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: walked by cursor %v, want each item once in order %v", name, got, want)
	}
}

func utcKey(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func (s *suite) testCursorPaging(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	day := time.Date(2025, 3, 4, 5, 6, 7, 123456000, time.UTC)
	n := 0
	// Each list gets items that tie on the sort key, so that the ID
	// decides, and new items are added in front of the walk between pages:
	// with offsets they would push items already seen onto the next page.

	t.Run("stories", func(t *testing.T) {
		add := func(kind jigsaw.StoryKind, at time.Time) {
			n++
			st := newStory(fmt.Sprintf("Story %d", n), jigsaw.StoryPublished, at)
			st.story.Kind = kind
			mustCreateStory(t, db, &st)
		}
		for i := range 9 {
			add([]jigsaw.StoryKind{jigsaw.StoryPatient, jigsaw.StoryStaff}[i%2], day.Add(-time.Duration(i/3)*time.Hour))
		}
		for _, filter := range []jigsaw.StoryFilter{{}, {Kind: jigsaw.StoryPatient}} {
			filter.Limit = 100
			all, _, err := db.FindPublicStories(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, s := range all {
				want = append(want, s.ID)
			}
			got := walkPages(t, func(after *jigsaw.After) ([]*jigsaw.PublicStory, error) {
				f := filter
				f.Limit, f.After = 2, after
				items, _, err := db.FindPublicStories(ctx, f)
				return items, err
			}, func(s *jigsaw.PublicStory) (int64, string) { return s.ID, utcKey(s.PublishedAt) },
				func() { add(jigsaw.StoryPatient, day.Add(time.Hour)) })
			checkWalk(t, "stories "+string(filter.Kind), got, want)
		}
	})

	t.Run("tracker", func(t *testing.T) {
		add := func(kind jigsaw.TrackerKind, on string, published bool) {
			n++
			it := &jigsaw.TrackerItem{Kind: kind, Title: fmt.Sprintf("Danger %d", n), ReportedOn: on, Published: published,
				History: []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: on}}, Sources: []jigsaw.Source{{URL: "https://news.example/a"}}}
			if err := db.CreateTrackerItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 9 {
			add([]jigsaw.TrackerKind{jigsaw.TrackerCut, jigsaw.TrackerClosure}[i%2], fmt.Sprintf("2025-0%d-01", 1+i/3), i != 4)
		}
		for _, tt := range []struct {
			filter jigsaw.TrackerFilter
			find   func(context.Context, jigsaw.TrackerFilter) ([]*jigsaw.TrackerItem, int, error)
		}{
			{jigsaw.TrackerFilter{}, db.FindPublicTrackerItems},
			{jigsaw.TrackerFilter{Kind: jigsaw.TrackerCut}, db.FindPublicTrackerItems},
			{jigsaw.TrackerFilter{}, db.FindTrackerItems}, // drafts too, as editors read them
		} {
			tt.filter.Limit = 100
			all, _, err := tt.find(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, it := range all {
				want = append(want, it.ID)
			}
			got := walkPages(t, func(after *jigsaw.After) ([]*jigsaw.TrackerItem, error) {
				f := tt.filter
				f.Limit, f.After = 3, after
				items, _, err := tt.find(ctx, f)
				return items, err
			}, func(it *jigsaw.TrackerItem) (int64, string) { return it.ID, it.ReportedOn },
				func() { add(jigsaw.TrackerCut, "2025-12-31", true) })
			checkWalk(t, "tracker "+string(tt.filter.Kind), got, want)
		}
	})

	t.Run("disputes", func(t *testing.T) {
		add := func(status jigsaw.DisputeStatus, on string) {
			n++
			d := &jigsaw.Dispute{Title: fmt.Sprintf("Dispute %d", n), Status: status,
				Parties: []jigsaw.DisputeParty{{OrgID: f.union.ID, Role: jigsaw.PartyUnion}}}
			if on != "" {
				d.Steps = []jigsaw.DisputeStep{{Kind: jigsaw.StepStrike, Date: on}}
			}
			if err := db.CreateDispute(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 9 {
			on := fmt.Sprintf("2025-0%d-15", 1+i/3)
			if i == 8 {
				on = "" // no steps yet: last of all
			}
			add([]jigsaw.DisputeStatus{jigsaw.DisputeAction, jigsaw.DisputeWon}[i%2], on)
		}
		for _, filter := range []jigsaw.DisputeFilter{{}, {Status: jigsaw.DisputeAction}} {
			filter.Limit = 100
			all, _, err := db.FindDisputes(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, d := range all {
				want = append(want, d.ID)
			}
			got := walkPages(t, func(after *jigsaw.After) ([]*jigsaw.Dispute, error) {
				f := filter
				f.Limit, f.After = 2, after
				items, _, err := db.FindDisputes(ctx, f)
				return items, err
			}, func(d *jigsaw.Dispute) (int64, string) { return d.ID, d.LastStepOn },
				func() { add(jigsaw.DisputeAction, "2025-12-01") })
			checkWalk(t, "disputes "+string(filter.Status), got, want)
		}
	})

	t.Run("organisations", func(t *testing.T) {
		add := func(name, slug string, kind jigsaw.OrgKind) {
			mustCreateOrg(t, db, &jigsaw.Organisation{Name: name, Slug: slug, Kind: kind})
		}
		// Names alike but for case sort together, by ID.
		for i, name := range []string{"Unison", "UNISON", "unison", "Keep Our NHS Public", "keep our nhs public", "Zeta"} {
			add(name, fmt.Sprintf("org-%d", i), []jigsaw.OrgKind{jigsaw.OrgUnion, jigsaw.OrgCampaignGroup}[i%2])
		}
		for _, filter := range []jigsaw.OrganisationFilter{{}, {Kind: jigsaw.OrgUnion}} {
			filter.Limit = 100
			all, _, err := db.FindOrganisations(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, o := range all {
				want = append(want, o.ID)
			}
			extra := 0
			got := walkPages(t, func(after *jigsaw.After) ([]*jigsaw.Organisation, error) {
				f := filter
				f.Limit, f.After = 2, after
				items, _, err := db.FindOrganisations(ctx, f)
				return items, err
			}, func(o *jigsaw.Organisation) (int64, string) { return o.ID, o.Name },
				func() {
					extra++
					add(fmt.Sprintf("AAA %d %s", extra, filter.Kind), fmt.Sprintf("aaa-%d-%s", extra, filter.Kind), jigsaw.OrgUnion)
				})
			checkWalk(t, "organisations "+string(filter.Kind), got, want)
		}
	})

	t.Run("moderation queue", func(t *testing.T) {
		at, earliest := day, day
		now := db.Now
		db.Now = func() time.Time { return at }
		defer func() { db.Now = now }()
		add := func(status jigsaw.StoryStatus) {
			n++
			st := newStory(fmt.Sprintf("Queued %d", n), status, time.Time{})
			st.story.SubmittedAt = at
			mustCreateStory(t, db, &st)
		}
		for i := range 8 {
			at = day.Add(time.Duration(i/3) * time.Minute)
			add([]jigsaw.StoryStatus{jigsaw.StoryAwaitingReview, jigsaw.StoryAwaitingConfirmation}[i%2])
		}
		for _, status := range []jigsaw.StoryStatus{jigsaw.StoryAwaitingReview, ""} {
			all, _, err := db.ModerationQueue(ctx, status, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, q := range all {
				want = append(want, q.ID)
			}
			got := walkPages(t, func(after *jigsaw.After) ([]jigsaw.QueueItem, error) {
				items, _, err := db.ModerationQueueAfter(ctx, status, 2, after)
				return items, err
			}, func(q jigsaw.QueueItem) (int64, string) { return q.ID, utcKey(q.SubmittedAt) },
				func() {
					// The queue is oldest first: new stories are in front
					// of the walk when they were submitted earlier.
					earliest = earliest.Add(-time.Minute)
					at = earliest
					add(jigsaw.StoryAwaitingReview)
				})
			checkWalk(t, "queue "+string(status), got, want)
		}
	})

	t.Run("bad key", func(t *testing.T) {
		_, _, err := db.FindPublicStories(ctx, jigsaw.StoryFilter{Limit: 2, After: &jigsaw.After{Key: "yesterday", ID: 1}})
		if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)["cursor"] == "" {
			t.Fatalf("a story cursor that is not a time: %v, want EINVALID naming cursor", err)
		}
	})
}
