package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"jigsaw/internal/i18n"
)

// pageCache keeps the answers to anonymous GET requests of public routes.
// An entry is served only while the database's content version is the one
// it was rendered under; any write that may change public content bumps the
// version (store.DB.Tx), so a withdrawn story leaves every cached page of
// this process at once and of every other process within versionMaxAge.
//
// When full it evicts as SIEVE does (Zhang et al., NSDI 2024): entries queue
// in the order they came, a hit only marks its entry visited, and a hand
// walking from the oldest towards the newest evicts the first entry not
// visited since the hand last passed, unmarking those it passes. Pages read
// once (most of a large archive's) leave soon after they came, while under
// LRU each would have pushed out a popular page first; and a hit needs only
// a shared lock, not a move to the front of a list.
type pageCache struct {
	mu       sync.RWMutex
	maxBytes int
	bytes    int
	byKey    map[string]*cacheEntry
	newest   *cacheEntry
	oldest   *cacheEntry
	hand     *cacheEntry        // next to consider for eviction; nil: start from the oldest
	flights  map[string]*flight // answers being rendered now
	shared   map[string]*sharedPart

	// For /metrics: answers from the cache, pages rendered for it, entries
	// pushed out to make room.
	hits, renders, evictions atomic.Uint64
}

// pageCacheStats is what /metrics reports of the page cache.
type pageCacheStats struct {
	entries, shared, bytes, maxBytes int
	hits, renders, evictions         uint64
}

func (c *pageCache) stats() pageCacheStats {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return pageCacheStats{entries: len(c.byKey), shared: len(c.shared), bytes: c.bytes, maxBytes: c.maxBytes,
		hits: c.hits.Load(), renders: c.renders.Load(), evictions: c.evictions.Load()}
}

// sharedPart is a piece that many answers have in common, kept once for
// all the entries that hold it: the layout around each page's own title
// and content, the larger part of a story page. Kept once, it lets the same
// memory hold many more story pages.
type sharedPart struct {
	s    string
	refs int // entries holding it, under pageCache.mu
}

// flight is one rendering of a page that other requests for the same page
// wait for rather than render it again: when a popular page falls out of the
// cache, or many new pages are asked for at once, each is rendered once.
type flight struct {
	done    chan struct{}
	entry   *cacheEntry // nil when the answer was not one to share
	waiters int         // requests waiting for it, under pageCache.mu
}

type cacheEntry struct {
	key     string
	version int64
	// expires is when a page that follows the clock (its Cache-Control
	// max-age: what is upcoming, weeks to go) is made again; zero for a
	// page that changes only with the content.
	expires time.Time
	header  http.Header
	body    []bodyPart // in the order written
	length  int        // of the whole body

	visited      atomic.Bool
	newer, older *cacheEntry // the queue, under pageCache.mu
}

// bodyPart is a piece of an answer: its own bytes, or a piece that other
// answers share (pageCache.shared).
type bodyPart struct {
	own    []byte
	shared string
}

// size is what the entry adds to the cache besides the shared parts it
// holds, which are counted once, when they come.
func (e *cacheEntry) size() int {
	n := len(e.key)
	for _, p := range e.body {
		n += len(p.own)
	}
	return n
}

// versionMaxAge bounds how long a change made by another process sharing
// the database can take to reach this process's cached pages.
const versionMaxAge = 100 * time.Millisecond

// cachedRenderTimeout bounds a page's rendering for the cache once its
// reader has gone: the server's write timeout.
const cachedRenderTimeout = 60 * time.Second

// maxEntryBytes keeps one huge answer (an export) from flushing the rest.
const maxEntryBytes = 512 << 10

func newPageCache(maxBytes int) *pageCache {
	return &pageCache{maxBytes: maxBytes, byKey: map[string]*cacheEntry{}, flights: map[string]*flight{}, shared: map[string]*sharedPart{}}
}

func (c *pageCache) get(key string, version int64) *cacheEntry {
	c.mu.RLock()
	e := c.byKey[key]
	c.mu.RUnlock()
	if e == nil {
		return nil
	}
	if e.version != version || !e.expires.IsZero() && time.Now().After(e.expires) {
		c.mu.Lock()
		if c.byKey[key] == e {
			c.remove(e)
		}
		c.mu.Unlock()
		return nil
	}
	if !e.visited.Load() { // a popular page's hits then only read its mark
		e.visited.Store(true)
	}
	return e
}

// join returns the flight rendering key, starting one when there is none;
// leader reports whether the caller started it and must land it.
func (c *pageCache) join(key string) (f *flight, leader bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.flights[key]; f != nil {
		f.waiters++
		return f, false
	}
	f = &flight{done: make(chan struct{})}
	c.flights[key] = f
	return f, true
}

