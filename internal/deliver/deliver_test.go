package deliver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/deliver"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// post is a channel's function as federation and webhooks have one: it
// posts the payload to the target URL with the package's client.
func post(client *http.Client) deliver.Func {
	return func(ctx context.Context, d *jigsaw.Delivery) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Target, strings.NewReader(string(d.Body)))
		if err != nil {
			return 0, deliver.Permanent(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, deliver.StatusError(resp.StatusCode, "post")
	}
}

// receiver counts what each path of it received, answering as answer says.
type receiver struct {
	*httptest.Server
	mu  sync.Mutex
	got map[string][]string
}

func newReceiver(t *testing.T, answer func(path string, n int) int) *receiver {
	r := &receiver{got: map[string][]string{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got[req.URL.Path] = append(r.got[req.URL.Path], string(body))
		n := len(r.got[req.URL.Path])
		r.mu.Unlock()
		w.WriteHeader(answer(req.URL.Path, n))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) count(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got[path])
}

func TestRunner(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		db.Now = func() time.Time { return now }
		// /flaky fails once and then takes it; /gone refuses for good;
		// /down fails every time; /hang never answers in time.
		peer := newReceiver(t, func(path string, n int) int {
			switch {
			case path == "/flaky" && n == 1, path == "/down":
				return http.StatusServiceUnavailable
			case path == "/gone":
				return http.StatusGone
			case path == "/hang":
				time.Sleep(300 * time.Millisecond)
			}
			return http.StatusAccepted
		})
		targets := []string{peer.URL + "/flaky", peer.URL + "/gone", peer.URL + "/down", peer.URL + "/hang"}
		for i := range 20 {
			targets = append(targets, fmt.Sprintf("%s/ok/%d", peer.URL, i))
		}
		planned := 0
		r := &deliver.Runner{Store: db, Channels: map[string]deliver.Func{"test": post(deliver.Client(true))},
			Consumers: []deliver.Consumer{{Name: "test", Plan: func(_ context.Context, cs []jigsaw.Change) ([]jigsaw.Outgoing, error) {
				planned += len(cs)
				return []jigsaw.Outgoing{{Channel: "test", Body: []byte("changed"), Targets: targets}}, nil
			}}},
			Workers: 4, Timeout: 100 * time.Millisecond, GiveUpAfter: time.Hour, Now: func() time.Time { return now }}
		story := &jigsaw.Story{Title: "Eleven hours on a trolley", PublicBody: "The public text of it.", Kind: jigsaw.StoryPatient,
			Status: jigsaw.StoryPublished, PublishedAt: now}
		if err := db.CreateStory(ctx, story, &jigsaw.Person{Name: "A teller", Email: "teller@example.invalid"}); err != nil {
			t.Fatal(err)
		}
		if err := r.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if planned != 1 {
			t.Fatalf("planned %d changes, want 1", planned)
		}
		// A peer that hangs or is down holds up no one else.
		for i := range 20 {
			if n := peer.count(fmt.Sprintf("/ok/%d", i)); n != 1 {
				t.Fatalf("/ok/%d got %d deliveries, want 1", i, n)
			}
		}
		state := func(target string) *jigsaw.Delivery {
			t.Helper()
			ds, _, err := db.FindDeliveries(ctx, jigsaw.DeliveryFilter{Target: peer.URL + target}, 1, 0)
			if err != nil || len(ds) != 1 {
				t.Fatalf("delivery to %s: %v, %v", target, ds, err)
			}
			return ds[0]
		}
		if d := state("/gone"); d.State != jigsaw.DeliveryFailed || d.LastStatus != http.StatusGone || d.Attempts != 1 {
			t.Fatalf("410 Gone: %+v, want given up at once", d)
		}
		for _, p := range []string{"/flaky", "/down", "/hang"} {
			if d := state(p); d.State != jigsaw.DeliveryPending || !d.NextAt.After(now) || d.LastError == "" {
				t.Fatalf("%s: %+v, want pending for a retry later", p, d)
			}
		}
		// Later: the flaky peer takes it; the dead one keeps failing until
		// the hour is up, then is given up.
		now = now.Add(10 * time.Minute)
		if err := r.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if d := state("/flaky"); d.State != jigsaw.DeliveryDone || d.Attempts != 2 || peer.count("/flaky") != 2 {
			t.Fatalf("flaky: %+v after %d posts", d, peer.count("/flaky"))
		}
		now = now.Add(time.Hour)
		if err := r.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if d := state("/down"); d.State != jigsaw.DeliveryFailed || !strings.HasPrefix(d.LastError, "given up after 1h0m0s") {
			t.Fatalf("down: %+v, want given up", d)
		}
	})
}

// TestRunnersShareTheQueue has two runners, as two serve processes would,
// deliver one queue: every target gets its payload once.
func TestRunnersShareTheQueue(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		peer := newReceiver(t, func(string, int) int { return http.StatusOK })
		var targets []string
		for i := range 120 {
			targets = append(targets, fmt.Sprintf("%s/inbox/%d", peer.URL, i))
		}
		if err := db.EnqueueDeliveries(ctx, jigsaw.Outgoing{Channel: "test", Body: []byte("x"), Targets: targets}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for range 2 {
			r := &deliver.Runner{Store: db, Channels: map[string]deliver.Func{"test": post(deliver.Client(true))}, Workers: 3}
			wg.Add(1)
			go func() { defer wg.Done(); errs <- r.Drain(ctx) }()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range targets {
			if n := peer.count(fmt.Sprintf("/inbox/%d", i)); n != 1 {
				t.Fatalf("/inbox/%d got %d deliveries, want 1", i, n)
			}
		}
	})
}

func TestClientRefusesPrivateAddresses(t *testing.T) {
	peer := newReceiver(t, func(string, int) int { return http.StatusOK })
	_, err := deliver.Client(false).Post(peer.URL, "text/plain", strings.NewReader("x"))
	if !errors.Is(err, deliver.ErrPrivateAddress) {
		t.Fatalf("post to %s: %v, want ErrPrivateAddress", peer.URL, err)
	}
	if peer.count("/") != 0 {
		t.Fatal("the loopback peer was reached")
	}
	for addr, public := range map[string]bool{
		"127.0.0.1": false, "10.1.2.3": false, "192.168.0.1": false, "169.254.169.254": false, "100.64.0.1": false,
		"::1": false, "fd00::1": false, "::ffff:127.0.0.1": false, "0.0.0.0": false,
		"81.2.69.142": true, "2a00:1450:4009:81f::200e": true,
	} {
		if got := deliver.Public(netip.MustParseAddr(addr)); got != public {
			t.Errorf("Public(%s) = %v, want %v", addr, got, public)
		}
	}
}

func TestStatusError(t *testing.T) {
	for status, want := range map[int]string{200: "none", 202: "none", 400: "permanent", 401: "retry", 404: "permanent",
		408: "retry", 410: "permanent", 429: "retry", 500: "retry", 503: "retry"} {
		got := "retry"
		switch err := deliver.StatusError(status, "post"); {
		case err == nil:
			got = "none"
		case deliver.IsPermanent(err):
			got = "permanent"
		}
		if got != want {
			t.Errorf("StatusError(%d): %s, want %s", status, got, want)
		}
	}
}

func TestBackoff(t *testing.T) {
	for attempts, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 20: time.Hour} {
		if got := deliver.Backoff(attempts); got > want || got < want*4/5 {
			t.Errorf("Backoff(%d) = %v, want within a fifth under %v", attempts, got, want)
		}
	}
}
