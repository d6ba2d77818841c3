// Package ical writes events as iCalendar (RFC 5545), the format calendar
// apps subscribe to and import. See docs/calendar.md for the choices made.
package ical

import (
	"bufio"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jigsaw"
)

// Calendar is what a calendar says of itself.
type Calendar struct {
	Name string // X-WR-CALNAME: the name apps show for a subscription
	// BaseURL is the site's address: events' URLs start with it and
	// their UIDs end with its host.
	BaseURL string
}

// vtimezone is Europe/London as its rules have stood since 1996: summer
// time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
// Sunday of October. RFC 5545 requires one for every TZID used.
var vtimezone = []string{
	"BEGIN:VTIMEZONE",
	"TZID:Europe/London",
	"BEGIN:DAYLIGHT",
	"TZOFFSETFROM:+0000",
	"TZOFFSETTO:+0100",
	"TZNAME:BST",
	"DTSTART:19700329T010000",
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
	"END:DAYLIGHT",
	"BEGIN:STANDARD",
	"TZOFFSETFROM:+0100",
	"TZOFFSETTO:+0000",
	"TZNAME:GMT",
	"DTSTART:19701025T020000",
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	"END:STANDARD",
	"END:VTIMEZONE",
}

// Write writes a calendar of events. Members-only events must not be
// passed to a public calendar: the caller chooses what goes in.
func Write(w io.Writer, cal Calendar, events []*jigsaw.Event) error {
	bw := bufio.NewWriter(w)
	host := cal.BaseURL
	if u, err := url.Parse(cal.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	line := func(s string) { WriteLine(bw, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Jigsaw//Events//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + Text(cal.Name))
	line("X-WR-TIMEZONE:Europe/London")
	for _, l := range vtimezone {
		line(l)
	}
	for _, e := range events {
		id := strconv.FormatInt(e.ID, 10)
		page := strings.TrimSuffix(cal.BaseURL, "/") + "/events/" + id
		line("BEGIN:VEVENT")
		line("UID:event-" + id + "@" + host)
		// The last change stands for DTSTAMP: the same event gives the
		// same bytes until it changes, so caches and apps see no change.
		line("DTSTAMP:" + utc(e.UpdatedAt))
		line("CREATED:" + utc(e.CreatedAt))
		line("LAST-MODIFIED:" + utc(e.UpdatedAt))
		line("SEQUENCE:" + strconv.FormatInt(max(e.Version-1, 0), 10))
		line("DTSTART;TZID=Europe/London:" + e.LocalStart().Format("20060102T150405"))
		line("DTEND;TZID=Europe/London:" + e.LocalEnd().Format("20060102T150405"))
		line("SUMMARY:" + Text(e.Title))
		desc := e.Description
		if e.Conclusions != "" {
			desc = strings.TrimSpace(desc + "\n\nConclusions:\n" + e.Conclusions)
		}
		if names := organisers(e); names != "" {
			desc = strings.TrimSpace(desc + "\n\nOrganised by " + names + ".")
		}
		desc = strings.TrimSpace(desc + "\n\n" + page)
		line("DESCRIPTION:" + Text(desc))
		if loc := location(e); loc != "" {
			line("LOCATION:" + Text(loc))
		}
		line("CATEGORIES:" + Text(jigsaw.LabelOf(jigsaw.EventKinds, e.Kind)))
		line("URL:" + page)
		line("STATUS:CONFIRMED")
		line("TRANSP:OPAQUE")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return bw.Flush()
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func organisers(e *jigsaw.Event) string {
	names := make([]string, len(e.Organisers))
	for i, o := range e.Organisers {
		names[i] = o.Name
	}
	return strings.Join(names, ", ")
}

func location(e *jigsaw.Event) string {
	switch {
	case e.Venue != "" && e.Postcode != "":
		return e.Venue + ", " + e.Postcode
	case e.Venue != "":
		return e.Venue
	}
	return e.Postcode
}

// Text escapes s as an iCalendar TEXT value: backslashes, semicolons,
// commas and line breaks.
func Text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// WriteLine writes one content line ended by CRLF, folded so that no
// line is longer than 75 octets (RFC 5545 3.1), never inside a UTF-8
// character: each continuation starts with a space.
func WriteLine(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
