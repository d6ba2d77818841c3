package listparams

import (
	"context"
	"net/url"
	"testing"
	"time"

	"jigsaw"
)

func TestEvents(t *testing.T) {
	// 23:30 UTC on 31 May is already June in London.
	now := time.Date(2026, 5, 31, 23, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, query string
		month       string // the month shown, "" for the list
		from, to    string
		past        bool
		bad         string // the parameter refused, "" if none
	}{
		{name: "upcoming", query: ""},
		{name: "this month in London", query: "view=month", month: "2026-06", from: "2026-06-01", to: "2026-06-30"},
		{name: "a month", query: "view=month&month=2027-02", month: "2027-02", from: "2027-02-01", to: "2027-02-28"},
		{name: "dates", query: "from=1/5/2026&to=2026-05-31&past=1", from: "2026-05-01", to: "2026-05-31", past: true},
		{name: "bad view", query: "view=week", bad: "view"},
		{name: "bad month", query: "view=month&month=May", bad: "month"},
		{name: "month without view", query: "month=2026-05", bad: "month"},
		{name: "month with dates", query: "view=month&from=2026-05-01", bad: "view"},
		{name: "month with a page", query: "view=month&page=2", bad: "view"},
		{name: "to before from", query: "from=2026-05-02&to=2026-05-01", bad: "to"},
		{name: "bad kind", query: "kind=party", bad: "kind"},
		{name: "bad campaign", query: "campaign=keep", bad: "campaign"},
		{name: "unknown", query: "colour=red", bad: "colour"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.query)
			f, list, err := Events(context.Background(), nil, v, 30, now)
			if tt.bad != "" {
				if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)[tt.bad] == "" {
					t.Fatalf("got %v, want %s refused", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			day := func(d time.Time) string {
				if d.IsZero() {
					return ""
				}
				return d.Format("2006-01-02")
			}
			month := ""
			if !list.Month.IsZero() {
				month = MonthParam(list.Month)
				if f.Limit != MaxLimit {
					t.Errorf("a month's limit is %d, want %d", f.Limit, MaxLimit)
				}
			}
			if month != tt.month || day(f.From) != tt.from || day(f.To) != tt.to || f.Past != tt.past {
				t.Fatalf("month %q from %q to %q past %v; want %q %q %q %v", month, day(f.From), day(f.To), f.Past, tt.month, tt.from, tt.to, tt.past)
			}
		})
	}
}
