package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// jigsawBin is the server binary the harness's tests share: built once, on
// first use (each build links the whole server).
var jigsawBin struct {
	once      sync.Once
	dir, path string
	err       error
}

// mustBuildJigsaw returns the shared server binary, building it if need be.
func mustBuildJigsaw(tb testing.TB) string {
	tb.Helper()
	jigsawBin.once.Do(func() {
		if jigsawBin.dir, jigsawBin.err = os.MkdirTemp("", "jigsaw-bench-test-"); jigsawBin.err == nil {
			jigsawBin.path = filepath.Join(jigsawBin.dir, "jigsaw")
			// Built with go test's own settings, not without cgo as the
			// harness ships it (buildJigsaw): go test has compiled every
			// package so already and only the link is left, where the
			// static build compiled them all again.
			build := exec.Command("go", "build", "-o", jigsawBin.path, "jigsaw/cmd/jigsaw")
			build.Stderr = os.Stderr
			if err := build.Run(); err != nil {
				jigsawBin.err = fmt.Errorf("build jigsaw: %w", err)
			}
		}
	})
	if jigsawBin.err != nil {
		tb.Fatal(jigsawBin.err)
	}
	return jigsawBin.path
}

// TestCrashSmoke is the short CI version of the crash test: a few rounds of
// kill -9 during submissions, on each engine. Every acknowledged story must
// survive and the database must pass its integrity check.
func TestCrashSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("kills servers for seconds; make test runs it")
	}
	bin := mustBuildJigsaw(t)
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := testrig.NewDSN(t, engine)
			res, err := crashTest(context.Background(), bin, dsn, 3, t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			if res.Acknowledged == 0 {
				t.Fatal("no story was acknowledged: the test measured nothing")
			}
			if res.Lost != 0 || !res.IntegrityOK {
				t.Fatalf("after %d kills: %d of %d acknowledged stories lost, integrity ok: %v", res.Rounds, res.Lost, res.Acknowledged, res.IntegrityOK)
			}
		})
	}
}

