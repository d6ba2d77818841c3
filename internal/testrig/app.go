package testrig

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"testing"
	"time"

	"jigsaw/internal/app"
	"jigsaw/internal/config"
)

// TestApp is a Jigsaw serving on a loopback port for one test.
type TestApp struct {
	*app.App
	URL    string       // base URL, e.g. http://127.0.0.1:41234
	Client *http.Client // with a cookie jar; does not follow redirects
}

// StartApp builds the same App as `jigsaw serve` on a fresh database of the
// given engine, serves it on 127.0.0.1:0 and stops it when the test ends.
// change, if not nil, may adjust the config first.
func StartApp(tb testing.TB, engine string, change func(*config.Config)) *TestApp {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	cfg := config.Config{
		Addr: ln.Addr().String(), DB: NewMigratedDSN(tb, engine), LogFormat: "text", LogLevel: "warn",
		MailFrom: "jigsaw@test.invalid", MaxBodyBytes: 1 << 20, MaxImportBytes: 64 << 20, PageCacheMB: 16, ShutdownTimeout: 5 * time.Second, SubmitPerHour: 20, DigestEvery: time.Hour,
	}
	if change != nil {
		change(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		tb.Fatal(err)
	}
	var logOut io.Writer = io.Discard
	if os.Getenv("JIGSAW_TEST_LOG") != "" {
		logOut = os.Stderr
	}
	a, err := app.Open(context.Background(), cfg, app.NewLogger(logOut, "text", "debug"))
	if err != nil {
		ln.Close()
		tb.Fatalf("open app: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("serve: %v", err)
		}
		a.Close()
	})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	// Every API answer of every test is checked against the API's document.
	CheckAPI(tb, client)
	return &TestApp{App: a, URL: "http://" + ln.Addr().String(), Client: client}
}

// Logger returns a logger that writes to the test log when JIGSAW_TEST_LOG is set.
func Logger() *slog.Logger {
	if os.Getenv("JIGSAW_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Get fetches path and returns the status and body, failing the test on a
// transport error.
func (a *TestApp) Get(tb testing.TB, path string) (int, string) {
	tb.Helper()
	resp, err := a.Client.Get(a.URL + path)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("GET %s: read body: %v", path, err)
	}
	return resp.StatusCode, string(b)
}
