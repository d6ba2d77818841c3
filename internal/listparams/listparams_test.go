package listparams

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"jigsaw"
)

// since and until read a day as people type it as well as the kept form.
func TestDates(t *testing.T) {
	day := time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, query string
		want        time.Time
		bad         string // the parameter refused, "" if none
	}{
		{"kept form", "since=2025-11-24", day, ""},
		{"day first", "since=24/11/2025", day, ""},
		{"single digits", "since=24/11/2025&until=1/4/2026", day, ""},
		{"no such month", "since=24/13/2025", time.Time{}, "since"},
		{"no such day", "until=31/02/2025", day, "until"},
		{"words", "since=yesterday", time.Time{}, "since"},
		{"a month only", "since=11/2025", time.Time{}, "since"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			f, _, err := Stories(context.Background(), nil, v, 20)
			if tt.bad != "" {
				var e *jigsaw.Error
				if jigsaw.ErrorCode(err) != jigsaw.EINVALID || !errors.As(err, &e) || e.Fields[tt.bad] == "" {
					t.Fatalf("got %v, want %s refused", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !f.Since.Equal(tt.want) {
				t.Errorf("since %v, want %v", f.Since, tt.want)
			}
		})
	}
}
