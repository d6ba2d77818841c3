package storetest

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// The social side of federation is tested in two databases, each shared
// by the parts that do not touch each other's rows: a database costs more
// to make on PostgreSQL than these tests take.
func (s *suite) testFederationFollows(t *testing.T) {
	db := s.mustOpen(t)
	t.Run("Followers", func(t *testing.T) { testFederationFollowers(t, db) })
	t.Run("Following", func(t *testing.T) { testFederationFollowing(t, db) })
	t.Run("SeenActivities", func(t *testing.T) { testFederationSeenActivities(t, db) })
}

func (s *suite) testFederationItems(t *testing.T) {
	db := s.mustOpen(t)
	t.Run("RemoteItems", func(t *testing.T) { testFederationRemoteItems(t, db) })
	t.Run("Blocks", func(t *testing.T) { testFederationBlocks(t, db) })
}

// Followers are kept once per actor, and the fan-out's inboxes are the
// distinct shared inboxes (or own inboxes) of them all.
func testFederationFollowers(t *testing.T, db *store.DB) {
	ctx := context.Background()
	add := func(actor, inbox, shared, followID string) *jigsaw.Follower {
		t.Helper()
		f := &jigsaw.Follower{Actor: actor, Inbox: inbox, SharedInbox: shared, Domain: "Social.Example.org", FollowID: followID}
		if err := db.AddFollower(ctx, f); err != nil || f.ID == 0 || f.AcceptedAt.IsZero() {
			t.Fatalf("AddFollower(%s): %+v %v", actor, f, err)
		}
		return f
	}
	first := add("https://social.example.org/users/ann", "https://social.example.org/users/ann/inbox", "https://social.example.org/inbox", "https://social.example.org/f/1")
	add("https://social.example.org/users/bob", "https://social.example.org/users/bob/inbox", "https://social.example.org/inbox", "https://social.example.org/f/2")
	add("https://jigsaw.example.net/actor", "https://jigsaw.example.net/actor/inbox", "", "https://jigsaw.example.net/f/1")
	again := add(first.Actor, first.Inbox, first.SharedInbox, "https://social.example.org/f/3")
	if again.ID != first.ID || !again.AcceptedAt.Equal(first.AcceptedAt) {
		t.Fatalf("following again: %+v, want the first row %+v kept", again, first)
	}
	got, total, err := db.FindFollowers(ctx, 10, 0)
	if err != nil || total != 3 || len(got) != 3 {
		t.Fatalf("FindFollowers: %d of %d, %v; want 3", len(got), total, err)
	}
	for _, f := range got {
		if f.Actor == first.Actor && (f.FollowID != "https://social.example.org/f/3" || f.Domain != "social.example.org") {
			t.Fatalf("follower after following again: %+v", f)
		}
	}
	inboxes, err := db.FollowerInboxes(ctx)
	if want := []string{"https://jigsaw.example.net/actor/inbox", "https://social.example.org/inbox"}; err != nil || !slices.Equal(inboxes, want) {
		t.Fatalf("FollowerInboxes: %q %v, want %q", inboxes, err, want)
	}
	if ok, err := db.RemoveFollower(ctx, first.Actor); !ok || err != nil {
		t.Fatalf("RemoveFollower: %v %v", ok, err)
	}
	if ok, err := db.RemoveFollower(ctx, first.Actor); ok || err != nil {
		t.Fatalf("RemoveFollower again: %v %v, want false", ok, err)
	}
	if _, total, _ := db.FindFollowers(ctx, 10, 0); total != 2 {
		t.Fatalf("%d followers after one left, want 2", total)
	}
}