// land ends the flight for key with its answer, e (nil if it is not to be
// shared), which is also cached.
func (c *pageCache) land(key string, f *flight, e *cacheEntry) {
	c.mu.Lock()
	delete(c.flights, key)
	if e != nil {
		c.putLocked(e)
	}
	f.entry = e
	c.mu.Unlock()
	close(f.done)
}

func (c *pageCache) putLocked(e *cacheEntry) {
	if e.length > maxEntryBytes {
		return
	}
	if old := c.byKey[e.key]; old != nil {
		c.remove(old)
	}
	for i, p := range e.body {
		if p.own != nil {
			continue
		}
		sp := c.shared[p.shared]
		if sp == nil {
			sp = &sharedPart{s: p.shared}
			c.shared[p.shared] = sp
			c.bytes += len(p.shared)
		}
		sp.refs++
		e.body[i].shared = sp.s // the copy kept, so that the entry's own can go
	}
	c.byKey[e.key] = e
	e.older, e.newer = c.newest, nil
	if c.newest != nil {
		c.newest.newer = e
	} else {
		c.oldest = e
	}
	c.newest = e
	c.bytes += e.size()
	for c.bytes > c.maxBytes && c.oldest != nil {
		c.evictLocked()
	}
}

// evictLocked removes one entry: the first not visited from the hand on,
// going towards the newest and round again from the oldest.
func (c *pageCache) evictLocked() {
	e := c.hand
	if e == nil {
		e = c.oldest
	}
	for e.visited.Load() {
		e.visited.Store(false)
		if e = e.newer; e == nil {
			e = c.oldest
		}
	}
	c.hand = e.newer
	c.remove(e)
	c.evictions.Add(1)
}

func (c *pageCache) remove(e *cacheEntry) {
	if c.hand == e {
		c.hand = e.newer
	}
	if e.newer != nil {
		e.newer.older = e.older
	} else {
		c.newest = e.older
	}
	if e.older != nil {
		e.older.newer = e.newer
	} else {
		c.oldest = e.newer
	}
	e.newer, e.older = nil, nil
	delete(c.byKey, e.key)
	c.bytes -= e.size()
	for _, p := range e.body {
		if p.own != nil {
			continue
		}
		if sp := c.shared[p.shared]; sp != nil {
			if sp.refs--; sp.refs == 0 {
				delete(c.shared, p.shared)
				c.bytes -= len(p.shared)
			}
		}
	}
}

// sharedCopy returns the copy of b the cache keeps, if it keeps one, so
// that a page's layout is not copied again for every page rendered.
func (c *pageCache) sharedCopy(b []byte) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if sp := c.shared[string(b)]; sp != nil {
		return sp.s, true
	}
	return "", false
}

// recorder captures an answer while passing it through.
type recorder struct {
	http.ResponseWriter
	cache  *pageCache
	status int
	body   []bodyPart
	length int
	tooBig bool // more than maxEntryBytes: not kept
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.keep(len(b)) {
		// A page's own text arrives in one Write (web.Pages.Render): copied
		// at its size, it needs neither growing nor a second copy.
		if last := len(r.body) - 1; last >= 0 && r.body[last].own != nil {
			r.body[last].own = append(r.body[last].own, b...)
		} else {
			r.body = append(r.body, bodyPart{own: bytes.Clone(b)})
		}
	}
	return r.ResponseWriter.Write(b)
}

// WriteShared writes b, a part of the answer that other answers share
// (web.SharedWriter), which the cache keeps once for all of them.
func (r *recorder) WriteShared(b []byte) (int, error) {
	if r.keep(len(b)) {
		s, ok := r.cache.sharedCopy(b)
		if !ok {
			s = string(b)
		}
		r.body = append(r.body, bodyPart{shared: s})
	}
	return r.ResponseWriter.Write(b)
}

// keep reports whether n more bytes are to be kept, counting them.
func (r *recorder) keep(n int) bool {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.tooBig || n == 0 {
		return false
	}
	if r.length+n > maxEntryBytes {
		r.tooBig, r.body = true, nil
		return false
	}
	r.length += n
	return true
}

