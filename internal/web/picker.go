package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/server/respond"
)

// The forms' pickers find an organisation, a story or a dispute among
// thousands by a few letters of its name. Without JavaScript a form's Find
// button shows the matches on the form itself, everything typed kept; with
// it, picker.js asks /organisations/suggest (and /stories/suggest,
// /disputes/suggest) as people type. Either way the server resolves what
// was chosen or typed when the form is saved.

// PickerStore finds records by the words people type into a picker. Every
// answer is public: organisations, published stories' titles and disputes.
type PickerStore interface {
	// SearchOrganisations returns organisations whose name or codes hold
	// words beginning with each word of q, best first.
	SearchOrganisations(ctx context.Context, q string, limit int) ([]*jigsaw.Organisation, error)
	// SearchPublicStoryTitles returns published stories whose titles hold
	// words beginning with each word of q: numbers and titles only.
	SearchPublicStoryTitles(ctx context.Context, q string, limit int) ([]jigsaw.LinkRef, error)
	// SearchDisputeTitles returns disputes whose titles hold each word of q.
	SearchDisputeTitles(ctx context.Context, q string, limit int) ([]jigsaw.LinkRef, error)
	// SearchPublicTrackerTitles returns published dangers whose titles
	// hold each word of q.
	SearchPublicTrackerTitles(ctx context.Context, q string, limit int) ([]jigsaw.LinkRef, error)
}

// suggestLimit is how many suggestions a picker shows.
const suggestLimit = 10

// maxQueryLen caps what a picker's search may be.
const maxQueryLen = 100

// Suggestion is one answer of a suggestion endpoint: public fields only.
type Suggestion struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Code string `json:"code,omitempty"` // an organisation's ODS code or Companies House number
	Kind string `json:"kind,omitempty"` // an organisation's kind
	URL  string `json:"url"`
}

// Suggestions is the answer of a suggestion endpoint.
type Suggestions struct {
	Query   string       `json:"q"`
	Results []Suggestion `json:"results"`
}

// pickerQuery checks the words typed into a picker; its refusal is in
// pr's language.
func pickerQuery(pr *i18n.Printer, q string) (string, error) {
	q = strings.Join(strings.Fields(q), " ")
	switch {
	case q == "":
		return "", jigsaw.Errorf(jigsaw.EINVALID, "%s", pr.Sprintf("Type part of a name to search for (q)."))
	case len(q) > maxQueryLen:
		return "", jigsaw.Errorf(jigsaw.EINVALID, "%s", pr.Sprintf("Type at most %d characters to search for.", maxQueryLen))
	case !utf8.ValidString(q) || strings.ContainsRune(q, 0),
		!strings.ContainsFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
		return "", jigsaw.Errorf(jigsaw.EINVALID, "%s", pr.Sprintf("Type letters or digits to search for."))
	}
	return q, nil
}

// HandleSuggest serves GET /organisations/suggest, /stories/suggest and
// /disputes/suggest?q=…: a few matches as JSON for picker.js. Stories are
// found among published ones only, by title, whoever asks.
func (p *Pages) HandleSuggest(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := pickerQuery(tr(r), r.URL.Query().Get("q"))
		if err != nil {
			respond.JSONError(w, r, p.Log, err)
			return
		}
		out := Suggestions{Query: q, Results: []Suggestion{}}
		switch kind {
		case "organisations":
			orgs, err := p.Store.SearchOrganisations(r.Context(), q, suggestLimit)
			if err != nil {
				respond.JSONError(w, r, p.Log, err)
				return
			}
			for _, o := range orgs {
				out.Results = append(out.Results, orgSuggestion(o))
			}
		case "stories", "disputes", "tracker":
			refs, err := p.findLinkable(r.Context(), kind, q)
			if err != nil {
				respond.JSONError(w, r, p.Log, err)
				return
			}
			for _, l := range refs {
				out.Results = append(out.Results, Suggestion{ID: l.ID, Name: l.Title, URL: "/" + kind + "/" + strconv.FormatInt(l.ID, 10)})
			}
		}
		respond.JSON(w, http.StatusOK, out)
	}
}

