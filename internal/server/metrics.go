package server

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"jigsaw/internal/store"
)

// durationBuckets are the upper bounds, in seconds, of the request duration
// histogram.
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics counts requests by route pattern and status and times them, and
// writes them with the database pool and Go runtime figures in Prometheus'
// text format. It is a few counters, so it is written here rather than
// pulling in a client library.
type Metrics struct {
	mu       sync.Mutex
	requests map[requestKey]uint64
	hists    map[string]*histogram
	started  time.Time
}

type requestKey struct {
	route, method, status string
}

type histogram struct {
	counts []uint64 // one per bucket, not cumulative
	count  uint64
	sum    float64
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{requests: map[requestKey]uint64{}, hists: map[string]*histogram{}, started: time.Now()}
}

// Observe records one finished request.
func (m *Metrics) Observe(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, method, strconv.Itoa(status)}]++
	h := m.hists[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets))}
		m.hists[route] = h
	}
	secs := d.Seconds()
	h.count++
	h.sum += secs
	for i, b := range durationBuckets {
		if secs <= b {
			h.counts[i]++
			break
		}
	}
}

// Handler serves /metrics.
func (m *Metrics) Handler(db *store.DB, cache *pageCache, version string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.write(w, db, cache, version)
	})
}

func (m *Metrics) write(w io.Writer, db *store.DB, cache *pageCache, version string) {
	fmt.Fprintf(w, "# HELP jigsaw_build_info Build information.\n# TYPE jigsaw_build_info gauge\n")
	fmt.Fprintf(w, "jigsaw_build_info{version=%q,goversion=%q,engine=%q} 1\n", version, runtime.Version(), db.Engine)
	fmt.Fprintf(w, "# HELP process_start_time_seconds Start time of the process.\n# TYPE process_start_time_seconds gauge\n")
	fmt.Fprintf(w, "process_start_time_seconds %d\n", m.started.Unix())

	m.mu.Lock()
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		return a.route+" "+a.method+" "+a.status < b.route+" "+b.method+" "+b.status
	})
	fmt.Fprintf(w, "# HELP jigsaw_http_requests_total HTTP requests by route pattern, method and status.\n# TYPE jigsaw_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(w, "jigsaw_http_requests_total{route=%q,method=%q,status=%q} %d\n", k.route, k.method, k.status, m.requests[k])
	}
	routes := make([]string, 0, len(m.hists))
	for r := range m.hists {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	fmt.Fprintf(w, "# HELP jigsaw_http_request_duration_seconds Time to answer a request, by route pattern.\n# TYPE jigsaw_http_request_duration_seconds histogram\n")
	for _, route := range routes {
		h := m.hists[route]
		var cum uint64
		for i, b := range durationBuckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "jigsaw_http_request_duration_seconds_bucket{route=%q,le=%q} %d\n", route, strconv.FormatFloat(b, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "jigsaw_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", route, h.count)
		fmt.Fprintf(w, "jigsaw_http_request_duration_seconds_sum{route=%q} %g\n", route, h.sum)
		fmt.Fprintf(w, "jigsaw_http_request_duration_seconds_count{route=%q} %d\n", route, h.count)
	}
	m.mu.Unlock()

	queries, pages := db.StoryPageReads()
	fmt.Fprintf(w, "# HELP jigsaw_db_story_page_queries_total Queries that read story pages (PostgreSQL; one reads every page asked for meanwhile).\n# TYPE jigsaw_db_story_page_queries_total counter\njigsaw_db_story_page_queries_total %d\n", queries)
	fmt.Fprintf(w, "# HELP jigsaw_db_story_pages_read_total Story pages those queries were asked for.\n# TYPE jigsaw_db_story_pages_read_total counter\njigsaw_db_story_pages_read_total %d\n", pages)
	read, write := db.Stats()
	fmt.Fprintf(w, "# HELP jigsaw_db_connections Database connections by pool and state.\n# TYPE jigsaw_db_connections gauge\n")
	for _, p := range []struct {
		name        string
		inUse, idle int
	}{{"read", read.InUse, read.Idle}, {"write", write.InUse, write.Idle}} {
		fmt.Fprintf(w, "jigsaw_db_connections{pool=%q,state=\"in_use\"} %d\n", p.name, p.inUse)
		fmt.Fprintf(w, "jigsaw_db_connections{pool=%q,state=\"idle\"} %d\n", p.name, p.idle)
	}
	fmt.Fprintf(w, "# HELP jigsaw_db_wait_total Times a request waited for a database connection.\n# TYPE jigsaw_db_wait_total counter\n")
	fmt.Fprintf(w, "jigsaw_db_wait_total{pool=\"read\"} %d\njigsaw_db_wait_total{pool=\"write\"} %d\n", read.WaitCount, write.WaitCount)
	fmt.Fprintf(w, "# HELP jigsaw_db_wait_seconds_total Time spent waiting for a database connection.\n# TYPE jigsaw_db_wait_seconds_total counter\n")
	fmt.Fprintf(w, "jigsaw_db_wait_seconds_total{pool=\"read\"} %g\njigsaw_db_wait_seconds_total{pool=\"write\"} %g\n", read.WaitDuration.Seconds(), write.WaitDuration.Seconds())

	c := cache.stats()
	fmt.Fprintf(w, "# HELP jigsaw_page_cache_entries Public pages in the page cache.\n# TYPE jigsaw_page_cache_entries gauge\njigsaw_page_cache_entries %d\n", c.entries)
	fmt.Fprintf(w, "# HELP jigsaw_page_cache_shared_parts Parts the cached pages share, kept once (their layout).\n# TYPE jigsaw_page_cache_shared_parts gauge\njigsaw_page_cache_shared_parts %d\n", c.shared)
	fmt.Fprintf(w, "# HELP jigsaw_page_cache_bytes Bytes the page cache holds.\n# TYPE jigsaw_page_cache_bytes gauge\njigsaw_page_cache_bytes %d\n", c.bytes)
	fmt.Fprintf(w, "# HELP jigsaw_page_cache_max_bytes Bytes the page cache may hold (--page-cache-mb).\n# TYPE jigsaw_page_cache_max_bytes gauge\njigsaw_page_cache_max_bytes %d\n", c.maxBytes)
	fmt.Fprintf(w, "# HELP jigsaw_page_cache_hits_total Answers from the page cache.\n# TYPE jigsaw_page_cache_hits_total counter\njigsaw_page_cache_hits_total %d\n", c.hits)
	fmt.Fprintf(w, "# HELP jigsaw_page_cache_renders_total Cacheable pages rendered because the cache did not hold them.\n# TYPE jigsaw_page_cache_renders_total counter\njigsaw_page_cache_renders_total %d\n", c.renders)
	fmt.Fprintf(w, "# HELP jigsaw_page_cache_evictions_total Pages pushed out of the page cache to make room.\n# TYPE jigsaw_page_cache_evictions_total counter\njigsaw_page_cache_evictions_total %d\n", c.evictions)

	writeRuntimeMetrics(w)
}

