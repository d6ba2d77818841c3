// Package api serves the JSON API under /api/v1: dangers (tracker items),
// disputes and their steps, and organisations. Reads are public and return
// published data only (editors also see drafts); writes need an editor.
// Bodies are JSON objects; unknown fields are refused, and every error
// names the field it is about by its JSON path ("steps[2].turnout").
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// Store is what the API reads for everyone.
type Store interface {
	listparams.Lookup
	jigsaw.PublicStoryService
	jigsaw.PublicTrackerService
	jigsaw.PublicDisputeService
	jigsaw.PublicCampaignService
	jigsaw.PublicTopicService
	jigsaw.PublicRepresentativeService
	jigsaw.PublicPlanService
	jigsaw.PublicSeatService
	jigsaw.PublicEventService
	jigsaw.PublicPledgeService
	jigsaw.PublicResourceService
	jigsaw.OrganisationService
	jigsaw.TimelineService
	jigsaw.SearchService
	// ModerationQueueAfter reads the moderation queue by cursor (the
	// route lets moderators alone reach it).
	ModerationQueueAfter(ctx context.Context, status jigsaw.StoryStatus, limit int, after *jigsaw.After) ([]jigsaw.QueueItem, int, error)
}

// EditStore is what the API uses for editors: drafts and writes.
type EditStore interface {
	jigsaw.TrackerService
	jigsaw.DisputeService
	jigsaw.CampaignService
	jigsaw.TopicService
	jigsaw.RepresentativeService
	jigsaw.PlanService
	jigsaw.SeatService
	jigsaw.EventService
	jigsaw.PledgeService
	jigsaw.ResourceService
	jigsaw.OrganisationService
	jigsaw.WebhookService
}

// API holds the handlers.
type API struct {
	Store Store
	Edit  EditStore
	// Stories is the teller's journey and moderation, the same service
	// the web forms call, so the two behave alike.
	Stories jigsaw.StoryService
	BaseURL string // for the url of each object
	Log     *slog.Logger
	// MaxResourceBytes is the largest file an editor may add to the
	// library.
	MaxResourceBytes int64
}

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	respond.JSONError(w, r, a.Log, err)
}

func (a *API) url(path string, id any) string {
	return fmt.Sprintf("%s/%s/%v", strings.TrimSuffix(a.BaseURL, "/"), path, id)
}

// decode reads the request's JSON object into v, refusing unknown fields,
// trailing data and wrong types with a message naming where the mistake is.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return jigsaw.Errorf(jigsaw.EINVALID, "Send JSON with Content-Type: application/json.")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return jigsaw.Errorf(jigsaw.EINVALID, "The body could not be read.")
	}
	if path, ok := nulString(body); ok {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: path + " must not contain a NUL character.", Fields: map[string]string{path: "must not contain a NUL character"}}
	}
	return decodeJSON(bytes.NewReader(body), v, "")
}

// nulString finds a string in a JSON document that holds a NUL character
// (written \u0000) and returns its JSON path, such as "steps[2].note". No
// text of ours holds one, and PostgreSQL cannot store one: it is refused
// before decoding, alike on both engines. A document that is not JSON is
// left to the decoder to name.
func nulString(body []byte) (string, bool) {
	if !bytes.Contains(body, []byte(`\u0000`)) {
		return "", false
	}
	type frame struct {
		array   bool
		key     string
		index   int
		wantKey bool
	}
	var stack []*frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.array:
				fmt.Fprintf(&b, "[%d]", f.index)
			case b.Len() > 0:
				b.WriteString("." + f.key)
			default:
				b.WriteString(f.key)
			}
		}
		if b.Len() == 0 {
			return "body"
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if s, ok := tok.(string); ok && top != nil && top.wantKey {
			top.key, top.wantKey = s, false
			if strings.ContainsRune(s, 0) {
				return path(), true
			}
			continue
		}
		if tok == json.Delim('}') || tok == json.Delim(']') {
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && !stack[len(stack)-1].array {
				stack[len(stack)-1].wantKey = true
			}
			continue
		}
		if top != nil && top.array {
			top.index++
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{array: true, index: -1})
			continue
		}
		if s, ok := tok.(string); ok && strings.ContainsRune(s, 0) {
			return path(), true
		}
		if top != nil && !top.array {
			top.wantKey = true
		}
	}
}