func orgSuggestion(o *jigsaw.Organisation) Suggestion {
	return Suggestion{ID: o.ID, Name: o.Name, Code: cmpOr(o.ODSCode, o.CompanyNumber), Kind: string(o.Kind), URL: "/organisations/" + o.Slug}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// findLinkable searches the stories (published only) or disputes a danger
// may link to, or the dangers (published only) a campaign may, by title.
func (p *Pages) findLinkable(ctx context.Context, kind, q string) ([]jigsaw.LinkRef, error) {
	return searchTitles(ctx, p.Store, kind, q, suggestLimit)
}

// searchTitles searches the records of kind by title: published stories,
// disputes, or published dangers.
func searchTitles(ctx context.Context, st PickerStore, kind, q string, limit int) ([]jigsaw.LinkRef, error) {
	switch kind {
	case "stories":
		return st.SearchPublicStoryTitles(ctx, q, limit)
	case "tracker":
		return st.SearchPublicTrackerTitles(ctx, q, limit)
	}
	return st.SearchDisputeTitles(ctx, q, limit)
}

// OrgPicker is the view of the story form's organisation picker: the
// organisations chosen so far, ticked, and those the last Find matched.
type OrgPicker struct {
	Chosen   []*jigsaw.Organisation
	Found    []*jigsaw.Organisation // matches not already chosen
	Query    string                 // what was typed into "Find an organisation"
	Searched bool                   // whether Find was pressed with something to find
	Error    string                 // the message for the organisations chosen, if any
	Problem  string                 // why the search could not be made, if so
}

// orgPickerFields are the story form's inputs the picker owns.
const (
	orgField      = "organisations"
	orgQueryField = "org_query"
	findField     = "find"
)

// findPressed reports whether the form was sent with the picker's Find
// button: the form is shown again, nothing submitted.
func findPressed(v url.Values) bool { return v.Has(findField) }

// orgPicker builds the picker from the form's values: the organisations
// ticked (unknown numbers are left out: the form's error says so), and
// when find is set, the matches of what was typed.
func (p *Pages) orgPicker(ctx context.Context, v url.Values, find bool, fieldError string) (*OrgPicker, error) {
	op := &OrgPicker{Query: strings.TrimSpace(v.Get(orgQueryField)), Error: fieldError}
	chosen := map[int64]bool{}
	for _, s := range v[orgField] {
		id, ok := positiveID(s)
		if !ok || chosen[id] || len(op.Chosen) >= 20 {
			continue
		}
		o, err := p.Store.FindOrganisationByID(ctx, id)
		if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		chosen[id] = true
		op.Chosen = append(op.Chosen, o)
	}
	if !find || op.Query == "" {
		return op, nil
	}
	q, err := pickerQuery(i18n.FromContext(ctx).Printer(), op.Query)
	if err != nil {
		op.Problem = jigsaw.ErrorMessage(err)
		return op, nil
	}
	op.Searched = true
	found, err := p.Store.SearchOrganisations(ctx, q, suggestLimit+len(chosen))
	if err != nil {
		return nil, err
	}
	for _, o := range found {
		if !chosen[o.ID] && len(op.Found) < suggestLimit {
			op.Found = append(op.Found, o)
		}
	}
	return op, nil
}

// didYouMean names the organisations an editor may have meant by s.
func (rd *reader) didYouMean(ctx context.Context, st PickerStore, s string) string {
	q, err := pickerQuery(i18n.English.Printer(), s)
	if err != nil {
		return ""
	}
	orgs, err := st.SearchOrganisations(ctx, looseQuery(q), 3)
	if err != nil || len(orgs) == 0 {
		return ""
	}
	names := make([]string, len(orgs))
	for i, o := range orgs {
		names[i] = rd.msg("“%s”", o.Name)
	}
	return " " + rd.msg("Did you mean %s?", rd.orList(names))
}

// looseQuery keeps the first letters of each word of q, so that a search
// gets past a typing mistake: "Airedael Trust" still finds Airedale NHS
// Foundation Trust.
func looseQuery(q string) string {
	words := strings.Fields(q)
	for i, w := range words {
		if r := []rune(w); len(r) > 4 {
			words[i] = string(r[:4])
		}
	}
	return strings.Join(words, " ")
}

// orList joins items as people write them: "a, b or c".
func (rd *reader) orList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return rd.msg("%s or %s", strings.Join(items[:len(items)-1], ", "), items[len(items)-1])
}

// Linked records are typed one a line into the danger form: a title, a
// number ("12" or "#12"), a page's address (/stories/12), or as the form
// shows them, "Title (#12)".
var (
	titledIDRE = regexp.MustCompile(`\(#(\d+)\)\s*$`)
	bareIDRE   = regexp.MustCompile(`^#?(\d+)$`)
)

// linkAddressRE matches an address of a record of kind: /stories/12,
// https://example.org/disputes/3?x#y.
func linkAddressRE(kind string) *regexp.Regexp {
	return regexp.MustCompile(`^(?:https?://[^/\s]+)?/` + kind + `/(\d+)(?:[/?#]\S*)?$`)
}

var linkAddress = map[string]*regexp.Regexp{"stories": linkAddressRE("stories"), "disputes": linkAddressRE("disputes"), "tracker": linkAddressRE("tracker")}

