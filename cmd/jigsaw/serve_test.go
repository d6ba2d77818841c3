package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// lockedBuffer is a bytes.Buffer that the test reads while serve writes its
// log to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestServeMetricsAddr runs `jigsaw serve` with --metrics-addr: /metrics is
// answered there alone, the main address answers 404 for it, and both
// listeners stop with the command.
func TestServeMetricsAddr(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--db", filepath.Join(t.TempDir(), "jigsaw.db"),
			"--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"}, strings.NewReader(""), io.Discard, &stderr)
	}()

	// The log says where each listener is.
	mainRe := regexp.MustCompile(`msg=serving .*addr=(127\.0\.0\.1:[0-9]+)`)
	metricsRe := regexp.MustCompile(`msg="serving metrics" addr=(127\.0\.0\.1:[0-9]+)`)
	var mainAddr, metricsAddr string
	for deadline := time.Now().Add(30 * time.Second); mainAddr == "" || metricsAddr == ""; time.Sleep(10 * time.Millisecond) {
		log := stderr.String()
		if m := mainRe.FindStringSubmatch(log); m != nil {
			mainAddr = m[1]
		}
		if m := metricsRe.FindStringSubmatch(log); m != nil {
			metricsAddr = m[1]
		}
		select {
		case c := <-code:
			t.Fatalf("serve stopped with %d before serving:\n%s", c, log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no address of both listeners in the log:\n%s", log)
		}
	}
	if mainAddr == metricsAddr {
		t.Fatalf("both listeners on %s", mainAddr)
	}

	get := func(addr, path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatalf("GET %s%s: %v", addr, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tt := range []struct {
		name, addr, path string
		want             int
	}{
		{"main address serves pages", mainAddr, "/healthz", 200},
		{"main address has no metrics", mainAddr, "/metrics", 404},
		{"metrics address serves metrics", metricsAddr, "/metrics", 200},
		{"metrics address serves nothing else", metricsAddr, "/healthz", 404},
		{"metrics address serves no pages", metricsAddr, "/", 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, body := get(tt.addr, tt.path); got != tt.want {
				t.Errorf("GET %s: got %d, want %d: %.200s", tt.path, got, tt.want, body)
			}
		})
	}

	// The metrics address counts what the main one answered.
	_, body := get(metricsAddr, "/metrics")
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	var healthz bool
	for _, m := range fams["jigsaw_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			healthz = healthz || (l.GetName() == "route" && l.GetValue() == "GET /healthz")
		}
	}
	if !healthz {
		t.Errorf("the metrics address did not count GET /healthz on the main one:\n%s", body)
	}

	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("serve: exit %d:\n%s", c, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	for _, addr := range []string{mainAddr, metricsAddr} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after serve stopped", addr)
		}
	}
}
