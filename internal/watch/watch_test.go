package watch_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/imports"
	"jigsaw/internal/markdown"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
	"jigsaw/internal/watch"
)

// The real published files of the repository's testdata (see its README),
// served from a loopback server: nothing reaches the internet.
const data = "../../testdata"

var (
	countessOfChester = filepath.Join(data, "ocds", "bluetail-cf-raw-88b8ba25-1773-46b0-b5a5-37a8e3c1097a.json")
	nhsSBS            = filepath.Join(data, "ocds", "bluetail-cf-raw-2151c2ad-a80a-4bdd-8346-c8917fe8578d.json")
	brokenJSON        = filepath.Join(data, "ocds", "invalid", "cove-ocds-tenders_releases_2_releases_not_json.json")
	etr               = filepath.Join(data, "ods", "etr_2025_folakeobalakun.csv")
	fatPage1          = filepath.Join(data, "ocds", "constructed", "find-a-tender-release-package-page-1.json")
	fatPage2          = filepath.Join(data, "ocds", "constructed", "find-a-tender-release-package-page-2.json")
)

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// file is what the test server serves at one path.
type file struct {
	body         []byte
	etag         string
	lastModified time.Time
	status       int           // other than 200: the status alone
	delay        time.Duration // before answering
}

// feed is a loopback server of files by path, which counts requests and
// answers conditional GETs as a web server does.
type feed struct {
	*httptest.Server
	mu       sync.Mutex
	files    map[string]file
	requests map[string]int
	agents   []string
}

