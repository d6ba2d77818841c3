package listparams

import (
	"context"
	"net/url"
	"time"

	"jigsaw"
)

// EventList is what the list of events was asked for besides its filter.
type EventList struct {
	List
	// Month is the first day of the month shown by view=month, zero for
	// the list view.
	Month time.Time
}

// Events reads the filter of the list of events: kind, district,
// organisation, campaign (a number), from and to (days), past=1 for
// events that have ended, and view=month with month=YYYY-MM (this month in
// London when left out) for a month's calendar, which is one page of every
// event of the month. now is the present.
func Events(ctx context.Context, l Lookup, v url.Values, perPage int, now time.Time) (jigsaw.EventFilter, EventList, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.EventFilter{
		Kind:     choice(r, "kind", jigsaw.EventKinds),
		District: r.district("district"),
		OrgID:    r.orgID("organisation"),
		From:     r.date("from"),
		To:       r.date("to"),
		Past:     r.flag("past"),
	}
	f.CampaignID = int64(r.int("campaign", 0, 1, 1<<30))
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		r.p.Add("to", "must not be before the date in from.")
	}
	var month time.Time
	switch view := r.get("view"); view {
	case "", "list":
		if s := r.get("month"); s != "" {
			r.p.Add("month", "is only a filter of view=month.")
		}
	case "month":
		month = monthParam(r, now)
		if !f.From.IsZero() || !f.To.IsZero() || f.Past {
			r.p.Add("view", "a month shows its own days: leave out from, to and past.")
		}
		f.From, f.To = month, month.AddDate(0, 1, -1)
	default:
		r.p.Add("view", "must be list or month.")
	}
	list, err := r.done(&f.Limit, &f.Offset)
	if !month.IsZero() {
		// A month is one page, as full as a page may be.
		f.Limit, f.Offset = MaxLimit, 0
		if v.Has("page") || v.Has("offset") || v.Has("limit") {
			r.p.Add("view", "a month is one page: leave out page, offset and limit.")
			err = r.err()
		}
	}
	return f, EventList{List: list, Month: month}, err
}

// monthParam reads month as YYYY-MM, the month of now in London when it is
// left out.
func monthParam(r *reader, now time.Time) time.Time {
	s := r.get("month")
	if s == "" {
		l := now.In(jigsaw.London())
		return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	m, err := time.Parse("2006-01", s)
	if err != nil || m.Year() < 1900 || m.Year() > 2200 {
		r.p.Add("month", "must be a month such as 2026-05.")
		l := now.In(jigsaw.London())
		return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return m
}

// MonthParam formats a month as the month parameter takes it.
func MonthParam(m time.Time) string { return m.Format("2006-01") }
