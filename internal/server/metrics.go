package server

import (
	"context"
	"database/sql"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// durationBuckets are the upper bounds, in seconds, of the request duration
// histogram.
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics counts requests by route pattern and status and times them, and
// serves them with the database pool, page cache, Go runtime and process
// figures through the Prometheus client, which writes the exposition format
// (label escaping, content negotiation) so we need not. Each Metrics has a
// registry of its own: two servers in one process (tests) keep apart.
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec

	once    sync.Once
	handler http.Handler
}

// NewMetrics returns empty request metrics, with the Go runtime and process
// collectors registered.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jigsaw_http_requests_total",
			Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "jigsaw_http_request_duration_seconds",
			Help:    "Time to answer a request, by route pattern.",
			Buckets: durationBuckets,
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.durations,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		// Two runtime figures that earlier releases wrote by hand, under
		// these names; the Go collector has them under others. Kept so that
		// dashboards built on them keep working.
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "go_gc_cycles_total", Help: "Completed GC cycles."}, gcCycles),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "go_gomaxprocs", Help: "GOMAXPROCS."}, func() float64 {
			return float64(runtime.GOMAXPROCS(0))
		}),
	)
	return m
}

// gcCycles returns how many GC cycles have completed.
func gcCycles() float64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return float64(s[0].Value.Uint64())
}

// Observe records one finished request. A request that matched no route is
// counted under "unmatched".
func (m *Metrics) Observe(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.durations.WithLabelValues(route).Observe(d.Seconds())
}

// MetricsHandler serves the metrics: as /metrics on the main address, or
// on its own address when --metrics-addr is set (app.App.ServeMetrics).
func (s *Server) MetricsHandler() http.Handler {
	return s.Metrics.serve(s.DB, s.cache, s.Version)
}

// serve returns the handler of the metrics. The first call registers what
// is read at each scrape from db and cache, and the build information; the
// server builds its Metrics before its page cache, so this cannot be done
// in NewMetrics.
func (m *Metrics) serve(db Database, cache *pageCache, version string) http.Handler {
	m.once.Do(func() {
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name:        "jigsaw_build_info",
				Help:        "Build information.",
				ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version(), "engine": db.EngineName()},
			}, func() float64 { return 1 }),
			newStoreCollector(db),
			newCacheCollector(cache),
		)
		m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
			// Metrics that fail to be read are left out rather than
			// failing the scrape: a dashboard with a gap beats none.
			ErrorHandling: promhttp.ContinueOnError,
			Registry:      m.reg,
		})
	})
	return m.handler
}

// storeCollector reads the database's figures at each scrape.
type storeCollector struct {
	db                              Database
	pageQueries, pagesRead          *prometheus.Desc
	connections, waits, waitSeconds *prometheus.Desc
	deliveries                      *prometheus.Desc
}

func newStoreCollector(db Database) *storeCollector {
	return &storeCollector{
		db: db,
		pageQueries: prometheus.NewDesc("jigsaw_db_story_page_queries_total",
			"Queries that read story pages (PostgreSQL; one reads every page asked for meanwhile).", nil, nil),
		pagesRead: prometheus.NewDesc("jigsaw_db_story_pages_read_total",
			"Story pages those queries were asked for.", nil, nil),
		connections: prometheus.NewDesc("jigsaw_db_connections",
			"Database connections by pool and state.", []string{"pool", "state"}, nil),
		waits: prometheus.NewDesc("jigsaw_db_wait_total",
			"Times a request waited for a database connection.", []string{"pool"}, nil),
		waitSeconds: prometheus.NewDesc("jigsaw_db_wait_seconds_total",
			"Time spent waiting for a database connection.", []string{"pool"}, nil),
		deliveries: prometheus.NewDesc("jigsaw_deliveries",
			"Deliveries to peers and webhooks in the queue, by channel and state (finished ones are kept a week).", []string{"channel", "state"}, nil),
	}
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pageQueries
	ch <- c.pagesRead
	ch <- c.connections
	ch <- c.waits
	ch <- c.waitSeconds
	ch <- c.deliveries
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	queries, pages := c.db.StoryPageReads()
	ch <- prometheus.MustNewConstMetric(c.pageQueries, prometheus.CounterValue, float64(queries))
	ch <- prometheus.MustNewConstMetric(c.pagesRead, prometheus.CounterValue, float64(pages))
	read, write := c.db.Stats()
	for _, p := range []struct {
		name  string
		stats sql.DBStats
	}{{"read", read}, {"write", write}} {
		ch <- prometheus.MustNewConstMetric(c.connections, prometheus.GaugeValue, float64(p.stats.InUse), p.name, "in_use")
		ch <- prometheus.MustNewConstMetric(c.connections, prometheus.GaugeValue, float64(p.stats.Idle), p.name, "idle")
		ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, float64(p.stats.WaitCount), p.name)
		ch <- prometheus.MustNewConstMetric(c.waitSeconds, prometheus.CounterValue, p.stats.WaitDuration.Seconds(), p.name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.db.CountDeliveries(ctx, false)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.deliveries, err)
		return
	}
	for _, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.deliveries, prometheus.GaugeValue, float64(n.Count), n.Channel, string(n.State))
	}
}

// cacheCollector reads the page cache's figures at each scrape, all from
// one look at the cache so they agree with each other.
type cacheCollector struct {
	cache                            *pageCache
	entries, shared, bytes, maxBytes *prometheus.Desc
	hits, renders, evictions         *prometheus.Desc
}

func newCacheCollector(cache *pageCache) *cacheCollector {
	return &cacheCollector{
		cache:     cache,
		entries:   prometheus.NewDesc("jigsaw_page_cache_entries", "Public pages in the page cache.", nil, nil),
		shared:    prometheus.NewDesc("jigsaw_page_cache_shared_parts", "Parts the cached pages share, kept once (their layout).", nil, nil),
		bytes:     prometheus.NewDesc("jigsaw_page_cache_bytes", "Bytes the page cache holds.", nil, nil),
		maxBytes:  prometheus.NewDesc("jigsaw_page_cache_max_bytes", "Bytes the page cache may hold (--page-cache-mb).", nil, nil),
		hits:      prometheus.NewDesc("jigsaw_page_cache_hits_total", "Answers from the page cache.", nil, nil),
		renders:   prometheus.NewDesc("jigsaw_page_cache_renders_total", "Cacheable pages rendered because the cache did not hold them.", nil, nil),
		evictions: prometheus.NewDesc("jigsaw_page_cache_evictions_total", "Pages pushed out of the page cache to make room.", nil, nil),
	}
}

func (c *cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.entries, c.shared, c.bytes, c.maxBytes, c.hits, c.renders, c.evictions} {
		ch <- d
	}
}

func (c *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.cache.stats()
	ch <- prometheus.MustNewConstMetric(c.entries, prometheus.GaugeValue, float64(s.entries))
	ch <- prometheus.MustNewConstMetric(c.shared, prometheus.GaugeValue, float64(s.shared))
	ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.GaugeValue, float64(s.bytes))
	ch <- prometheus.MustNewConstMetric(c.maxBytes, prometheus.GaugeValue, float64(s.maxBytes))
	ch <- prometheus.MustNewConstMetric(c.hits, prometheus.CounterValue, float64(s.hits))
	ch <- prometheus.MustNewConstMetric(c.renders, prometheus.CounterValue, float64(s.renders))
	ch <- prometheus.MustNewConstMetric(c.evictions, prometheus.CounterValue, float64(s.evictions))
}