// TestHarnessSmoke runs the whole harness on a tiny corpus for a moment
// per figure, so the harness itself cannot rot between full runs.
func TestHarnessSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole harness for half a minute; make test runs it")
	}
	out := filepath.Join(t.TempDir(), "benchmarks.md")
	os.WriteFile(out, []byte("# Benchmarks\n\nHand-written text stays.\n"), 0o644)
	o := options{sizes: []int{300}, engines: testrig.Engines(t), duration: 300 * time.Millisecond, soak: 500 * time.Millisecond,
		concurrency: 4, soakClients: 20, crashRounds: 1, importMB: 1, importPGMB: 1, odsRows: 300, inboxes: 40, out: out, pgURL: os.Getenv(testrig.PostgresEnv),
		bin: mustBuildJigsaw(t)}
	// The idle memory is read after a moment, not the harness's 2 s: the
	// test checks no figure of it. A warm-up stops after 3 runs, not 10:
	// 300 stories fill no page cache, so the second process's warm-up,
	// which waits for the cache to evict, would run all 10.
	// Searches are timed 20 at a time, not 300: most of the PostgreSQL
	// half's time, for figures the test does not read.
	defer func(d time.Duration, n, s int) { idleSettle, maxWarmRuns, searchCount = d, n, s }(idleSettle, maxWarmRuns, searchCount)
	idleSettle, maxWarmRuns, searchCount = 100*time.Millisecond, 3, 20
	if err := run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	doc := string(b)
	for _, want := range []string{"Hand-written text stays.", markerStart, "| sqlite | 300 |", "acknowledged submissions/s", markerEnd, importMarkerStart, "| sqlite | 1 MB |", importMarkerEnd} {
		if !strings.Contains(doc, want) {
			t.Errorf("report lacks %q:\n%s", want, doc)
		}
	}
	// The reach phase measured its pages against the plain server, and
	// exported every story of the corpus.
	for _, want := range []string{reachMarkerStart, "| sqlite | 300 | search page |", "| sqlite | 300 | stories feed (Atom) |", "| sqlite | 300 | map |",
		"| sqlite | 300 | charts |", "| sqlite | `/stories.csv` | 300 |", reachMarkerEnd} {
		if !strings.Contains(doc, want) {
			t.Errorf("report lacks %q:\n%s", want, doc)
		}
	}
	// One story went to every follower's inbox, signed, once; with a tenth
	// of them dead, every live one still got the next, and the dead ones
	// wait for a retry.
	if !regexp.MustCompile(`\| sqlite \| 40 \| 16 \| [0-9.]+m?s: met \| [0-9.]+m?s \| [0-9.]+× \| 0 \| 0 \| [0-9.]+m?s \| 0 \| 4 of 4 \|`).MatchString(doc) {
		t.Errorf("no fan-out to 40 inboxes:\n%s", doc)
	}
	// The GP practice file was imported and timed.
	if !regexp.MustCompile(`\| sqlite \| 300 \| [0-9.]+m?s: (met|\*\*not met\*\*) \| 300 read: `).MatchString(doc) {
		t.Errorf("no ODS import of the GP practice file:\n%s", doc)
	}
	// The import's peak memory was read while it ran (a 1 MB import is
	// over in a fraction of a second).
	if !regexp.MustCompile(`\| sqlite \| 1 MB \|.*\| [1-9][0-9]*\.[0-9] MB: met \|`).MatchString(doc) {
		t.Errorf("no peak memory for the SQLite import:\n%s", doc)
	}
	// 300 stories fit in the page cache: once warm, most pages come from it.
	m := regexp.MustCompile(`\| sqlite \| 300 \|[^\n]*?\| ([0-9.]+)% \(([0-9]+)\) \|`).FindStringSubmatch(doc)
	if m == nil {
		t.Fatalf("no share of cached story pages in the SQLite row:\n%s", doc)
	}
	share, _ := strconv.ParseFloat(m[1], 64)
	if runs, _ := strconv.Atoi(m[2]); share < 50 || runs < 2 {
		t.Errorf("story pages: %s%% from the page cache after %s warm-up runs; want most, after at least 2", m[1], m[2])
	}
	// Dangers were made with the stories, and their pages measured.
	if !regexp.MustCompile(`\| sqlite \| 300 \| 30 \| [1-9][0-9]* \| [1-9][0-9]* \| [0-9.]+× \|`).MatchString(doc) {
		t.Errorf("no danger page figures for the SQLite corpus of 300 stories (30 dangers):\n%s", doc)
	}
	// The story page and the plain server took their turns, each counted.
	if !regexp.MustCompile(`- sqlite, 300 stories: story page [0-9.]+× of the plain server \(turns [0-9.]+×, [0-9.]+×;`).MatchString(doc) {
		t.Errorf("no ratio for each of the story page's two turns:\n%s", doc)
	}
	// One and two held processes took their turns, each counted (where
	// this machine lets the harness hold them to a CPU share).
	if strings.Contains(doc, "held to") && !regexp.MustCompile(`\(turns [0-9.]+×, [0-9.]+×; goal ≥ 1\.7×`).MatchString(doc) {
		t.Errorf("no ratio for each of the held scale-out's two turns:\n%s", doc)
	}
	if strings.Contains(doc, " 0 req in") {
		t.Errorf("a load run made no requests:\n%s", doc)
	}
}

// TestMain lets the test binary stand in for the harness binary when the
// harness starts its baseline server as a child process.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "baseline" {
		runBaseline(os.Args[2:])
		return
	}
	code := m.Run()
	if jigsawBin.dir != "" {
		os.RemoveAll(jigsawBin.dir)
	}
	os.Exit(code)
}

