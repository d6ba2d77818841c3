package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/server"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// MustParseMetrics parses a /metrics answer with Prometheus' own text
// parser, which refuses malformed exposition (a bad escape, a sample
// without its family's type, a family written twice).
func MustParseMetrics(tb testing.TB, body string) map[string]*dto.MetricFamily {
	tb.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		tb.Fatalf("/metrics is not Prometheus text format: %v\n%s", err, body)
	}
	return fams
}

// sample returns the metric of family name whose labels include want.
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		return m
	}
	return nil
}

func TestMetricsExposition(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			a.Get(t, "/stories")
			a.Get(t, "/stories") // from the page cache
			a.Get(t, "/no/such/page")
			// Two deliveries of a channel no runner delivers: they wait.
			if err := a.DB.EnqueueDeliveries(context.Background(), jigsaw.Outgoing{Channel: "nowhere", Body: []byte("x"),
				Targets: []string{"https://a.example/inbox", "https://b.example/inbox"}}); err != nil {
				t.Fatal(err)
			}
			resp, err := a.Client.Get(a.URL + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
				t.Errorf("Content-Type %q, want Prometheus text format", ct)
			}
			_, body := a.Get(t, "/metrics")
			fams := MustParseMetrics(t, body)

			for name, typ := range map[string]dto.MetricType{
				"jigsaw_build_info":                    dto.MetricType_GAUGE,
				"jigsaw_http_requests_total":           dto.MetricType_COUNTER,
				"jigsaw_http_request_duration_seconds": dto.MetricType_HISTOGRAM,
				"jigsaw_db_story_page_queries_total":   dto.MetricType_COUNTER,
				"jigsaw_db_story_pages_read_total":     dto.MetricType_COUNTER,
				"jigsaw_db_connections":                dto.MetricType_GAUGE,
				"jigsaw_db_wait_total":                 dto.MetricType_COUNTER,
				"jigsaw_db_wait_seconds_total":         dto.MetricType_COUNTER,
				"jigsaw_page_cache_entries":            dto.MetricType_GAUGE,
				"jigsaw_page_cache_shared_parts":       dto.MetricType_GAUGE,
				"jigsaw_page_cache_bytes":              dto.MetricType_GAUGE,
				"jigsaw_page_cache_max_bytes":          dto.MetricType_GAUGE,
				"jigsaw_page_cache_hits_total":         dto.MetricType_COUNTER,
				"jigsaw_page_cache_renders_total":      dto.MetricType_COUNTER,
				"jigsaw_page_cache_evictions_total":    dto.MetricType_COUNTER,
				"jigsaw_deliveries":                    dto.MetricType_GAUGE,
				"go_goroutines":                        dto.MetricType_GAUGE,
				"go_memstats_heap_alloc_bytes":         dto.MetricType_GAUGE,
				"go_memstats_sys_bytes":                dto.MetricType_GAUGE,
				"go_memstats_alloc_bytes_total":        dto.MetricType_COUNTER,
				"go_gc_cycles_total":                   dto.MetricType_COUNTER,
				"go_gomaxprocs":                        dto.MetricType_GAUGE,
				"process_start_time_seconds":           dto.MetricType_GAUGE,
			} {
				if f := fams[name]; f == nil || f.GetType() != typ {
					t.Errorf("%s: got %v, want a %v", name, f, typ)
				}
			}

			for _, tt := range []struct {
				name   string
				family string
				labels map[string]string
				want   float64
			}{
				{"stories answered", "jigsaw_http_requests_total", map[string]string{"route": "GET /stories", "method": "GET", "status": "200"}, 2},
				{"no route", "jigsaw_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "status": "404"}, 1},
				{"build", "jigsaw_build_info", map[string]string{"version": "dev", "engine": engine}, 1},
				{"cache entries", "jigsaw_page_cache_entries", nil, 1},
				{"cache hits", "jigsaw_page_cache_hits_total", nil, 1},
				{"cache limit", "jigsaw_page_cache_max_bytes", nil, 16 << 20},
				{"read pool", "jigsaw_db_wait_total", map[string]string{"pool": "read"}, 0},
				{"deliveries waiting", "jigsaw_deliveries", map[string]string{"channel": "nowhere", "state": "pending"}, 2},
			} {
				t.Run(tt.name, func(t *testing.T) {
					m := sample(fams, tt.family, tt.labels)
					if m == nil {
						t.Fatalf("no %s%v", tt.family, tt.labels)
					}
					if got := m.GetCounter().GetValue() + m.GetGauge().GetValue(); got != tt.want {
						t.Errorf("%s%v = %v, want %v", tt.family, tt.labels, got, tt.want)
					}
				})
			}

			h := sample(fams, "jigsaw_http_request_duration_seconds", map[string]string{"route": "GET /stories"}).GetHistogram()
			if h.GetSampleCount() != 2 || len(h.GetBucket()) != 14 || h.GetBucket()[0].GetUpperBound() != 0.001 {
				t.Errorf("GET /stories durations: got %v, want 2 requests in 13 buckets from 1 ms and +Inf", h)
			}
			start := fams["process_start_time_seconds"].GetMetric()[0].GetGauge().GetValue()
			if since := time.Since(time.Unix(int64(start), 0)); since < 0 || since > time.Hour {
				t.Errorf("process_start_time_seconds %v is %v ago", start, since)
			}
		})
	}
}

