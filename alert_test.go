package jigsaw

import (
	"testing"
	"time"
)

// Digests fall due at the hour in London, in winter and in summer time.
func TestAlertDue(t *testing.T) {
	for _, tt := range []struct {
		name              string
		now               time.Time
		daily, weeklyFrom time.Time
	}{
		{"winter, after the hour", time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC),
			time.Date(2026, 1, 15, 7, 0, 0, 0, time.UTC), time.Date(2026, 1, 9, 7, 0, 0, 0, time.UTC)},
		{"winter, before the hour", time.Date(2026, 1, 15, 6, 59, 0, 0, time.UTC),
			time.Date(2026, 1, 14, 7, 0, 0, 0, time.UTC), time.Date(2026, 1, 8, 7, 0, 0, 0, time.UTC)},
		{"summer time", time.Date(2026, 7, 15, 6, 30, 0, 0, time.UTC),
			time.Date(2026, 7, 15, 6, 0, 0, 0, time.UTC), time.Date(2026, 7, 9, 6, 0, 0, 0, time.UTC)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			daily, weekly := AlertDue(tt.now, 7)
			if !daily.Equal(tt.daily) || !weekly.Equal(tt.weeklyFrom) {
				t.Errorf("got %v and %v, want %v and %v", daily, weekly, tt.daily, tt.weeklyFrom)
			}
		})
	}
}
