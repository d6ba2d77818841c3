package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// reachResult holds the reach phase's figures for one engine at the
// largest corpus: the pages and files that journalists and campaigners
// reuse, each page against the plain server answering the same bytes, and
// a whole list exported.
type reachResult struct {
	Engine string
	Size   int
	Pages  []reachPage
	Export exportResult
	// The search of every kind (stories, dangers, disputes, organisations)
	// one query at a time, and the raw full-text queries of the same
	// indexes for the same words.
	Search, SearchRaw latencies
}

type reachPage struct {
	Name          string
	Path          string // an example of the traffic's addresses
	Jigsaw, Plain loadResult
	WarmRuns      int
}

// exportResult is a whole list exported as CSV by a freshly started server.
type exportResult struct {
	Path    string
	Rows    int
	Bytes   int64
	Took    time.Duration
	IdleRSS float64 // the server's, before the export
	// PeakAnon is the most anonymous memory (RssAnon: the heap, stacks,
	// SQLite's page cache) the server held while it exported. Its whole
	// RSS also counts the database file's pages that SQLite's readers map,
	// up to 256 MB each, which a long read fills whatever it keeps.
	PeakAnon float64
}

// reachPages are the reach phase's pages and how each request's address is
// drawn. Searches take two words of middling frequency, as benchSearch's,
// from 300 searches drawn again and again: a running server meets the same
// few searches often. The feeds, the map and the charts follow a key issue,
// or none.
var reachPages = []struct {
	name string
	path func(r *rand.Rand, i int) string
}{
	{"search page", func(r *rand.Rand, _ int) string {
		z := newZipf(rand.New(rand.NewPCG(uint64(r.IntN(300)), 9)))
		return "/search?q=" + url.QueryEscape(vocabulary[20+z.Uint64()%500]+" "+vocabulary[20+z.Uint64()%2000])
	}},
	{"stories feed (Atom)", func(_ *rand.Rand, i int) string { return "/stories.atom" + issueQuery(i) }},
	{"dangers feed (RSS)", func(_ *rand.Rand, i int) string { return "/tracker.rss" + issueQuery(i) }},
	{"map", func(_ *rand.Rand, i int) string { return "/map" + issueQuery(i) }},
	{"charts", func(*rand.Rand, int) string { return "/charts" }},
}

// issueQuery is the i-th of the lists' filters by key issue, or none.
func issueQuery(i int) string {
	if n := i % (len(issues) + 1); n > 0 {
		return "?issue=" + issues[n-1]
	}
	return ""
}

// measureReach measures the reach phase's pages warm, as a running server
// serves them between two writes, each against the plain server answering
// one of its answers, then exports every published story as CSV from a
// server of its own.
func measureReach(ctx context.Context, o options, engine, dsn string, size int) (reachResult, error) {
	res := reachResult{Engine: engine, Size: size}
	srv, err := startProc(ctx, o.bin, "serve", "--db", dsn, "--log-level", "warn")
	if err != nil {
		return res, err
	}
	rngs := make([]*rand.Rand, o.concurrency)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 21))
	}
	for _, p := range reachPages {
		next := func(w, i int) *http.Request {
			req, _ := http.NewRequest("GET", srv.url(p.path(rngs[w], i)), nil)
			return req
		}
		rp := reachPage{Name: p.name, Path: p.path(rngs[0], 1)}
		// Each of the page's filters is asked for once first, one at a
		// time: a page slower to render than a run is long (the map of a
		// million stories by key issue, on SQLite) was still rendering
		// when the warm-up judged the cache warm, for a request waiting on
		// a rendering counts as answered from the cache.
		for i := 0; i <= len(issues); i++ {
			if _, err := get(srv.url(p.path(rngs[0], i))); err != nil {
				srv.stop()
				return res, err
			}
		}
		rp.WarmRuns = warmUp(ctx, o, engine+": "+p.name, next)
		rp.Jigsaw = load(ctx, o.concurrency, o.duration, 0, next)
		logf("%s: %s %s", engine, p.name, rp.Jigsaw)
		sample, err := get(srv.url(rp.Path))
		if err != nil {
			srv.stop()
			return res, err
		}
		if rp.Plain, err = plainLoad(ctx, o, sample); err != nil {
			srv.stop()
			return res, err
		}
		logf("%s: %s, plain server %s", engine, p.name, rp.Plain)
		res.Pages = append(res.Pages, rp)
	}
	srv.stop()
	if res.Search, res.SearchRaw, err = benchSearchAll(ctx, engine, dsn); err != nil {
		return res, err
	}
	logf("%s: search of every kind p50 %s p99 %s, raw p50 %s p99 %s", engine, res.Search.P50, res.Search.P99, res.SearchRaw.P50, res.SearchRaw.P99)
	res.Export, err = measureExport(ctx, o, dsn, "/stories.csv")
	if err == nil {
		logf("%s: export %s: %d rows, %.1f MB in %s; server RSS %.1f MB idle, anonymous memory %.1f MB at most", engine, res.Export.Path, res.Export.Rows,
			float64(res.Export.Bytes)/(1<<20), res.Export.Took.Round(100*time.Millisecond), res.Export.IdleRSS, res.Export.PeakAnon)
	}
	return res, err
}

