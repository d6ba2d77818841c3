package web

import (
	"bufio"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/ical"
)

// servePlanICS answers /plan/{id}.ics: the plan's milestones and seats as
// all-day events (RFC 5545) that calendar apps subscribe to. UIDs are the
// milestone's or seat's own, so that moving the anchor moves the events a
// calendar already holds rather than adding new ones.
func (p *Pages) servePlanICS(w http.ResponseWriter, r *http.Request, plan *jigsaw.Plan) {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="plan-`+strconv.FormatInt(plan.ID, 10)+`.ics"`)
	host := "jigsaw.invalid"
	if u, err := url.Parse(p.Site.BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	base := strings.TrimSuffix(p.Site.BaseURL, "/")
	page := base + "/plan/" + strconv.FormatInt(plan.ID, 10)
	stamp := plan.UpdatedAt.UTC().Format("20060102T150405Z")
	bw := bufio.NewWriter(w)
	line := func(name, value string) { ical.WriteLine(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Jigsaw//Plans//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", ical.Text(plan.Name))
	for _, e := range planEntries(plan, plan.AnchorDate) {
		line("BEGIN", "VEVENT")
		desc := jigsaw.DescribeOffset(e.Offset) + ": " + plan.AnchorLabel + " (" + happened(plan.AnchorDate) + ")"
		if e.Seat != nil {
			line("UID", "seat-"+strconv.FormatInt(e.Seat.ID, 10)+"@"+host)
			desc = e.Seat.Holder + " · " + e.Seat.BodyName + " · " + e.Seat.State.Label() + "\n" + desc
		} else {
			line("UID", "plan-milestone-"+strconv.FormatInt(e.MilestoneID, 10)+"@"+host)
		}
		if e.Note != "" {
			desc = e.Note + "\n" + desc
		}
		line("DTSTAMP", stamp)
		day, _ := time.Parse("2006-01-02", e.Date)
		line("DTSTART;VALUE=DATE", day.Format("20060102"))
		line("DTEND;VALUE=DATE", day.AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY", ical.Text(e.Title))
		line("DESCRIPTION", ical.Text(desc))
		line("URL", page)
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	bw.Flush()
}