func newFeed(t *testing.T) *feed {
	f := &feed{files: map[string]file{}, requests: map[string]int{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path
		if r.URL.RawQuery != "" {
			key += "?" + r.URL.RawQuery
		}
		f.mu.Lock()
		fl, ok := f.files[key]
		f.requests[key]++
		f.agents = append(f.agents, r.UserAgent())
		f.mu.Unlock()
		if fl.delay > 0 {
			select {
			case <-time.After(fl.delay):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case !ok:
			http.NotFound(w, r)
			return
		case fl.status != 0:
			http.Error(w, "boom", fl.status)
			return
		}
		if fl.etag != "" {
			w.Header().Set("ETag", fl.etag)
		}
		if !fl.lastModified.IsZero() {
			w.Header().Set("Last-Modified", fl.lastModified.UTC().Format(http.TimeFormat))
		}
		if fl.etag != "" && r.Header.Get("If-None-Match") == fl.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && fl.etag == "" && !fl.lastModified.IsZero() && !fl.lastModified.Truncate(time.Second).After(ims) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(fl.body)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *feed) serve(path string, fl file) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[path] = fl
}

func (f *feed) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[path]
}

func newRunner(db *store.DB) *watch.Runner {
	return &watch.Runner{Store: db, Log: testrig.Logger(), UserAgent: "Jigsaw/test (+https://jigsaw.test.invalid)",
		Import: func(ctx context.Context, kind string, src *imports.Source, opt imports.Options) (*jigsaw.ImportRun, error) {
			return imports.Import(ctx, db, kind, src, opt)
		}}
}

func addSource(t *testing.T, db *store.DB, s *jigsaw.WatchedSource) *jigsaw.WatchedSource {
	t.Helper()
	if s.Kind == "" {
		s.Kind = jigsaw.ImportOCDS
	}
	if s.Schedule == "" {
		s.Schedule = jigsaw.WatchDaily
	}
	if err := db.CreateWatchedSource(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

func lastRun(t *testing.T, db *store.DB, id int64) *jigsaw.WatchRun {
	t.Helper()
	runs, err := db.FindWatchRuns(context.Background(), id, 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs of %d: %v %v", id, runs, err)
	}
	return runs[0]
}

func rows(t *testing.T, db *store.DB, table string) int64 {
	t.Helper()
	n, err := db.CountRows(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	return n[table]
}

func runNow(t *testing.T, db *store.DB, id int64) {
	t.Helper()
	if err := db.RunWatchedSourceNow(context.Background(), id); err != nil {
		t.Fatal(err)
	}
}

// The first run imports drafts; the second is answered 304 and imports
// nothing; when the file changes it is imported again.
func TestRunnerConditionalGet(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFeed(t)
		modified := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		f.serve("/notices.json", file{body: read(t, countessOfChester), etag: `"v1"`, lastModified: modified})
		src := addSource(t, db, &jigsaw.WatchedSource{Name: "Contracts Finder", URL: f.URL + "/notices.json", NHSOnly: true})
		r := newRunner(db)

		if n := r.RunDue(ctx); n != 1 {
			t.Fatalf("first RunDue ran %d sources", n)
		}
		run := lastRun(t, db, src.ID)
		if run.Status != jigsaw.WatchImported || run.Created != 1 || run.Pages != 1 || run.Bytes != int64(len(read(t, countessOfChester))) || len(run.ImportRunIDs) != 1 {
			t.Fatalf("first run: %+v", run)
		}
		got, _ := db.FindWatchedSource(ctx, src.ID)
		if got.ETag != `"v1"` || got.LastModified != modified.Format(http.TimeFormat) || got.LastStatus != jigsaw.WatchImported || got.Failures != 0 ||
			got.NextRunAt.Before(time.Now().Add(23*time.Hour)) {
			t.Fatalf("source after the first run: %+v", got)
		}
		items, _, _ := db.FindTrackerItems(ctx, jigsaw.TrackerFilter{})
		if len(items) != 1 || items[0].Published {
			t.Fatalf("imported %d items (%+v), want 1 draft", len(items), items)
		}
		importRuns, _ := db.FindImportRuns(ctx, 10)
		if len(importRuns) != 1 || importRuns[0].Source != "watch: Contracts Finder" || importRuns[0].UserID != 0 || importRuns[0].ID != run.ImportRunIDs[0] {
			t.Fatalf("import runs: %+v", importRuns)
		}
		if !strings.HasPrefix(f.agents[0], "Jigsaw/") {
			t.Errorf("User-Agent %q does not name Jigsaw", f.agents[0])
		}

		// Not due: nothing runs.
		if n := r.RunDue(ctx); n != 0 {
			t.Fatalf("RunDue ran %d sources that were not due", n)
		}
		runNow(t, db, src.ID)
		r.RunDue(ctx)
		if run := lastRun(t, db, src.ID); run.Status != jigsaw.WatchNotModified || run.Pages != 0 || len(run.ImportRunIDs) != 0 {
			t.Fatalf("second run: %+v", run)
		}
		if n := rows(t, db, "import_runs"); n != 1 {
			t.Fatalf("%d import runs after a 304, want 1", n)
		}

		// The file changes: imported again.
		f.serve("/notices.json", file{body: read(t, nhsSBS), etag: `"v2"`, lastModified: modified.Add(time.Hour)})
		runNow(t, db, src.ID)
		r.RunDue(ctx)
		if run := lastRun(t, db, src.ID); run.Status != jigsaw.WatchImported || run.Created != 1 {
			t.Fatalf("third run: %+v", run)
		}
		if got, _ := db.FindWatchedSource(ctx, src.ID); got.ETag != `"v2"` {
			t.Fatalf("ETag after the change: %q", got.ETag)
		}
		if n := rows(t, db, "import_runs"); n != 2 {
			t.Fatalf("%d import runs, want 2", n)
		}

		// A server with Last-Modified alone is asked If-Modified-Since.
		f.serve("/etr.csv", file{body: read(t, etr), lastModified: modified})
		ods := addSource(t, db, &jigsaw.WatchedSource{Name: "Trusts", Kind: jigsaw.ImportODS, URL: f.URL + "/etr.csv"})
		r.RunDue(ctx)
		if run := lastRun(t, db, ods.ID); run.Status != jigsaw.WatchImported || run.Created < 200 {
			t.Fatalf("ODS run: %+v", run)
		}
		runNow(t, db, ods.ID)
		r.RunDue(ctx)
		if run := lastRun(t, db, ods.ID); run.Status != jigsaw.WatchNotModified {
			t.Fatalf("ODS second run: %+v", run)
		}
	})
}

// A failure is recorded with its reason and a growing delay, and never
// keeps the next source from running.
func TestRunnerFailures(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFeed(t)
		f.serve("/down", file{status: http.StatusInternalServerError})
		f.serve("/broken.json", file{body: read(t, brokenJSON)})
		f.serve("/ok.json", file{body: read(t, countessOfChester)})
		down := addSource(t, db, &jigsaw.WatchedSource{Name: "Down", URL: f.URL + "/down", Schedule: jigsaw.WatchHourly})
		broken := addSource(t, db, &jigsaw.WatchedSource{Name: "Broken", URL: f.URL + "/broken.json"})
		missing := addSource(t, db, &jigsaw.WatchedSource{Name: "Missing", URL: f.URL + "/gone.json"})
		// A closed port: the connection is refused.
		ln := httptest.NewServer(http.NotFoundHandler())
		dead := ln.URL
		ln.Close()
		refused := addSource(t, db, &jigsaw.WatchedSource{Name: "Refused", URL: dead + "/x.json"})
		ok := addSource(t, db, &jigsaw.WatchedSource{Name: "OK", URL: f.URL + "/ok.json"})
		r := newRunner(db)
		r.Workers = 1
		start := time.Now()
		if n := r.RunDue(ctx); n != 5 {
			t.Fatalf("RunDue ran %d sources, want 5", n)
		}
		if run := lastRun(t, db, ok.ID); run.Status != jigsaw.WatchImported || run.Created != 1 {
			t.Fatalf("the good source after the bad: %+v", run)
		}
		for _, tt := range []struct {
			src  *jigsaw.WatchedSource
			want string
		}{
			{down, "answered HTTP 500 Internal Server Error"},
			{missing, "answered HTTP 404 Not Found"},
			{broken, "line 66, column 11"},
			{refused, "cannot be reached"},
		} {
			run := lastRun(t, db, tt.src.ID)
			got, _ := db.FindWatchedSource(ctx, tt.src.ID)
			if run.Status != jigsaw.WatchFailed || !strings.Contains(run.Message, tt.want) || got.Failures != 1 || got.LastMessage != run.Message {
				t.Errorf("%s: run %+v, source %+v; want failed with %q", tt.src.Name, run, got, tt.want)
			}
			if d := got.NextRunAt.Sub(start); d < 5*time.Minute || d > 6*time.Minute {
				t.Errorf("%s: next run in %s, want 5 minutes", tt.src.Name, d)
			}
		}
		if n := rows(t, db, "import_runs"); n != 1 {
			t.Errorf("%d import runs, want the good source's alone", n)
		}
		// Again and again: the delay doubles up to the schedule's interval.
		for i, want := range []time.Duration{10 * time.Minute, 20 * time.Minute, 40 * time.Minute, time.Hour, time.Hour} {
			runNow(t, db, down.ID)
			start := time.Now()
			r.RunDue(ctx)
			got, _ := db.FindWatchedSource(ctx, down.ID)
			if d := got.NextRunAt.Sub(start); got.Failures != i+2 || d < want || d > want+time.Minute {
				t.Fatalf("failure %d: next run in %s, failures %d; want %s", i+2, d, got.Failures, want)
			}
		}
		// Back up: the failures are forgotten.
		f.serve("/down", file{body: read(t, nhsSBS)})
		runNow(t, db, down.ID)
		r.RunDue(ctx)
		if got, _ := db.FindWatchedSource(ctx, down.ID); got.Failures != 0 || got.LastStatus != jigsaw.WatchImported {
			t.Fatalf("after recovery: %+v", got)
		}
	})
}

