package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"jigsaw/internal/store"
)

// benchEngine grows one database through the sizes and measures each; the
// reach phase, at the largest.
func benchEngine(ctx context.Context, o options, engine string, rep *report) error {
	logf("%s: sizes %v", engine, o.sizes)
	dsn, cleanup, err := newDatabase(ctx, o, engine)
	if err != nil {
		return err
	}
	defer cleanup()
	if out, err := exec.CommandContext(ctx, o.bin, "migrate", "--db", dsn, "--log-level", "warn").CombinedOutput(); err != nil {
		return fmt.Errorf("migrate: %v: %s", err, out)
	}
	have := 0
	var first int64
	for _, size := range o.sizes {
		t0 := time.Now()
		f, _, err := generate(ctx, engine, dsn, size-have, max(100, (size-have)/500))
		if err != nil {
			return fmt.Errorf("generate corpus: %w", err)
		}
		if first == 0 {
			first = f
		}
		logf("%s: corpus grown to %d stories in %s", engine, size, time.Since(t0).Round(time.Second))
		have = size
		last := size == o.sizes[len(o.sizes)-1]
		if o.phase("pages") {
			res, err := measure(ctx, o, engine, dsn, first, first+int64(size)-1, last)
			if err != nil {
				return err
			}
			res.Engine, res.Size = engine, size
			rep.results = append(rep.results, res)
		}
		if last && o.phase("reach") {
			res, err := measureReach(ctx, o, engine, dsn, size)
			if err != nil {
				return fmt.Errorf("reach: %w", err)
			}
			rep.reach = append(rep.reach, res)
		}
	}
	return nil
}

// newDatabase returns an empty database: a file, or a fresh schema in the
// benchmark PostgreSQL server.
func newDatabase(ctx context.Context, o options, engine string) (string, func(), error) {
	if engine == "sqlite" {
		return filepath.Join(o.workdir, "bench.db"), func() {}, nil
	}
	b := make([]byte, 6)
	crand.Read(b)
	schema := "bench_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", o.pgURL)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, _ := url.Parse(o.pgURL)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	}, nil
}

// proc is a server process under test.
type proc struct {
	cmd  *exec.Cmd
	addr string
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startProc(ctx context.Context, name string, args ...string) (*proc, error) {
	addr := freeAddr()
	cmd := exec.CommandContext(ctx, name, append(args, "--addr", addr)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, addr: addr}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 || resp.StatusCode == 404 {
				return p, nil
			}
		}
	}
	p.stop()
	return nil, fmt.Errorf("%s did not become ready on %s", name, addr)
}

func (p *proc) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// rssMB reads the process's resident set size from /proc.
func (p *proc) rssMB() float64 { return statusMB(p.cmd.Process.Pid, "VmRSS:") }

// sampleMemory reads a memory figure of process pid ("VmRSS:") every
// interval into peak, keeping the highest, until the function it returns
// is called.
func sampleMemory(pid int, field string, every time.Duration, peak *float64) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			*peak = max(*peak, statusMB(pid, field))
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// statusMB reads a memory figure ("VmRSS:", "VmHWM:") of a process from
// /proc, in MB; 0 if the process is gone.
func statusMB(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func (p *proc) url(path string) string { return "http://" + p.addr + path }

// pageCacheLine says what the server's page cache holds and has done, from
// its /metrics.
func pageCacheLine(p *proc) string {
	line, _ := pageCacheState(p)
	return line
}

// pageCacheState is pageCacheLine and whether the page cache has begun to
// evict pages to make room (is full), from one reading of /metrics.
func pageCacheState(p *proc) (line string, full bool) {
	m, err := get(p.url("/metrics"))
	if err != nil {
		return "page cache: " + err.Error(), false
	}
	families, err := parseMetrics(m.body)
	if err != nil {
		return "page cache: " + err.Error(), false
	}
	var figures []string
	for _, name := range slices.Sorted(maps.Keys(families)) {
		f, ok := strings.CutPrefix(name, "jigsaw_page_cache_")
		if !ok || len(families[name].GetMetric()) != 1 {
			continue
		}
		v := metricValue(families[name].GetMetric()[0])
		figures = append(figures, f+" "+strconv.FormatFloat(v, 'f', -1, 64))
		if f == "evictions_total" {
			full = v > 0
		}
	}
	return "page cache: " + strings.Join(figures, ", "), full
}

// parseMetrics reads a /metrics answer in Prometheus' text format.
func parseMetrics(body []byte) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(bytes.NewReader(body))
}

