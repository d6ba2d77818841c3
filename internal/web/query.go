package web

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"jigsaw"
)

// query reads URL parameters and collects every bad one, so that a wrong
// filter gets a 400 naming the parameter instead of being ignored.
type query struct {
	v url.Values
	p jigsaw.Problems
}

func newQuery(v url.Values) *query { return &query{v: v, p: jigsaw.Problems{}} }

// page returns the 1-based page number and the offset for perPage items.
func (q *query) page(perPage int) (page, offset int) {
	page = q.int("page", 1, 1, 10000)
	return page, (page - 1) * perPage
}

func (q *query) int(name string, def, min, max int) int {
	s := strings.TrimSpace(q.v.Get(name))
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		q.p.Add(name, "must be a whole number from "+strconv.Itoa(min)+" to "+strconv.Itoa(max)+".")
		return def
	}
	return n
}

// choice returns the parameter if it is one of choices.
func choice[T ~string](q *query, name string, choices []jigsaw.Choice[T]) T {
	s := T(strings.TrimSpace(q.v.Get(name)))
	if s == "" {
		return ""
	}
	if !jigsaw.Valid(choices, s) {
		var vals []string
		for _, c := range choices {
			vals = append(vals, string(c.Value))
		}
		q.p.Add(name, "must be one of "+strings.Join(vals, ", ")+".")
		return ""
	}
	return s
}

func (q *query) keyIssue(name string, issues []jigsaw.KeyIssue) string {
	s := strings.TrimSpace(q.v.Get(name))
	if s == "" {
		return ""
	}
	for _, k := range issues {
		if k.Slug == s {
			return s
		}
	}
	q.p.Add(name, "is not a key issue of this site.")
	return ""
}

var districtRE = regexp.MustCompile(`^[A-Z]{1,2}[0-9][0-9A-Z]?$`)

// district returns a postcode district such as "BD20", upper-cased.
func (q *query) district(name string) string {
	s := strings.ToUpper(strings.TrimSpace(q.v.Get(name)))
	if s == "" {
		return ""
	}
	if !districtRE.MatchString(s) {
		q.p.Add(name, "must be a postcode district such as BD20 or SW1A.")
		return ""
	}
	return s
}

// date parses YYYY-MM-DD.
func (q *query) date(name string) time.Time {
	s := strings.TrimSpace(q.v.Get(name))
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		q.p.Add(name, "must be a date as YYYY-MM-DD.")
	}
	return t
}

func (q *query) text(name string, maxLen int) string {
	s := strings.TrimSpace(q.v.Get(name))
	if len(s) > maxLen {
		q.p.Add(name, "must be at most "+strconv.Itoa(maxLen)+" characters.")
		return ""
	}
	return s
}

// err returns the collected problems as an EINVALID error, or nil.
func (q *query) err() error {
	if len(q.p) == 0 {
		return nil
	}
	e := q.p.Err().(*jigsaw.Error)
	e.Message = "Bad query parameter: " + e.FieldSummary()
	return e
}

// Pager describes a page of a list.
type Pager struct {
	Page, PerPage, Total int
	Query                url.Values
}

// HasPrev reports whether there is a page before this one.
func (p Pager) HasPrev() bool { return p.Page > 1 }

// Capped reports whether Total is a lower bound (see jigsaw.CountCap).
func (p Pager) Capped() bool { return jigsaw.TotalCapped(p.Total, p.Page*p.PerPage) }

// HasNext reports whether there is a page after this one.
func (p Pager) HasNext() bool { return p.Page*p.PerPage < p.Total }

// Prev returns the previous page number.
func (p Pager) Prev() int { return p.Page - 1 }

// Next returns the next page number.
func (p Pager) Next() int { return p.Page + 1 }

// First returns the 1-based number of the first item shown.
func (p Pager) First() int {
	if p.Total == 0 {
		return 0
	}
	return (p.Page-1)*p.PerPage + 1
}

// Last returns the 1-based number of the last item shown.
func (p Pager) Last() int { return min(p.Page*p.PerPage, p.Total) }

// Shown is the total as people read it: "1000+" when it was capped.
func (p Pager) Shown() string { return jigsaw.TotalText(p.Total, p.Page*p.PerPage) }