// decodePart decodes one element of a list, read as raw JSON so that its
// errors can name it: prefix is its path, such as "steps[2]".
// encoding/json alone names neither the element of a list that holds an
// unknown field nor its index.
func decodePart(raw json.RawMessage, v any, prefix string) error {
	return decodeJSON(bytes.NewReader(raw), v, prefix)
}

func decodeJSON(body io.Reader, v any, prefix string) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	where := func(f string) string {
		if prefix == "" {
			return f
		}
		if f == "" {
			return prefix
		}
		return prefix + "." + f
	}
	switch {
	case err == nil:
		if _, err := dec.Token(); err != io.EOF {
			return jigsaw.Errorf(jigsaw.EINVALID, "The body has data after the JSON object.")
		}
		return nil
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return jigsaw.Errorf(jigsaw.EINVALID, "The body is empty: send a JSON object.")
	case errors.As(err, &syn):
		return jigsaw.Errorf(jigsaw.EINVALID, "The body is not valid JSON (at byte %d).", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return jigsaw.Errorf(jigsaw.EINVALID, "The body is not valid JSON: it ends too early.")
	case errors.As(err, &typ):
		f := where(typ.Field)
		msg := "must be " + jsonType(typ.Type.Kind().String())
		if f == "" {
			return jigsaw.Errorf(jigsaw.EINVALID, "The body must be a JSON object.")
		}
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: f + " " + msg + ".", Fields: map[string]string{f: msg}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := where(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Unknown field " + strconv.Quote(f) + ".", Fields: map[string]string{f: "unknown field"}}
	}
	return jigsaw.Errorf(jigsaw.EINVALID, "The body could not be read as JSON.")
}

// decodeList decodes each element of a list of objects with its index in
// its errors' field names.
func decodeList[T any](raw []json.RawMessage, name string) ([]T, error) {
	out := make([]T, len(raw))
	for i, r := range raw {
		if err := decodePart(r, &out[i], fmt.Sprintf("%s[%d]", name, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "a whole number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice":
		return "a list"
	case kind == "struct":
		return "an object"
	}
	return "a " + kind
}

// pathID reads {name} of the path; a bad one is a record that is not there.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, jigsaw.Errorf(jigsaw.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// editor reports whether the caller may see drafts.
func editor(r *http.Request) bool {
	u := jigsaw.UserFromContext(r.Context())
	return u != nil && u.Role.AtLeast(jigsaw.RoleEditor)
}

// defaultLimit is the length of a list's page when limit is not given.
const defaultLimit = 20

// listPage is the paging of a list answer. Totals past jigsaw.CountCap are
// counted only to the end of the page asked for: then Total is that bound
// plus one, and LowerBound says so. Next is the address of the next page,
// null on the last.
type listPage struct {
	Total      int     `json:"total"`
	LowerBound bool    `json:"total_is_lower_bound,omitempty"`
	Limit      int     `json:"limit"`
	Offset     int     `json:"offset"`
	Next       *string `json:"next"`
}

// parseFunc reads a list's filter from a request's parameters
// (internal/listparams).
type parseFunc[F any] func(ctx context.Context, l listparams.Lookup, v url.Values, perPage int) (F, listparams.List, error)

// list is one of the API's public lists: F its filter, T its items as the
// store gives them, O as the API answers them.
type list[F, T, O any] struct {
	name   string // the member of the answer that holds the items
	cursor string // the list's name in its cursors (listparams.Cursor)
	parse  parseFunc[F]
	limit  func(*F) *int // the filter's page length
	find   func(context.Context, F) ([]T, int, error)
	out    func(T) O
	at     func(T) jigsaw.After // an item's position, for the next page's cursor
}

// handler answers GET of the list: its filter read from the parameters,
// one page of its items, and the link to the next page.
func (l list[F, T, O]) handler(a *API) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, page, err := l.parse(r.Context(), a.Store, r.URL.Query(), defaultLimit)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		// One more than the page, to learn whether there is a next page.
		*l.limit(&f) = page.Limit + 1
		items, total, err := l.find(r.Context(), f)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		writePage(w, r, a.BaseURL, l.name, l.cursor, items, l.out, l.at, total, page)
	}
}

// writePage answers a page of a list: its items in their JSON shape under
// name, then the paging. items are those read for page with one more
// asked for than page.Limit: if that one came, there is a next page, whose
// address starts past the page's last item (cursor names the list in the
// cursor) and keeps the request's filters.
func writePage[T, O any](w http.ResponseWriter, r *http.Request, baseURL, name, cursor string, items []T, out func(T) O, at func(T) jigsaw.After, total int, page listparams.List) {
	var next *string
	if len(items) > page.Limit {
		items = items[:page.Limit]
		q := r.URL.Query()
		q.Del("offset")
		q.Del("page")
		q.Set("cursor", listparams.Cursor(cursor, at(items[len(items)-1])))
		u := strings.TrimSuffix(baseURL, "/") + r.URL.Path + "?" + q.Encode()
		next = &u
	}
	outs := make([]O, 0, len(items))
	for _, it := range items {
		outs = append(outs, out(it))
	}
	respond.JSON(w, http.StatusOK, listAnswer{name, outs, listPage{Total: total, LowerBound: jigsaw.TotalCapped(total, page.Offset+page.Limit),
		Limit: page.Limit, Offset: page.Offset, Next: next}})
}

// timeKey is the key of an item of a list ordered by a time, in cursors.
func timeKey(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// listAnswer is a list's answer: {"<name>": [items], "total": …, …}.
type listAnswer struct {
	name  string
	items any
	listPage
}

// MarshalJSON writes the items first, under the list's own name.
func (l listAnswer) MarshalJSON() ([]byte, error) {
	items, err := json.Marshal(l.items)
	if err != nil {
		return nil, err
	}
	page, err := json.Marshal(l.listPage)
	if err != nil {
		return nil, err
	}
	name, _ := json.Marshal(l.name)
	return slices.Concat([]byte("{"), name, []byte(":"), items, []byte(","), page[1:]), nil
}

// LinkOut names a linked record.
type LinkOut struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

func links(in []jigsaw.LinkRef) []LinkOut {
	out := make([]LinkOut, 0, len(in))
	for _, l := range in {
		out = append(out, LinkOut{l.ID, l.Title})
	}
	return out
}

func linkRefs(ids []int64) []jigsaw.LinkRef {
	out := make([]jigsaw.LinkRef, len(ids))
	for i, id := range ids {
		out[i] = jigsaw.LinkRef{ID: id}
	}
	return out
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// percent reads a percentage sent as a JSON number (47.5) as basis
// points, exactly, naming field when it is anything else.
func percent(p jigsaw.Problems, field, label string, raw json.RawMessage) int {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0
	}
	if strings.HasPrefix(s, `"`) || strings.ContainsAny(s, "eE") {
		p.Add(field, label+" must be a number such as 47.5.")
		return 0
	}
	bp, err := jigsaw.ParseBasisPoints(s)
	if errors.Is(err, jigsaw.ErrNegative) {
		p.Add(field, label+" cannot be negative.")
	} else if err != nil {
		p.Add(field, label+" "+err.Error()+": give a percentage such as 47.5.")
	}
	return bp
}

// percentOut writes basis points as a JSON number, or nothing for 0.
func percentOut(bp int) json.RawMessage {
	if bp == 0 {
		return nil
	}
	return json.RawMessage(jigsaw.FormatBasisPoints(bp))
}
