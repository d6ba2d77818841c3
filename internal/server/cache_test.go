package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jigsaw/internal/store"
	"jigsaw/internal/web"
)

// Requests for a page that is being rendered wait for that rendering rather
// than render it again; an answer that is not to be shared is not shared.
func TestCacheCoalescesRenders(t *testing.T) {
	db := migratedSQLite(t)
	for _, tt := range []struct {
		name        string
		status      int
		cookie      bool
		wantRenders int64
	}{
		{"shared", http.StatusOK, false, 1},
		{"an error is not shared", http.StatusServiceUnavailable, false, 20},
		{"a page setting a cookie is not shared", http.StatusOK, true, 20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{DB: db, cache: newPageCache(1 << 20), renders: newGate(20)}
			var renders atomic.Int64
			release := make(chan struct{})
			h := func(w http.ResponseWriter, r *http.Request) {
				if renders.Add(1) == 1 {
					<-release // the first rendering is slow: the others arrive during it
				}
				if tt.cookie {
					w.Header().Set("Set-Cookie", "a=b")
				}
				w.WriteHeader(tt.status)
				w.Write([]byte("the page"))
			}
			var wg sync.WaitGroup
			codes := make([]int, 20)
			bodies := make([]string, 20)
			for i := range codes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rec := httptest.NewRecorder()
					s.serveCached(rec, httptest.NewRequest("GET", "/stories?issue=safety", nil), h)
					codes[i], bodies[i] = rec.Code, rec.Body.String()
				}()
			}
			// Release the first rendering once every other request waits
			// for it.
			deadline := time.Now().Add(10 * time.Second)
			for waiting(s.cache, "/stories?issue=safety") < 19 {
				if time.Now().After(deadline) {
					close(release)
					t.Fatalf("after 10s, %d requests wait for the rendering, want 19", waiting(s.cache, "/stories?issue=safety"))
				}
				runtime.Gosched()
			}
			close(release)
			wg.Wait()
			if got := renders.Load(); got != tt.wantRenders {
				t.Fatalf("20 requests rendered the page %d times, want %d", got, tt.wantRenders)
			}
			for i := range codes {
				if codes[i] != tt.status || bodies[i] != "the page" {
					t.Fatalf("request %d: %d %q", i, codes[i], bodies[i])
				}
			}
			if len(s.cache.flights) != 0 {
				t.Fatalf("%d flights left open", len(s.cache.flights))
			}
		})
	}
}

// Renderings of different pages run no more than the gate's size at once;
// one whose client leaves while it waits is never rendered, and leaves no
// flight behind.
func TestRenderGate(t *testing.T) {
	db := migratedSQLite(t)
	s := &Server{DB: db, cache: newPageCache(1 << 20), renders: newGate(2)}
	var running, most atomic.Int64
	release := make(chan struct{})
	h := func(w http.ResponseWriter, r *http.Request) {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		running.Add(-1)
		w.Write([]byte("page"))
	}
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			s.serveCached(rec, httptest.NewRequest("GET", "/stories/"+strconv.Itoa(i), nil), h)
			if rec.Code != http.StatusOK || rec.Body.String() != "page" {
				t.Errorf("page %d: %d %q", i, rec.Code, rec.Body.String())
			}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for running.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("after 10s, fewer than 2 renderings run")
		}
		runtime.Gosched()
	}
	// The gate is full: a request whose client has gone waits no more.
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	rendered := false
	s.serveCached(httptest.NewRecorder(), httptest.NewRequest("GET", "/stories/gone", nil).WithContext(gone),
		func(http.ResponseWriter, *http.Request) { rendered = true })
	if rendered {
		t.Error("a request whose client had gone was rendered")
	}
	for range 6 {
		release <- struct{}{}
	}
	wg.Wait()
	if m := most.Load(); m != 2 {
		t.Errorf("at most %d renderings ran at once, want 2", m)
	}
	if len(s.cache.flights) != 0 {
		t.Errorf("%d flights left open", len(s.cache.flights))
	}
}