// A server that does not answer in time fails its source; the others run
// meanwhile.
func TestRunnerTimeout(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFeed(t)
		f.serve("/slow.json", file{body: read(t, countessOfChester), delay: 10 * time.Second})
		f.serve("/fast.json", file{body: read(t, countessOfChester)})
		slow := addSource(t, db, &jigsaw.WatchedSource{Name: "Slow", URL: f.URL + "/slow.json"})
		fast := addSource(t, db, &jigsaw.WatchedSource{Name: "Fast", URL: f.URL + "/fast.json"})
		r := newRunner(db)
		r.FetchTimeout = 300 * time.Millisecond
		start := time.Now()
		r.RunDue(ctx)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("RunDue took %s", d)
		}
		if run := lastRun(t, db, slow.ID); run.Status != jigsaw.WatchFailed || !strings.Contains(run.Message, "did not send the file within 300ms") {
			t.Errorf("slow source: %+v", run)
		}
		if run := lastRun(t, db, fast.ID); run.Status != jigsaw.WatchImported {
			t.Errorf("fast source: %+v", run)
		}
	})
}

// A paged feed is followed through links.next, each page its own import;
// the CPV filter applies to every page; the pages of a run are bounded.
func TestRunnerPagesAndFilters(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFeed(t)
		// The server stands in for Find a Tender: its address replaces
		// Find a Tender's in the links between pages.
		page := func(path string) []byte {
			return []byte(strings.ReplaceAll(string(read(t, path)), "https://www.find-tender.service.gov.uk/api/", f.URL+"/api/"))
		}
		first := "/api/1.0/ocdsReleasePackages?updatedFrom=2026-11-30T00:00:00"
		second := "/api/1.0/ocdsReleasePackages?cursor=MjAyNi0xMS0zMFQwOTowNToyMQ&updatedFrom=2026-11-30T00:00:00"
		f.serve(first, file{body: page(fatPage1), etag: `"p1"`})
		f.serve(second, file{body: page(fatPage2)})
		all := addSource(t, db, &jigsaw.WatchedSource{Name: "Find a Tender", URL: f.URL + first, NHSOnly: true})
		r := newRunner(db)
		r.RunDue(ctx)
		run := lastRun(t, db, all.ID)
		if run.Status != jigsaw.WatchImported || run.Pages != 2 || run.Created != 2 || len(run.ImportRunIDs) != 2 || !strings.HasPrefix(run.Message, "2 pages: 2 read: 2 created") {
			t.Fatalf("paged run: %+v", run)
		}
		importRuns, _ := db.FindImportRuns(ctx, 10)
		if len(importRuns) != 2 || importRuns[0].Source != "watch: Find a Tender (page 2)" || importRuns[1].Source != "watch: Find a Tender" {
			t.Fatalf("import runs: %+v", importRuns)
		}
		items, _, _ := db.FindTrackerItems(ctx, jigsaw.TrackerFilter{})
		for _, it := range items {
			full, _ := db.FindTrackerItemByID(ctx, it.ID)
			if len(full.Sources) != 1 || !strings.HasPrefix(full.Sources[0].URL, "https://www.find-tender.service.gov.uk/Notice/092") || full.Sources[0].Publisher != "Find a Tender" {
				t.Errorf("item %q sources: %+v", full.Title, full.Sources)
			}
		}

		// CPV 851 (health services) keeps the imaging award and leaves the
		// cleaning out; one page a run stops after the first.
		db2 := testrig.MustOpenDB(t, db.Engine)
		health := addSource(t, db2, &jigsaw.WatchedSource{Name: "Health services", URL: f.URL + first, CPV: []string{"851"}})
		r2 := newRunner(db2)
		r2.RunDue(ctx)
		if run := lastRun(t, db2, health.ID); run.Pages != 2 || run.Created != 1 || run.Skipped != 1 || !strings.Contains(run.Message, "CPV code not selected: 1") {
			t.Fatalf("CPV-filtered run: %+v", run)
		}
		one := addSource(t, db2, &jigsaw.WatchedSource{Name: "One page", URL: f.URL + first})
		r2.MaxPages = 1
		before := f.count(second)
		r2.RunDue(ctx)
		if run := lastRun(t, db2, one.ID); run.Pages != 1 || f.count(second) != before || !strings.Contains(run.Message, "stopped at the limit of 1 pages a run") {
			t.Fatalf("one-page run: %+v (page 2 fetched %d times, before %d)", run, f.count(second), before)
		}

		// A feed's next page on another host is not followed.
		f.serve("/elsewhere.json", file{body: []byte(strings.ReplaceAll(string(read(t, fatPage1)), "https://www.find-tender.service.gov.uk/api/", "http://10.0.0.1/api/"))})
		away := addSource(t, db2, &jigsaw.WatchedSource{Name: "Away", URL: f.URL + "/elsewhere.json"})
		r2.RunDue(ctx)
		if run := lastRun(t, db2, away.ID); run.Status != jigsaw.WatchImported || run.Pages != 1 || !strings.Contains(run.Message, "10.0.0.1 is another host than the source's") {
			t.Fatalf("run with a next page elsewhere: %+v", run)
		}
	})
}

