// Package listparams reads the filters and paging of public lists from URL
// query parameters. It is the one parser that the web pages and the JSON API
// share, so that /stories?since=… and /api/v1/stories?since=… accept and
// refuse the same things: an unknown parameter or a bad value is an
// EINVALID error naming each parameter, never silently ignored.
package listparams

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/geo"
)

// Lookup is what reading filters needs from the store: the instance's key
// issues, and its organisations by number or slug.
type Lookup interface {
	KeyIssues(ctx context.Context) ([]jigsaw.KeyIssue, error)
	FindOrganisationByID(ctx context.Context, id int64) (*jigsaw.Organisation, error)
	FindOrganisationBySlug(ctx context.Context, slug string) (*jigsaw.Organisation, error)
}

// MaxLimit is the most items one page of a list may hold.
const MaxLimit = 100

// List is what was read besides a list's own filter: its page, and the
// organisation it is filtered by, if any.
type List struct {
	// Page is the 1-based number of the page (offset / limit + 1).
	Page          int
	Limit, Offset int
	Organisation  *jigsaw.Organisation
	// After is where the cursor parameter starts the page, if given.
	After *jigsaw.After
}

// Ignored reports whether name is one of the parameters that links gain on
// their way round the web (from newsletters and social sites): they are not
// filters, and a page reached through such a link must not fail.
func Ignored(name string) bool {
	return strings.HasPrefix(name, "utm_") || name == "fbclid" || name == "gclid" || name == "mc_cid" || name == "mc_eid"
}

// reader reads one request's parameters, collecting every bad one.
type reader struct {
	ctx   context.Context
	l     Lookup
	v     url.Values
	p     jigsaw.Problems
	known []string
	list  List
}

func newReader(ctx context.Context, l Lookup, v url.Values, perPage int) *reader {
	return &reader{ctx: ctx, l: l, v: v, p: jigsaw.Problems{}, known: []string{"page", "limit", "offset"}, list: List{Limit: perPage}}
}

// get returns the trimmed value of name and marks name as known.
func (r *reader) get(name string) string {
	r.known = append(r.known, name)
	if len(r.v[name]) > 1 {
		r.p.Add(name, "must be given once.")
	}
	return strings.TrimSpace(r.v.Get(name))
}

func (r *reader) text(name string, maxLen int) string {
	s := r.get(name)
	if len(s) > maxLen {
		r.p.Add(name, "must be at most "+strconv.Itoa(maxLen)+" characters.")
		return ""
	}
	return s
}

func (r *reader) int(name string, def, lo, hi int) int {
	s := r.get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		r.p.Add(name, "must be a whole number from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi)+".")
		return def
	}
	return n
}

func (r *reader) flag(name string) bool {
	switch strings.ToLower(r.get(name)) {
	case "":
		return false
	case "1", "true", "yes", "on":
		return true
	}
	r.p.Add(name, "must be 1 or left out.")
	return false
}

func choice[T ~string](r *reader, name string, choices []jigsaw.Choice[T]) T {
	s := T(r.get(name))
	if s == "" || jigsaw.Valid(choices, s) {
		return s
	}
	vals := make([]string, len(choices))
	for i, c := range choices {
		vals[i] = string(c.Value)
	}
	r.p.Add(name, "must be one of "+strings.Join(vals, ", ")+".")
	return ""
}

func (r *reader) district(name string) string {
	s := jigsaw.NormalizeDistrict(r.get(name))
	if s != "" && !jigsaw.ValidDistrict(s) {
		r.p.Add(name, "must be a postcode district such as BD20 or SW1A.")
		return ""
	}
	return s
}

func (r *reader) date(name string) time.Time {
	s := r.get(name)
	if s == "" {
		return time.Time{}
	}
	// A day as people type it, 24/11/2025, is read as well as 2025-11-24.
	t, err := time.Parse("2006-01-02", jigsaw.NormalizeDate(s))
	if err != nil {
		r.p.Add(name, "must be a date such as 2025-11-24 or 24/11/2025.")
	}
	return t
}