// A Follow we send is pending until its actor accepts or rejects that very
// Follow; following again renews it; unfollowing is audited.
func testFederationFollowing(t *testing.T, db *store.DB) {
	ctx := context.Background()
	_, admin := mustUserContext(t, db, "fed-admin@example.org")
	actor := "https://b.example.net/actor"
	f := &jigsaw.Following{Actor: actor, Inbox: actor + "/inbox", Domain: "b.example.net", FollowID: "https://a.example.org/follows/1"}
	if err := db.AddFollowing(ctx, f, &jigsaw.AuditEntry{UserID: admin.ID, Actor: admin.Email, Action: "federation-follow", ObjectType: "following"}); err != nil {
		t.Fatal(err)
	}
	if f.ID == 0 || f.State != jigsaw.FollowPending {
		t.Fatalf("after AddFollowing: %+v", f)
	}
	for _, tt := range []struct {
		name, actor, followID string
		want                  bool
	}{
		{"another actor", "https://c.example.net/actor", "", false},
		{"another Follow", actor, "https://a.example.org/follows/0", false},
		{"ours", actor, f.FollowID, true},
	} {
		if ok, err := db.SetFollowingState(ctx, tt.actor, tt.followID, jigsaw.FollowAccepted); ok != tt.want || err != nil {
			t.Fatalf("%s: accepted %v, %v; want %v", tt.name, ok, err, tt.want)
		}
	}
	if got, err := db.FollowingOf(ctx, actor); err != nil || got.State != jigsaw.FollowAccepted {
		t.Fatalf("FollowingOf: %+v %v", got, err)
	}
	// A refusal, then a new Follow.
	if ok, _ := db.SetFollowingState(ctx, actor, "", jigsaw.FollowRejected); !ok {
		t.Fatal("reject: no row")
	}
	f2 := &jigsaw.Following{Actor: actor, Inbox: actor + "/inbox", Domain: "b.example.net", FollowID: "https://a.example.org/follows/2"}
	if err := db.AddFollowing(ctx, f2, nil); err != nil || f2.ID != f.ID || f2.State != jigsaw.FollowPending {
		t.Fatalf("following again: %+v %v", f2, err)
	}
	list, err := db.FindFollowing(ctx)
	if err != nil || len(list) != 1 || list[0].FollowID != f2.FollowID || list[0].State != jigsaw.FollowPending {
		t.Fatalf("FindFollowing: %+v %v", list, err)
	}
	gone, err := db.RemoveFollowing(ctx, actor, &jigsaw.AuditEntry{UserID: admin.ID, Actor: admin.Email, Action: "federation-unfollow", ObjectType: "following"})
	if err != nil || gone.FollowID != f2.FollowID {
		t.Fatalf("RemoveFollowing: %+v %v", gone, err)
	}
	if _, err := db.RemoveFollowing(ctx, actor, nil); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("RemoveFollowing again: %v, want %s", err, jigsaw.ENOTFOUND)
	}
	if _, err := db.FollowingOf(ctx, actor); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("FollowingOf after unfollowing: %v", err)
	}
	entries, _, err := db.FindAudit(ctx, jigsaw.AuditFilter{ObjectType: "following"})
	if err != nil || len(entries) != 2 || entries[0].Action != "federation-unfollow" || entries[0].ObjectID != f.ID {
		t.Fatalf("audit: %+v %v", entries, err)
	}
}