// Two runners — two jigsaw serve processes — on one database fetch a due
// source once.
func TestRunnersShareSources(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := testrig.NewDSN(t, engine)
			open := func() *store.DB {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				db.RenderHTML = markdown.New().Render
				if _, err := db.Migrate(ctx, nil); err != nil {
					t.Fatal(err)
				}
				return db
			}
			a, b := open(), open()
			f := newFeed(t)
			var sources []*jigsaw.WatchedSource
			for i := range 4 {
				path := fmt.Sprintf("/feed-%d.json", i)
				// Slow enough that both runners are at work at once.
				f.serve(path, file{body: read(t, countessOfChester), delay: 200 * time.Millisecond})
				sources = append(sources, addSource(t, a, &jigsaw.WatchedSource{Name: fmt.Sprintf("Feed %d", i), URL: f.URL + path}))
			}
			var ran atomic.Int64
			var wg sync.WaitGroup
			for _, db := range []*store.DB{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ran.Add(int64(newRunner(db).RunDue(ctx)))
				}()
			}
			wg.Wait()
			if ran.Load() != 4 {
				t.Errorf("the runners ran %d sources, want 4", ran.Load())
			}
			for i, s := range sources {
				if n := f.count(fmt.Sprintf("/feed-%d.json", i)); n != 1 {
					t.Errorf("%s fetched %d times", s.Name, n)
				}
			}
			if n := rows(t, a, "watch_runs"); n != 4 {
				t.Errorf("%d runs recorded, want 4", n)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		failures int
		interval time.Duration
		want     time.Duration
	}{
		{1, time.Hour, 5 * time.Minute},
		{2, time.Hour, 10 * time.Minute},
		{4, time.Hour, 40 * time.Minute},
		{5, time.Hour, time.Hour},
		{50, 7 * 24 * time.Hour, 7 * 24 * time.Hour},
	} {
		if got := watch.Backoff(tt.failures, tt.interval); got != tt.want {
			t.Errorf("Backoff(%d, %s) = %s, want %s", tt.failures, tt.interval, got, tt.want)
		}
	}
}

