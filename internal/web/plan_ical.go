package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jigsaw"
)

// servePlanICS answers /plan/{id}.ics: the plan's milestones and seats as
// all-day events (RFC 5545) that calendar apps subscribe to. UIDs are the
// milestone's or seat's own, so that moving the anchor moves the events a
// calendar already holds rather than adding new ones.
func (p *Pages) servePlanICS(w http.ResponseWriter, r *http.Request, plan *jigsaw.Plan) {
	host := "jigsaw.invalid"
	if u, err := url.Parse(p.Site.BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	base := strings.TrimSuffix(p.Site.BaseURL, "/")
	page := base + "/plan/" + strconv.FormatInt(plan.ID, 10)
	stamp := plan.UpdatedAt.UTC().Format("20060102T150405Z")
	var c icalWriter
	c.line("BEGIN", "VCALENDAR")
	c.line("VERSION", "2.0")
	c.line("PRODID", "-//Jigsaw//Plans//EN")
	c.line("CALSCALE", "GREGORIAN")
	c.line("METHOD", "PUBLISH")
	c.line("X-WR-CALNAME", icalText(plan.Name))
	for _, e := range planEntries(plan, plan.AnchorDate) {
		c.line("BEGIN", "VEVENT")
		desc := jigsaw.DescribeOffset(e.Offset) + ": " + plan.AnchorLabel + " (" + happened(plan.AnchorDate) + ")"
		if e.Seat != nil {
			c.line("UID", "seat-"+strconv.FormatInt(e.Seat.ID, 10)+"@"+host)
			desc = e.Seat.Holder + " · " + e.Seat.BodyName + " · " + e.Seat.State.Label() + "\n" + desc
		} else {
			c.line("UID", "plan-milestone-"+strconv.FormatInt(e.MilestoneID, 10)+"@"+host)
		}
		if e.Note != "" {
			desc = e.Note + "\n" + desc
		}
		c.line("DTSTAMP", stamp)
		day, _ := time.Parse("2006-01-02", e.Date)
		c.line("DTSTART;VALUE=DATE", day.Format("20060102"))
		c.line("DTEND;VALUE=DATE", day.AddDate(0, 0, 1).Format("20060102"))
		c.line("SUMMARY", icalText(e.Title))
		c.line("DESCRIPTION", icalText(desc))
		c.line("URL", page)
		c.line("TRANSP", "TRANSPARENT")
		c.line("END", "VEVENT")
	}
	c.line("END", "VCALENDAR")
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="plan-`+strconv.FormatInt(plan.ID, 10)+`.ics"`)
	w.Write(c.buf.Bytes())
}

// icalWriter writes content lines: CRLF at the end of each, folded at 75
// octets without splitting a character (RFC 5545 §3.1).
type icalWriter struct{ buf bytes.Buffer }

func (c *icalWriter) line(name, value string) {
	s := name + ":" + value
	n := 0 // octets on the current physical line
	for len(s) > 0 {
		_, size := utf8.DecodeRuneInString(s)
		if n+size > 75 {
			c.buf.WriteString("\r\n ")
			n = 1
		}
		c.buf.WriteString(s[:size])
		n += size
		s = s[size:]
	}
	c.buf.WriteString("\r\n")
}

// icalText escapes a TEXT value (RFC 5545 §3.3.11).
func icalText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}
