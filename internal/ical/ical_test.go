package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"jigsaw"
)

func londonAt(t *testing.T, day, clock string) time.Time {
	t.Helper()
	at, msg := jigsaw.ParseLondonTime(day, clock)
	if msg != "" {
		t.Fatal(msg)
	}
	return at
}

// TestWriteParses writes a calendar and reads it back with an independent
// parser: the times of events either side of the clock changes, the
// escaping of text, the folding of long lines and the time zone's rules.
func TestWriteParses(t *testing.T) {
	changed := time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	long := strings.Repeat("Défendons le NHS; à tous, ", 12) + "\nSecond line \\ end"
	events := []*jigsaw.Event{
		{ID: 7, Kind: jigsaw.EventPublicMeeting, Title: "Save our hospital, now; please", Description: long,
			Start: londonAt(t, "2026-07-09", "19:00"), End: londonAt(t, "2026-07-09", "21:00"), Venue: "Keighley Library",
			Postcode: "BD21 3SX", Organisers: []jigsaw.EventOrganiser{{Name: "Keep Our NHS Public"}, {Name: "UNISON"}},
			CreatedAt: changed, UpdatedAt: changed, Version: 3},
		{ID: 8, Kind: jigsaw.EventLobby, Title: "Lobby the board", Start: londonAt(t, "2027-01-27", "19:00"),
			End: londonAt(t, "2027-01-27", "20:30"), CreatedAt: changed, UpdatedAt: changed, Version: 1},
		// The day the clocks go back at 02:00: 09:00 is GMT, UTC.
		{ID: 9, Kind: jigsaw.EventStall, Title: "Stall", Start: londonAt(t, "2026-10-25", "09:00"),
			End: londonAt(t, "2026-10-25", "19:00"), CreatedAt: changed, UpdatedAt: changed, Version: 1},
	}
	var buf bytes.Buffer
	if err := Write(&buf, Calendar{Name: "Defend our NHS: events", BaseURL: "https://nhs.example.org/"}, events); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.HasSuffix(raw, "END:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") {
		t.Fatalf("lines must end in CRLF and nothing else:\n%q", raw)
	}
	for _, l := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Fatalf("line of %d octets: %q", len(l), l)
		}
	}

	cal, err := goical.NewDecoder(strings.NewReader(raw)).Decode()
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, raw)
	}
	got := cal.Events()
	if len(got) != 3 {
		t.Fatalf("%d events, want 3", len(got))
	}
	london, _ := time.LoadLocation("Europe/London")
	for i, want := range []struct{ uid, start, end string }{
		{"event-7@nhs.example.org", "2026-07-09T18:00:00Z", "2026-07-09T20:00:00Z"},
		{"event-8@nhs.example.org", "2027-01-27T19:00:00Z", "2027-01-27T20:30:00Z"},
		{"event-9@nhs.example.org", "2026-10-25T09:00:00Z", "2026-10-25T19:00:00Z"},
	} {
		e := got[i]
		if uid, _ := e.Props.Text(goical.PropUID); uid != want.uid {
			t.Errorf("event %d UID %q, want %q", i, uid, want.uid)
		}
		if tz := e.Props.Get(goical.PropDateTimeStart).Params.Get(goical.ParamTimezoneID); tz != "Europe/London" {
			t.Errorf("event %d DTSTART TZID %q", i, tz)
		}
		start, err := e.DateTimeStart(london)
		if err != nil || start.UTC().Format(time.RFC3339) != want.start {
			t.Errorf("event %d start %v (%v), want %s", i, start.UTC(), err, want.start)
		}
		end, err := e.DateTimeEnd(london)
		if err != nil || end.UTC().Format(time.RFC3339) != want.end {
			t.Errorf("event %d end %v (%v), want %s", i, end.UTC(), err, want.end)
		}
		if stamp, err := e.Props.DateTime(goical.PropDateTimeStamp, nil); err != nil || !stamp.Equal(changed) {
			t.Errorf("event %d DTSTAMP %v, %v", i, stamp, err)
		}
	}
	if s, _ := got[0].Props.Text(goical.PropSummary); s != "Save our hospital, now; please" {
		t.Errorf("SUMMARY read back as %q", s)
	}
	if d, _ := got[0].Props.Text(goical.PropDescription); !strings.HasPrefix(d, long) || !strings.Contains(d, "Organised by Keep Our NHS Public, UNISON.") ||
		!strings.HasSuffix(d, "https://nhs.example.org/events/7") {
		t.Errorf("DESCRIPTION read back as %q", d)
	}
	if l, _ := got[0].Props.Text(goical.PropLocation); l != "Keighley Library, BD21 3SX" {
		t.Errorf("LOCATION read back as %q", l)
	}

	// The VTIMEZONE's rules give this year's changes as Go's zone data
	// does.
	var tz *goical.Component
	for _, c := range cal.Children {
		if c.Name == goical.CompTimezone {
			tz = c
		}
	}
	if tz == nil || len(tz.Children) != 2 {
		t.Fatalf("no VTIMEZONE with daylight and standard rules: %+v", tz)
	}
	for _, c := range tz.Children {
		set, err := c.RecurrenceSet(time.UTC)
		if err != nil || set == nil {
			t.Fatalf("%s rule: %v", c.Name, err)
		}
		from := c.Props.Get(goical.PropTimezoneOffsetFrom).Value
		at := set.After(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false) // local wall time, offset "from"
		offset := map[string]time.Duration{"+0000": 0, "+0100": time.Hour}[from]
		instant := at.Add(-offset)
		before, after := instant.Add(-time.Minute).In(london), instant.In(london)
		if _, o1 := before.Zone(); time.Duration(o1)*time.Second != offset {
			t.Errorf("%s: before %v the offset is %v, want %v", c.Name, instant, o1, offset)
		}
		if _, o2 := after.Zone(); o2 == int(offset/time.Second) {
			t.Errorf("%s: no change of offset at %v", c.Name, instant)
		}
	}
}

func TestText(t *testing.T) {
	if got := Text("a,b;c\\d\r\ne"); got != `a\,b\;c\\d\ne` {
		t.Fatalf("got %q", got)
	}
}