// metricValue is the value of a counter, gauge or untyped sample.
func metricValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	default:
		return m.GetUntyped().GetValue()
	}
}

func get(u string) (response, error) {
	resp, err := http.Get(u)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return response{}, fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	return response{resp.Header, b}, err
}

// response is an answer of Jigsaw's that a baseline server repeats.
type response struct {
	header http.Header
	body   []byte
}

// sizeResult holds the figures for one engine at one corpus size.
type sizeResult struct {
	Engine string
	Size   int

	IdleRSS, LoadedRSS float64
	StoryPage          loadResult // ids drawn as real traffic is: a few stories read most
	WarmRuns           int        // unmeasured runs of the same traffic before StoryPage
	StoryPageCold      loadResult // ids drawn uniformly: nearly every page rendered afresh
	StoryBaseline      loadResult
	StoryRatios        []float64 // each round's story page rate over the plain server's
	List               loadResult
	ListBaseline       loadResult
	Home               loadResult
	Dangers            int        // published tracker items
	DangerPage         loadResult // ids drawn as the stories' are
	DangerWarmRuns     int
	DangerBaseline     loadResult
	DangerList         loadResult
	DangerListBaseline loadResult
	SearchFirst        latencies // Jigsaw's first searches after start, caches cold
	SearchJigsaw       latencies
	SearchRaw          latencies
	Soak               *loadResult
	ScaleOut           *scaleResult
}

// maxWarmRuns bounds a warm-up. (A variable only so that the harness's
// smoke test can bound it lower: its corpus fills no page cache, so the
// second process's warm-up, which waits for evictions, would run them all.)
var maxWarmRuns = 10

// warmUp runs next's traffic unmeasured until a run adds less than half a
// point to the share of answers from the page cache, and returns how many
// runs it took.
func warmUp(ctx context.Context, o options, what string, next func(worker, i int) *http.Request) (runs int) {
	prev := -1.0
	return warmUntil(ctx, o, what, next, func(warm loadResult) bool {
		rose := warm.HitRate()-prev >= 0.005
		prev = warm.HitRate()
		return !rose
	})
}

// warmUntil runs next's traffic unmeasured until done says a run was the
// last needed, at most maxWarmRuns times, and returns how many runs it took.
func warmUntil(ctx context.Context, o options, what string, next func(worker, i int) *http.Request, done func(loadResult) bool) (runs int) {
	for runs < maxWarmRuns {
		warm := load(ctx, o.concurrency, o.duration, 0, next)
		runs++
		logf("%s: warming up %s", what, warm)
		if done(warm) {
			break
		}
	}
	return runs
}

// storyRounds is how many turns Jigsaw's story page and the plain server
// take at being measured.
const storyRounds = 2

// measureDangers measures a danger's page, its ids drawn as the stories'
// are (newest most read; one unmeasured run first, to fill the page cache),
// and the list of dangers by key issue, each against the plain server.
func measureDangers(ctx context.Context, o options, engine, dsn string, srv *proc, rngs []*rand.Rand, res *sizeResult) error {
	first, last, err := idRange(ctx, engine, dsn, "tracker_items")
	if err != nil || last == 0 {
		return err
	}
	res.Dangers = int(last - first + 1)
	zipfs := make([]*rand.Zipf, len(rngs))
	for i := range zipfs {
		zipfs[i] = rand.NewZipf(rngs[i], 1.1, 1, uint64(last-first))
	}
	page := func(w, i int) *http.Request {
		req, _ := http.NewRequest("GET", srv.url("/tracker/"+strconv.FormatInt(last-int64(zipfs[w].Uint64()), 10)), nil)
		return req
	}
	res.DangerWarmRuns = warmUp(ctx, o, engine+": danger pages", page)
	res.DangerPage = load(ctx, o.concurrency, o.duration, 0, page)
	logf("%s: danger page %s", engine, res.DangerPage)
	list := func(w, i int) *http.Request {
		req, _ := http.NewRequest("GET", srv.url(fmt.Sprintf("/tracker?issue=%s&page=%d", issues[i%len(issues)], 1+rngs[w].IntN(20))), nil)
		return req
	}
	warmUp(ctx, o, engine+": dangers list", list)
	res.DangerList = load(ctx, o.concurrency, o.duration, 0, list)
	logf("%s: dangers list %s", engine, res.DangerList)
	for _, b := range []struct {
		path string
		dst  *loadResult
	}{{"/tracker/" + strconv.FormatInt(last, 10), &res.DangerBaseline}, {"/tracker?issue=cuts&page=3", &res.DangerListBaseline}} {
		sample, err := get(srv.url(b.path))
		if err != nil {
			return err
		}
		if *b.dst, err = plainLoad(ctx, o, sample); err != nil {
			return err
		}
	}
	return nil
}

