package federation_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/federation"
	"jigsaw/internal/testrig"
)

// teller is the personal data of the story B publishes: none of it may
// reach A, its pages or anything B sends.
var teller = []string{"Perpetua Quillfeather-Fedcheck", "Quillfeather", "perpetua.fedcheck@example.invalid", "07700 900123", "BD20 9QQ"}

// Two Jigsaw instances on loopback: A follows B; B's story reaches A's
// view from the coalition, is updated there and deleted when withdrawn;
// A's inbox refuses what is unsigned, forged, replayed, too large or from
// a blocked domain, and accepts a Mastodon account's Follow.
func TestTwoInstances(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { twoInstances(t, engine) })
	}
}

func twoInstances(t *testing.T, engine string) {
	ctx := context.Background()
	peers := func(c *config.Config) { c.AllowPrivatePeers = true }
	a := testrig.StartApp(t, engine, peers)
	b := testrig.StartApp(t, engine, peers)
	aActor, bActor := a.URL+"/actor", b.URL+"/actor"
	// drain delivers what both have queued, and what that makes them
	// queue, until neither has anything pending: each app's own runner
	// may hold a delivery in flight meanwhile, so it waits for those too.
	drain := func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			pending := 0
			for _, app := range []*testrig.TestApp{a, b} {
				if err := app.Deliver.Drain(ctx); err != nil {
					t.Fatal(err)
				}
			}
			for _, app := range []*testrig.TestApp{a, b} {
				ds, _, err := app.DB.FindDeliveries(ctx, jigsaw.DeliveryFilter{Channel: "activitypub", State: string(jigsaw.DeliveryPending)}, 10, 0)
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range ds {
					if d.LastError != "" {
						t.Fatalf("%s failed to deliver %s to %s: %d %s", app.URL, d.Summary, d.Target, d.LastStatus, d.LastError)
					}
				}
				pending += len(ds)
			}
			if pending == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d deliveries still pending", pending)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	admin, _ := a.AsUser(t, jigsaw.RoleAdmin)

	// A follows B; B accepts.
	if p := postForm(t, admin, a.URL+"/admin/federation/follow", url.Values{"target": {"not a host at all"}}); p.status != 422 || !strings.Contains(p.body, "follow-target-error") {
		t.Fatalf("following nonsense: %d\n%s", p.status, p.body)
	}
	// B is named as an account, found with WebFinger.
	if p := postForm(t, admin, a.URL+"/admin/federation/follow", url.Values{"target": {"@instance@" + strings.TrimPrefix(b.URL, "http://")}}); p.status != 303 {
		t.Fatalf("follow: %d\n%s", p.status, p.body)
	}
	drain()
	if f, err := a.DB.FollowingOf(ctx, bActor); err != nil || f.State != jigsaw.FollowAccepted {
		t.Fatalf("A's follow of B: %+v %v", f, err)
	}
	if fs, _, _ := b.DB.FindFollowers(ctx, 10, 0); len(fs) != 1 || fs[0].Actor != aActor || fs[0].SharedInbox != a.URL+"/inbox" {
		t.Fatalf("B's followers: %+v", fs)
	}
	var followers, following struct {
		TotalItems   int
		OrderedItems []string
	}
	getActivity(t, b.URL+"/actor/followers", &followers)
	getActivity(t, a.URL+"/actor/following", &following)
	if followers.TotalItems != 1 || followers.OrderedItems != nil || following.TotalItems != 1 || len(following.OrderedItems) != 1 || following.OrderedItems[0] != bActor {
		t.Fatalf("B's followers %+v, A's following %+v", followers, following)
	}
	if p := getPage(t, admin, a.URL+"/admin/federation"); p.status != 200 || !strings.Contains(p.body, bActor) || !strings.Contains(p.body, "Accepted") {
		t.Fatalf("federation page: %d\n%s", p.status, p.body)
	}

	// A story submitted, confirmed and published on B reaches A.
	_, mod := b.AsUser(t, jigsaw.RoleModerator)
	sub := &jigsaw.Submission{Title: "Waiting fourteen hours in Airedale", Body: "My father waited fourteen hours on a trolley in the corridor.",
		Kind: jigsaw.StoryPatient, Area: "Keighley", Postcode: "BD20 9QQ", Name: teller[0], Email: teller[2], Phone: teller[3],
		PublishAs: jigsaw.PublishWithoutName, Agree: true}
	sub.Normalize()
	id, _, err := b.DB.SubmitStory(ctx, sub, "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := b.DB.ConfirmStory(ctx, id); err != nil {
		t.Fatal(err)
	}
	drain()
	if items, _, _ := a.DB.FindRemoteItems(ctx, jigsaw.RemoteItemFilter{}); len(items) != 0 {
		t.Fatalf("a story awaiting moderation reached A: %+v", items)
	}
	if err := b.DB.PublishStory(ctx, id, mod, ""); err != nil {
		t.Fatal(err)
	}
	drain()
	objectID := b.URL + "/ap/story/" + strconv.FormatInt(id, 10)
	item := mustRemoteItem(t, a, objectID)
	if item.Kind != "story" || item.Name != sub.Title || item.URL != b.URL+"/stories/"+strconv.FormatInt(id, 10) || item.Actor != bActor ||
		!strings.Contains(item.Plain, "trolley") {
		t.Fatalf("the story on A: %+v", item)
	}
	host := strings.TrimPrefix(b.URL, "http://")
	if p := getPage(t, a.Client, a.URL+"/coalition?q=trolleys"); p.status != 200 || !strings.Contains(p.body, sub.Title) || !strings.Contains(p.body, "From "+host) {
		t.Fatalf("/coalition?q=trolleys: %d\n%s", p.status, p.body)
	}
	if p := getPage(t, a.Client, a.URL+"/stories"); strings.Contains(p.body, sub.Title) {
		t.Fatal("a remote story is listed among A's own stories")
	}

	// What B serves of it carries no more of the teller than what it sent.
	for _, path := range []string{"/ap/story/" + strconv.FormatInt(id, 10), "/actor/outbox?page=true"} {
		r, _ := http.NewRequest(http.MethodGet, b.URL+path, nil)
		r.Header.Set("Accept", federation.ContentType)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "trolley") {
			t.Fatalf("B's %s: %d\n%s", path, resp.StatusCode, body)
		}
		for _, secret := range teller {
			if strings.Contains(string(body), secret) {
				t.Errorf("B's %s carries %q", path, secret)
			}
		}
	}

	// An edit on B updates it on A.
	if err := b.DB.EditStory(ctx, id, "Fourteen hours on a trolley at Airedale", "My father waited fourteen hours on a trolley.", mod, ""); err != nil {
		t.Fatal(err)
	}
	drain()
	if item := mustRemoteItem(t, a, objectID); item.Name != "Fourteen hours on a trolley at Airedale" || item.Updated.IsZero() {
		t.Fatalf("after the edit: %+v", item)
	}

	// Withdrawn on B, deleted on A.
	if err := b.DB.WithdrawStory(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	drain()
	if items, _, _ := a.DB.FindRemoteItems(ctx, jigsaw.RemoteItemFilter{}); len(items) != 0 {
		t.Fatalf("a withdrawn story is still on A: %+v", items)
	}
	if p := getPage(t, a.Client, a.URL+"/coalition"); strings.Contains(p.body, "trolley") {
		t.Fatal("/coalition still shows the withdrawn story")
	}

	// A danger and an event published on B reach A too; the event, made
	// members-only, is deleted there.
	danger := &jigsaw.TrackerItem{Kind: jigsaw.TrackerCut, Title: "Beds cut at Skipton community hospital", Summary: "Twelve beds to close.",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2026-04"}}, Published: true,
		Sources: []jigsaw.Source{{URL: "https://example.org/board-papers/12", Publisher: "Trust board"}}}
	if err := b.DB.CreateTrackerItem(ctx, danger); err != nil {
		t.Fatal(err)
	}
	konp := &jigsaw.Organisation{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup, CoalitionMember: true}
	if err := b.DB.CreateOrganisation(ctx, konp); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	meeting := &jigsaw.Event{Kind: jigsaw.EventPublicMeeting, Title: "Save our beds", Start: start, End: start.Add(2 * time.Hour),
		Organisers: []jigsaw.EventOrganiser{{OrgID: konp.ID}}}
	if err := b.DB.CreateEvent(ctx, meeting); err != nil {
		t.Fatal(err)
	}
	drain()
	if it := mustRemoteItem(t, a, b.URL+"/ap/danger/"+strconv.FormatInt(danger.ID, 10)); it.Kind != "danger" || it.Name != danger.Title {
		t.Fatalf("the danger on A: %+v", it)
	}
	eventID := b.URL + "/ap/event/" + strconv.FormatInt(meeting.ID, 10)
	if it := mustRemoteItem(t, a, eventID); it.Kind != "event" || it.Type != "Event" || it.Name != meeting.Title {
		t.Fatalf("the event on A: %+v", it)
	}
	meeting.MembersOnly = true
	if err := b.DB.UpdateEvent(ctx, meeting); err != nil {
		t.Fatal(err)
	}
	drain()
	if items, _, _ := a.DB.FindRemoteItems(ctx, jigsaw.RemoteItemFilter{Query: "beds"}); len(items) != 1 || items[0].Kind != "danger" {
		t.Fatalf("after the event turned members-only, A has: %+v", items)
	}

	// Nothing B sent, nor anything A shows, carries the teller.
	sent, _, err := b.DB.FindDeliveries(ctx, jigsaw.DeliveryFilter{Channel: "activitypub"}, 100, 0)
	if err != nil || len(sent) < 4 { // Accept, Create, Update, Delete
		t.Fatalf("B's deliveries: %d, %v", len(sent), err)
	}
	for _, d := range sent {
		for _, secret := range teller {
			if bytes.Contains(d.Body, []byte(secret)) {
				t.Errorf("B sent %q in %s", secret, d.Summary)
			}
		}
	}

	// A's inbox refuses what it must, with the right status.
	bKeyID, bKey, err := b.FedKeys.Signer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	forger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	note := func(n int) []byte {
		return mustJSON(t, map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": b.URL + "/activities/" + strconv.Itoa(n),
			"type": "Create", "actor": bActor, "object": map[string]any{"id": b.URL + "/notes/" + strconv.Itoa(n), "type": "Note",
				"content": "<p>Ward closures across the region</p>", "to": []string{federation.Public}, "published": "2025-06-01T09:00:00Z"}})
	}
	signedBy := func(keyID string, key *rsa.PrivateKey) func(*http.Request, []byte) {
		return func(r *http.Request, body []byte) {
			if err := federation.Sign(r, body, keyID, key); err != nil {
				t.Fatal(err)
			}
		}
	}
	bSigned := func(r *http.Request, body []byte) {
		if err := federation.Sign(r, body, bKeyID, bKey); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name        string
		contentType string
		body        []byte
		sign        func(*http.Request, []byte)
		want        int
	}{
		{"unsigned", federation.ContentType, note(1), nil, 401},
		{"signed with another key under B's key id", federation.ContentType, note(2), signedBy(bKeyID, forger), 401},
		{"not an activity", "text/plain", note(3), bSigned, 415},
		{"malformed", federation.ContentType, []byte(`{"id": "` + b.URL + `/x", "type": "Create", "actor": 12}`), bSigned, 400},
		{"300 KB", federation.ContentType, append(note(4)[:1], bytes.Repeat([]byte(" "), 300<<10)...), bSigned, 413},
		{"B's note", federation.ContentType, note(5), bSigned, 202},
		{"B's note again", federation.ContentType, note(5), bSigned, 409},
		{"B's note signed in Authorization", federation.ContentType, note(7), func(r *http.Request, body []byte) {
			bSigned(r, body)
			r.Header.Set("Authorization", "Signature "+r.Header.Get("Signature"))
			r.Header.Del("Signature")
		}, 202},
		// Mastodon tells every server of each account deleted on it: one
		// A never knew is let go without fetching its (gone) key.
		{"a stranger's account deleted", federation.ContentType, mustJSON(t, map[string]any{"id": "https://gone.invalid/users/x#delete",
			"type": "Delete", "actor": "https://gone.invalid/users/x", "object": "https://gone.invalid/users/x"}), nil, 202},
	} {
		if got := postActivity(t, a.URL+"/inbox", tt.contentType, tt.body, tt.sign); got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, got, tt.want)
		}
	}
	mustRemoteItem(t, a, b.URL+"/notes/5")

	// A unfollows B: B forgets A.
	if p := postForm(t, admin, a.URL+"/admin/federation/unfollow", url.Values{"actor": {bActor}}); p.status != 303 {
		t.Fatalf("unfollow: %d\n%s", p.status, p.body)
	}
	drain()
	if fs, _, _ := b.DB.FindFollowers(ctx, 10, 0); len(fs) != 0 {
		t.Fatalf("B's followers after A unfollowed: %+v", fs)
	}

	// A Mastodon account follows A. (After A's last delivery to B: B
	// fetched A's key less than a minute ago, so would not fetch the new
	// one A makes there, and would refuse its deliveries with 401 until it
	// may: they would wait for a retry, past this test.)
	mastodonFollows(t, a, admin, drain)

	// A blocks B: B's items go, B's posts are refused.
	if p := postForm(t, admin, a.URL+"/admin/federation/block", url.Values{"domain": {host}, "reason": {"test"}}); p.status != 303 {
		t.Fatalf("block: %d\n%s", p.status, p.body)
	}
	if items, _, _ := a.DB.FindRemoteItems(ctx, jigsaw.RemoteItemFilter{}); len(items) != 0 {
		t.Fatalf("a blocked domain's items stay: %+v", items)
	}
	if got := postActivity(t, a.URL+"/actor/inbox", federation.ContentType, note(6), bSigned); got != 403 {
		t.Errorf("a post from a blocked domain: got %d, want 403", got)
	}
	if entries, _, _ := a.DB.FindAudit(ctx, jigsaw.AuditFilter{ObjectType: "federation"}); len(entries) != 4 {
		t.Errorf("%d federation actions audited, want 4 (follow, unfollow, rotate-key, block)", len(entries))
	}

	// The view from the coalition refuses bad filters by name.
	for _, q := range []string{"q=%22%2A%22", "domain=not+a+host", "colour=red"} {
		if p := getPage(t, a.Client, a.URL+"/coalition?"+q); p.status != 400 {
			t.Errorf("/coalition?%s: %d, want 400", q, p.status)
		}
	}
}