// TestMetricsOddLabelValues has label values the exposition format must
// escape: a quote, a backslash and a newline, which it escapes, and a tab
// and a zero-width space, which it must leave alone (Go quoting, %q, writes
// them as \t and \u200b, which Prometheus refuses).
func TestMetricsOddLabelValues(t *testing.T) {
	odd := "dev \"quoted\" back\\slash\nnew line\ttab\u200bzwsp é"
	cfg := config.Config{
		Addr: "127.0.0.1:0", DB: "unused", LogFormat: "text", LogLevel: "warn", MailFrom: "jigsaw@test.invalid",
		MaxBodyBytes: 1 << 20, MaxImportBytes: 1 << 20, PageCacheMB: 1, ShutdownTimeout: time.Second, SubmitPerHour: 1, DigestEvery: time.Hour,
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	s := server.New(server.Options{Config: cfg, DB: testrig.MustOpenDB(t, store.SQLite), Log: testrig.Logger(), Version: odd})
	route := "GET /odd/{\"name\\}\n"
	s.Metrics.Observe(route, "GET", 200, time.Millisecond)

	rec := httptest.NewRecorder()
	s.MetricsHandler().ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), "GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: got %d, want 200", rec.Code)
	}
	fams := MustParseMetrics(t, rec.Body.String())
	if sample(fams, "jigsaw_build_info", map[string]string{"version": odd}) == nil {
		t.Errorf("no jigsaw_build_info with version %q in\n%s", odd, rec.Body.String())
	}
	if m := sample(fams, "jigsaw_http_requests_total", map[string]string{"route": route}); m.GetCounter().GetValue() != 1 {
		t.Errorf("jigsaw_http_requests_total for route %q: got %v, want 1", route, m)
	}
	if sample(fams, "jigsaw_http_request_duration_seconds", map[string]string{"route": route}) == nil {
		t.Errorf("no durations for route %q", route)
	}
}

// TestMetricsElsewhere: with --metrics-addr set, the main address has no
// /metrics; the handler the metrics address serves still counts the main
// address's requests.
func TestMetricsElsewhere(t *testing.T) {
	a := testrig.StartApp(t, store.SQLite, func(c *config.Config) { c.MetricsAddr = "127.0.0.1:0" })
	if code, _ := a.Get(t, "/metrics"); code != http.StatusNotFound {
		t.Fatalf("/metrics on the main address: got %d, want 404", code)
	}
	for _, r := range a.Server.Routes() {
		if r.Pattern == "GET /metrics" {
			t.Errorf("GET /metrics is a route of the main address")
		}
	}
	rec := httptest.NewRecorder()
	a.Server.MetricsHandler().ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), "GET", "/metrics", nil))
	fams := MustParseMetrics(t, rec.Body.String())
	if sample(fams, "jigsaw_http_requests_total", map[string]string{"route": "unmatched", "status": "404"}) == nil {
		t.Errorf("the 404 of /metrics on the main address was not counted:\n%s", rec.Body.String())
	}
}
