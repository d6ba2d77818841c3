package store

import (
	"context"
	"sync"
	"time"
)

// recent keeps a value read from the database for a while: what every
// request asks for (the content version, the key issues, the site's name)
// but what changes rarely. Another process's change shows within the age
// the caller allows; this process's own change at once (forget).
type recent[T any] struct {
	mu      sync.Mutex
	v       T
	at      time.Time     // when v was read; zero when it must be read again
	changes uint64        // this process's changes so far
	reading chan struct{} // closed when the read under way ends
}

// get returns the value, read with read unless it was read less than maxAge
// ago. One caller reads it for all: the others, many at once under load,
// wait for that read instead of each making its own.
func (r *recent[T]) get(ctx context.Context, maxAge time.Duration, read func(context.Context) (T, error)) (T, error) {
	r.mu.Lock()
	for {
		if time.Since(r.at) < maxAge {
			v := r.v
			r.mu.Unlock()
			return v, nil
		}
		reading := r.reading
		if reading == nil {
			break
		}
		r.mu.Unlock()
		select {
		case <-reading:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		r.mu.Lock()
	}
	reading, changes := make(chan struct{}), r.changes
	r.reading = reading
	r.mu.Unlock()

	v, err := read(ctx)

	r.mu.Lock()
	// A read begun before a change of this process may have missed it:
	// its answer is this caller's only.
	if err == nil && r.changes == changes {
		r.v, r.at = v, time.Now()
	}
	r.reading = nil
	r.mu.Unlock()
	close(reading)
	return v, err
}

// forget is called after each change this process commits: the next get
// reads the value again, and a read under way is not kept.
func (r *recent[T]) forget() {
	r.mu.Lock()
	r.at = time.Time{}
	r.changes++
	r.mu.Unlock()
}
