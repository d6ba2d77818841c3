package server_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/app"
	"jigsaw/internal/config"
	"jigsaw/internal/server"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

func TestOperations(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			if code, body := a.Get(t, "/healthz"); code != 200 || body != "ok\n" {
				t.Fatalf("/healthz: %d %q", code, body)
			}
			if code, body := a.Get(t, "/readyz"); code != 200 || body != "ok\n" {
				t.Fatalf("/readyz: %d %q", code, body)
			}
			a.Get(t, "/stories")
			a.Get(t, "/stories/999999")
			code, body := a.Get(t, "/metrics")
			if code != 200 {
				t.Fatalf("/metrics: %d", code)
			}
			for _, want := range []string{
				`jigsaw_http_requests_total{method="GET",route="GET /stories",status="200"} 1`,
				`jigsaw_http_requests_total{method="GET",route="GET /stories/{id}",status="404"} 1`,
				`jigsaw_http_request_duration_seconds_count{route="GET /readyz"} 1`,
				`jigsaw_db_connections{pool="read",state="idle"}`,
				"jigsaw_page_cache_entries 1\n", // /stories; the 404 is not kept
				"jigsaw_page_cache_renders_total 2\n",
				"jigsaw_page_cache_hits_total 0\n",
				`go_goroutines `,
				`version="dev"} 1`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("/metrics lacks %q", want)
				}
			}

			// A schema newer than the binary makes the process not ready.
			_, latest, _ := a.DB.SchemaVersion(context.Background())
			if err := a.DB.ExecRaw(context.Background(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', 'x')`, latest+1); err != nil {
				t.Fatal(err)
			}
			if code, body := a.Get(t, "/readyz"); code != 503 || !strings.Contains(body, "newer than this jigsaw") {
				t.Fatalf("/readyz with a newer schema: %d %q", code, body)
			}
		})
	}
}

func TestReadyzWhenDatabaseGone(t *testing.T) {
	a := testrig.StartApp(t, store.SQLite, nil)
	a.DB.Close()
	if code, _ := a.Get(t, "/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with the database closed: got %d, want 503", code)
	}
	if code, _ := a.Get(t, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz with the database closed: got %d, want 200 (the process is alive)", code)
	}
}