// keyIssue checks the parameter against the instance's key issues.
func (r *reader) keyIssue(name string) string {
	s := r.get(name)
	if s == "" {
		return ""
	}
	issues, err := r.l.KeyIssues(r.ctx)
	if err != nil {
		r.p.Add(name, jigsaw.ErrorMessage(err))
		return ""
	}
	for _, k := range issues {
		if k.Slug == s {
			return s
		}
	}
	r.p.Add(name, "is not a key issue of this site.")
	return ""
}

// organisation finds the organisation named by number or slug.
func (r *reader) organisation(name string) *jigsaw.Organisation {
	s := r.text(name, 100)
	if s == "" {
		return nil
	}
	var o *jigsaw.Organisation
	var err error
	if id, perr := strconv.ParseInt(s, 10, 64); perr == nil {
		o, err = r.l.FindOrganisationByID(r.ctx, id)
	} else {
		o, err = r.l.FindOrganisationBySlug(r.ctx, s)
	}
	switch jigsaw.ErrorCode(err) {
	case "":
		return o
	case jigsaw.ENOTFOUND:
		r.p.Add(name, "is not a known organisation: give its number or the last part of its address.")
	default:
		r.p.Add(name, jigsaw.ErrorMessage(err))
	}
	return nil
}

// orgID reads an organisation filter, keeps the organisation for the page
// and returns its number, 0 when there is none.
func (r *reader) orgID(name string) int64 {
	if o := r.organisation(name); o != nil {
		r.list.Organisation = o
		return o.ID
	}
	return 0
}

// done finishes reading (finish) and sets a filter's paging.
func (r *reader) done(limit, offset *int) (List, error) {
	list, err := r.finish()
	*limit, *offset = list.Limit, list.Offset
	return list, err
}

// doneAfter is done for a list that may be read by cursor: list names it
// in cursors, key is the form of its sort key.
func (r *reader) doneAfter(list string, key int, limit, offset *int, after **jigsaw.After) (List, error) {
	r.cursor(list, key)
	l, err := r.done(limit, offset)
	*after = l.After
	return l, err
}

// finish reads the paging and refuses parameters no filter knows; it
// returns the list read and every problem as one EINVALID error.
func (r *reader) finish() (List, error) {
	r.list.Limit = r.int("limit", r.list.Limit, 1, MaxLimit)
	page := r.int("page", 0, 1, 10000)
	r.list.Offset = r.int("offset", 0, 0, 1_000_000)
	switch {
	case r.list.After != nil && (page > 0 || r.v.Get("offset") != ""):
		r.p.Add("cursor", "give cursor or page and offset, not both.")
	case page > 0 && r.v.Get("offset") != "":
		r.p.Add("offset", "give page or offset, not both.")
	case page > 0:
		r.list.Offset = (page - 1) * r.list.Limit
	}
	r.list.Page = r.list.Offset/r.list.Limit + 1
	r.refuseUnknown("is not a filter of this list.")
	return r.list, r.err()
}

// cursorData is what a cursor holds: the list it belongs to and the
// position in it.
type cursorData struct {
	List string `json:"l"`
	Key  string `json:"k"`
	ID   int64  `json:"i"`
}