// A page whose first reader leaves while it is rendered is rendered to its
// end and kept: the next reader is answered from the cache.
func TestCacheKeepsPageItsReaderLeft(t *testing.T) {
	db := migratedSQLite(t)
	s := &Server{DB: db, cache: newPageCache(1 << 20), renders: newGate(2)}
	gone, leave := context.WithCancel(context.Background())
	var renders atomic.Int64
	h := func(w http.ResponseWriter, r *http.Request) {
		renders.Add(1)
		leave() // the reader goes while the page is made
		select {
		case <-r.Context().Done():
			http.Error(w, "cancelled", http.StatusServiceUnavailable)
			return
		case <-time.After(20 * time.Millisecond): // a slow query
		}
		w.Write([]byte("the map"))
	}
	s.serveCached(httptest.NewRecorder(), httptest.NewRequest("GET", "/map?issue=safety", nil).WithContext(gone), h)
	rec := httptest.NewRecorder()
	s.serveCached(rec, httptest.NewRequest("GET", "/map?issue=safety", nil), h)
	if rec.Body.String() != "the map" || rec.Header().Get("X-Cache") != "hit" || renders.Load() != 1 {
		t.Fatalf("after its first reader left, the page answered %q (X-Cache %q), rendered %d times; want it kept from one rendering",
			rec.Body.String(), rec.Header().Get("X-Cache"), renders.Load())
	}
}

// A page that follows the clock (a max-age in its Cache-Control) is kept
// no longer than that; others until the content changes.
func TestCacheExpiresPagesThatFollowTheClock(t *testing.T) {
	db := migratedSQLite(t)
	s := &Server{DB: db, cache: newPageCache(1 << 20), renders: newGate(2)}
	for _, tt := range []struct {
		cacheControl string
		wantRenders  int64
	}{{"", 1}, {"max-age=3600", 1}, {"max-age=0", 3}} {
		var renders atomic.Int64
		h := func(w http.ResponseWriter, r *http.Request) {
			renders.Add(1)
			if tt.cacheControl != "" {
				w.Header().Set("Cache-Control", tt.cacheControl)
			}
			w.Write([]byte("upcoming events"))
		}
		for range 3 {
			time.Sleep(time.Millisecond)
			s.serveCached(httptest.NewRecorder(), httptest.NewRequest("GET", "/events?cc="+tt.cacheControl, nil), h)
		}
		if got := renders.Load(); got != tt.wantRenders {
			t.Errorf("Cache-Control %q: 3 requests rendered the page %d times, want %d", tt.cacheControl, got, tt.wantRenders)
		}
	}
}

// migratedSQLite opens a new SQLite database with the current schema,
// closed when the test ends.
func migratedSQLite(t *testing.T) *store.DB {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "jigsaw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return db
}

func waiting(c *pageCache, key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.flights[key]; f != nil {
		return f.waiters
	}
	return 0
}

// A page written in pieces is kept whole; one beyond maxEntryBytes is
// answered in full but not kept.
func TestCacheKeepsWholeAnswers(t *testing.T) {
	db := migratedSQLite(t)
	s := &Server{DB: db, cache: newPageCache(4 << 20), renders: newGate(2)}
	big := strings.Repeat("x", maxEntryBytes/2+1)
	for _, tt := range []struct {
		name   string
		pieces []string
		kept   bool
	}{
		{"small, in pieces", []string{"<p>one", " and ", "two</p>"}, true},
		{"exactly the limit", []string{big[:maxEntryBytes/2], big[:maxEntryBytes/2]}, true},
		{"beyond the limit", []string{big, big}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := "/stories?t=" + strconv.Itoa(len(tt.pieces[0]))
			var renders int
			h := func(w http.ResponseWriter, r *http.Request) {
				renders++
				for _, p := range tt.pieces {
					w.Write([]byte(p))
				}
			}
			want := strings.Join(tt.pieces, "")
			for i := 0; i < 2; i++ {
				rec := httptest.NewRecorder()
				s.serveCached(rec, httptest.NewRequest("GET", path, nil), h)
				if rec.Code != http.StatusOK || rec.Body.String() != want {
					t.Fatalf("request %d: %d, %d bytes; want 200 and the %d bytes written", i, rec.Code, rec.Body.Len(), len(want))
				}
			}
			if wantRenders := map[bool]int{true: 1, false: 2}[tt.kept]; renders != wantRenders {
				t.Fatalf("two requests rendered the page %d times, want %d", renders, wantRenders)
			}
		})
	}
}

