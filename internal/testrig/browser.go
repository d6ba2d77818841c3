package testrig

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/debugger"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumEnv names the variable holding the Chromium binary; scripts/test.sh
// sets it after installing Debian's chromium package.
const ChromiumEnv = "JIGSAW_TEST_CHROMIUM"

// Browser is a headless Chromium driven over the DevTools protocol. It
// records every script the page parses, so tests can prove that no
// script ran where none should.
type Browser struct {
	Ctx context.Context // pass to chromedp.Run

	mu         sync.Mutex
	scripts    []ParsedScript
	requests   []Request
	requestIdx map[network.RequestID]int
	viewport   Viewport
	noScripts  bool
}

// ParsedScript is a script the page made Chromium compile: a <script>
// element, an event handler or a javascript: URL, or a console call.
type ParsedScript struct {
	URL string
}

// StartBrowser starts a fresh headless Chromium (its own empty profile) that
// is closed when the test ends. Chromium comes from $JIGSAW_TEST_CHROMIUM or
// the PATH; without it the test fails under CI and is skipped in a quick
// local run (make test installs it).
func StartBrowser(tb testing.TB) *Browser {
	tb.Helper()
	bin := os.Getenv(ChromiumEnv)
	if bin == "" {
		bin, _ = exec.LookPath("chromium")
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("chromium not found: browser tests cannot run (make test installs it)")
		}
		tb.Skip("chromium not found: run make test, which installs it")
	}
	// Not tb.TempDir: Chromium may still be writing its profile while the
	// test's own cleanup runs, so the directory is removed after the browser
	// has closed.
	profile, err := os.MkdirTemp("", "jigsaw-chromium-")
	if err != nil {
		tb.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1200, 900),
		// A start takes a second or two alone, but the suite starts
		// several browsers at once beside everything else: chromedp's
		// default wait of 20 s for the new browser's address timed out.
		chromedp.WSURLReadTimeout(time.Minute),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &Browser{Ctx: ctx}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *debugger.EventScriptParsed:
			b.mu.Lock()
			// Scripts chromedp itself evaluates have no URL; anything the
			// page runs (a <script>, an event handler, a javascript: URL)
			// carries the document's or the script's URL.
			if ev.URL != "" {
				b.scripts = append(b.scripts, ParsedScript{URL: ev.URL})
			}
			b.mu.Unlock()
		case *network.EventRequestWillBeSent, *network.EventResponseReceived,
			*network.EventLoadingFinished, *network.EventLoadingFailed:
			b.onNetwork(ev)
		case *runtime.EventConsoleAPICalled:
			// Console calls can only come from script.
			b.mu.Lock()
			b.scripts = append(b.scripts, ParsedScript{URL: "console." + string(ev.Type)})
			b.mu.Unlock()
		}
	})
	// The first Run starts Chromium and ties its life to the context it is
	// given, so it gets ctx itself rather than one with a timeout.
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := debugger.Enable().Do(ctx)
		return err
	}), runtime.Enable()); err != nil {
		cancel()
		cancelAlloc()
		tb.Fatalf("start chromium: %v", err)
	}
	tb.Cleanup(func() {
		chromedp.Cancel(ctx) // closes the browser and waits for it
		cancel()
		cancelAlloc()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(50 * time.Millisecond)
		}
	})
	return b
}

// Run runs actions with a timeout, failing the test on error.
func (b *Browser) Run(tb testing.TB, actions ...chromedp.Action) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		tb.Fatalf("browser: %v", err)
	}
}

// Scripts returns the scripts pages parsed so far.
func (b *Browser) Scripts() []ParsedScript {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]ParsedScript(nil), b.scripts...)
}

// ResetScripts forgets the scripts seen so far.
func (b *Browser) ResetScripts() {
	b.mu.Lock()
	b.scripts = nil
	b.mu.Unlock()
}
