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

// A cursor reads back as the position it was made from, on its own list
// only; anything else is refused naming cursor.
func TestCursor(t *testing.T) {
	at := jigsaw.After{Key: "2025-11-24T10:00:00.123456Z", ID: 42}
	good := Cursor("stories", at)
	for _, tt := range []struct {
		name, query string
		bad         string
	}{
		{"its own list", "cursor=" + good, ""},
		{"with a limit", "limit=5&cursor=" + good, ""},
		{"another list's", "cursor=" + Cursor("tracker", at), "cursor"},
		{"not base64", "cursor=%25%25%25", "cursor"},
		{"not a cursor", "cursor=" + "eyJ4IjoxfQ", "cursor"},
		{"a key that is not a time", "cursor=" + Cursor("stories", jigsaw.After{Key: "today", ID: 1}), "cursor"},
		{"no id", "cursor=" + Cursor("stories", jigsaw.After{Key: at.Key}), "cursor"},
		{"and an offset", "offset=20&cursor=" + good, "cursor"},
		{"and a page", "page=2&cursor=" + good, "cursor"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			f, list, err := Stories(context.Background(), nil, v, 20)
			if tt.bad != "" {
				var e *jigsaw.Error
				if !errors.As(err, &e) || e.Code != jigsaw.EINVALID || e.Fields[tt.bad] == "" {
					t.Fatalf("got %v, want %s refused", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.After == nil || *f.After != at || list.After != f.After {
				t.Errorf("after %+v, want %+v", f.After, at)
			}
		})
	}
	// Lists without cursors refuse the parameter as any unknown one.
	if _, _, err := Outbox(context.Background(), url.Values{"cursor": {good}}, 20); jigsaw.FieldErrors(err)["cursor"] == "" {
		t.Errorf("the outbox took a cursor: %v", err)
	}
}