// Remote items are stored once per object, changed only by their actor and
// only by a newer copy, searched with the site search's rules, filtered by
// origin and deleted by their actor.
func testFederationRemoteItems(t *testing.T, db *store.DB) {
	ctx := context.Background()
	day := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	put := func(it *jigsaw.RemoteItem) error {
		t.Helper()
		return db.PutRemoteItem(ctx, it)
	}
	b := "https://b.example.net/actor"
	closure := &jigsaw.RemoteItem{ObjectID: "https://b.example.net/ap/danger/1", Actor: b, Domain: "b.example.net", Kind: "danger", Type: "Note",
		Name: "Maternity unit closure at Bradford", Summary: "The unit closes in March.", Content: "<p>The <em>maternity</em> unit closes.</p>",
		Plain: "The maternity unit closes.", URL: "https://b.example.net/tracker/1", Published: day}
	if err := put(closure); err != nil || closure.ID == 0 {
		t.Fatalf("put: %+v %v", closure, err)
	}
	strike := &jigsaw.RemoteItem{ObjectID: "https://c.example.org/notes/7", Actor: "https://c.example.org/users/unite", Domain: "c.example.org", Type: "Note",
		Content: "<p>Porters strike over pay</p>", Plain: "Porters strike over pay", Published: day.Add(time.Hour)}
	if err := put(strike); err != nil {
		t.Fatal(err)
	}
	// An update, then an older copy that arrives late.
	upd := *closure
	upd.Name, upd.Updated = "Maternity unit closure at Bradford postponed", day.Add(48*time.Hour)
	if err := put(&upd); err != nil || upd.ID != closure.ID {
		t.Fatalf("update: %+v %v", upd, err)
	}
	if err := put(closure); err != nil {
		t.Fatal(err)
	}
	forged := upd
	forged.Actor, forged.Name, forged.Updated = "https://evil.example.com/actor", "Hijacked", day.Add(96*time.Hour)
	if err := put(&forged); jigsaw.ErrorCode(err) != jigsaw.EFORBIDDEN {
		t.Fatalf("another actor's change: %v, want %s", err, jigsaw.EFORBIDDEN)
	}
	items, total, err := db.FindRemoteItems(ctx, jigsaw.RemoteItemFilter{})
	if err != nil || total != 2 || items[0].ObjectID != strike.ObjectID || items[1].Name != upd.Name || !items[1].Updated.Equal(upd.Updated) ||
		items[1].Kind != "danger" || items[1].Content != closure.Content || !items[1].Published.Equal(day) {
		t.Fatalf("FindRemoteItems: %d %v, %+v", total, err, items)
	}
	for _, tt := range []struct {
		name string
		f    jigsaw.RemoteItemFilter
		want []string
	}{
		{"a word of the name, stemmed", jigsaw.RemoteItemFilter{Query: "closures"}, []string{closure.ObjectID}},
		{"a word of the text", jigsaw.RemoteItemFilter{Query: "porters"}, []string{strike.ObjectID}},
		{"a word of the summary", jigsaw.RemoteItemFilter{Query: "march"}, []string{closure.ObjectID}},
		{"query syntax is words", jigsaw.RemoteItemFilter{Query: `strike" OR "NEAR(`}, nil},
		{"markup is not text", jigsaw.RemoteItemFilter{Query: "em"}, nil},
		{"a domain", jigsaw.RemoteItemFilter{Domain: "C.example.org"}, []string{strike.ObjectID}},
		{"a domain and a query", jigsaw.RemoteItemFilter{Domain: "c.example.org", Query: "maternity"}, nil},
		{"blank", jigsaw.RemoteItemFilter{Query: "  "}, []string{strike.ObjectID, closure.ObjectID}},
	} {
		items, total, err := db.FindRemoteItems(ctx, tt.f)
		var got []string
		for _, it := range items {
			got = append(got, it.ObjectID)
		}
		if err != nil || total != len(tt.want) || !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q (%d), %v; want %q", tt.name, got, total, err, tt.want)
		}
	}
	if _, _, err := db.FindRemoteItems(ctx, jigsaw.RemoteItemFilter{Query: `"*"`}); jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)["q"] == "" {
		t.Fatalf("a query without words: %v, want %s naming q", err, jigsaw.EINVALID)
	}
	domains, err := db.RemoteDomains(ctx)
	if want := []jigsaw.RemoteDomain{{Domain: "b.example.net", Items: 1}, {Domain: "c.example.org", Items: 1}}; err != nil || !slices.Equal(domains, want) {
		t.Fatalf("RemoteDomains: %+v %v, want %+v", domains, err, want)
	}
	// An item that says it is from the future is not kept first for ever.
	future := &jigsaw.RemoteItem{ObjectID: "https://c.example.org/notes/8", Actor: strike.Actor, Domain: "c.example.org", Type: "Note",
		Plain: "x", Published: time.Now().AddDate(10, 0, 0)}
	if err := put(future); err != nil || future.Published.After(time.Now()) {
		t.Fatalf("an item from the future: %v, published %v", err, future.Published)
	}
	if _, err := db.DeleteRemoteItem(ctx, future.ObjectID, future.Actor); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.DeleteRemoteItem(ctx, closure.ObjectID, "https://evil.example.com/actor"); ok || err != nil {
		t.Fatalf("another actor's delete: %v %v, want nothing deleted", ok, err)
	}
	if ok, err := db.DeleteRemoteItem(ctx, closure.ObjectID, b); !ok || err != nil {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if items, _, _ := db.FindRemoteItems(ctx, jigsaw.RemoteItemFilter{Query: "maternity"}); len(items) != 0 {
		t.Fatalf("a deleted item is still found: %+v", items)
	}
	if known, err := db.KnowsActor(ctx, strike.Actor); !known || err != nil {
		t.Fatalf("KnowsActor: %v %v", known, err)
	}
	if ok, err := db.ForgetActor(ctx, strike.Actor); !ok || err != nil {
		t.Fatalf("ForgetActor: %v %v", ok, err)
	}
	if n := count(t, db, "ap_remote_items"); n != 0 {
		t.Fatalf("%d items after their actors went, want 0", n)
	}
	if known, err := db.KnowsActor(ctx, strike.Actor); known || err != nil {
		t.Fatalf("KnowsActor after ForgetActor: %v %v", known, err)
	}
}

