package web

import (
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/i18n"
)

// funcs are the template functions of the pages in pr's language: the
// templates are parsed once per language (parseTemplates), each set with
// its own, so that choosing the words costs nothing more per page.
func (p *Pages) funcs(pr *i18n.Printer) template.FuncMap {
	// label translates the English label of an enum value.
	label := pr.Text
	langs := languageLinks(pr.Lang())
	return template.FuncMap{
		// t is the page's text in the reader's language: every
		// user-facing string goes through it. The key is the English
		// text, a fmt format (a literal percent sign is written %%);
		// the catalogue is internal/i18n.
		"t": pr.Sprintf,
		// langs are the languages offered, for the language switch.
		"langs":    func() []languageLink { return langs },
		"markdown": p.md.HTML,
		// storyHTML is a story's text as rendered when it was stored, or
		// rendered now for a story stored without it.
		"storyHTML": func(s *jigsaw.PublicStory) template.HTML {
			if s.BodyHTML != "" {
				return template.HTML(s.BodyHTML)
			}
			return p.md.HTML(s.Body)
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2 January 2006")
		},
		"isodate":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"now":         time.Now,
		"datetime":    func(t time.Time) string { return t.UTC().Format("2 January 2006 15:04 UTC") },
		"storyKind":   func(k jigsaw.StoryKind) string { return label(jigsaw.LabelOf(jigsaw.StoryKinds, k)) },
		"storyStatus": func(s jigsaw.StoryStatus) string { return label(jigsaw.LabelOf(jigsaw.StoryStatuses, s)) },
		"orgKind":     func(k jigsaw.OrgKind) string { return label(jigsaw.LabelOf(jigsaw.OrgKinds, k)) },
		"happened":    happened,
		"byline":      func(s *jigsaw.PublicStory) string { return byline(pr, s) },
		"withParam":   withParam,

		"money":          jigsaw.FormatPence,
		"count":          func(n int) string { return jigsaw.FormatCount(int64(n)) },
		"pct":            func(bp int) string { return jigsaw.FormatBasisPoints(bp) + "%" },
		"trackerKind":    func(k jigsaw.TrackerKind) string { return label(jigsaw.LabelOf(jigsaw.TrackerKinds, k)) },
		"trackerStatus":  func(s jigsaw.TrackerStatus) string { return label(jigsaw.LabelOf(jigsaw.TrackerStatuses, s)) },
		"orgRole":        func(r jigsaw.OrgRole) string { return label(jigsaw.LabelOf(jigsaw.OrgRoles, r)) },
		"disputeStatus":  func(s jigsaw.DisputeStatus) string { return label(jigsaw.LabelOf(jigsaw.DisputeStatuses, s)) },
		"partyRole":      func(r jigsaw.PartyRole) string { return label(jigsaw.LabelOf(jigsaw.PartyRoles, r)) },
		"stepKind":       func(k jigsaw.StepKind) string { return label(jigsaw.LabelOf(jigsaw.StepKinds, k)) },
		"officeRole":     func(r jigsaw.OfficeRole) string { return label(jigsaw.LabelOf(jigsaw.OfficeRoles, r)) },
		"interestKind":   func(k jigsaw.InterestKind) string { return label(jigsaw.LabelOf(jigsaw.InterestKinds, k)) },
		"campaignStatus": func(s jigsaw.CampaignStatus) string { return label(jigsaw.LabelOf(jigsaw.CampaignStatuses, s)) },
		"campaignRole":   func(r jigsaw.CampaignRole) string { return label(jigsaw.LabelOf(jigsaw.CampaignRoles, r)) },
		"topicState":     func(s jigsaw.TopicState) string { return label(jigsaw.LabelOf(jigsaw.TopicStates, s)) },
		"row":            rowName,
		"fid":            fieldID,
		"dict":           dict,
		"canEdit":        canEdit,
		"errorsIn":       errorsIn,
		"eventKind":      func(k jigsaw.EventKind) string { return label(jigsaw.LabelOf(jigsaw.EventKinds, k)) },
	}
}

// fieldID turns a field name such as "sources[0].url" into an HTML id that
// needs no escaping in a link: "f-sources-0-url".
func fieldID(name string) string {
	return "f-" + strings.NewReplacer("[", "-", "]", "", ".", "-", "_", "-").Replace(name)
}

// dict builds a map from key, value pairs, to pass several values to a
// partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// errorsIn lists the messages of a flat form (SimpleForm.Errors) for its
// error summary: those of fields, in the order the form shows them, then
// any others, by name. Each FieldError's Field is the id of the input to
// link to: the field's name, or the id given as "name=id"; for a group of
// boxes, the first one's.
func errorsIn(errs map[string]string, fields ...string) []FieldError {
	out := make([]FieldError, 0, len(errs))
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		name, id, ok := strings.Cut(f, "=")
		if !ok {
			id = name
		}
		seen[name] = true
		if m, ok := errs[name]; ok {
			out = append(out, FieldError{Field: id, Message: m})
		}
	}
	var rest []FieldError
	for f, m := range errs {
		if !seen[f] {
			rest = append(rest, FieldError{Field: f, Message: m})
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].Field < rest[j].Field })
	return append(out, rest...)
}

// canEdit reports whether u may use the editors' pages.
func canEdit(u *jigsaw.User) bool { return u != nil && u.Role.AtLeast(jigsaw.RoleEditor) }

// languageLink is a language as the language switch offers it.
type languageLink struct {
	Code, Tag, Name string
	Current         bool // the language of the page it is on
}

func languageLinks(current i18n.Lang) []languageLink {
	var out []languageLink
	for _, l := range i18n.All {
		out = append(out, languageLink{Code: l.Code(), Tag: l.Tag(), Name: l.Name(), Current: l == current})
	}
	return out
}

// byline is the line under a story's title: the name its teller chose to
// be published with, where, and when it happened.
func byline(pr *i18n.Printer, s *jigsaw.PublicStory) string {
	var b strings.Builder
	if s.Byline != "" {
		b.WriteString(s.Byline)
	} else {
		b.WriteString(pr.Sprintf("Name withheld"))
	}
	if s.Area != "" {
		b.WriteString(" · " + s.Area)
		if s.District != "" {
			b.WriteString(" (" + s.District + ")")
		}
	}
	if s.HappenedOn != "" {
		b.WriteString(" · " + pr.Sprintf("happened %s", happened(s.HappenedOn)))
	}
	return b.String()
}

// happened formats "YYYY", "YYYY-MM" or "YYYY-MM-DD" for people.
func happened(s string) string {
	for _, layout := range []struct{ in, out string }{{"2006-01-02", "2 January 2006"}, {"2006-01", "January 2006"}, {"2006", "2006"}} {
		if t, err := time.Parse(layout.in, s); err == nil {
			return t.Format(layout.out)
		}
	}
	return s
}

// withParam returns the query q with key set to value ("" removes it), as
// "?…", for links that change one filter or the page.
func withParam(q url.Values, key string, value any) template.URL {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	s := ""
	switch v := value.(type) {
	case string:
		s = v
	case int:
		s = strconv.Itoa(v)
	}
	if s == "" {
		c.Del(key)
	} else {
		c.Set(key, s)
	}
	if len(c) == 0 {
		return "?"
	}
	return template.URL("?" + c.Encode())
}
