package store

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"jigsaw"
)

// pageBatcher gathers the story pages that requests ask PostgreSQL for at
// the same moment into one query. Each query costs a round trip, a wake-up
// of a backend and of this process, and the executor's start and end,
// whatever it reads: under load, most of an uncached story page's cost.
// Alone, a request runs its query at once. While a query runs, requests
// wait, and the next query to start takes every request waiting, as a
// group commit takes every write. Another query starts beside the running
// ones only once startAt requests wait (at most runners at once): a second
// query started for every request that found the first one busy read few
// pages each time, and the CPU it cost was taken from the requests the page
// cache answers.
//
// Batching serves uncached story pages faster under load than a query each
// on the pool, and waiting for startAt requests before a second query makes
// each query read more pages without slowing the cached ones (measured by
// hand on a large corpus; the harness's figures are in docs/benchmarks.md).
// One runner alone would leave the CPUs idle on uncached pages, hence one
// per CPU and at least two.
type pageBatcher struct {
	mu      sync.Mutex
	running int
	waiting []*pageWait
	runners int // queries at most at once
	startAt int // requests waiting before another query starts beside one running
	fetch   func(ctx context.Context, ids []int64) (map[int64]*jigsaw.PublicStory, error)

	// For /metrics: queries run and the pages they were asked for.
	queries, pages atomic.Uint64
}

func newPageBatcher(fetch func(ctx context.Context, ids []int64) (map[int64]*jigsaw.PublicStory, error)) *pageBatcher {
	return &pageBatcher{runners: max(2, runtime.GOMAXPROCS(0)), startAt: 8, fetch: fetch}
}

type pageWait struct {
	id    int64
	done  chan struct{}
	story *jigsaw.PublicStory
	err   error
}

// maxPageBatch bounds the ids of one query.
const maxPageBatch = 64

// get returns the published story id (nil when there is none).
func (b *pageBatcher) get(ctx context.Context, id int64) (*jigsaw.PublicStory, error) {
	w := &pageWait{id: id, done: make(chan struct{})}
	b.mu.Lock()
	if b.running == 0 {
		b.running++
		b.mu.Unlock()
		b.run(ctx, []*pageWait{w})
		return w.story, w.err
	}
	b.waiting = append(b.waiting, w)
	if b.running < b.runners && len(b.waiting) >= b.startAt {
		b.running++
		b.runNext()
	}
	b.mu.Unlock()
	select {
	case <-w.done:
		return w.story, w.err
	case <-ctx.Done():
		return nil, ctx.Err() // its answer, when it comes, goes nowhere
	}
}

// run fetches batch, answers it, and then starts the next batch of those
// waiting, if any, on a goroutine of its own: the request that ran this one
// need not wait for it.
func (b *pageBatcher) run(ctx context.Context, batch []*pageWait) {
	ids := make([]int64, len(batch))
	for i, w := range batch {
		ids[i] = w.id
	}
	b.queries.Add(1)
	b.pages.Add(uint64(len(ids)))
	found, err := b.fetchOnce(ctx, ids)
	for _, w := range batch {
		w.story, w.err = found[w.id], err
		close(w.done)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.waiting) == 0 {
		b.running--
		return
	}
	b.runNext()
}

// runNext starts a query, counted in running already, for the requests
// waiting (up to maxPageBatch), on a goroutine of its own. Under b.mu.
func (b *pageBatcher) runNext() {
	n := min(len(b.waiting), maxPageBatch)
	next := b.waiting[:n:n]
	b.waiting = b.waiting[n:]
	if len(b.waiting) == 0 {
		b.waiting = nil
	}
	go func() {
		// Not a request's context: the batch answers several.
		ctx, cancel := context.WithTimeout(context.Background(), pageBatchTimeout)
		defer cancel()
		b.run(ctx, next)
	}()
}

// fetchOnce is fetch, its panic turned into an error: a batch whose query
// panicked must still answer its waiters and free its runner, or every
// story page would wait behind it.
func (b *pageBatcher) fetchOnce(ctx context.Context, ids []int64) (found map[int64]*jigsaw.PublicStory, err error) {
	defer func() {
		if p := recover(); p != nil {
			found, err = nil, fmt.Errorf("reading story pages %v: %v", ids, p)
		}
	}()
	return b.fetch(ctx, ids)
}

// pageBatchTimeout bounds a batch's query, which no one request may cancel.
const pageBatchTimeout = 30 * time.Second

// StoryPageReads says how many queries have read story pages for this
// process and how many pages they were asked for (pages/queries is the
// mean batch). Zero on SQLite, where each page is its own read.
func (db *DB) StoryPageReads() (queries, pages uint64) {
	if db.pages == nil {
		return 0, 0
	}
	return db.pages.queries.Load(), db.pages.pages.Load()
}
