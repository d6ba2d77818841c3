package listparams

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"jigsaw/internal/chart"
)

// Charts reads the filter of the charts: a range of months (from, to, each
// a month such as 2025-03 or a year: from=2024 is January 2024, to=2024
// December), a key issue, a district and an organisation. The charts have
// no pages, so page, limit and offset are refused with any other unknown
// parameter.
func Charts(ctx context.Context, l Lookup, v url.Values) (chart.Filter, List, error) {
	r := newReader(ctx, l, v, 0)
	r.known = nil
	f := chart.Filter{
		From:     r.month("from", false),
		To:       r.month("to", true),
		KeyIssue: r.keyIssue("issue"),
		District: r.district("district"),
		OrgID:    r.orgID("organisation"),
	}
	if f.From != "" && f.To != "" {
		switch n := len(chart.Span(chart.Month(f.From), chart.Month(f.To))); {
		case n == 0:
			r.p.Add("to", "must not be before from.")
		case n > chart.MaxMonths:
			r.p.Add("to", "must be at most "+strconv.Itoa(chart.MaxMonths/12)+" years after from.")
		}
	}
	r.refuseUnknown("is not a filter of the charts.")
	return f, r.list, r.err()
}

// month reads a month, YYYY-MM, or a year, YYYY: its first month, or its
// last when end is set.
func (r *reader) month(name string, end bool) string {
	s := r.get(name)
	if s == "" {
		return ""
	}
	if t, err := time.Parse("2006-01", s); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
		return s
	}
	if t, err := time.Parse("2006", s); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
		if end {
			return s + "-12"
		}
		return s + "-01"
	}
	r.p.Add(name, "must be a month such as 2025-03, or a year such as 2025.")
	return ""
}
