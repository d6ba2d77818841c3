package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"jigsaw"
)

// TestPageBatcher: while its runners are busy, requests wait and the next
// query takes them all at once; each request gets its own story, a missing
// one gets nil, and a failed query fails every request in it.
func TestPageBatcher(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var batches [][]int64
	b := &pageBatcher{runners: 1, fetch: func(ctx context.Context, ids []int64) (map[int64]*jigsaw.PublicStory, error) {
		mu.Lock()
		batches = append(batches, ids)
		first := len(batches) == 1
		mu.Unlock()
		if first {
			<-release // hold the only runner while the others queue
		}
		found := map[int64]*jigsaw.PublicStory{}
		for _, id := range ids {
			if id == 13 {
				return nil, errors.New("broken")
			}
			if id == 666 {
				panic("a bug")
			}
			if id%2 == 1 {
				found[id] = &jigsaw.PublicStory{ID: id}
			}
		}
		return found, nil
	}}
	type answer struct {
		s   *jigsaw.PublicStory
		err error
	}
	ask := func(id int64) chan answer {
		c := make(chan answer, 1)
		go func() {
			s, err := b.get(context.Background(), id)
			c <- answer{s, err}
		}()
		return c
	}
	first := ask(1)
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(batches) == 1 })
	queued := map[int64]chan answer{}
	for _, id := range []int64{3, 4, 5} {
		queued[id] = ask(id)
	}
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.waiting) == 3 })
	close(release)
	if a := <-first; a.err != nil || a.s.ID != 1 {
		t.Fatalf("first: %+v", a)
	}
	for id, c := range queued {
		a := <-c
		if a.err != nil || (id%2 == 1) != (a.s != nil) || (a.s != nil && a.s.ID != id) {
			t.Fatalf("story %d: %+v", id, a)
		}
	}
	mu.Lock()
	if len(batches) != 2 || len(batches[1]) != 3 {
		t.Fatalf("batches %v, want [1] then the three queued in one", batches)
	}
	mu.Unlock()
	for _, id := range []int64{13, 666} {
		if a := <-ask(id); a.err == nil {
			t.Fatalf("a failed query answered %+v", a)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running != 0 || len(b.waiting) != 0 {
		t.Fatalf("after all answers: %d running, %d waiting", b.running, len(b.waiting))
	}
}

// TestPageBatcherStartAt: while one query runs, another starts only once
// startAt requests wait, and it takes them all.
func TestPageBatcherStartAt(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var batches [][]int64
	b := &pageBatcher{runners: 2, startAt: 3, fetch: func(ctx context.Context, ids []int64) (map[int64]*jigsaw.PublicStory, error) {
		mu.Lock()
		batches = append(batches, ids)
		mu.Unlock()
		<-release
		found := map[int64]*jigsaw.PublicStory{}
		for _, id := range ids {
			found[id] = &jigsaw.PublicStory{ID: id}
		}
		return found, nil
	}}
	var wg sync.WaitGroup
	ask := func(id int64) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s, err := b.get(context.Background(), id); err != nil || s == nil || s.ID != id {
				t.Errorf("story %d: %+v, %v", id, s, err)
			}
		}()
	}
	nBatches := func() int { mu.Lock(); defer mu.Unlock(); return len(batches) }
	state := func() (running, waiting int) { b.mu.Lock(); defer b.mu.Unlock(); return b.running, len(b.waiting) }
	ask(1)
	waitFor(t, func() bool { return nBatches() == 1 })
	ask(2)
	ask(3)
	waitFor(t, func() bool { _, w := state(); return w == 2 })
	if r, _ := state(); r != 1 || nBatches() != 1 {
		t.Fatalf("two waiting of three: %d queries running, %d started", r, nBatches())
	}
	ask(4)
	waitFor(t, func() bool { return nBatches() == 2 })
	if r, w := state(); r != 2 || w != 0 {
		t.Fatalf("the third waiting: %d running, %d waiting; want 2 and 0", r, w)
	}
	mu.Lock()
	if got := batches[1]; len(got) != 3 {
		t.Errorf("second query read %v, want the three that waited", got)
	}
	mu.Unlock()
	close(release)
	wg.Wait()
	if r, w := state(); r != 0 || w != 0 {
		t.Fatalf("after all answers: %d running, %d waiting", r, w)
	}
}

// TestPageBatcherGoneClient: a request whose client leaves while it waits
// returns at once, and its batch still answers the others.
func TestPageBatcherGoneClient(t *testing.T) {
	release := make(chan struct{})
	calls := 0
	var mu sync.Mutex
	b := &pageBatcher{runners: 1, fetch: func(ctx context.Context, ids []int64) (map[int64]*jigsaw.PublicStory, error) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 1 {
			<-release
		}
		found := map[int64]*jigsaw.PublicStory{}
		for _, id := range ids {
			found[id] = &jigsaw.PublicStory{ID: id}
		}
		return found, nil
	}}
	go b.get(context.Background(), 1)
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return calls == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error, 1)
	go func() { _, err := b.get(ctx, 2); gone <- err }()
	other := make(chan *jigsaw.PublicStory, 1)
	go func() { s, _ := b.get(context.Background(), 3); other <- s }()
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return len(b.waiting) == 2 })
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Fatalf("gone client: %v", err)
	}
	close(release)
	if s := <-other; s == nil || s.ID != 3 {
		t.Fatalf("other: %+v", s)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}
