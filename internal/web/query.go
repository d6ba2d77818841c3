package web

import (
	"errors"
	"maps"
	"net/url"

	"jigsaw"
	"jigsaw/internal/listparams"
)

// Pager describes a page of a list.
type Pager struct {
	Page, PerPage, Total int
	Query                url.Values
}

// newPager describes the page list of a list of total items; the links it
// makes keep the list's filters in q.
func newPager(list listparams.List, total int, q url.Values) Pager {
	q = maps.Clone(q)
	q.Del("offset")
	return Pager{Page: list.Page, PerPage: list.Limit, Total: total, Query: q}
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

// filterForm reads what a list parser refused. When every parameter err
// names is a field of the list's filter form (labels maps each to its
// label), it returns the form with the values typed and each field's
// message, for the page to show at status 400 with ok true. Otherwise
// (another error, or a parameter the form does not have, such as a
// mistyped name or a page number) ok is false and the caller shows err.
func filterForm(q url.Values, err error, labels map[string]string) (form *Form, ok bool) {
	var e *jigsaw.Error
	if !errors.As(err, &e) || e.Code != jigsaw.EINVALID || len(e.Fields) == 0 {
		return nil, false
	}
	form = newForm(q)
	for name, msg := range e.Fields {
		label, known := labels[name]
		if !known {
			return nil, false
		}
		form.Errors[name] = label + " " + msg
	}
	return form, true
}