// measureExport downloads path from a server started for it alone and
// counts its CSV records as they come, so that the harness holds no more
// than a record at a time either.
func measureExport(ctx context.Context, o options, dsn, path string) (exportResult, error) {
	res := exportResult{Path: path}
	srv, err := startProc(ctx, o.bin, "serve", "--db", dsn, "--log-level", "warn")
	if err != nil {
		return res, err
	}
	defer srv.stop()
	time.Sleep(idleSettle)
	res.IdleRSS = srv.rssMB()
	t0 := time.Now()
	resp, err := http.Get(srv.url(path))
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return res, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	var peak float64
	stop := sampleMemory(srv.cmd.Process.Pid, "RssAnon:", 20*time.Millisecond, &peak)
	counted := &countingReader{r: resp.Body}
	r := csv.NewReader(counted)
	r.ReuseRecord = true
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return res, fmt.Errorf("GET %s: record %d: %w", path, res.Rows+1, err)
		}
		res.Rows++
	}
	res.Rows-- // the header
	res.Took = time.Since(t0)
	res.Bytes = counted.n
	stop()
	res.PeakAnon = peak
	return res, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// benchSearchAll times Jigsaw's search of every kind (store.SearchPublic:
// ranking, titles and snippets) against the bare full-text queries that
// find and rank the same newest matches in each kind's index, one after the other,
// on the same words, taking turns as benchSearch does; a first pass of
// other searches warms the caches.
func benchSearchAll(ctx context.Context, engine, dsn string) (jig, raw latencies, err error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return jig, raw, err
	}
	defer db.Close()
	// Each raw query finds and ranks the same window of newest matches as
	// Jigsaw does, as benchSearch's does for stories: what is left to
	// Jigsaw is ordering the kinds together and reading titles and
	// snippets.
	window := strconv.Itoa(store.SearchWindow)
	var rqs []string
	for _, k := range []struct{ fts, table, public, config string }{
		{"story_search", "stories", "status = 'published' AND ", "english"},
		{"tracker_search", "tracker_items", "published_at IS NOT NULL AND ", "english"},
		{"dispute_search", "disputes", "", "english"},
		{"organisation_search", "organisations", "", "simple"},
	} {
		if engine == "postgres" {
			rqs = append(rqs, `SELECT id FROM (SELECT id, search FROM `+k.table+` WHERE `+k.public+`search @@ plainto_tsquery('`+k.config+`', $1)
				ORDER BY id DESC LIMIT `+window+`) recent ORDER BY ts_rank(search, plainto_tsquery('`+k.config+`', $1)) DESC LIMIT 20`)
			continue
		}
		rqs = append(rqs, `SELECT id FROM (SELECT rowid AS id, `+store.SQLiteSearchScoreOf(k.fts)+` AS score FROM `+k.fts+`
			WHERE `+k.fts+` MATCH $1 ORDER BY rowid DESC LIMIT `+window+`) ORDER BY score DESC LIMIT 20`)
	}
	_, jig, raw, err = timeSearches(ctx, engine, dsn, rqs, func(q string) error {
		_, err := db.SearchPublic(ctx, jigsaw.SearchFilter{Query: q, Limit: 20})
		return err
	})
	return jig, raw, err
}
