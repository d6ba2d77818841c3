package jigsaw

import (
	"strings"
	"testing"
	"time"
)

func TestParseLondonTime(t *testing.T) {
	for _, tt := range []struct {
		name, day, clock string
		want             string // the instant in UTC, or "" when refused
		refusal          string // a word of the refusal
	}{
		{"summer", "2026-07-09", "19:00", "2026-07-09T18:00:00Z", ""},
		{"winter", "27/01/2027", "19.00", "2027-01-27T19:00:00Z", ""},
		{"day before the clocks go forward", "2026-03-28", "19:00", "2026-03-28T19:00:00Z", ""},
		{"day the clocks go forward, after", "2026-03-29", "19:00", "2026-03-29T18:00:00Z", ""},
		{"before the spring gap", "2026-03-29", "00:59", "2026-03-29T00:59:00Z", ""},
		{"in the spring gap", "2026-03-29", "01:30", "", "forward"},
		{"after the spring gap", "2026-03-29", "02:00", "2026-03-29T01:00:00Z", ""},
		{"day the clocks go back, after", "2026-10-25", "19:00", "2026-10-25T19:00:00Z", ""},
		{"twice in autumn", "2026-10-25", "01:30", "", "twice"},
		{"before the autumn hour", "2026-10-25", "00:30", "2026-10-24T23:30:00Z", ""},
		{"after the autumn hour", "2026-10-25", "02:00", "2026-10-25T02:00:00Z", ""},
		{"bad day", "2026-02-30", "10:00", "", "day"},
		{"bad clock", "2026-02-03", "25:00", "", "24-hour"},
		{"no clock", "2026-02-03", "", "", "24-hour"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, msg := ParseLondonTime(tt.day, tt.clock)
			if tt.want == "" {
				if msg == "" || !strings.Contains(msg, tt.refusal) {
					t.Fatalf("got %v, %q; want a refusal saying %q", got, msg, tt.refusal)
				}
				return
			}
			if msg != "" || got.Format(time.RFC3339) != tt.want || got.Location() != time.UTC {
				t.Fatalf("got %v, %q; want %s", got, msg, tt.want)
			}
			if l := got.In(London()); l.Format("15:04") != strings.Replace(tt.clock, ".", ":", 1) {
				t.Fatalf("back in London: %v, want %s", l, tt.clock)
			}
		})
	}
}

func TestEventValidate(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	start := time.Date(2026, 6, 1, 18, 0, 0, 0, time.UTC)
	e := Event{Kind: EventRally, Title: "Rally", Start: start, End: start.Add(-time.Hour), Postcode: " ls1  1ur",
		Conclusions: "Too early."}
	e.Normalize()
	if e.Postcode != "LS1 1UR" || e.District != "LS1" {
		t.Fatalf("postcode %q district %q, want LS1 1UR and LS1", e.Postcode, e.District)
	}
	fields := FieldErrors(e.ValidateAt(now))
	if fields["end"] == "" || fields["conclusions"] == "" || len(fields) != 2 {
		t.Fatalf("got %v, want end and conclusions refused", fields)
	}
}