// runtimeMetrics maps Go runtime metrics to Prometheus names.
var runtimeMetrics = []struct{ name, prom, help, typ string }{
	{"/sched/goroutines:goroutines", "go_goroutines", "Number of goroutines.", "gauge"},
	{"/memory/classes/heap/objects:bytes", "go_memstats_heap_alloc_bytes", "Bytes of live and unswept heap objects.", "gauge"},
	{"/memory/classes/total:bytes", "go_memstats_sys_bytes", "Bytes of memory mapped by the Go runtime.", "gauge"},
	{"/gc/cycles/total:gc-cycles", "go_gc_cycles_total", "Completed GC cycles.", "counter"},
	{"/gc/heap/allocs:bytes", "go_memstats_alloc_bytes_total", "Bytes allocated on the heap.", "counter"},
	{"/sched/gomaxprocs:threads", "go_gomaxprocs", "GOMAXPROCS.", "gauge"},
}

func writeRuntimeMetrics(w io.Writer) {
	samples := make([]metrics.Sample, len(runtimeMetrics))
	for i, m := range runtimeMetrics {
		samples[i].Name = m.name
	}
	metrics.Read(samples)
	for i, m := range runtimeMetrics {
		var v float64
		switch samples[i].Value.Kind() {
		case metrics.KindUint64:
			v = float64(samples[i].Value.Uint64())
		case metrics.KindFloat64:
			v = samples[i].Value.Float64()
		default:
			continue
		}
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", m.prom, m.help, m.prom, m.typ, m.prom, strings.TrimSuffix(strconv.FormatFloat(v, 'f', -1, 64), ".0"))
	}
}
