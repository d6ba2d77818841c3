package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// consume reads the whole change log for consumer and returns what it
// announces, as "create story 3", queueing nothing.
func consume(tb testing.TB, db *store.DB, consumer string) []string {
	tb.Helper()
	var got []string
	for {
		n, err := db.ConsumeChanges(context.Background(), consumer, 100, func(_ context.Context, cs []jigsaw.Change) ([]jigsaw.Outgoing, error) {
			for _, c := range cs {
				got = append(got, fmt.Sprintf("%s %s %d", c.Action, c.Kind, c.ObjectID))
			}
			return nil, nil
		})
		if err != nil {
			tb.Fatalf("consume %s: %v", consumer, err)
		}
		if n == 0 {
			return got
		}
	}
}

func wantAnnounced(tb testing.TB, got []string, want ...string) {
	tb.Helper()
	if !slices.Equal(got, want) {
		tb.Fatalf("announced %q, want %q", got, want)
	}
}

// testChangeLog follows items through the ways they become public, change
// and stop being public: the log resolves each into what a consumer
// announces, once per consumer.
func (s *suite) testChangeLog(t *testing.T) {
	ctx := context.Background()
	ev := s.mustEventFixture(t)
	db := ev.db
	_, editor := mustUserContext(t, db, "changes-editor@example.org")

	wantAnnounced(t, consume(t, db, "a"))
	pending := newStory("Told but not confirmed", jigsaw.StoryAwaitingReview, time.Time{})
	mustCreateStory(t, db, &pending)
	pub := newStory("Published at once", jigsaw.StoryPublished, eventNow)
	mustCreateStory(t, db, &pub)
	// A story published, then edited twice before anyone read the log, is
	// announced once.
	if err := db.PublishStory(ctx, pending.story.ID, editor, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"First edit of the public text.", "Second edit of the public text."} {
		if err := db.EditStory(ctx, pending.story.ID, "Told and published", body, editor, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	wantAnnounced(t, consume(t, db, "a"),
		fmt.Sprintf("create story %d", pub.story.ID), fmt.Sprintf("create story %d", pending.story.ID))
	wantAnnounced(t, consume(t, db, "a")) // read once

	if err := db.EditStory(ctx, pub.story.ID, "Published at once, edited", "A new public text for the story.", editor, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if err := db.WithdrawStory(ctx, pending.story.ID, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	wantAnnounced(t, consume(t, db, "a"),
		fmt.Sprintf("update story %d", pub.story.ID), fmt.Sprintf("delete story %d", pending.story.ID))

	// Erasing the teller takes the story down: a delete.
	if err := db.ErasePerson(ctx, pub.story.ID, editor, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	wantAnnounced(t, consume(t, db, "a"), fmt.Sprintf("delete story %d", pub.story.ID))

	// A danger kept unpublished is never announced; publishing it is a
	// create.
	draft := &jigsaw.TrackerItem{Kind: jigsaw.TrackerCut, Title: "Beds cut at the community hospital", Summary: "Twelve beds.",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2026-04"}}}
	if err := db.CreateTrackerItem(ctx, draft); err != nil {
		t.Fatal(err)
	}
	wantAnnounced(t, consume(t, db, "a"))
	draft.Published = true
	draft.Sources = []jigsaw.Source{{URL: "https://example.org/board-papers/12", Publisher: "Trust board"}}
	if err := db.UpdateTrackerItem(ctx, draft); err != nil {
		t.Fatal(err)
	}
	// An event turning members-only is a delete; public again, a create.
	meeting := ev.mustCreate(t, &jigsaw.Event{Kind: jigsaw.EventPublicMeeting, Title: "Save our beds",
		Start: eventNow.Add(48 * time.Hour), End: eventNow.Add(50 * time.Hour), Organisers: []jigsaw.EventOrganiser{{OrgID: ev.konp.ID}}})
	wantAnnounced(t, consume(t, db, "a"),
		fmt.Sprintf("create danger %d", draft.ID), fmt.Sprintf("create event %d", meeting.ID))
	for _, membersOnly := range []bool{true, false} {
		meeting.MembersOnly = membersOnly
		if err := db.UpdateEvent(ctx, meeting); err != nil {
			t.Fatal(err)
		}
	}
	// Read in one batch, the two writes of the event come to the item's
	// state now: public, and announced before.
	wantAnnounced(t, consume(t, db, "a"), fmt.Sprintf("update event %d", meeting.ID))

	// Another consumer has its own cursor and its own record.
	wantAnnounced(t, consume(t, db, "b"),
		fmt.Sprintf("create danger %d", draft.ID), fmt.Sprintf("create event %d", meeting.ID))
}

// testDeliveryQueue queues a payload for several targets and follows the
// deliveries through claims, a retry, giving up and success.
func (s *suite) testDeliveryQueue(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	err := db.EnqueueDeliveries(ctx, jigsaw.Outgoing{Channel: "test", ContentType: "application/json", Body: []byte(`{"n":1}`),
		Summary: "ping", Targets: []string{"https://a.example/inbox", "https://b.example/inbox", "https://a.example/inbox"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.EnqueueDeliveries(ctx, jigsaw.Outgoing{Summary: "no channel", Targets: []string{"x"}}); err == nil {
		t.Fatal("a payload without a channel was queued")
	}
	if got, err := db.ClaimDeliveries(ctx, []string{"other"}, 10, time.Minute); err != nil || len(got) != 0 {
		t.Fatalf("claim of another channel: %v, %v", got, err)
	}
	got, err := db.ClaimDeliveries(ctx, []string{"test"}, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Target != "https://a.example/inbox" || got[0].Host != "a.example" ||
		string(got[1].Body) != `{"n":1}` || got[1].ContentType != "application/json" || got[1].Attempts != 1 {
		t.Fatalf("claimed %+v", got)
	}
	// Leased: not claimed again until the lease runs out, nor made due by
	// an admin meanwhile.
	if again, err := db.ClaimDeliveries(ctx, []string{"test"}, 10, time.Minute); err != nil || len(again) != 0 {
		t.Fatalf("claimed again within the lease: %d, %v", len(again), err)
	}
	if err := db.RetryDelivery(ctx, got[0].ID); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("retry of a delivery being made: %v, want ECONFLICT", err)
	}
	err = db.FinishDeliveries(ctx, []jigsaw.DeliveryResult{
		{ID: got[0].ID, Status: 503, Error: "HTTP 503", State: jigsaw.DeliveryPending, RetryAt: now.Add(30 * time.Second)},
		{ID: got[1].ID, Status: 410, Error: "HTTP 410 Gone", State: jigsaw.DeliveryFailed},
	})
	if err != nil {
		t.Fatal(err)
	}
	if again, err := db.ClaimDeliveries(ctx, []string{"test"}, 10, time.Minute); err != nil || len(again) != 0 {
		t.Fatalf("claimed before its retry was due: %d, %v", len(again), err)
	}
	now = now.Add(31 * time.Second)
	retry, err := db.ClaimDeliveries(ctx, []string{"test"}, 10, time.Minute)
	if err != nil || len(retry) != 1 || retry[0].ID != got[0].ID || retry[0].Attempts != 2 || retry[0].LastStatus != 503 {
		t.Fatalf("retry: %+v, %v", retry, err)
	}
	if err := db.FinishDeliveries(ctx, []jigsaw.DeliveryResult{{ID: retry[0].ID, Status: 202, State: jigsaw.DeliveryDone}}); err != nil {
		t.Fatal(err)
	}
	failed, total, err := db.FindDeliveries(ctx, jigsaw.DeliveryFilter{Channel: "test", State: string(jigsaw.DeliveryFailed)}, 10, 0)
	if err != nil || total != 1 || failed[0].Host != "b.example" || failed[0].LastError != "HTTP 410 Gone" || failed[0].FinishedAt.IsZero() {
		t.Fatalf("failed deliveries: %d %+v, %v", total, failed, err)
	}
	counts, err := db.CountDeliveries(ctx, false)
	if err != nil || len(counts) != 2 || counts[0].State != jigsaw.DeliveryDone || counts[1].State != jigsaw.DeliveryFailed {
		t.Fatalf("counts: %+v, %v", counts, err)
	}
	// An admin's retry makes a given-up delivery due again.
	if err := db.RetryDelivery(ctx, failed[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.RetryDelivery(ctx, retry[0].ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("retry of a delivered one: %v, want ENOTFOUND", err)
	}
	if again, err := db.ClaimDeliveries(ctx, []string{"test"}, 10, time.Minute); err != nil || len(again) != 1 || again[0].ID != failed[0].ID {
		t.Fatalf("claim after retry: %+v, %v", again, err)
	}
	// Pruned a week on: finished deliveries, their payload, the read log.
	if err := db.FinishDeliveries(ctx, []jigsaw.DeliveryResult{{ID: failed[0].ID, Status: 200, State: jigsaw.DeliveryDone}}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(8 * 24 * time.Hour)
	if n, err := db.PruneDeliveries(ctx, now.Add(-7*24*time.Hour)); err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want 2", n, err)
	}
	if _, total, err := db.FindDeliveries(ctx, jigsaw.DeliveryFilter{}, 10, 0); err != nil || total != 0 {
		t.Fatalf("after pruning: %d left, %v", total, err)
	}
}

// testChangesOnce has several consumers of one name read and claim at once,
// as several serve processes do: each change is planned once and each
// delivery claimed once.
func (s *suite) testChangesOnce(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	const stories = 40
	for i := range stories {
		f := newStory(fmt.Sprintf("Story %d", i), jigsaw.StoryPublished, time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC))
		mustCreateStory(t, db, &f)
	}
	var mu sync.Mutex
	planned := map[int64]int{}
	plan := func(_ context.Context, cs []jigsaw.Change) ([]jigsaw.Outgoing, error) {
		var out []jigsaw.Outgoing
		mu.Lock()
		defer mu.Unlock()
		for _, c := range cs {
			planned[c.ObjectID]++
			out = append(out, jigsaw.Outgoing{Channel: "test", Body: []byte("x"), Targets: []string{fmt.Sprintf("https://peer.example/%d", c.ObjectID)}})
		}
		return out, nil
	}
	run := func(fn func() error) {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() { defer wg.Done(); errs <- fn() }()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	run(func() error {
		for {
			n, err := db.ConsumeChanges(ctx, "fed", 3, plan)
			if err != nil || n == 0 {
				return err
			}
		}
	})
	if len(planned) != stories {
		t.Fatalf("planned %d stories, want %d", len(planned), stories)
	}
	for id, n := range planned {
		if n != 1 {
			t.Fatalf("story %d planned %d times", id, n)
		}
	}
	claimed := map[int64]int{}
	run(func() error {
		for {
			got, err := db.ClaimDeliveries(ctx, []string{"test"}, 5, time.Minute)
			if err != nil || len(got) == 0 {
				return err
			}
			mu.Lock()
			for _, d := range got {
				claimed[d.ID]++
			}
			mu.Unlock()
		}
	})
	if len(claimed) != stories {
		t.Fatalf("claimed %d deliveries, want %d", len(claimed), stories)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Fatalf("delivery %d claimed %d times", id, n)
		}
	}
}
