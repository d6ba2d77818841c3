package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SitemapStore is what the sitemaps read: the public records by ranges of
// their ids. The store implements it; Store does not require it, so the
// pages work without it (there are then no sitemaps).
type SitemapStore interface {
	// SitemapMaxIDs returns the highest id of each kind of record.
	SitemapMaxIDs(ctx context.Context) (map[string]int64, error)
	// SitemapRange calls fn with each public record of kind whose id is
	// in [from, to). Returns EINVALID for an unknown kind.
	SitemapRange(ctx context.Context, kind string, from, to int64, fn func(id int64, slug string, modified time.Time)) error
}

// SitemapSize is how many ids each sitemap covers: a sitemap may list at
// most 50,000 addresses.
const SitemapSize = 50000

// sitemapKinds are the kinds of public record, in the order the sitemap
// index lists them, with the path of their pages.
var sitemapKinds = []struct{ kind, path string }{
	{"stories", "/stories/"}, {"tracker", "/tracker/"}, {"disputes", "/disputes/"}, {"organisations", "/organisations/"},
	{"campaigns", "/campaigns/"}, {"topics", "/topics/"},
	{"representatives", "/representatives/"},
	{"plans", "/plan/"},
	{"events", "/events/"},
	{"pledges", "/pledges/"},
	{"resources", "/resources/"},
}

// HandleRobots serves /robots.txt: the public pages may be crawled, the
// pages of people signed in, of tellers and the API may not.
func (p *Pages) HandleRobots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, `User-agent: *
Allow: /
Disallow: /admin/
Disallow: /moderation
Disallow: /account/
Disallow: /me
Disallow: /login
Disallow: /password/
Disallow: /api/

Sitemap: %s/sitemap.xml
`, p.Site.BaseURL)
}

// HandleFavicon serves /favicon.ico: the jigsaw piece of the static files.
func (p *Pages) HandleFavicon(w http.ResponseWriter, r *http.Request) {
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/static/favicon.svg"
	p.HandleStatic(w, r2)
}

// HandleManifest serves /manifest.webmanifest, named as the admins name
// the instance.
func (p *Pages) HandleManifest(w http.ResponseWriter, r *http.Request) {
	s := p.site(r.Context())
	m := map[string]any{
		"name": s.Name, "short_name": s.Name, "description": s.Description,
		"start_url": "/", "display": "browser", "theme_color": "#005eb8", "background_color": "#ffffff",
		"icons": []map[string]string{{"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml"}},
	}
	w.Header().Set("Content-Type", "application/manifest+json")
	json.NewEncoder(w).Encode(m)
}