// idRange is the lowest and highest id in table (zeros when it is empty).
func idRange(ctx context.Context, engine, dsn, table string) (lo, hi int64, err error) {
	db, err := openRaw(engine, dsn)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	err = db.QueryRowContext(ctx, `SELECT COALESCE(min(id), 0), COALESCE(max(id), 0) FROM `+table).Scan(&lo, &hi)
	return lo, hi, err
}

// openRaw opens the database for reading outside Jigsaw.
func openRaw(engine, dsn string) (*sql.DB, error) {
	if engine == "postgres" {
		return sql.Open("pgx", dsn)
	}
	return sql.Open("sqlite", "file:"+dsn+"?_pragma=query_only(1)")
}

// plainLoad measures the plain server answering every request with resp.
func plainLoad(ctx context.Context, o options, resp response) (loadResult, error) {
	base, err := startBaseline(ctx, o, resp)
	if err != nil {
		return loadResult{}, err
	}
	defer base.stop()
	return load(ctx, o.concurrency, o.duration, 0, plainRequests(base)), nil
}

// plainRequests is the traffic of a plain server: it answers every path
// alike.
func plainRequests(base *proc) func(w, i int) *http.Request {
	return func(w, i int) *http.Request {
		req, _ := http.NewRequest("GET", base.url("/stories/1"), nil)
		return req
	}
}