// Cursor returns the value of the cursor parameter that starts list just
// past the item at a (keyset paging). It is opaque to clients: they take
// it from a list's next link.
func Cursor(list string, a jigsaw.After) string {
	b, _ := json.Marshal(cursorData{list, a.Key, a.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// The forms of lists' sort keys in cursors (see the filters' After).
const (
	timeKey = iota // a time in RFC 3339
	textKey        // a date or a name, compared as it is
)

// cursor reads the cursor parameter of list, refusing one that was not
// made by Cursor for that list.
func (r *reader) cursor(list string, key int) {
	s := r.get("cursor")
	if s == "" {
		return
	}
	var c cursorData
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		err = dec.Decode(&c)
	}
	if err == nil && (c.List != list || c.ID <= 0 || len(c.Key) > 300) {
		err = errors.New("not of this list")
	}
	if err == nil && key == timeKey {
		_, err = time.Parse(time.RFC3339Nano, c.Key)
	}
	if err != nil {
		r.p.Add("cursor", "is not a cursor of this list: take it from the next link of a page of it.")
		return
	}
	r.list.After = &jigsaw.After{Key: c.Key, ID: c.ID}
}

// refuseUnknown notes msg for every parameter nothing has read.
func (r *reader) refuseUnknown(msg string) {
	for name := range r.v {
		if !slices.Contains(r.known, name) && !Ignored(name) {
			r.p.Add(name, msg)
		}
	}
}

// err returns every problem as one EINVALID error naming each parameter.
func (r *reader) err() error {
	var e *jigsaw.Error
	if !errors.As(r.p.Err(), &e) {
		return nil
	}
	e.Message = "Bad query parameter: " + e.FieldSummary()
	return e
}

// Stories reads the filter of the list of published stories. perPage is
// the page's length when the request does not set limit.
func Stories(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.StoryFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.StoryFilter{
		Kind:     choice(r, "kind", jigsaw.StoryKinds),
		KeyIssue: r.keyIssue("issue"),
		District: r.district("district"),
		Since:    r.date("since"),
		Until:    r.date("until"),
		OrgID:    r.orgID("organisation"),
	}
	list, err := r.doneAfter("stories", timeKey, &f.Limit, &f.Offset, &f.After)
	return f, list, err
}

// Tracker reads the filter of the list of dangers; drafts=1 is for editors,
// which the caller checks.
func Tracker(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.TrackerFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.TrackerFilter{
		Kind:     choice(r, "kind", jigsaw.TrackerKinds),
		Status:   choice(r, "status", jigsaw.TrackerStatuses),
		KeyIssue: r.keyIssue("issue"),
		District: r.district("district"),
		Drafts:   r.flag("drafts"),
		OrgID:    r.orgID("organisation"),
	}
	list, err := r.doneAfter("tracker", textKey, &f.Limit, &f.Offset, &f.After)
	return f, list, err
}

// Disputes reads the filter of the list of disputes.
func Disputes(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.DisputeFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.DisputeFilter{
		Status:   choice(r, "status", jigsaw.DisputeStatuses),
		Live:     r.flag("live"),
		KeyIssue: r.keyIssue("issue"),
		District: r.district("district"),
		OrgID:    r.orgID("organisation"),
	}
	list, err := r.doneAfter("disputes", textKey, &f.Limit, &f.Offset, &f.After)
	return f, list, err
}

// Organisations reads the filter of the list of organisations.
func Organisations(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.OrganisationFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.OrganisationFilter{
		Kind:     choice(r, "kind", jigsaw.OrgKinds),
		Region:   r.text("region", 100),
		Query:    r.text("q", 200),
		Members:  r.flag("members"),
		ParentID: r.orgID("parent"),
	}
	list, err := r.doneAfter("organisations", textKey, &f.Limit, &f.Offset, &f.After)
	return f, list, err
}

// Audit reads the filter of the audit log.
func Audit(ctx context.Context, v url.Values, perPage int) (jigsaw.AuditFilter, List, error) {
	r := newReader(ctx, nil, v, perPage)
	f := jigsaw.AuditFilter{
		Action:     r.text("action", 50),
		ObjectType: r.text("object", 50),
		UserID:     int64(r.int("user", 0, 0, 1<<30)),
		Since:      r.date("since"),
		Until:      r.date("until"),
	}
	list, err := r.done(&f.Limit, &f.Offset)
	return f, list, err
}

// Queue reads the moderation queue's status: stories awaiting review when
// none is given, every story for "all".
func Queue(ctx context.Context, v url.Values, perPage int) (jigsaw.StoryStatus, List, error) {
	r := newReader(ctx, nil, v, perPage)
	var status jigsaw.StoryStatus
	switch s := r.get("status"); s {
	case "":
		status = jigsaw.StoryAwaitingReview
	case "all":
	default:
		status = choice(r, "status", jigsaw.StoryStatuses)
	}
	r.cursor("moderation", timeKey)
	list, err := r.finish()
	return status, list, err
}

// TipQueue reads the status of the editors' queue of tips: "" (every
// confirmed tip) when none is given.
func TipQueue(ctx context.Context, v url.Values, perPage int) (jigsaw.TipStatus, List, error) {
	r := newReader(ctx, nil, v, perPage)
	status := choice(r, "status", jigsaw.TipStatuses)
	list, err := r.finish()
	return status, list, err
}

// Outbox reads the filter of the admins' view of the outbox: the
// recipient's address, to, or "" for every mail.
func Outbox(ctx context.Context, v url.Values, perPage int) (string, List, error) {
	r := newReader(ctx, nil, v, perPage)
	to := r.text("to", 254)
	list, err := r.finish()
	return to, list, err
}

// MaxTimeline is the most entries of an organisation's timeline one answer
// may hold.
const MaxTimeline = 500

// Timeline reads how many entries of an organisation's timeline to give:
// limit, def when it is not given. A timeline has no further pages.
func Timeline(ctx context.Context, v url.Values, def int) (int, error) {
	r := newReader(ctx, nil, v, def)
	r.known = []string{"limit"}
	limit := r.int("limit", def, 1, MaxTimeline)
	r.refuseUnknown("is not a parameter of the timeline.")
	return limit, r.err()
}

// MapTypes are the values of the map's type parameter.
var MapTypes = []string{"stories", "dangers", "disputes"}

// Map reads the filter of the map: type (one of MapTypes; every type when
// left out), issue, organisation, since and until. The map is one page, so
// page, limit and offset are refused as unknown. The organisation read is
// returned for the page to name.
func Map(ctx context.Context, l Lookup, v url.Values) (geo.Filter, *jigsaw.Organisation, error) {
	r := newReader(ctx, l, v, 0)
	r.known = nil
	var f geo.Filter
	switch t := r.get("type"); t {
	case "":
	case "stories":
		f.Stories = true
	case "dangers":
		f.Dangers = true
	case "disputes":
		f.Disputes = true
	default:
		r.p.Add("type", "must be one of "+strings.Join(MapTypes, ", ")+".")
	}
	f.KeyIssue = r.keyIssue("issue")
	f.OrgID = r.orgID("organisation")
	f.Since, f.Until = r.date("since"), r.date("until")
	r.refuseUnknown("is not a filter of the map.")
	return f, r.list.Organisation, r.err()
}

// Whole checks that a request for a whole list, such as an export, asks for
// no page of it: an export holds every item its filters select.
func Whole(v url.Values) error {
	r := newReader(context.Background(), nil, v, 0)
	for _, name := range []string{"page", "limit", "offset"} {
		if v.Has(name) {
			r.p.Add(name, "is not a filter of an export, which holds every item.")
		}
	}
	return r.err()
}

// Search reads a search of the public records and its filters. Results
// are ranked, not listed, so they can be paged only to jigsaw.SearchDepth.
func Search(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.SearchFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.SearchFilter{
		Query:    r.text("q", 200),
		Type:     choice(r, "type", jigsaw.SearchTypes),
		KeyIssue: r.keyIssue("issue"),
		District: r.district("district"),
		Since:    r.date("since"),
		Until:    r.date("until"),
		OrgID:    r.orgID("organisation"),
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && f.Until.Before(f.Since) {
		r.p.Add("until", "must not be before the date in since.")
	}
	list, err := r.done(&f.Limit, &f.Offset)
	if err == nil && f.Offset+f.Limit > jigsaw.SearchDepth {
		name := "page"
		if v.Get("offset") != "" {
			name = "offset"
		}
		r.p.Add(name, "goes deeper than the "+strconv.Itoa(jigsaw.SearchDepth)+" best results: narrow the search instead.")
		err = r.err()
	}
	return f, list, err
}