// serveCached answers r from the cache or from h, storing a fresh 200
// answer that sets no cookie. Requests for a page that another request is
// rendering wait for that answer.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	version, err := s.DB.RecentContentVersion(r.Context(), versionMaxAge)
	if err != nil {
		h(w, r) // the handler will meet the same database trouble and say so
		return
	}
	key := cacheKey(r)
	if e := s.cache.get(key, version); e != nil {
		s.cache.hits.Add(1)
		writeCached(w, r, e)
		return
	}
	f, leader := s.cache.join(key)
	if !leader {
		select {
		case <-f.done:
		case <-r.Context().Done():
			return // the client has gone
		}
		// An answer rendered under an older content version is not shared.
		if e := f.entry; e != nil && e.version >= version {
			s.cache.hits.Add(1)
			writeCached(w, r, e)
			return
		}
		if s.renders.enter(r.Context()) {
			defer s.renders.leave()
			s.cache.renders.Add(1)
			h(w, r)
		}
		return
	}
	var entry *cacheEntry
	defer func() { s.cache.land(key, f, entry) }() // even if h panics: the waiters render their own
	if !s.renders.enter(r.Context()) {
		return
	}
	defer s.renders.leave()
	s.cache.renders.Add(1)
	rec := &recorder{ResponseWriter: w, cache: s.cache}
	// The page is rendered to its end even if its reader leaves, for those
	// waiting on it and those who come next: a page slower to render than
	// its readers wait (a map of a million stories by key issue) was
	// otherwise begun again for each and never kept. The gate above
	// bounds how many such renders run at once.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), cachedRenderTimeout)
	defer cancel()
	h(rec, r.WithContext(rctx))
	if rec.status != http.StatusOK || rec.tooBig || w.Header().Get("Set-Cookie") != "" ||
		strings.Contains(w.Header().Get("Cache-Control"), "no-store") {
		return
	}
	// The headers a hit is answered with, made once: Content-Length declared
	// so the body goes out whole rather than in chunks.
	header := http.Header{"X-Cache": {"hit"}, "Content-Length": {strconv.Itoa(rec.length)}}
	for _, k := range []string{"Content-Type", "Cache-Control", "Etag", "Last-Modified", "Content-Disposition", "Link", "Content-Language", "Vary"} {
		if v, ok := w.Header()[k]; ok {
			header[k] = v
		}
	}
	entry = &cacheEntry{key: key, version: version, header: header, body: rec.body, length: rec.length}
	if age, ok := maxAge(w.Header().Get("Cache-Control")); ok {
		entry.expires = time.Now().Add(age)
	}
}

// cacheKey is what the cache keeps r's answer under: its address, and the
// language the page is in (i18n.Choose), so that a page rendered in Welsh
// is never the answer to a reader of English. The pages say so to other
// caches too (Vary: Accept-Language, Cookie; web.Pages.Render).
func cacheKey(r *http.Request) string {
	uri := r.URL.RequestURI()
	if l := i18n.FromContext(r.Context()); l != i18n.English {
		return l.Code() + " " + uri
	}
	return uri
}

// writeCached answers r with e. Its header values are shared between the
// requests it answers, which is safe: nothing writes into a header's value
// slice, Set and Add replace it.
func writeCached(w http.ResponseWriter, r *http.Request, e *cacheEntry) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	if notModified(r, e.header) {
		delete(h, "Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	for _, p := range e.body {
		if p.own != nil {
			w.Write(p.own)
		} else {
			io.WriteString(w, p.shared)
		}
	}
}

// notModified reports whether r asks on condition (RFC 9110 13.1) for an
// answer with header h that the client already has: If-None-Match naming
// its ETag, or, without If-None-Match, If-Modified-Since no earlier than
// its Last-Modified. Feed readers ask so (web.Pages.HandleFeed, whose
// answer to a miss does the same through http.ServeContent).
func notModified(r *http.Request, h http.Header) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		etag := strings.TrimPrefix(h.Get("Etag"), "W/")
		for _, t := range strings.Split(inm, ",") {
			if t = strings.TrimPrefix(strings.TrimSpace(t), "W/"); etag != "" && (t == etag || t == "*") {
				return true
			}
		}
		return false
	}
	since, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	if err != nil || h.Get("Last-Modified") == "" {
		return false
	}
	modified, err := http.ParseTime(h.Get("Last-Modified"))
	return err == nil && !modified.After(since)
}

// gate lets a fixed number of renderings run at once and queues the rest
// first come, first served. Without it they would queue inside database/sql,
// which gives a freed connection to a random waiter: under a burst of
// misses the unlucky waited many times the average, and that order, not the
// work, made the slowest answers slow. Cache hits never wait here.
type gate chan struct{}

// newGate admits n at a time: the size of the database's read pool, so a
// rendering that is let in finds a connection free.
func newGate(n int) gate { return make(gate, max(n, 1)) }

// enter waits for a place (a blocked channel send queues in arrival
// order) and reports false if the client went away first.
func (g gate) enter(ctx context.Context) bool {
	select {
	case g <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (g gate) leave() { <-g }

// maxAge reads the max-age of a Cache-Control header.
func maxAge(cc string) (time.Duration, bool) {
	for _, d := range strings.Split(cc, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "max-age="); ok {
			if n, err := strconv.Atoi(v); err == nil && n >= 0 {
				return time.Duration(n) * time.Second, true
			}
		}
	}
	return 0, false
}
