package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRecent(t *testing.T) {
	ctx := context.Background()
	var r recent[int]
	var reads atomic.Int32
	release := make(chan struct{})
	slow := func(context.Context) (int, error) {
		<-release
		return int(reads.Add(1)), nil
	}

	// Callers arriving while a read is under way wait for it.
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = r.get(ctx, time.Hour, slow)
		}()
	}
	waitForRead(&r)
	time.Sleep(20 * time.Millisecond) // let the others queue behind the read
	close(release)
	wg.Wait()
	if n := reads.Load(); n > 2 {
		t.Errorf("8 concurrent callers made %d reads, want 1 (2 if one came after the first read ended)", n)
	}
	for i, v := range got {
		if v < 1 || v > int(reads.Load()) {
			t.Errorf("caller %d got %d", i, v)
		}
	}

	// Fresh: no read.
	before := reads.Load()
	if v, _ := r.get(ctx, time.Hour, slow); v != int(before) || reads.Load() != before {
		t.Errorf("fresh value: got %d after %d reads, want %d and no read", v, reads.Load(), before)
	}

	// A change of this process: read again at once.
	r.forget()
	if v, _ := r.get(ctx, time.Hour, slow); v != int(before)+1 {
		t.Errorf("after forget: got %d, want %d", v, before+1)
	}

	// A read begun before a change may have missed it: its answer is not
	// kept, and the next caller reads again.
	r.forget()
	inRead := make(chan struct{})
	done := make(chan struct{})
	stale := func(context.Context) (int, error) {
		close(inRead)
		<-done
		return -1, nil
	}
	go func() {
		<-inRead
		r.forget()
		close(done)
	}()
	if v, _ := r.get(ctx, time.Hour, stale); v != -1 {
		t.Errorf("the reading caller got %d, want its own read's -1", v)
	}
	if v, _ := r.get(ctx, time.Hour, slow); v == -1 {
		t.Error("a read begun before a change was kept")
	}

	// A caller waiting for another's read gives up with its context.
	r.forget()
	block := make(chan struct{})
	go r.get(ctx, time.Hour, func(context.Context) (int, error) { <-block; return 0, nil })
	waitForRead(&r)
	cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := r.get(cctx, time.Hour, slow); err != context.DeadlineExceeded {
		t.Errorf("waiting caller with an expiring context: got %v, want deadline exceeded", err)
	}
	close(block)
}

// waitForRead returns once a caller of r.get is reading.
func waitForRead[T any](r *recent[T]) {
	for {
		r.mu.Lock()
		started := r.reading != nil
		r.mu.Unlock()
		if started {
			return
		}
		time.Sleep(time.Millisecond)
	}
}
