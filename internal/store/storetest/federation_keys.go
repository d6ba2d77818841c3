package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// testFederationKeys checks the instance's keys, the cache of remote
// actors and the outbox's list, on one database: a new one costs seconds
// on PostgreSQL.
func (s *suite) testFederationKeys(t *testing.T) {
	f := s.mustEventFixture(t)
	t.Run("InstanceKeys", func(t *testing.T) { testInstanceKeys(t, f.db) })
	t.Run("RemoteActors", func(t *testing.T) { testRemoteActors(t, f.db) })
	t.Run("PublicItems", func(t *testing.T) { testPublicItems(t, f) })
}

// The instance actor's key is made once, by whichever process asks first;
// a rotation retires it and keeps it for the time asked, then deletes it.
func testInstanceKeys(t *testing.T, db *store.DB) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	made := 0
	newKey := func() (string, string, error) {
		made++
		return fmt.Sprintf("private %d", made), fmt.Sprintf("public %d", made), nil
	}
	first, err := db.InstanceKey(ctx, newKey)
	if err != nil || first.PrivateKeyPEM != "private 1" || first.PublicKeyPEM != "public 1" {
		t.Fatalf("InstanceKey = %+v, %v", first, err)
	}
	if again, err := db.InstanceKey(ctx, newKey); err != nil || again.ID != first.ID || made != 1 {
		t.Fatalf("InstanceKey again = %+v, %v after %d keys made; want the first, 1 made", again, err, made)
	}
	now = now.Add(time.Hour)
	second, err := db.RotateInstanceKey(ctx, "private 2", "public 2", 24*time.Hour)
	if err != nil || second.ID == first.ID {
		t.Fatalf("RotateInstanceKey = %+v, %v", second, err)
	}
	if cur, err := db.InstanceKey(ctx, newKey); err != nil || cur.ID != second.ID || made != 1 {
		t.Fatalf("InstanceKey after a rotation = %+v, %v; want the new key", cur, err)
	}
	keys, err := db.InstanceKeys(ctx)
	if err != nil || len(keys) != 2 || keys[0].ID != second.ID || !keys[0].RetiredAt.IsZero() ||
		keys[1].ID != first.ID || !keys[1].RetiredAt.Equal(now) {
		t.Fatalf("InstanceKeys = %+v, %v; want the new one, then the old retired at %s", keys, err, now)
	}
	// A day and a minute later the next rotation deletes the first key.
	now = now.Add(24*time.Hour + time.Minute)
	if _, err := db.RotateInstanceKey(ctx, "private 3", "public 3", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	keys, _ = db.InstanceKeys(ctx)
	if len(keys) != 2 || keys[0].PublicKeyPEM != "public 3" || keys[1].ID != second.ID {
		t.Fatalf("keys after the second rotation: %+v; want 3 then 2", keys)
	}
}

// Remote actors are cached by URL and found by key; saving again replaces.
func testRemoteActors(t *testing.T, db *store.DB) {
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	a := &jigsaw.RemoteActor{ID: "https://b.example/actor", KeyID: "https://b.example/actor#main-key", PublicKeyPEM: "pem 1",
		Inbox: "https://b.example/actor/inbox", SharedInbox: "https://b.example/inbox", PreferredUsername: "instance",
		Domain: "b.example", FetchedAt: at}
	if _, err := db.FindRemoteActor(ctx, a.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("FindRemoteActor before saving: %v, want ENOTFOUND", err)
	}
	must(t, db.SaveRemoteActor(ctx, a))
	got, err := db.FindRemoteActor(ctx, a.ID)
	if err != nil || *got != *a {
		t.Fatalf("FindRemoteActor = %+v, %v; want %+v", got, err, a)
	}
	a.KeyID, a.PublicKeyPEM, a.FetchedAt = "https://b.example/actor#key-2", "pem 2", at.Add(time.Hour)
	must(t, db.SaveRemoteActor(ctx, a))
	if got, err := db.FindRemoteActorByKeyID(ctx, "https://b.example/actor#key-2"); err != nil || *got != *a {
		t.Fatalf("FindRemoteActorByKeyID = %+v, %v; want %+v", got, err, a)
	}
	if _, err := db.FindRemoteActorByKeyID(ctx, "https://b.example/actor#main-key"); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("the replaced key is still found: %v", err)
	}
	if err := db.SaveRemoteActor(ctx, &jigsaw.RemoteActor{ID: "https://c.example/actor"}); jigsaw.ErrorCode(err) != jigsaw.EINVALID {
		t.Fatalf("an actor without key or inbox: %v, want EINVALID", err)
	}
}

// The outbox lists public items only, newest first, and pages through them
// without skipping or repeating one, even among items of the same instant.
func testPublicItems(t *testing.T, f *eventFixture) {
	ctx := context.Background()
	db := f.db
	w := mustFixture(t, db) // a published story at 2025-03-01 09:00, one awaiting review
	at := func(day int) time.Time { return time.Date(2026, 4, day, 9, 0, 0, 0, time.UTC) }
	var stories []int64
	for i, day := range []int{2, 3, 3} {
		st := newStory(fmt.Sprintf("Story %d", i), jigsaw.StoryPublished, at(day))
		mustCreateStory(t, db, &st)
		stories = append(stories, st.story.ID)
	}
	db.Now = func() time.Time { return at(3) }
	danger := subCoItem(w)
	danger.Published = true
	danger.Sources = []jigsaw.Source{{URL: "https://news.example.org/agh", Publisher: "Keighley News"}}
	must(t, db.CreateTrackerItem(ctx, danger))
	draft := subCoItem(w)
	draft.Title = "A draft"
	must(t, db.CreateTrackerItem(ctx, draft))
	db.Now = func() time.Time { return at(4) }
	dispute := aghDispute(w)
	must(t, db.CreateDispute(ctx, dispute))
	public := f.mustCreate(t, &jigsaw.Event{Kind: jigsaw.EventPublicMeeting, Title: "Save our hospital",
		Start: at(20), End: at(20).Add(2 * time.Hour), Organisers: []jigsaw.EventOrganiser{{OrgID: f.konp.ID}}})
	f.mustCreate(t, &jigsaw.Event{Kind: jigsaw.EventMeeting, Title: "Members only", MembersOnly: true,
		Start: at(21), End: at(21).Add(time.Hour), Organisers: []jigsaw.EventOrganiser{{OrgID: f.konp.ID}}})

	want := []string{
		fmt.Sprintf("dispute %d", dispute.ID), fmt.Sprintf("event %d", public.ID),
		fmt.Sprintf("danger %d", danger.ID), fmt.Sprintf("story %d", stories[2]), fmt.Sprintf("story %d", stories[1]),
		fmt.Sprintf("story %d", stories[0]), fmt.Sprintf("story %d", w.story.ID),
	}
	var got []string
	var before *jigsaw.PublicItemRef
	for page := 0; page < 10; page++ {
		items, err := db.PublicItems(ctx, before, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) == 0 {
			break
		}
		for _, it := range items {
			got = append(got, fmt.Sprintf("%s %d", it.Kind, it.ID))
		}
		before = &items[len(items)-1]
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("outbox in pages of 2:\n%v\nwant\n%v", got, want)
	}
	counts, err := db.CountPublicItems(ctx)
	if err != nil || fmt.Sprint(counts) != "map[danger:1 dispute:1 event:1 story:4]" {
		t.Errorf("CountPublicItems = %v, %v", counts, err)
	}
}
