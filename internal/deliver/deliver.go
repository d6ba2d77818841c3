// Package deliver runs the durable queue of outgoing deliveries: it turns
// the change log into payloads (through each consumer's plan) and posts
// them to their targets (through each channel's function), with retries,
// backoff and giving up, from any number of serve processes sharing one
// database.
package deliver

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"jigsaw"
)

// Func delivers one payload to its target and returns the HTTP status it
// got (0 if none came). An error wrapped by Permanent is not retried.
type Func func(ctx context.Context, d *jigsaw.Delivery) (status int, err error)

// Consumer reads the change log under Name (its cursor and its record of
// what it announced) and plans what to deliver for each change.
type Consumer struct {
	Name string
	Plan func(ctx context.Context, cs []jigsaw.Change) ([]jigsaw.Outgoing, error)
}

// Store is what the runner needs of the database.
type Store interface {
	ConsumeChanges(ctx context.Context, consumer string, limit int,
		plan func(ctx context.Context, cs []jigsaw.Change) ([]jigsaw.Outgoing, error)) (int, error)
	ClaimDeliveries(ctx context.Context, channels []string, limit int, lease time.Duration) ([]*jigsaw.Delivery, error)
	FinishDeliveries(ctx context.Context, results []jigsaw.DeliveryResult) error
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying: the peer refused the payload
// itself (a 4xx other than 408 or 429), and would refuse it again.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Runner consumes the change log and delivers the queue until its context
// ends. Set the fields before Run; Channels and Consumers may be added to
// until then.
type Runner struct {
	Store     Store
	Channels  map[string]Func
	Consumers []Consumer
	Log       *slog.Logger
	// Workers is how many deliveries are made at once: a dead peer holds
	// one worker for at most a delivery's timeout, never the others.
	Workers int
	// Lease is how long a claimed delivery is kept from other processes;
	// it must be longer than a delivery's timeout.
	Lease time.Duration
	// GiveUpAfter is how long after it was queued a delivery that keeps
	// failing is given up.
	GiveUpAfter time.Duration
	// Timeout bounds one delivery, whatever its channel's function does.
	Timeout time.Duration
	// Poll is how often the runner looks for work when not woken.
	Poll time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	once sync.Once
	wake chan struct{}
}

// The backoff of a failing delivery: from the first retry's delay,
// doubling, to the longest.
const (
	firstRetry   = 30 * time.Second
	longestRetry = time.Hour
)

func (r *Runner) init() {
	r.once.Do(func() {
		r.wake = make(chan struct{}, 1)
		if r.Channels == nil {
			r.Channels = map[string]Func{}
		}
		if r.Workers <= 0 {
			r.Workers = 16
		}
		if r.Lease <= 0 {
			r.Lease = 2 * time.Minute
		}
		if r.GiveUpAfter <= 0 {
			r.GiveUpAfter = 48 * time.Hour
		}
		if r.Timeout <= 0 {
			r.Timeout = Timeout + 5*time.Second
		}
		if r.Poll <= 0 {
			r.Poll = 2 * time.Second
		}
		if r.Now == nil {
			r.Now = time.Now
		}
		if r.Log == nil {
			r.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// Wake tells the runner there may be something new to read or deliver.
func (r *Runner) Wake() {
	r.init()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends: after each round that found work it goes on at
// once, otherwise it waits to be woken or for Poll.
func (r *Runner) Run(ctx context.Context) {
	r.init()
	t := time.NewTicker(r.Poll)
	defer t.Stop()
	for {
		busy, err := r.round(ctx)
		if err != nil && ctx.Err() == nil {
			r.Log.Warn("deliveries", "err", err)
		}
		if busy && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-t.C:
		}
	}
}

// Drain consumes every change and makes every delivery that is due, until
// there is nothing left to do now (retries due later stay queued). Tests
// use it instead of waiting for Run.
func (r *Runner) Drain(ctx context.Context) error {
	r.init()
	for {
		busy, err := r.round(ctx)
		if err != nil || !busy {
			return err
		}
	}
}

// round reads what is new in the change log for every consumer, then makes
// one batch of due deliveries. It reports whether it found anything.
func (r *Runner) round(ctx context.Context) (busy bool, err error) {
	for _, c := range r.Consumers {
		for {
			n, err := r.Store.ConsumeChanges(ctx, c.Name, 200, c.Plan)
			if err != nil {
				return busy, err
			}
			if n == 0 {
				break
			}
			busy = true
		}
	}
	n, err := r.deliverDue(ctx)
	return busy || n > 0, err
}

// deliverDue makes every due delivery, Workers at a time, until none is
// due. The workers take deliveries one by one rather than in rounds, so
// that a peer that makes its delivery wait for the timeout holds up one
// worker, not a round of them; claims are kept a few ahead of the
// workers, so that none waits long enough for its lease to run out.
// Outcomes are recorded in batches.
func (r *Runner) deliverDue(ctx context.Context) (delivered int, err error) {
	channels := make([]string, 0, len(r.Channels))
	for name := range r.Channels {
		channels = append(channels, name)
	}
	jobs := make(chan *jigsaw.Delivery, r.Workers)
	results := make(chan jigsaw.DeliveryResult, r.Workers)
	var workers sync.WaitGroup
	for range r.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for d := range jobs {
				if ctx.Err() != nil { // stopping: let the next start have it
					results <- jigsaw.DeliveryResult{ID: d.ID, State: jigsaw.DeliveryPending, RetryAt: r.Now(), Error: "stopped before delivery"}
					continue
				}
				results <- r.deliver(ctx, d)
			}
		}()
	}
	claimErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		for ctx.Err() == nil {
			batch, err := r.Store.ClaimDeliveries(ctx, channels, r.Workers, r.Lease)
			if err != nil || len(batch) == 0 {
				claimErr <- err
				return
			}
			for _, d := range batch {
				jobs <- d
			}
		}
		claimErr <- nil
	}()
	go func() {
		workers.Wait()
		close(results)
	}()
	// Recorded even if ctx ended meanwhile: what was delivered must not be
	// delivered again.
	wctx := context.WithoutCancel(ctx)
	var pending []jigsaw.DeliveryResult
	flush := time.NewTicker(250 * time.Millisecond)
	defer flush.Stop()
	for done := false; !done; {
		select {
		case res, ok := <-results:
			if !ok {
				done = true
				break
			}
			delivered++
			pending = append(pending, res)
			if len(pending) < 200 {
				continue
			}
		case <-flush.C:
		}
		if ferr := r.Store.FinishDeliveries(wctx, pending); ferr != nil && err == nil {
			err = ferr
		}
		pending = pending[:0]
	}
	return delivered, errors.Join(err, <-claimErr)
}

// deliver makes one attempt and says what is to become of the delivery.
func (r *Runner) deliver(ctx context.Context, d *jigsaw.Delivery) jigsaw.DeliveryResult {
	res := jigsaw.DeliveryResult{ID: d.ID, State: jigsaw.DeliveryDone}
	send := r.Channels[d.Channel]
	dctx, cancel := context.WithTimeout(ctx, r.Timeout)
	status, err := send(dctx, d)
	cancel()
	res.Status = status
	if err == nil {
		return res
	}
	res.Error = err.Error()
	now := r.Now()
	switch {
	case IsPermanent(err):
		res.State = jigsaw.DeliveryFailed
	case now.Sub(d.CreatedAt) >= r.GiveUpAfter:
		res.State = jigsaw.DeliveryFailed
		res.Error = "given up after " + r.GiveUpAfter.String() + ": " + res.Error
	default:
		res.State = jigsaw.DeliveryPending
		res.RetryAt = now.Add(Backoff(d.Attempts))
	}
	if ctx.Err() == nil {
		r.Log.Info("delivery failed", "channel", d.Channel, "target", d.Target, "attempt", d.Attempts,
			"status", status, "err", err, "state", res.State)
	}
	return res
}

// Backoff is the wait before the next try of a delivery that failed its
// attempts-th try: doubling from 30 s to at most an hour, less a random
// fifth so that the deliveries to a peer that came back do not all return
// at once.
func Backoff(attempts int) time.Duration {
	d := firstRetry
	for i := 1; i < attempts && d < longestRetry; i++ {
		d *= 2
	}
	d = min(d, longestRetry)
	return d - time.Duration(rand.Int64N(int64(d/5)+1))
}