// startBaseline starts the plain server answering every request with resp.
func startBaseline(ctx context.Context, o options, resp response) (*proc, error) {
	dir, err := os.MkdirTemp(o.workdir, "baseline")
	if err != nil {
		return nil, err
	}
	f := filepath.Join(dir, "body.html")
	h, _ := json.Marshal(resp.header)
	hf := filepath.Join(dir, "header.json")
	if err := os.WriteFile(f, resp.body, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(hf, h, 0o644); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return startProc(ctx, self, "baseline", "--file", f, "--header", hf)
}

type latencies struct{ P50, P99 time.Duration }

// idleSettle is how long a warmed server is left alone before its idle
// memory is read. The harness's smoke test shortens it: the figure it
// gives is not one the test checks.
var idleSettle = 2 * time.Second

func measure(ctx context.Context, o options, engine, dsn string, firstID, lastID int64, last bool) (sizeResult, error) {
	var res sizeResult
	srv, err := startProc(ctx, o.bin, "serve", "--db", dsn, "--log-level", "warn")
	if err != nil {
		return res, err
	}
	defer srv.stop()
	storyPath := func(r *rand.Rand) string {
		return "/stories/" + strconv.FormatInt(firstID+r.Int64N(lastID-firstID+1), 10)
	}

	// Warm up, then idle RSS.
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 200; i++ {
		get(srv.url(storyPath(rng)))
	}
	time.Sleep(idleSettle)
	res.IdleRSS = srv.rssMB()

	// Story page against a plain server returning the same answer.
	sample, err := get(srv.url(storyPath(rng)))
	if err != nil {
		return res, err
	}
	rngs := make([]*rand.Rand, o.concurrency)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 99))
	}
	stopSampling := sampleMemory(srv.cmd.Process.Pid, "VmRSS:", 200*time.Millisecond, &res.LoadedRSS)
	zipfs := make([]*rand.Zipf, o.concurrency)
	for i := range zipfs {
		zipfs[i] = rand.NewZipf(rngs[i], 1.1, 1, uint64(lastID-firstID))
	}
	zipfStory := func(w, i int) *http.Request {
		// Newest stories are the most read: id rank 0 is the newest.
		id := lastID - int64(zipfs[w].Uint64())
		req, _ := http.NewRequest("GET", srv.url("/stories/"+strconv.FormatInt(id, 10)), nil)
		return req
	}
	// A running server meets this traffic warm: its page cache holds what
	// such traffic leaves in it, not what a fresh start does. On a large
	// corpus one run is not enough for that (the share of hits keeps rising
	// for several runs), so the same mix runs unmeasured until a run adds
	// less than half a point to the share of hits.
	res.WarmRuns = warmUp(ctx, o, fmt.Sprintf("%s %d: story pages", engine, lastID-firstID+1), zipfStory)
	// The plain server and Jigsaw take turns, so that a change in the
	// machine's speed in the meantime (shared machines drift within
	// minutes) weighs on both alike rather than on one.
	base, err := startBaseline(ctx, o, sample)
	if err != nil {
		return res, err
	}
	defer base.stop()
	plainStory := plainRequests(base)
	for round := 1; round <= storyRounds; round++ {
		plain := load(ctx, o.concurrency, o.duration, 0, plainStory)
		story := load(ctx, o.concurrency, o.duration, 0, zipfStory)
		res.StoryBaseline, res.StoryPage = res.StoryBaseline.merge(plain), res.StoryPage.merge(story)
		if plain.Requests > 0 {
			res.StoryRatios = append(res.StoryRatios, story.RPS()/plain.RPS())
		}
		logf("%s %d: round %d: story page (real-world mix) %s; plain server %s", engine, lastID-firstID+1, round, story, plain)
	}
	logf("%s %d: %s", engine, lastID-firstID+1, pageCacheLine(srv))
	res.StoryPageCold = load(ctx, o.concurrency, o.duration, 0, func(w, i int) *http.Request {
		req, _ := http.NewRequest("GET", srv.url(storyPath(rngs[w])), nil)
		return req
	})
	logf("%s: story page (uniform, uncached) %s", engine, res.StoryPageCold)
	list, err := get(srv.url("/stories?page=3"))
	if err != nil {
		return res, err
	}
	storyList := func(w, i int) *http.Request {
		req, _ := http.NewRequest("GET", srv.url(fmt.Sprintf("/stories?issue=%s&page=%d", issues[i%len(issues)], 1+rngs[w].IntN(20))), nil)
		return req
	}
	// The lists too are measured as a running server serves them between
	// two writes, warm: rendered cold, their pages (each counting its
	// matches up to CountCap) can fill most of a run on a slow turn of the
	// machine, and the figure would measure that turn rather than the list.
	warmUp(ctx, o, engine+": story list", storyList)
	res.List = load(ctx, o.concurrency, o.duration, 0, storyList)
	logf("%s: list %s", engine, res.List)
	res.Home = load(ctx, o.concurrency, o.duration/2, 0, func(w, i int) *http.Request {
		req, _ := http.NewRequest("GET", srv.url("/"), nil)
		return req
	})
	if err := measureDangers(ctx, o, engine, dsn, srv, rngs, &res); err != nil {
		return res, err
	}
	stopSampling()
	if res.ListBaseline, err = plainLoad(ctx, o, list); err != nil {
		return res, err
	}
	logf("%s: list baseline %s", engine, res.ListBaseline)

	if res.SearchFirst, res.SearchJigsaw, res.SearchRaw, err = benchSearch(ctx, engine, dsn); err != nil {
		return res, err
	}
	logf("%s: search p99 jigsaw %s raw %s (first searches %s)", engine, res.SearchJigsaw.P99, res.SearchRaw.P99, res.SearchFirst.P99)

	if last {
		soak := load(ctx, o.soakClients, o.soak, 0, func(w, i int) *http.Request {
			r := rand.New(rand.NewPCG(uint64(w), uint64(i)))
			path := storyPath(r)
			if i%4 == 3 {
				path = "/stories?page=" + strconv.Itoa(1+r.IntN(50))
			}
			req, _ := http.NewRequest("GET", srv.url(path), nil)
			return req
		})
		res.Soak = &soak
		logf("%s: soak %s", engine, soak)
		if engine == "postgres" {
			if res.ScaleOut, err = scaleOut(ctx, o, dsn, srv, storyPath); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// scaleOut compares the read throughput of one serve process with two
// sharing the same PostgreSQL database: first as they are, then with each
// process held to a fixed CPU share (o.procCPU), when this machine lets the
// harness set one.
func scaleOut(ctx context.Context, o options, dsn string, first *proc, storyPath func(*rand.Rand) string) (*scaleResult, error) {
	second, err := startProc(ctx, o.bin, "serve", "--db", dsn, "--log-level", "warn")
	if err != nil {
		return nil, err
	}
	defer second.stop()
	runs := uint64(0)
	mk := func(procs []*proc) func(w, i int) *http.Request {
		runs++
		return scaleTraffic(o.concurrency, runs, procs, storyPath)
	}
	one, two := []*proc{first}, []*proc{first, second}
	// The first process has served all the phases before, and its page
	// cache is full; the second meets such traffic first (its connections,
	// statements and templates) and is warmed until its page cache is full
	// too. Measured while it filled, every page it kept would be memory
	// fresh from the kernel, and page faults would weigh on its figure.
	warmUntil(ctx, o, "postgres: the second process", mk([]*proc{second}), func(loadResult) bool {
		line, full := pageCacheState(second)
		logf("postgres: the second process: %s", line)
		return full
	})
	var r scaleResult
	r.One = measureProcs(ctx, o, one, mk(one))
	r.Two = measureProcs(ctx, o, two, mk(two))
	logf("postgres: one process %s; two %s", r.One.loadResult, r.Two.loadResult)
	if o.procCPU < 0 {
		return &r, nil
	}
	r.Cap = o.procCPU
	if r.Cap == 0 {
		// Two processes at their cap, with PostgreSQL and the load generator
		// doing for them what they did for one, should leave 15% of the
		// machine idle: what one process used, scaled by the share of the
		// whole machine's busy time that was its own.
		busy := r.One.CPUBusy * float64(runtime.NumCPU())
		r.Cap = math.Round(100*0.85*float64(runtime.NumCPU())/2*r.One.ProcCPU/busy) / 100
	}
	for i, p := range two {
		c, err := capCPU(p.cmd.Process.Pid, fmt.Sprintf("jigsaw-bench-%d-%d", os.Getpid(), i), r.Cap)
		if err != nil {
			r.CapErr = err.Error()
			logf("postgres: processes not held to %.2f CPU: %v", r.Cap, err)
			return &r, nil
		}
		defer c.release()
	}
	// One and two processes take turns, in the order one, two, two, one,
	// so that a change in the machine's speed weighs on both alike: single
	// runs of each gave ratios too far apart for the same code to judge by.
	for round := 1; round <= scaleRounds; round++ {
		var oneRun, twoRun procLoad
		if round%2 == 1 {
			oneRun = measureProcs(ctx, o, one, mk(one))
			twoRun = measureProcs(ctx, o, two, mk(two))
		} else {
			twoRun = measureProcs(ctx, o, two, mk(two))
			oneRun = measureProcs(ctx, o, one, mk(one))
		}
		r.OneCapped, r.TwoCapped = r.OneCapped.merge(oneRun), r.TwoCapped.merge(twoRun)
		if oneRun.Requests > 0 {
			r.CappedRatios = append(r.CappedRatios, twoRun.RPS()/oneRun.RPS())
		}
		logf("postgres: held to %.2f CPU each, round %d: one process %s (%.2f CPU); two %s (%.2f CPU)", r.Cap, round,
			oneRun.loadResult, oneRun.ProcCPU, twoRun.loadResult, twoRun.ProcCPU)
	}
	return &r, nil
}

// scaleRounds is how many turns one and two held processes take.
const scaleRounds = 2

// scaleResult holds the scale-out figures.
type scaleResult struct {
	One, Two             procLoad
	Cap                  float64   // CPUs each process was held to (0: not held)
	CapErr               string    // why they were not, if asked to be
	OneCapped, TwoCapped procLoad  // summed over the rounds
	CappedRatios         []float64 // each round's ratio, two to one
}

// scaleTraffic is the traffic of scale-out run number run: story pages,
// each client keeping to one of procs, as behind a load balancer that
// spreads connections rather than requests. Clients that took turns
// between the processes coupled them: when one process had used its CPU
// share, every client soon waited on it while the other stood idle, so
// the measure showed the coupling rather than what a second process adds
// (see the method in docs/benchmarks.md). Every run draws story ids of its
// own: a run drawing an earlier run's ids would find those pages in the
// page caches that run filled (the two-process run, measured after the
// one-process run and the second process's warm-up, would be served
// largely from them).
func scaleTraffic(clients int, run uint64, procs []*proc, storyPath func(*rand.Rand) string) func(w, i int) *http.Request {
	rngs := make([]*rand.Rand, clients)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 5+run<<8))
	}
	return func(w, i int) *http.Request {
		req, _ := http.NewRequest("GET", procs[w%len(procs)].url(storyPath(rngs[w])), nil)
		return req
	}
}

