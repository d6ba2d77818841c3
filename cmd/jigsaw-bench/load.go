package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what one load run measured.
type loadResult struct {
	Requests int
	Errors   int // transport errors and non-2xx answers
	Hits     int // answers served from Jigsaw's page cache (X-Cache: hit)
	Duration time.Duration
	P50, P90 time.Duration
	P99, Max time.Duration
	FirstErr string
	CPUBusy  float64 // share of the machine's CPU time busy during the run (servers, databases and load generator alike)

	hist *histogram // every answer's latency, kept for merge
}

// histogram counts latencies in buckets 1% wide, so that a run's
// percentiles take the same memory however long it ran, and two runs merge
// by adding their counts. A percentile is read as its bucket's upper edge:
// at most 1% over the latency it stands for.
type histogram struct {
	counts [histBuckets]uint32
	n      int
	max    time.Duration
}

// histBuckets covers 1.01^3000 ns, hours: more than any run's timeout.
const histBuckets = 3000

var histGrowth = math.Log(1.01)

func (h *histogram) add(d time.Duration) {
	i := 0
	if d > 1 {
		// Bucket i holds the latencies over 1.01^(i-1) ns, up to 1.01^i.
		i = min(int(math.Log(float64(d))/histGrowth)+1, histBuckets-1)
	}
	h.counts[i]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile is the latency that a share p of the answers took at most.
func (h *histogram) quantile(p float64) time.Duration {
	rank := min(h.n-1, int(float64(h.n)*p))
	for i, c := range h.counts {
		if rank -= int(c); rank < 0 {
			return min(time.Duration(math.Ceil(math.Pow(1.01, float64(i)))), h.max)
		}
	}
	return h.max
}

// merge returns the result of r's runs and o's taken together.
func (r loadResult) merge(o loadResult) loadResult {
	if r.Requests == 0 && r.Duration == 0 {
		return o
	}
	m := loadResult{Requests: r.Requests + o.Requests, Errors: r.Errors + o.Errors, Hits: r.Hits + o.Hits,
		Duration: r.Duration + o.Duration, FirstErr: cmp.Or(r.FirstErr, o.FirstErr)}
	if m.Duration > 0 {
		m.CPUBusy = (r.CPUBusy*r.Duration.Seconds() + o.CPUBusy*o.Duration.Seconds()) / m.Duration.Seconds()
	}
	m.hist = &histogram{}
	for _, h := range []*histogram{r.hist, o.hist} {
		if h != nil {
			m.hist.merge(h)
		}
	}
	m.setPercentiles()
	return m
}

func (r *loadResult) setPercentiles() {
	if h := r.hist; h != nil && h.n > 0 {
		r.P50, r.P90, r.P99, r.Max = h.quantile(0.50), h.quantile(0.90), h.quantile(0.99), h.max
	}
}

// HitRate is the share of answers served from the page cache.
func (r loadResult) HitRate() float64 {
	if r.Requests == 0 {
		return 0
	}
	return float64(r.Hits) / float64(r.Requests)
}

// RPS is requests per second.
func (r loadResult) RPS() float64 { return float64(r.Requests) / r.Duration.Seconds() }

func (r loadResult) String() string {
	s := fmt.Sprintf("%d req in %.1fs = %.0f req/s, p50 %s p99 %s max %s, %d errors, CPUs %.0f%% busy", r.Requests, r.Duration.Seconds(), r.RPS(),
		r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Max.Round(10*time.Microsecond), r.Errors, 100*r.CPUBusy)
	if r.Hits > 0 {
		s += fmt.Sprintf(", %.1f%% from the page cache", 100*r.HitRate())
	}
	return s
}

// load runs concurrency clients for duration (and at most maxRequests in
// all, if positive), each sending the requests next makes, and records
// every latency. Bounded in time and count, aimed at loopback only.
func load(ctx context.Context, concurrency int, duration time.Duration, maxRequests int, next func(worker, i int) *http.Request) loadResult {
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency, DisableCompression: true},
		Timeout:   30 * time.Second,
	}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	var issued atomic.Int64
	var errs, hits atomic.Int64
	var firstErr atomic.Value
	hists := make([]histogram, concurrency)
	busy0, total0 := cpuTimes()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				if maxRequests > 0 && issued.Add(1) > int64(maxRequests) {
					return
				}
				req := next(w, i).WithContext(ctx)
				t0 := time.Now()
				resp, err := client.Do(req)
				hit := false
				if err == nil {
					hit = resp.Header.Get("X-Cache") == "hit"
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode >= 300 {
						err = fmt.Errorf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
					}
				}
				if ctx.Err() != nil {
					return // the run ended mid-request: not an error of the server
				}
				hists[w].add(time.Since(t0))
				if hit {
					hits.Add(1)
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	busy1, total1 := cpuTimes()
	all := &histogram{}
	for i := range hists {
		all.merge(&hists[i])
	}
	r := loadResult{Requests: all.n, Errors: int(errs.Load()), Hits: int(hits.Load()), Duration: elapsed, hist: all}
	if total1 > total0 {
		r.CPUBusy = float64(busy1-busy0) / float64(total1-total0)
	}
	if s, ok := firstErr.Load().(string); ok {
		r.FirstErr = s
	}
	r.setPercentiles()
	return r
}

// cpuTimes reads the machine's busy and total CPU time so far from
// /proc/stat, in clock ticks (zeros without /proc). Idle and I/O wait are
// not busy; the guest fields are already counted in user time.
func cpuTimes() (busy, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal guest guest_nice
	for i := 1; i < len(f) && i <= 8; i++ {
		n, _ := strconv.ParseUint(f[i], 10, 64)
		total += n
		if i != 4 && i != 5 {
			busy += n
		}
	}
	return busy, total
}