// linkMessages are the messages about a linked record of each kind that a
// title does not find: none, several, none with close titles.
var linkMessages = map[string]struct{ bad, several, none string }{
	"stories": {
		bad:     "“%s” names no published story: give its title, number or address.",
		several: "Several published stories are titled “%s” (%s): give the number of the one you mean.",
		none:    "No published story is titled “%s”.",
	},
	"disputes": {
		bad:     "“%s” names no dispute: give its title, number or address.",
		several: "Several disputes are titled “%s” (%s): give the number of the one you mean.",
		none:    "No dispute is titled “%s”.",
	},
	"tracker": {
		bad:     "“%s” names no published danger: give its title, number or address.",
		several: "Several published dangers are titled “%s” (%s): give the number of the one you mean.",
		none:    "No published danger is titled “%s”.",
	},
}

// linkID reads a typed reference that names its record's number.
func linkID(kind, s string) (int64, bool) {
	for _, re := range []*regexp.Regexp{titledIDRE, bareIDRE, linkAddress[kind]} {
		if m := re.FindStringSubmatch(s); m != nil {
			return positiveID(m[1])
		}
	}
	return 0, false
}

// links reads the records a danger links to, one a line; a line of
// numbers or addresses separated by commas (as the form once asked) gives
// each. A title is looked up among published stories or disputes: one
// that matches none, or several, is refused naming it.
func (rd *reader) links(ctx context.Context, st PickerStore, name string) []jigsaw.LinkRef {
	var out []jigsaw.LinkRef
	var msgs []string
	seen := map[int64]bool{}
	add := func(l jigsaw.LinkRef) {
		if !seen[l.ID] {
			seen[l.ID] = true
			out = append(out, l)
		}
	}
	for _, line := range strings.Split(rd.v.Get(name), "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		parts := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
		ids := make([]jigsaw.LinkRef, 0, len(parts))
		for _, part := range parts {
			id, ok := linkID(name, part)
			if !ok {
				ids = nil
				break
			}
			ids = append(ids, jigsaw.LinkRef{ID: id})
		}
		if ids != nil {
			for _, l := range ids {
				add(l)
			}
			continue
		}
		if id, ok := linkID(name, line); ok {
			add(jigsaw.LinkRef{ID: id})
			continue
		}
		if l, msg := rd.linkByTitle(ctx, st, name, line); msg != "" {
			msgs = append(msgs, msg)
		} else {
			add(l)
		}
	}
	if len(msgs) > 0 {
		rd.p.Add(name, strings.Join(msgs, " "))
	}
	return out
}

// linkByTitle finds the one record of kind titled title, or says why not.
func (rd *reader) linkByTitle(ctx context.Context, st PickerStore, kind, title string) (jigsaw.LinkRef, string) {
	m := linkMessages[kind]
	q, err := pickerQuery(i18n.English.Printer(), title)
	if err != nil {
		return jigsaw.LinkRef{}, rd.msg(m.bad, title)
	}
	found, err := searchTitles(ctx, st, kind, q, 50)
	if err != nil {
		return jigsaw.LinkRef{}, jigsaw.ErrorMessage(err)
	}
	var exact []jigsaw.LinkRef
	for _, l := range found {
		if strings.EqualFold(strings.Join(strings.Fields(l.Title), " "), q) {
			exact = append(exact, l)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], ""
	case len(exact) > 1:
		return jigsaw.LinkRef{}, rd.msg(m.several, title, rd.linkNumbers(exact))
	}
	msg := rd.msg(m.none, title)
	if len(found) == 0 {
		// The first letters of each word, to get past a typing mistake.
		found, _ = searchTitles(ctx, st, kind, looseQuery(q), 3)
	}
	if len(found) > 0 {
		names := make([]string, 0, 3)
		for _, l := range found[:min(len(found), 3)] {
			names = append(names, rd.msg("“%s” (#%d)", l.Title, l.ID))
		}
		msg += " " + rd.msg("Did you mean %s?", rd.orList(names))
	}
	return jigsaw.LinkRef{}, msg
}

func (rd *reader) linkNumbers(links []jigsaw.LinkRef) string {
	nums := make([]string, len(links))
	for i, l := range links {
		nums[i] = "#" + strconv.FormatInt(l.ID, 10)
	}
	return rd.orList(nums)
}

// linkLines writes linked records as the danger form shows them: one a
// line, "Title (#12)", or "#12" for a story whose title is not public.
func linkLines(links []jigsaw.LinkRef) string {
	lines := make([]string, len(links))
	for i, l := range links {
		lines[i] = "#" + strconv.FormatInt(l.ID, 10)
		if l.Title != "" {
			lines[i] = l.Title + " (" + lines[i] + ")"
		}
	}
	return strings.Join(lines, "\n")
}