// procLoad is a load run and the CPU its serve processes used during it
// (CPU seconds a second, summed over the processes).
type procLoad struct {
	loadResult
	ProcCPU float64
}

// merge sums two runs; the CPU used is averaged over their time.
func (p procLoad) merge(o procLoad) procLoad {
	m := procLoad{loadResult: p.loadResult.merge(o.loadResult)}
	if d := m.Duration.Seconds(); d > 0 {
		m.ProcCPU = (p.ProcCPU*p.Duration.Seconds() + o.ProcCPU*o.Duration.Seconds()) / d
	}
	return m
}

func measureProcs(ctx context.Context, o options, procs []*proc, next func(w, i int) *http.Request) procLoad {
	used := func() (d time.Duration) {
		for _, p := range procs {
			d += procCPU(p.cmd.Process.Pid)
		}
		return d
	}
	before := used()
	r := load(ctx, o.concurrency, o.duration, 0, next)
	return procLoad{r, (used() - before).Seconds() / r.Duration.Seconds()}
}

// benchSearch times Jigsaw's story search against the raw full-text query
// of the same engine, on the same queries, one at a time. A first pass of
// other queries warms the caches as a running server's searches keep them
// warm; its latencies are kept too (first), as what the first searches
// after a start cost.
func benchSearch(ctx context.Context, engine, dsn string) (first, jig, raw latencies, err error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return first, jig, raw, err
	}
	defer db.Close()
	// The raw queries rank the same window of newest matches as Jigsaw
	// does (store.SearchPublicStories), without Jigsaw's joins and links.
	rq := `SELECT id FROM (SELECT rowid AS id, ` + store.SQLiteSearchScore + ` AS score FROM story_search
		WHERE story_search MATCH $1 ORDER BY rowid DESC LIMIT ` + strconv.Itoa(store.SearchWindow) + `) ORDER BY score DESC LIMIT 20`
	if engine == "postgres" {
		rq = `SELECT id FROM (SELECT id, search FROM stories WHERE status = 'published' AND search @@ plainto_tsquery('english', $1)
			ORDER BY id DESC LIMIT ` + strconv.Itoa(store.SearchWindow) + `) recent ORDER BY ts_rank(search, plainto_tsquery('english', $1)) DESC LIMIT 20`
	}
	return timeSearches(ctx, engine, dsn, []string{rq}, func(q string) error {
		_, err := db.SearchPublicStories(ctx, q, 20)
		return err
	})
}

