package web

import (
	"html/template"
	"net/url"
	"strconv"
	"time"

	"jigsaw"
)

func (p *Pages) funcs() template.FuncMap {
	return template.FuncMap{
		"markdown": p.md.HTML,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2 January 2006")
		},
		"isodate":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"storyKind": func(k jigsaw.StoryKind) string { return jigsaw.LabelOf(jigsaw.StoryKinds, k) },
		"orgKind":   func(k jigsaw.OrgKind) string { return jigsaw.LabelOf(jigsaw.OrgKinds, k) },
		"happened":  happened,
		"withParam": withParam,
	}
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
