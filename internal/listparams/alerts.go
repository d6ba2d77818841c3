package listparams

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"time"

	"jigsaw"
)

// Alert is a filter of a public list as an alert keeps it.
type Alert struct {
	// Query is the filter's canonical query string: the same filter,
	// however it was written, gives the same string.
	Query string
	// Terms say what the filter selects, in its parameters' order.
	Terms []AlertTerm
}

// AlertTerm is one parameter of an alert's filter: its name, and its
// value as people read it (an organisation's name, a kind's label).
type AlertTerm struct{ Name, Value string }

// alertPaging are the parameters of a page of a list rather than of its
// filter: an alert follows the whole list, so they are left out.
var alertPaging = []string{"page", "limit", "offset", "cursor", "view", "month"}

// AlertFilter reads the filter of list from v as the list's page does,
// refusing what the page refuses (an EINVALID error naming each
// parameter), and encodes it again. now is the present (for events).
func AlertFilter(ctx context.Context, l Lookup, list jigsaw.AlertList, v url.Values, now time.Time) (Alert, error) {
	in := url.Values{}
	for k, vs := range v {
		if !Ignored(k) && !slices.Contains(alertPaging, k) {
			in[k] = vs
		}
	}
	var a alertWriter
	var err error
	var org *jigsaw.Organisation
	switch list {
	case jigsaw.AlertStories:
		var f jigsaw.StoryFilter
		var lst List
		f, lst, err = Stories(ctx, l, in, 1)
		org = lst.Organisation
		a.add("kind", string(f.Kind), jigsaw.LabelOf(jigsaw.StoryKinds, f.Kind))
		a.issue(ctx, l, f.KeyIssue)
		a.add("district", f.District, f.District)
		a.org(org)
		a.date("since", f.Since)
		a.date("until", f.Until)
	case jigsaw.AlertTracker:
		var f jigsaw.TrackerFilter
		var lst List
		f, lst, err = Tracker(ctx, l, in, 1)
		if err == nil && f.Drafts {
			r := newReader(ctx, l, in, 1)
			r.p.Add("drafts", "is for editors: alerts follow published dangers.")
			err = r.err()
		}
		org = lst.Organisation
		a.add("kind", string(f.Kind), jigsaw.LabelOf(jigsaw.TrackerKinds, f.Kind))
		a.add("status", string(f.Status), jigsaw.LabelOf(jigsaw.TrackerStatuses, f.Status))
		a.issue(ctx, l, f.KeyIssue)
		a.add("district", f.District, f.District)
		a.org(org)
	case jigsaw.AlertDisputes:
		var f jigsaw.DisputeFilter
		var lst List
		f, lst, err = Disputes(ctx, l, in, 1)
		org = lst.Organisation
		a.add("status", string(f.Status), jigsaw.LabelOf(jigsaw.DisputeStatuses, f.Status))
		a.flag("live", f.Live)
		a.issue(ctx, l, f.KeyIssue)
		a.add("district", f.District, f.District)
		a.org(org)
	case jigsaw.AlertEvents:
		var f jigsaw.EventFilter
		var lst EventList
		f, lst, err = Events(ctx, l, in, 1, now)
		org = lst.Organisation
		a.add("kind", string(f.Kind), jigsaw.LabelOf(jigsaw.EventKinds, f.Kind))
		a.add("district", f.District, f.District)
		a.org(org)
		if f.CampaignID != 0 {
			id := strconv.FormatInt(f.CampaignID, 10)
			a.add("campaign", id, id)
		}
		a.date("from", f.From)
		a.date("to", f.To)
		a.flag("past", f.Past)
	default:
		r := newReader(ctx, l, nil, 1)
		r.p.Add("list", "must be one of stories, tracker, disputes or events.")
		return Alert{}, r.err()
	}
	if err != nil {
		return Alert{}, err
	}
	return Alert{Query: a.v.Encode(), Terms: a.terms}, nil
}

// alertWriter builds an alert's query and terms from a parsed filter.
type alertWriter struct {
	v     url.Values
	terms []AlertTerm
}

func (a *alertWriter) add(name, value, text string) {
	if value == "" {
		return
	}
	if a.v == nil {
		a.v = url.Values{}
	}
	a.v.Set(name, value)
	a.terms = append(a.terms, AlertTerm{name, text})
}

func (a *alertWriter) flag(name string, on bool) {
	if on {
		a.add(name, "1", "yes")
	}
}

func (a *alertWriter) date(name string, t time.Time) {
	if !t.IsZero() {
		a.add(name, t.Format("2006-01-02"), t.Format("2 January 2006"))
	}
}

// org writes an organisation by its slug, which its page's address uses.
func (a *alertWriter) org(o *jigsaw.Organisation) {
	if o != nil {
		a.add("organisation", o.Slug, o.Name)
	}
}

func (a *alertWriter) issue(ctx context.Context, l Lookup, slug string) {
	if slug == "" {
		return
	}
	name := slug
	if issues, err := l.KeyIssues(ctx); err == nil {
		for _, k := range issues {
			if k.Slug == slug {
				name = k.Name
			}
		}
	}
	a.add("issue", slug, name)
}