// When the cache is full, pages read again since they came stay and pages
// read only once leave, oldest first; a page rendered under an older content
// version is not served.
func TestCacheEviction(t *testing.T) {
	body := []byte(strings.Repeat("x", 98))
	c := newPageCache(4 * (len(body) + 2)) // four pages with two-letter keys
	put := func(key string) {
		c.mu.Lock()
		c.putLocked(&cacheEntry{key: key, version: 1, body: []bodyPart{{own: body}}, length: len(body)})
		c.mu.Unlock()
	}
	kept := func() string {
		var ks []string
		for _, k := range []string{"p1", "p2", "p3", "p4", "p5", "p6", "p7"} {
			c.mu.RLock()
			if c.byKey[k] != nil {
				ks = append(ks, k)
			}
			c.mu.RUnlock()
		}
		return strings.Join(ks, " ")
	}
	for _, k := range []string{"p1", "p2", "p3", "p4"} {
		put(k)
	}
	if c.get("p1", 1) == nil || c.get("p2", 1) == nil {
		t.Fatal("a page just cached is not served")
	}
	// Under LRU the third new page would have pushed out p1.
	for _, k := range []string{"p5", "p6", "p7"} {
		put(k)
	}
	if got, want := kept(), "p1 p2 p6 p7"; got != want {
		t.Fatalf("after three new pages the cache holds %q, want %q", got, want)
	}
	if c.bytes != 4*(len(body)+2) {
		t.Fatalf("cache counts %d bytes, want %d", c.bytes, 4*(len(body)+2))
	}
	// The hand goes on from where it stopped: the next two new pages push
	// out p6 and p7, read once, before it comes back to p1 and p2.
	put("p3")
	put("p4")
	if got, want := kept(), "p1 p2 p3 p4"; got != want {
		t.Fatalf("after two more new pages the cache holds %q, want %q", got, want)
	}
	if c.get("p3", 2) != nil {
		t.Fatal("a page of an older content version was served")
	}
	if got, want := kept(), "p1 p2 p4"; got != want {
		t.Fatalf("after a stale read the cache holds %q, want %q", got, want)
	}
}

// Parts written as shared (the layout every page has) are kept once for all
// the pages that hold them and counted once; a hit answers the whole page;
// the shared part goes when the last page holding it goes.
func TestCacheSharesLayout(t *testing.T) {
	db := migratedSQLite(t)
	s := &Server{DB: db, cache: newPageCache(1 << 20), renders: newGate(2)}
	layout := strings.Repeat("<nav>layout</nav>", 20)
	page := func(w http.ResponseWriter, r *http.Request) {
		sw := w.(web.SharedWriter)
		sw.WriteShared([]byte(layout))
		w.Write([]byte("<h1>" + r.URL.Path + "</h1>"))
		sw.WriteShared([]byte("<footer>"))
	}
	paths := []string{"/stories/1", "/stories/22"}
	own := 0
	for _, path := range paths {
		own += len(path) + len("<h1>"+path+"</h1>")
		for i, want := range []string{"", "hit"} {
			rec := httptest.NewRecorder()
			s.serveCached(rec, httptest.NewRequest("GET", path, nil), page)
			if got := rec.Body.String(); got != layout+"<h1>"+path+"</h1><footer>" || rec.Header().Get("X-Cache") != want {
				t.Fatalf("%s, request %d: X-Cache %q, body %q", path, i, rec.Header().Get("X-Cache"), got)
			}
		}
	}
	c := s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if want := own + len(layout) + len("<footer>"); c.bytes != want || len(c.shared) != 2 {
		t.Fatalf("two pages count %d bytes in %d shared parts, want %d in 2", c.bytes, len(c.shared), want)
	}
	if sp := c.shared[layout]; sp == nil || sp.refs != 2 {
		t.Fatalf("the layout is held by %+v, want both pages", sp)
	}
	c.remove(c.byKey[paths[0]])
	if want := len(paths[1]) + len("<h1>"+paths[1]+"</h1>") + len(layout) + len("<footer>"); c.bytes != want || len(c.shared) != 2 {
		t.Fatalf("one page left counts %d bytes in %d shared parts, want %d in 2", c.bytes, len(c.shared), want)
	}
	c.remove(c.byKey[paths[1]])
	if c.bytes != 0 || len(c.shared) != 0 {
		t.Fatalf("an empty cache counts %d bytes in %d shared parts", c.bytes, len(c.shared))
	}
}
