// Package chart holds what the public charts count (Filter, Data) and draws
// them as SVG on the server: bars on nice scales, escaped labels, a viewBox
// so that a chart shrinks to a phone's width, and colours from the design
// system's CSS classes (style.css, "Charts"), so that they follow the light
// and dark schemes. Nothing is fetched and no script is needed; each chart's
// page puts a table of the same figures beside it.
package chart

import (
	"fmt"
	"time"

	"jigsaw"
)

// Filter selects what the charts count. Zero fields do not filter.
type Filter struct {
	// From and To are the first and last month counted, as YYYY-MM,
	// inclusive; "" leaves that end open.
	From, To string
	KeyIssue string
	District string
	OrgID    int64
}

// DangerMonth is how many published dangers of one kind were reported in
// a month.
type DangerMonth struct {
	Month string // YYYY-MM
	Kind  jigsaw.TrackerKind
	Count int
}

// DisputeMonth is, for a month, how many disputes had a step in it and how
// many days of strikes it held (summed over the disputes: two disputes on
// strike on one day are two strike days).
type DisputeMonth struct {
	Month      string // YYYY-MM
	Disputes   int
	StrikeDays int
}

// IssueCount is how many published stories concern a key issue.
type IssueCount struct {
	Slug, Name string
	Stories    int
}

// YearValue is the value of the published dangers of a year that name a
// private company as supplier, and how many there are.
type YearValue struct {
	Year  string // YYYY
	Pence int64
	Items int
}

// Data is every chart's figures, as the store counts them.
type Data struct {
	Dangers   []DangerMonth  // by month, then kind; months without any are left out
	Disputes  []DisputeMonth // by month; months without any are left out
	Stories   []IssueCount   // every key issue of the site, in the site's order
	Contracts []YearValue    // by year; years without any are left out
}

// MaxMonths is the longest range of months a request may ask for.
const MaxMonths = 120

// Month is a month as YYYY-MM.
type Month string

// MonthOf returns the month of t.
func MonthOf(t time.Time) Month { return Month(t.Format("2006-01")) }

// Time returns the first moment of the month, UTC; zero if m is not a month.
func (m Month) Time() time.Time {
	t, _ := time.Parse("2006-01", string(m))
	return t
}

// Add returns the month n months later (earlier for negative n).
func (m Month) Add(n int) Month { return MonthOf(m.Time().AddDate(0, n, 0)) }

// Span returns the months from a to b inclusive; none when b is before a.
func Span(a, b Month) []Month {
	var out []Month
	for m := a; m <= b && len(out) <= 12*300; m = m.Add(1) {
		out = append(out, m)
	}
	return out
}

// Label is the month as people read it: "March 2025".
func (m Month) Label() string { return m.Time().Format("January 2006") }

// Short is the month on an axis: "Mar 2025".
func (m Month) Short() string { return m.Time().Format("Jan 2006") }

// ShortPounds writes pence as an axis writes pounds, en-GB: "£1.2m",
// "£450k", "£3bn", "£900", "£0".
func ShortPounds(pence int64) string {
	pounds := float64(pence) / 100
	for _, s := range []struct {
		div    float64
		suffix string
	}{{1e9, "bn"}, {1e6, "m"}, {1e3, "k"}} {
		if pounds >= s.div {
			return "£" + trimZero(fmt.Sprintf("%.1f", pounds/s.div)) + s.suffix
		}
	}
	return "£" + trimZero(fmt.Sprintf("%.0f", pounds))
}

func trimZero(s string) string {
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}
