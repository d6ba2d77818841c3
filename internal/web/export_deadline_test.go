package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// An export that takes longer than the server's write timeout, the client
// reading all along, arrives whole: the timeout bounds a stall, not the
// whole answer.
func TestExportOutlastsWriteTimeout(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &startedWriter{w: w}
		for range 15 {
			io.WriteString(sw, strings.Repeat("row\n", 1000))
			w.(http.Flusher).Flush()
			time.Sleep(20 * time.Millisecond)
		}
	}))
	srv.Config.WriteTimeout = 100 * time.Millisecond
	srv.Start()
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || len(b) != 15*4000 {
		t.Fatalf("read %d bytes of 60000 (%v): the export was cut off by the write timeout", len(b), err)
	}
}