// A block covers the domain's subdomains and ports, removes what they
// had here, and is audited; unblocking lifts it.
func testFederationBlocks(t *testing.T, db *store.DB) {
	ctx := context.Background()
	_, admin := mustUserContext(t, db, "block-admin@example.org")
	for i, actor := range []string{"https://social.spam.example/users/a", "https://spam.example:8443/actor", "https://good.example.org/actor"} {
		u, _ := url.Parse(actor)
		host := u.Host
		if err := db.AddFollower(ctx, &jigsaw.Follower{Actor: actor, Inbox: actor + "/inbox", Domain: host}); err != nil {
			t.Fatal(err)
		}
		if err := db.PutRemoteItem(ctx, &jigsaw.RemoteItem{ObjectID: actor + "/notes/" + itoa(int64(i)), Actor: actor, Domain: host, Type: "Note", Plain: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.BlockDomain(ctx, &jigsaw.DomainBlock{Domain: "not a domain"}, nil); jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)["domain"] == "" {
		t.Fatalf("a bad domain: %v", err)
	}
	followers, items, err := db.BlockDomain(ctx, &jigsaw.DomainBlock{Domain: "Spam.Example", Reason: "spam", BlockedBy: admin.Email},
		&jigsaw.AuditEntry{UserID: admin.ID, Actor: admin.Email, Action: "federation-block", ObjectType: "domain", Detail: "spam.example"})
	if err != nil || followers != 2 || items != 2 {
		t.Fatalf("BlockDomain: %d followers, %d items, %v; want 2, 2", followers, items, err)
	}
	for _, tt := range []struct {
		host string
		want bool
	}{
		{"spam.example", true}, {"social.spam.example", true}, {"spam.example:8443", true}, {"SPAM.example.", true},
		{"notspam.example", false}, {"good.example.org", false}, {"", true}, {"bad host", true},
	} {
		if got, err := db.DomainBlocked(ctx, tt.host); got != tt.want || err != nil {
			t.Errorf("DomainBlocked(%q) = %v, %v; want %v", tt.host, got, err, tt.want)
		}
	}
	blocks, err := db.DomainBlocks(ctx)
	if err != nil || len(blocks) != 1 || blocks[0].Domain != "spam.example" || blocks[0].Reason != "spam" || blocks[0].BlockedBy != admin.Email {
		t.Fatalf("DomainBlocks: %+v %v", blocks, err)
	}
	if n := count(t, db, "ap_followers"); n != 1 {
		t.Fatalf("%d followers left, want 1", n)
	}
	// A port-specific block leaves the other ports alone.
	if _, _, err := db.BlockDomain(ctx, &jigsaw.DomainBlock{Domain: "127.0.0.1:8001"}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.DomainBlocked(ctx, "127.0.0.1:8002"); got {
		t.Fatal("a block of one port covers another")
	}
	if err := db.UnblockDomain(ctx, "spam.example", &jigsaw.AuditEntry{UserID: admin.ID, Actor: admin.Email, Action: "federation-unblock", ObjectType: "domain"}); err != nil {
		t.Fatal(err)
	}
	if err := db.UnblockDomain(ctx, "spam.example", nil); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("unblocking again: %v, want %s", err, jigsaw.ENOTFOUND)
	}
	if got, _ := db.DomainBlocked(ctx, "social.spam.example"); got {
		t.Fatal("still blocked after unblocking")
	}
	if entries, _, _ := db.FindAudit(ctx, jigsaw.AuditFilter{ObjectType: "domain"}); len(entries) != 2 {
		t.Fatalf("%d audit entries for blocks, want 2", len(entries))
	}
}

// An activity id is accepted once within a day, again after; a failed
// handling forgets it.
func testFederationSeenActivities(t *testing.T, db *store.DB) {
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	id := "https://b.example.net/activities/1"
	for i, want := range []bool{true, false} {
		if fresh, err := db.SeeActivity(ctx, id); fresh != want || err != nil {
			t.Fatalf("see %d: %v %v, want %v", i, fresh, err, want)
		}
	}
	if err := db.ForgetActivity(ctx, id); err != nil {
		t.Fatal(err)
	}
	if fresh, _ := db.SeeActivity(ctx, id); !fresh {
		t.Fatal("a forgotten activity is taken for a replay")
	}
	now = now.Add(25 * time.Hour)
	if fresh, _ := db.SeeActivity(ctx, "https://b.example.net/activities/2"); !fresh {
		t.Fatal("a new activity is taken for a replay")
	}
	if n := count(t, db, "ap_seen_activities"); n != 1 {
		t.Fatalf("%d activities remembered after a day, want 1 (the old one pruned)", n)
	}
}