type sitemapIndex struct {
	XMLName  xml.Name      `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapLink `xml:"sitemap"`
}

type sitemapLink struct {
	Loc string `xml:"loc"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// HandleSitemapIndex serves /sitemap.xml: the index of the sitemap of the
// lists and of one sitemap per range of SitemapSize ids of each kind.
func (p *Pages) HandleSitemapIndex(w http.ResponseWriter, r *http.Request) {
	st := p.Store
	max, err := st.SitemapMaxIDs(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	index := sitemapIndex{Sitemaps: []sitemapLink{{Loc: p.Site.BaseURL + "/sitemaps/pages.xml"}}}
	for _, k := range sitemapKinds {
		for n := int64(0); n <= max[k.kind]/SitemapSize && max[k.kind] > 0; n++ {
			index.Sitemaps = append(index.Sitemaps, sitemapLink{Loc: fmt.Sprintf("%s/sitemaps/%s-%d.xml", p.Site.BaseURL, k.kind, n)})
		}
	}
	writeXML(w, index)
}

// HandleSitemap serves /sitemaps/{file}: pages.xml, the home page and the
// lists, or {kind}-{n}.xml, the public records of kind whose ids are in
// the n-th range of SitemapSize.
func (p *Pages) HandleSitemap(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	if file == "pages.xml" {
		set := urlSet{}
		for _, path := range []string{"/", "/stories", "/tracker", "/disputes", "/organisations", "/representatives", "/plan", "/seats", "/campaigns", "/topics", "/pledges", "/resources"} {
			set.URLs = append(set.URLs, sitemapURL{Loc: p.Site.BaseURL + path})
		}
		writeXML(w, set)
		return
	}
	name, ok := strings.CutSuffix(file, ".xml")
	i := strings.LastIndexByte(name, '-')
	if !ok || i < 0 {
		p.NotFound(w, r)
		return
	}
	n, err := strconv.ParseInt(name[i+1:], 10, 64)
	if err != nil || n < 0 || n > 1<<40 || name[i+1:] != strconv.FormatInt(n, 10) {
		p.NotFound(w, r)
		return
	}
	kind, path := name[:i], ""
	for _, k := range sitemapKinds {
		if k.kind == kind {
			path = k.path
		}
	}
	if path == "" {
		p.NotFound(w, r)
		return
	}
	st := p.Store
	set := urlSet{URLs: []sitemapURL{}}
	err = st.SitemapRange(r.Context(), kind, n*SitemapSize, (n+1)*SitemapSize, func(id int64, slug string, modified time.Time) {
		key := slug
		if key == "" {
			key = strconv.FormatInt(id, 10)
		}
		u := sitemapURL{Loc: p.Site.BaseURL + path + key}
		if !modified.IsZero() {
			u.LastMod = modified.UTC().Format(time.RFC3339)
		}
		set.URLs = append(set.URLs, u)
	})
	if err != nil {
		p.Error(w, r, err)
		return
	}
	writeXML(w, set)
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	enc.Encode(v)
}

// OpenGraph is what a public item's page says of itself to other sites and
// to search engines: its Open Graph tags and canonical address.
type OpenGraph struct {
	Title       string
	Description string // a short plain-text excerpt of public text
	URL         string
	SiteName    string
}

// OpenGraph describes the page of a public item titled title at path, with
// text (public Markdown or HTML) cut short for its description.
func (p Page) OpenGraph(title, text, path string) OpenGraph {
	return OpenGraph{Title: title, Description: excerpt(text, 200), URL: p.Site.BaseURL + path, SiteName: p.Site.Name}
}

var (
	blockTags = map[string]bool{"p": true, "br": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true, "h3": true,
		"h4": true, "h5": true, "h6": true, "blockquote": true, "div": true, "pre": true, "hr": true, "table": true, "tr": true,
		"td": true, "th": true}
	markdownLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	markdownMark = strings.NewReplacer("**", "", "__", "", "*", "", "`", "", "#", "", ">", "")
)

// excerpt is text, Markdown or HTML, as plain text on one line, cut at a
// word to at most max characters. It runs on every story, danger and
// dispute page rendered, so it takes the tags out by hand and uses a
// regular expression only where a Markdown link may be.
func excerpt(text string, max int) string {
	if strings.IndexByte(text, '<') >= 0 {
		text = stripTags(text)
	}
	if strings.IndexByte(text, '&') >= 0 {
		text = html.UnescapeString(text)
	}
	if strings.Contains(text, "](") {
		text = markdownLink.ReplaceAllString(text, "$1")
	}
	text = markdownMark.Replace(text)
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	runes := []rune(text)[:max]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// stripTags takes the HTML tags out of s: a block's (p, li, td…) leaves a
// space, so that its words stay apart; an inline one (em, a…) nothing. A
// "<" that no ">" closes is text.
func stripTags(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		tag := strings.TrimPrefix(s[i+1:i+j], "/")
		end := 0
		for end < len(tag) && (tag[end] >= 'a' && tag[end] <= 'z' || tag[end] >= 'A' && tag[end] <= 'Z' || tag[end] >= '0' && tag[end] <= '9') {
			end++
		}
		if blockTags[strings.ToLower(tag[:end])] {
			b.WriteByte(' ')
		}
		s = s[i+j+1:]
	}
}
