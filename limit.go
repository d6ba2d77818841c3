package jigsaw

import (
	"strconv"
	"time"
)

// Limit is a rate limit: at most Max events per Window, counted for each
// key (a client's address, an account) in fixed windows.
type Limit struct {
	Max    int
	Window time.Duration
}

// Check returns nil for the count-th event of a window that ends at end,
// and a *RateLimitError, saying how long to wait, once the limit is passed.
func (l Limit) Check(count int, end, now time.Time) error {
	if count <= l.Max {
		return nil
	}
	return &RateLimitError{RetryAfter: max(end.Sub(now).Round(time.Second), time.Second)}
}

// RateLimitError says a limit was reached and when to try again.
type RateLimitError struct{ RetryAfter time.Duration }

func (e *RateLimitError) Error() string {
	return "Too many attempts. Try again in " + strconv.Itoa(int(e.RetryAfter.Minutes())+1) + " minutes."
}

// RetryAfterSeconds is sent as the Retry-After header.
func (e *RateLimitError) RetryAfterSeconds() int { return int(e.RetryAfter.Seconds()) }

// Unwrap gives the error its code.
func (e *RateLimitError) Unwrap() error { return Errorf(ETOOMANY, "%s", e.Error()) }