// cpuTimes counts busy time: a second of this process spinning shows as
// busy ticks, never more than the total.
func TestCPUTimes(t *testing.T) {
	busy0, total0 := cpuTimes()
	for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
	}
	busy1, total1 := cpuTimes()
	if total1 <= total0 || busy1 <= busy0 || busy1-busy0 > total1-total0 {
		t.Fatalf("busy %d→%d of total %d→%d: want busy to grow, and by no more than the total", busy0, busy1, total0, total1)
	}
}

// Turns taken together count every request of each, and their percentiles
// are those of all their answers, not of either turn's.
func TestLoadResultMerge(t *testing.T) {
	run := func(r loadResult, ms ...int) loadResult {
		r.hist = &histogram{}
		for _, n := range ms {
			r.hist.add(time.Duration(n) * time.Millisecond)
		}
		r.setPercentiles()
		return r
	}
	a := run(loadResult{Requests: 4, Hits: 3, Errors: 1, Duration: time.Second, CPUBusy: 0.5}, 1, 2, 3, 4)
	b := run(loadResult{Requests: 4, Hits: 1, Duration: 3 * time.Second, CPUBusy: 0.9, FirstErr: "boom"}, 10, 20, 30, 40)
	m := loadResult{}.merge(a).merge(b)
	if m.Requests != 8 || m.Hits != 4 || m.Errors != 1 || m.Duration != 4*time.Second || m.FirstErr != "boom" {
		t.Fatalf("merged %+v", m)
	}
	if m.RPS() != 2 || m.HitRate() != 0.5 || math.Abs(m.CPUBusy-0.8) > 1e-9 {
		t.Errorf("merged rate %.2f req/s, hit rate %.2f, CPU busy %.2f: want 2, 0.5, 0.8", m.RPS(), m.HitRate(), m.CPUBusy)
	}
	// A percentile is its bucket's upper edge: at most 1% over.
	near := func(got time.Duration, ms int) bool {
		want := time.Duration(ms) * time.Millisecond
		return got >= want && got <= want+want/100
	}
	if !near(m.P50, 10) || !near(m.P90, 40) || m.Max != 40*time.Millisecond || a.Max != 4*time.Millisecond || !near(a.P50, 3) {
		t.Errorf("merged p50 %s p90 %s max %s (a: p50 %s max %s): want 10ms, 40ms, 40ms (3ms, 4ms)", m.P50, m.P90, m.Max, a.P50, a.Max)
	}
}

// The histogram's percentiles hold to 1% from a microsecond to a minute.
func TestHistogram(t *testing.T) {
	var h histogram
	for d := time.Microsecond; d <= time.Minute; d = d * 101 / 100 {
		h.add(d)
		if got := h.quantile(1); got != d {
			t.Fatalf("after %s the largest is %s", d, got)
		}
	}
	for _, p := range []float64{0.01, 0.5, 0.9, 0.99} {
		var sorted []time.Duration
		for d := time.Microsecond; d <= time.Minute; d = d * 101 / 100 {
			sorted = append(sorted, d)
		}
		want := sorted[int(float64(len(sorted))*p)]
		if got := h.quantile(p); got < want || got > want+want/100 {
			t.Errorf("p%.0f %s: want %s to 1%% over", 100*p, got, want)
		}
	}
}

// A corpus writes its stories' links itself, with the link triggers off
// while it loads: every story's links must read as the triggers would have
// written them, including a story whose link rows fell into the next
// transaction, and the triggers must be there and work afterwards.
func TestCorpusLinks(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testCorpusLinks(t, engine) })
	}
}

