package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
	"jigsaw/internal/webhooks"
)

// received is one POST a receiver got.
type received struct {
	header http.Header
	body   []byte
}

// receiver is an editor's tool on loopback: it keeps what it is sent and
// answers with the statuses it is given, then 200.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	got      []received
	statuses []int
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	rc := &receiver{statuses: statuses}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{r.Header.Clone(), b})
		status := http.StatusOK
		if len(rc.statuses) > 0 {
			status, rc.statuses = rc.statuses[0], rc.statuses[1:]
		}
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// verify checks a delivery as docs/webhooks.md tells a receiver to, written
// from that page rather than from the package's signing code: the header
// is t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" keyed with the
// secret>, and t must be recent.
func verify(secret string, h http.Header, body []byte, now time.Time) bool {
	var ts, sig string
	for _, part := range strings.Split(h.Get("Jigsaw-Signature"), ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return false
	}
	want, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	return hmac.Equal(mac.Sum(nil), want)
}

// waitFor drains the queue until cond holds: the server's own runner
// works beside the test and may hold a delivery Drain did not find.
func waitFor(t *testing.T, a *testrig.TestApp, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if err := a.Deliver.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
	}
}

type payload struct {
	ID         string          `json:"id"`
	Event      string          `json:"event"`
	OccurredAt time.Time       `json:"occurred_at"`
	Data       json.RawMessage `json:"data"`
}

// A story published, updated and withdrawn reaches a webhook as three
// signed POSTs in order, with the public view only; a webhook that asked
// for other kinds gets nothing; a receiver answering 500 is retried and
// delivered, one answering 410 is given up at once.
func TestWebhookDeliveries(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.AllowPrivatePeers = true })
			_, mod := a.AsUser(t, jigsaw.RoleModerator)
			editor := jigsaw.NewContextWithUser(ctx, mod)

			tool, other := newReceiver(t), newReceiver(t)
			hook := &jigsaw.Webhook{URL: tool.URL + "/hook", Active: true, Kinds: []string{"story"}, Actions: []string{"create", "update", "delete"}}
			if err := a.DB.CreateWebhook(editor, hook); err != nil {
				t.Fatal(err)
			}
			if err := a.DB.CreateWebhook(editor, &jigsaw.Webhook{URL: other.URL, Active: true, Kinds: []string{"event"},
				Actions: []string{"create"}}); err != nil {
				t.Fatal(err)
			}

			person := &jigsaw.Person{Name: "Zebedee Quistorp-Vane", Email: "zebedee.qv@example.invalid", Phone: "07700 900123", Postcode: "BD20 6TD"}
			story := &jigsaw.Story{Title: "Eleven hours on a trolley", Body: "Zebedee Quistorp-Vane waited.", PublicBody: "A patient waited eleven hours.",
				Kind: jigsaw.StoryPatient, District: "BD20", Area: "Keighley", HappenedOn: "2024-03", Status: jigsaw.StoryAwaitingReview,
				Byline: "A patient in Keighley"}
			if err := a.DB.CreateStory(ctx, story, person); err != nil {
				t.Fatal(err)
			}
			if err := a.DB.PublishStory(ctx, story.ID, mod, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			waitFor(t, a, "the publication", func() bool { return len(tool.received()) == 1 })
			if err := a.DB.EditStory(ctx, story.ID, "Eleven hours on a trolley at Airedale", "A patient waited eleven hours in A&E.", mod, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			waitFor(t, a, "the update", func() bool { return len(tool.received()) == 2 })
			if err := a.DB.WithdrawStory(ctx, story.ID, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			waitFor(t, a, "the withdrawal", func() bool { return len(tool.received()) == 3 })

			stored, err := a.DB.FindWebhook(ctx, hook.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := tool.received()
			var ids []int64
			for i, want := range []string{"story.published", "story.updated", "story.withdrawn"} {
				r := got[i]
				if !verify(stored.Secret, r.header, r.body, time.Now()) {
					t.Errorf("%s: signature %q does not verify", want, r.header.Get("Jigsaw-Signature"))
				}
				if verify(stored.Secret, r.header, append([]byte(" "), r.body...), time.Now()) || verify("not the secret", r.header, r.body, time.Now()) {
					t.Errorf("%s: a changed body or another secret verifies", want)
				}
				if r.header.Get("Content-Type") != "application/json" || r.header.Get("Jigsaw-Event") != want ||
					!strings.HasPrefix(r.header.Get("User-Agent"), "Jigsaw/") || r.header.Get("Jigsaw-Delivery") == "" {
					t.Errorf("%s: headers %v", want, r.header)
				}
				var p payload
				if err := json.Unmarshal(r.body, &p); err != nil {
					t.Fatalf("%s: %v in %s", want, err, r.body)
				}
				id, _ := strconv.ParseInt(p.ID, 10, 64)
				ids = append(ids, id)
				if p.Event != want || id <= 0 || p.OccurredAt.IsZero() || time.Since(p.OccurredAt) > time.Minute {
					t.Errorf("payload %s, want event %s with a change id and a recent time", r.body, want)
				}
				for _, private := range []string{"Zebedee", "Quistorp", "zebedee.qv", "07700", "BD20 6TD", "waited.\""} {
					if strings.Contains(string(r.body), private) {
						t.Errorf("%s carries private %q: %s", want, private, r.body)
					}
				}
			}
			if !(ids[0] < ids[1] && ids[1] < ids[2]) {
				t.Errorf("change ids %v are not in order", ids)
			}
			var published, updated struct {
				ID    int64  `json:"id"`
				Title string `json:"title"`
				Body  string `json:"body"`
			}
			json.Unmarshal(payloadData(t, got[0].body), &published)
			json.Unmarshal(payloadData(t, got[1].body), &updated)
			if published.ID != story.ID || published.Title != "Eleven hours on a trolley" || updated.Title != "Eleven hours on a trolley at Airedale" {
				t.Errorf("data of the publication %+v and the update %+v", published, updated)
			}
			if d := string(payloadData(t, got[2].body)); d != `{"id":`+strconv.FormatInt(story.ID, 10)+`}` {
				t.Errorf("data of the withdrawal %s, want only the id", d)
			}
			if n := len(other.received()); n != 0 {
				t.Errorf("a webhook of events got %d deliveries of a story", n)
			}

			// The log of the webhook: three done.
			log, _, err := a.DB.FindDeliveries(ctx, jigsaw.DeliveryFilter{Channel: "webhook", Target: strconv.FormatInt(hook.ID, 10)}, 10, 0)
			if err != nil || len(log) != 3 || log[0].State != jigsaw.DeliveryDone || log[0].LastStatus != 200 || log[0].Summary != "story.withdrawn "+strconv.FormatInt(story.ID, 10) {
				t.Fatalf("the webhook's log: %+v, %v", log, err)
			}

			// 500, then 200: retried (made due at once, as "retry now" does) and delivered.
			flaky := newReceiver(t, http.StatusInternalServerError)
			gone := newReceiver(t, http.StatusGone)
			for _, rc := range []*receiver{flaky, gone} {
				h := &jigsaw.Webhook{URL: rc.URL, Active: true, Kinds: []string{"dispute"}, Actions: []string{"create"}}
				if err := a.DB.CreateWebhook(editor, h); err != nil {
					t.Fatal(err)
				}
				out, err := pingOf(h)
				if err != nil {
					t.Fatal(err)
				}
				if err := a.DB.EnqueueDeliveries(ctx, out); err != nil {
					t.Fatal(err)
				}
				waitFor(t, a, "the first try", func() bool { return len(rc.received()) == 1 })
				var d *jigsaw.Delivery
				waitFor(t, a, "the first try's outcome", func() bool {
					ds, _, err := a.DB.FindDeliveries(ctx, jigsaw.DeliveryFilter{Channel: "webhook", Target: strconv.FormatInt(h.ID, 10)}, 10, 0)
					if err != nil || len(ds) != 1 {
						t.Fatalf("deliveries: %v, %v", ds, err)
					}
					d = ds[0]
					return d.Attempts == 1
				})
				if rc == gone {
					if d.State != jigsaw.DeliveryFailed || d.LastStatus != http.StatusGone {
						t.Errorf("410: %+v, want given up at once", d)
					}
					continue
				}
				if d.State != jigsaw.DeliveryPending || d.LastStatus != 500 || !strings.Contains(d.LastError, "500") {
					t.Fatalf("500: %+v, want pending a retry", d)
				}
				if err := a.DB.RetryDelivery(ctx, d.ID); err != nil {
					t.Fatal(err)
				}
				waitFor(t, a, "the retry", func() bool { return len(rc.received()) == 2 })
				if r := rc.received()[1]; r.header.Get("Jigsaw-Event") != "ping" || !verify(h.Secret, r.header, r.body, time.Now()) {
					t.Errorf("the retried ping: %v %s", r.header, r.body)
				}
			}
		})
	}
}