func TestMiddleware(t *testing.T) {
	a := testrig.StartApp(t, store.SQLite, func(c *config.Config) { c.MaxBodyBytes = 4096 })
	a.Server.HandleForTest("GET /test/panic", server.Public, func(http.ResponseWriter, *http.Request) {
		panic("secret internal detail")
	})
	a.Server.HandleForTest("POST /test/echo", server.Public, func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			a.Server.Pages.Error(w, r, err)
			return
		}
		w.Write(b)
	})

	t.Run("panic becomes a plain 500", func(t *testing.T) {
		code, body := a.Get(t, "/test/panic")
		if code != 500 || !strings.Contains(body, "Internal error") || strings.Contains(body, "secret internal detail") {
			t.Fatalf("got %d %q", code, body)
		}
		// The server is still up.
		if code, _ := a.Get(t, "/healthz"); code != 200 {
			t.Fatalf("after a panic /healthz: %d", code)
		}
	})
	t.Run("request IDs", func(t *testing.T) {
		req, _ := http.NewRequest("GET", a.URL+"/healthz", nil)
		req.Header.Set("X-Request-ID", "abc-123")
		resp, err := a.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Request-ID"); got != "abc-123" {
			t.Fatalf("sane caller ID: got %q, want it kept", got)
		}
		req.Header.Set("X-Request-ID", "<script>")
		resp, err = a.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		first := resp.Header.Get("X-Request-ID")
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]+$`).MatchString(first) {
			t.Fatalf("hostile caller ID: got %q, want a fresh one", first)
		}
		resp, err = a.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if again := resp.Header.Get("X-Request-ID"); again == first {
			t.Fatalf("two requests were both given the ID %q", first)
		}
	})
	t.Run("body limits", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			size   int
			chunk  bool
			status int
		}{
			{"small body", 100, false, 200},
			{"declared too large", 5000, false, 413},
			{"streamed too large", 5000, true, 413},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var body io.Reader = bytes.NewReader(bytes.Repeat([]byte("x"), tt.size))
				if tt.chunk {
					body = io.MultiReader(body) // hides the length: sent chunked
				}
				resp, err := a.Client.Post(a.URL+"/test/echo", "text/plain", body)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tt.status {
					t.Fatalf("got %d, want %d", resp.StatusCode, tt.status)
				}
			})
		}
	})
	t.Run("security headers", func(t *testing.T) {
		resp, err := a.Client.Get(a.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for h, want := range map[string]string{
			"Content-Security-Policy": "script-src 'self'",
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "strict-origin-when-cross-origin",
		} {
			if got := resp.Header.Get(h); !strings.Contains(got, want) {
				t.Errorf("%s: got %q, want %q", h, got, want)
			}
		}
	})
	t.Run("unknown route", func(t *testing.T) {
		if code, body := a.Get(t, "/no/such/page"); code != 404 || !strings.Contains(body, "There is no page at this address") {
			t.Fatalf("got %d %q", code, body)
		}
		resp, err := a.Client.Get(a.URL + "/api/v1/nothing")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 || !strings.Contains(string(b), `"code":"not_found"`) {
			t.Fatalf("unknown API route: %d %s, want a JSON 404", resp.StatusCode, b)
		}
	})
}

// TestGracefulShutdown cancels the server while a request is in flight: the
// request must complete, and new connections must be refused afterwards.
func TestGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{Addr: ln.Addr().String(), DB: testrig.NewDSN(t, store.SQLite), LogFormat: "text", LogLevel: "warn",
		MaxBodyBytes: 1 << 20, MaxImportBytes: 64 << 20, PageCacheMB: 16, ShutdownTimeout: 10 * time.Second, SubmitPerHour: 20, DigestEvery: time.Hour}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, testrig.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	started := make(chan struct{})
	a.Server.HandleForTest("GET /test/slow", server.Public, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(500 * time.Millisecond)
		w.Write([]byte("finished"))
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()

	var wg sync.WaitGroup
	var got string
	var gotErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		resp, err := http.Get("http://" + cfg.Addr + "/test/slow")
		if err != nil {
			gotErr = err
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got = string(b)
	}()
	<-started
	cancel()
	wg.Wait()
	if gotErr != nil || got != "finished" {
		t.Fatalf("request in flight during shutdown: got %q, %v; want it to finish", got, gotErr)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + cfg.Addr + "/healthz"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

// TestAccessChecks: routes above Public send anonymous callers to sign in
// and too-low roles with 403, before the handler runs.
func TestAccessChecks(t *testing.T) {
	a := testrig.StartApp(t, store.SQLite, nil)
	ran := false
	a.Server.HandleForTest("GET /test/moderate", server.Moderator, func(w http.ResponseWriter, r *http.Request) { ran = true })
	users := map[string]*jigsaw.User{
		"editor": {ID: 1, Role: jigsaw.RoleEditor}, "moderator": {ID: 2, Role: jigsaw.RoleModerator}, "admin": {ID: 3, Role: jigsaw.RoleAdmin},
	}
	a.Server.Authenticate = func(r *http.Request) (*jigsaw.User, error) { return users[r.Header.Get("X-Test-User")], nil }
	for _, tt := range []struct {
		user   string
		status int
	}{{"", 303}, {"editor", 403}, {"moderator", 200}, {"admin", 200}} {
		ran = false
		req, _ := http.NewRequest("GET", a.URL+"/test/moderate", nil)
		req.Header.Set("X-Test-User", tt.user)
		resp, err := a.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status || ran != (tt.status == 200) {
			t.Errorf("user %q: got %d (handler ran: %v), want %d", tt.user, resp.StatusCode, ran, tt.status)
		}
	}
}

// TestPageCache: anonymous public pages are served from the cache until any
// write, after which every page is rendered afresh — a withdrawn story must
// vanish at once.
func TestPageCache(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			st := &jigsaw.Story{Title: "Cached story", Body: "b", PublicBody: "b", Kind: jigsaw.StoryPatient, Status: jigsaw.StoryPublished, PublishedAt: time.Now()}
			if err := a.DB.CreateStory(ctx, st, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
				t.Fatal(err)
			}
			path := "/stories/" + strconv.FormatInt(st.ID, 10)
			fetch := func() (int, string, string) {
				resp, err := a.Client.Get(a.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, resp.Header.Get("X-Cache"), string(b)
			}
			code, hit, body := fetch()
			if code != 200 || hit != "" || !strings.Contains(body, "Cached story") {
				t.Fatalf("first fetch: %d %q", code, hit)
			}
			code, hit, body2 := fetch()
			if code != 200 || hit != "hit" || body2 != body {
				t.Fatalf("second fetch: %d cache %q, want a hit with the same body", code, hit)
			}
			if err := a.DB.ExecRaw(ctx, `UPDATE stories SET status = 'withdrawn' WHERE id = $1`, st.ID); err != nil {
				t.Fatal(err)
			}
			if code, hit, _ := fetch(); code != 404 || hit != "" {
				t.Fatalf("after withdrawal: %d cache %q, want 404 not from the cache", code, hit)
			}
			// A change made by another process sharing the database reaches
			// the cache within its bound.
			if err := a.DB.ExecRaw(ctx, `UPDATE stories SET status = 'published' WHERE id = $1`, st.ID); err != nil {
				t.Fatal(err)
			}
			fetch()
			if _, hit, _ := fetch(); hit != "hit" {
				t.Fatalf("republished page not cached")
			}
			other, err := store.Open(ctx, a.Config.DB)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			if err := other.ExecRaw(ctx, `UPDATE stories SET status = 'withdrawn' WHERE id = $1`, st.ID); err != nil {
				t.Fatal(err)
			}
			time.Sleep(150 * time.Millisecond)
			if code, _, _ := fetch(); code != 404 {
				t.Fatalf("withdrawn by another process: got %d after 150 ms, want 404", code)
			}
			// Signed-in users are never served from the cache.
			c, _ := a.AsUser(t, jigsaw.RoleEditor)
			for i := 0; i < 2; i++ {
				resp, err := c.Get(a.URL + "/stories")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.Header.Get("X-Cache") != "" {
					t.Fatalf("signed-in request %d served from the cache", i)
				}
			}
		})
	}
}