func testCorpusLinks(t *testing.T, engine string) {
	ctx := context.Background()
	dsn := testrig.NewDSN(t, engine)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { commitRows = n }(commitRows)
	commitRows = 500 // many transactions, so that some split a story from its links
	first, last, err := generate(ctx, engine, dsn, 1500, 50)
	if err != nil {
		t.Fatal(err)
	}
	driver, stored, now, triggers := "pgx", `SELECT s.id, l.links::text, story_links_now(s.id)::text
		FROM stories s LEFT JOIN story_links l ON l.story_id = s.id`, `SELECT links::text FROM story_links WHERE story_id = $1`,
		`SELECT count(*) FROM pg_trigger WHERE tgrelid IN ('story_key_issues'::regclass, 'story_organisations'::regclass)
			AND tgname LIKE '%_links' AND tgenabled = 'O'`
	if engine == store.SQLite {
		driver, dsn, stored, now, triggers = "sqlite", "file:"+dsn, `SELECT s.id, s.public_links, n.links
			FROM stories s JOIN story_links_now n ON n.story_id = s.id`, `SELECT public_links FROM stories WHERE id = $1`,
			`SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'
				AND name IN ('story_key_issues_links_insert', 'story_organisations_links_insert')`
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(stored)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var id int64
		var got sql.NullString
		var want string
		if err := rows.Scan(&id, &got, &want); err != nil {
			t.Fatal(err)
		}
		if g, w := linkSets(t, got.String), linkSets(t, want); g != w {
			t.Errorf("story %d: links %s, want %s", id, g, w)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var on int
	if err := db.QueryRow(triggers).Scan(&on); err != nil {
		t.Fatal(err)
	}
	if n != 1500 || on != 2 {
		t.Fatalf("stories %d (%d–%d), link triggers on %d: want 1500 and 2", n, first, last, on)
	}
	// The triggers work again: a story's key issues replaced show in its links.
	if _, err := db.Exec(`DELETE FROM story_key_issues WHERE story_id = $1`, first); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO story_key_issues (story_id, key_issue) VALUES ($1, 'cuts')`, first); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := db.QueryRow(now, first).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if g := linkSets(t, got); !strings.HasPrefix(g, `key_issues ["cuts"];`) {
		t.Fatalf("links after replacing the story's key issues: %s", g)
	}
}

// linkSets spells a story's links JSON with each list sorted: the engines'
// JSON aggregates keep the order rows were read in, which a load may change.
func linkSets(t *testing.T, links string) string {
	t.Helper()
	if links == "" {
		return "none"
	}
	var m map[string][]json.RawMessage
	if err := json.Unmarshal([]byte(links), &m); err != nil {
		t.Fatalf("links %q: %v", links, err)
	}
	var b strings.Builder
	for _, key := range []string{"key_issues", "organisations", "replies"} {
		var items []string
		for _, v := range m[key] {
			var c bytes.Buffer
			json.Compact(&c, v)
			items = append(items, c.String())
		}
		slices.Sort(items)
		fmt.Fprintf(&b, "%s [%s]; ", key, strings.Join(items, ","))
	}
	return b.String()
}

// Each scale-out run must ask for stories of its own: runs that repeat an
// earlier run's ids are served from the page caches it filled, and measure
// those instead of the processes. Each client keeps to one process.
func TestScaleTrafficDrawsNewIDs(t *testing.T) {
	procs := []*proc{{addr: "a"}, {addr: "b"}}
	storyPath := func(r *rand.Rand) string { return "/stories/" + strconv.Itoa(1+r.IntN(1000000)) }
	seen := map[string]int{}
	for run := uint64(1); run <= 4; run++ {
		next := scaleTraffic(8, run, procs, storyPath)
		for w := 0; w < 8; w++ {
			for i := 0; i < 100; i++ {
				u := next(w, i).URL
				if want := procs[w%2].addr; u.Host != want {
					t.Fatalf("run %d, client %d, request %d went to %s, want %s", run, w, i, u.Host, want)
				}
				seen[u.Path]++
			}
		}
	}
	// 3,200 draws from a million ids: a few may repeat by chance, not whole runs.
	if len(seen) < 3150 {
		t.Fatalf("4 runs of 800 requests asked for %d different stories: runs repeat each other's ids", len(seen))
	}
}