// timeSearches times search, Jigsaw's, against the raw full-text queries
// rqs run one after the other, on the same words, one search at a time. A
// first pass of other searches warms the caches as a running server's
// searches keep them warm; its latencies are kept too (first), as what the
// first searches after a start cost.
func timeSearches(ctx context.Context, engine, dsn string, rqs []string, search func(q string) error) (first, jig, raw latencies, err error) {
	rawDB, err := openRaw(engine, dsn)
	if err != nil {
		return first, jig, raw, err
	}
	defer rawDB.Close()
	var tj, tr []time.Duration
	jigsawQuery := func(q string) error {
		t0 := time.Now()
		if err := search(q); err != nil {
			return err
		}
		tj = append(tj, time.Since(t0))
		return nil
	}
	rawQuery := func(q string) error {
		arg := q
		if engine == "sqlite" {
			words := strings.Fields(q)
			arg = `"` + words[0] + `" "` + words[1] + `"`
		}
		t0 := time.Now()
		for _, rq := range rqs {
			rows, err := rawDB.QueryContext(ctx, rq, arg)
			if err != nil {
				return err
			}
			for rows.Next() {
			}
			rows.Close()
		}
		tr = append(tr, time.Since(t0))
		return nil
	}
	for pass, seed := range []uint64{5, 3} {
		tj, tr = nil, nil
		for i, q := range searchQueries(seed) {
			// Whichever runs first reads the index cold: take turns.
			a, b := jigsawQuery, rawQuery
			if i%2 == 1 {
				a, b = rawQuery, jigsawQuery
			}
			if err := a(q); err != nil {
				return first, jig, raw, err
			}
			if err := b(q); err != nil {
				return first, jig, raw, err
			}
		}
		if pass == 0 {
			first = pcts(tj)
		}
	}
	return first, pcts(tj), pcts(tr), nil
}

// searchCount is the number of searches in each pass of timeSearches (the
// harness's smoke test, which checks no figure of them, makes fewer).
var searchCount = 300

// searchQueries are searchCount searches of two words of middling
// frequency, as people search, drawn from seed.
func searchQueries(seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 4))
	z := newZipf(r)
	var qs []string
	for i := 0; i < searchCount; i++ {
		a, b := vocabulary[20+z.Uint64()%500], vocabulary[20+z.Uint64()%2000]
		qs = append(qs, a+" "+b)
	}
	return qs
}

func pcts(d []time.Duration) latencies {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return latencies{P50: d[len(d)/2], P99: d[min(len(d)-1, len(d)*99/100)]}
}