// A gzip file is read as it is; a run cut short by the server stopping is
// recorded as interrupted, not as the source's failure, and due again.
func TestRunnerGzipAndInterruption(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		f := newFeed(t)
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(read(t, countessOfChester))
		zw.Close()
		f.serve("/notices.json.gz", file{body: gz.Bytes()})
		f.serve("/slow.json", file{body: read(t, countessOfChester), delay: 10 * time.Second})
		zipped := addSource(t, db, &jigsaw.WatchedSource{Name: "Gzipped", URL: f.URL + "/notices.json.gz"})
		r := newRunner(db)
		r.RunDue(context.Background())
		if run := lastRun(t, db, zipped.ID); run.Status != jigsaw.WatchImported || run.Created != 1 || run.Bytes != int64(gz.Len()) {
			t.Fatalf("gzip run: %+v", run)
		}

		slow := addSource(t, db, &jigsaw.WatchedSource{Name: "Slow", URL: f.URL + "/slow.json"})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		r.RunDue(ctx)
		run := lastRun(t, db, slow.ID)
		got, _ := db.FindWatchedSource(context.Background(), slow.ID)
		if run.Status != jigsaw.WatchFailed || !strings.Contains(run.Message, "Interrupted") || got.Failures != 0 || got.NextRunAt.After(time.Now()) {
			t.Fatalf("interrupted run: %+v; source %+v", run, got)
		}
	})
}