// pingOf is the test delivery of h.
func pingOf(h *jigsaw.Webhook) (jigsaw.Outgoing, error) { return webhooks.Ping(h, time.Now()) }

// Without --allow-private-peers a webhook on this machine's network is
// never reached: the delivery fails, to be tried again, and says why.
func TestWebhookPrivateAddressRefused(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, store.SQLite, nil)
	tool := newReceiver(t)
	h := &jigsaw.Webhook{URL: tool.URL, Active: true, Kinds: []string{"story"}, Actions: []string{"create"}}
	if err := a.DB.CreateWebhook(ctx, h); err != nil {
		t.Fatal(err)
	}
	out, err := pingOf(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DB.EnqueueDeliveries(ctx, out); err != nil {
		t.Fatal(err)
	}
	var d *jigsaw.Delivery
	waitFor(t, a, "the attempt", func() bool {
		ds, _, err := a.DB.FindDeliveries(ctx, jigsaw.DeliveryFilter{Channel: webhooks.Channel}, 10, 0)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries: %v, %v", ds, err)
		}
		d = ds[0]
		return d.Attempts == 1
	})
	if d.State != jigsaw.DeliveryPending || !strings.Contains(d.LastError, "private") || len(tool.received()) != 0 {
		t.Fatalf("delivery to loopback: %+v; the receiver got %d", d, len(tool.received()))
	}
}

func payloadData(t *testing.T, body []byte) json.RawMessage {
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	return p.Data
}