// mastodonFollows has an account on a Mastodon-shaped server (a loopback
// stub serving the actor of testdata/mastodon-follow.json) follow a: the
// Follow is taken at the shared inbox and an Accept, signed, reaches the
// account's inbox. When a's admin replaces its key, the server's shared
// inbox gets an Update of the actor signed with the new key.
func mastodonFollows(t *testing.T, a *testrig.TestApp, admin *http.Client, drain func()) {
	ctx := context.Background()
	var fixture struct {
		Follow map[string]any
		Actor  json.RawMessage
	}
	raw, err := os.ReadFile("testdata/mastodon-follow.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &fixture); err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pubPEM, _ := json.Marshal(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
	var mu sync.Mutex
	type delivery struct {
		r    *http.Request
		body []byte
	}
	var received []delivery
	var base string
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/users/alice":
			doc := strings.ReplaceAll(string(fixture.Actor), "https://mastodon.example", base)
			doc = strings.Replace(doc, `"PUBLIC_KEY_PEM"`, string(pubPEM), 1)
			w.Header().Set("Content-Type", "application/activity+json")
			io.WriteString(w, doc)
		case r.Method == http.MethodPost && (r.URL.Path == "/users/alice/inbox" || r.URL.Path == "/inbox"):
			body, _ := io.ReadAll(r.Body)
			if r.Header.Get("Signature") == "" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			mu.Lock()
			received = append(received, delivery{r.Clone(context.Background()), body})
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
		default:
			http.NotFound(w, r)
		}
	}))
	defer stub.Close()
	base = stub.URL
	follow := fixture.Follow
	follow["id"] = strings.Replace(follow["id"].(string), "https://mastodon.example", base, 1)
	follow["actor"] = base + "/users/alice"
	follow["object"] = a.URL + "/actor"
	body := mustJSON(t, follow)
	sign := func(r *http.Request, body []byte) {
		if err := federation.Sign(r, body, base+"/users/alice#main-key", key); err != nil {
			t.Fatal(err)
		}
	}
	if got := postActivity(t, a.URL+"/inbox", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, body, sign); got != 202 {
		t.Fatalf("Mastodon's Follow: %d", got)
	}
	fs, _, _ := a.DB.FindFollowers(ctx, 10, 0)
	if len(fs) != 1 || fs[0].Actor != base+"/users/alice" || fs[0].SharedInbox != base+"/inbox" || fs[0].FollowID != follow["id"] {
		t.Fatalf("A's followers: %+v", fs)
	}
	drain()
	mu.Lock()
	got := slices.Clone(received)
	mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("the Mastodon account received %d activities, want an Accept", len(got))
	}
	var accept struct {
		Type, Actor string
		Object      struct{ ID, Type string }
	}
	if err := json.Unmarshal(got[0].body, &accept); err != nil || accept.Type != "Accept" || accept.Actor != a.URL+"/actor" ||
		accept.Object.ID != follow["id"] || accept.Object.Type != "Follow" || got[0].r.URL.Path != "/users/alice/inbox" {
		t.Fatalf("the Accept, to %s: %s (%v)", got[0].r.URL.Path, got[0].body, err)
	}

	// A replaces its key: the follower's server hears of the new one, in
	// an Update signed with it.
	if p := postForm(t, admin, a.URL+"/admin/federation/rotate-key", nil); p.status != 303 {
		t.Fatalf("rotate key: %d\n%s", p.status, p.body)
	}
	drain()
	mu.Lock()
	got = slices.Clone(received)
	mu.Unlock()
	newPEM, err := a.FedKeys.PublicKeyPEM(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var update struct {
		Type   string
		Object struct {
			ID        string
			PublicKey struct{ PublicKeyPem string }
		}
	}
	if len(got) != 2 || got[1].r.URL.Path != "/inbox" || json.Unmarshal(got[1].body, &update) != nil || update.Type != "Update" ||
		update.Object.ID != a.URL+"/actor" || update.Object.PublicKey.PublicKeyPem != newPEM {
		t.Fatalf("after the new key the server got %d activities; the last: %s", len(got), got[len(got)-1].body)
	}
	newKey, err := federation.ParsePublicKey(newPEM)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := federation.Verify(got[1].r, got[1].body, func(context.Context, string, bool) (crypto.PublicKey, error) { return newKey, nil }, time.Now()); err != nil {
		t.Fatalf("the Update is not signed with the new key: %v", err)
	}

	// The account unfollows, as Mastodon does: an Undo carrying the Follow.
	undo := mustJSON(t, map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": base + "/users/alice#follows/1/undo",
		"type": "Undo", "actor": base + "/users/alice", "object": follow})
	if got := postActivity(t, a.URL+"/inbox", federation.ContentType, undo, sign); got != 202 {
		t.Fatalf("Mastodon's Undo: %d", got)
	}
	if fs, _, _ := a.DB.FindFollowers(ctx, 10, 0); len(fs) != 0 {
		t.Fatalf("A's followers after the Undo: %+v", fs)
	}
}

func mustRemoteItem(t *testing.T, app *testrig.TestApp, objectID string) *jigsaw.RemoteItem {
	t.Helper()
	items, _, err := app.DB.FindRemoteItems(context.Background(), jigsaw.RemoteItemFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.ObjectID == objectID {
			for _, secret := range teller {
				if strings.Contains(it.Content+it.Name+it.Summary, secret) {
					t.Errorf("the item on A carries %q", secret)
				}
			}
			return it
		}
	}
	t.Fatalf("%s is not among A's remote items (%d of them)", objectID, len(items))
	return nil
}

// postActivity posts body to inbox, signed by sign (unsigned when nil),
// and returns the status.
func postActivity(t *testing.T, inbox, contentType string, body []byte, sign func(*http.Request, []byte)) int {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", contentType)
	if sign != nil {
		sign(r, body)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// getActivity reads an ActivityPub document into v.
func getActivity(t *testing.T, u string, v any) {
	t.Helper()
	r, _ := http.NewRequest(http.MethodGet, u, nil)
	r.Header.Set("Accept", federation.ContentType)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), federation.ContentType) {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

type page struct {
	status int
	body   string
}

func getPage(t *testing.T, c *http.Client, u string) page {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, string(b)}
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) page {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, string(b)}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
