package storetest

import (
	"context"
	"testing"
	"time"
)

// Counters of addresses never seen again are deleted once their window is
// long past, rather than kept for ever.
func (s *suite) testRateLimitsExpire(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	for _, key := range []string{"submit-ip:198.51.100.1", "submit-ip:198.51.100.2"} {
		if _, _, err := db.Hit(ctx, key, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.ExpireRateLimits(ctx, time.Now().Add(-2*time.Hour)); err != nil || n != 0 {
		t.Fatalf("expiring windows older than two hours ago: %d (%v), want none", n, err)
	}
	if n, err := db.ExpireRateLimits(ctx, time.Now().Add(2*time.Hour)); err != nil || n != 2 {
		t.Fatalf("expiring every window: %d (%v), want 2", n, err)
	}
	if count, _, err := db.Hit(ctx, "submit-ip:198.51.100.1", time.Hour); err != nil || count != 1 {
		t.Fatalf("a hit after its counter expired: count %d (%v), want 1", count, err)
	}
}
