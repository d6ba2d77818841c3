package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
)

// Every public list answers as feeds, /X.atom (Atom 1.0, RFC 4287) and
// /X.rss (RSS 2.0), with the list's own filters: its newest items, public
// fields only. An item's id is its page's address, which changes with
// nothing but the instance's --base-url. A feed is rendered whole and goes
// through the page cache like a page; its ETag is a hash of its bytes, so
// that a reader polling it gets 304 Not Modified until something in it
// changes.

// feedLength is how many items a feed holds unless limit says.
const feedLength = 50

// feedLists are the lists with feeds and exports, by their path, with
// their names in the catalogue.
var feedLists = map[string]string{"stories": "Stories", "tracker": "Dangers", "disputes": "Disputes", "organisations": "Organisations",
	"representatives": "People in public roles", "plan": "Plans", "seats": "Seats",
	"campaigns": "Campaigns", "topics": "Topic board", "events": "Events",
	"pledges": "Pledges", "resources": "Resources"}

// feedEntry is an item of a feed in either format.
type feedEntry struct {
	Path               string // its page, "/stories/12"
	Title, Summary     string // Summary: plain text
	Author             string // the story's byline; "" for the site
	Published, Updated time.Time
	Categories         []jigsaw.KeyIssue
}

// notInFeeds are the list parameters that feeds and exports refuse, with
// what is said of each.
var notInFeeds = map[string]string{"drafts": "is not a filter of feeds and exports: they hold published items only."}

// readFilter reads a filter from q with parse (a listparams reader), with
// the parameters in refused (name → message) refused and the bad
// parameters that also names (an EINVALID error, or nil) added: one
// EINVALID error names every bad parameter, as listparams' own error does.
func readFilter[F any](q url.Values, refused map[string]string, also error, parse func(url.Values) (F, listparams.List, error)) (F, error) {
	p := jigsaw.Problems{}
	rest := url.Values{}
	for k, v := range q {
		if msg, ok := refused[k]; ok {
			p.Add(k, msg)
			continue
		}
		rest[k] = v
	}
	f, _, err := parse(rest)
	for _, err := range []error{err, also} {
		if err == nil {
			continue
		}
		fields := jigsaw.FieldErrors(err)
		if len(fields) == 0 {
			return f, err // not a bad parameter: the store's trouble
		}
		for k, msg := range fields {
			p.Add(k, msg)
		}
	}
	if err := p.Err(); err != nil {
		e := err.(*jigsaw.Error)
		e.Message = "Bad query parameter: " + e.FieldSummary()
		return f, e
	}
	return f, nil
}

// feedEntries reads the newest items of list matching the filter in q.
func (p *Pages) feedEntries(r *http.Request, list string, q url.Values) ([]feedEntry, error) {
	ctx := r.Context()
	names, err := p.keyIssueNames(r)
	if err != nil {
		return nil, err
	}
	issues := func(slugs []string) []jigsaw.KeyIssue {
		out := make([]jigsaw.KeyIssue, len(slugs))
		for i, s := range slugs {
			out[i] = jigsaw.KeyIssue{Slug: s, Name: cmpOr(names[s], s)}
		}
		return out
	}
	var entries []feedEntry
	switch list {
	case "stories":
		f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.StoryFilter, listparams.List, error) {
			return listparams.Stories(ctx, p.Store, v, feedLength)
		})
		if err != nil {
			return nil, err
		}
		stories, _, err := p.Store.FindPublicStories(ctx, f)
		for _, s := range stories {
			entries = append(entries, feedEntry{Path: "/stories/" + strconv.FormatInt(s.ID, 10), Title: s.Title, Summary: excerpt(s.Body, 600),
				Author: s.Byline, Published: s.PublishedAt, Updated: s.PublishedAt, Categories: issues(s.KeyIssues)})
		}
		return entries, err
	case "tracker":
		f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.TrackerFilter, listparams.List, error) {
			return listparams.Tracker(ctx, p.Store, v, feedLength)
		})
		if err != nil {
			return nil, err
		}
		items, _, err := p.Store.FindPublicTrackerItems(ctx, f)
		for _, t := range items {
			entries = append(entries, feedEntry{Path: "/tracker/" + strconv.FormatInt(t.ID, 10), Title: t.Title, Summary: excerpt(t.Summary, 600),
				Published: t.PublishedAt, Updated: t.UpdatedAt, Categories: issues(t.KeyIssues)})
		}
		return entries, err
	case "disputes":
		f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.DisputeFilter, listparams.List, error) {
			return listparams.Disputes(ctx, p.Store, v, feedLength)
		})
		if err != nil {
			return nil, err
		}
		disputes, _, err := p.Store.FindDisputes(ctx, f)
		for _, d := range disputes {
			entries = append(entries, feedEntry{Path: "/disputes/" + strconv.FormatInt(d.ID, 10), Title: d.Title, Summary: excerpt(d.Summary, 600),
				Published: d.CreatedAt, Updated: d.UpdatedAt, Categories: issues(d.KeyIssues)})
		}
		return entries, err
	case "events":
		// Public events only, whoever asks: a feed's address is shared.
		f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.EventFilter, listparams.List, error) {
			f, l, err := listparams.Events(ctx, p.Store, v, feedLength, time.Now())
			return f, l.List, err
		})
		if err != nil {
			return nil, err
		}
		events, _, err := p.Store.FindPublicEvents(ctx, f)
		for _, e := range events {
			entries = append(entries, feedEntry{Path: "/events/" + strconv.FormatInt(e.ID, 10), Title: e.Title,
				Summary: eventSummary(e), Published: e.CreatedAt, Updated: e.UpdatedAt})
		}
		return entries, err
	case "organisations":
		f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.OrganisationFilter, listparams.List, error) {
			return listparams.Organisations(ctx, p.Store, v, feedLength)
		})
		if err != nil {
			return nil, err
		}
		orgs, _, err := p.Store.FindOrganisations(ctx, f)
		tr := tr(r)
		for _, o := range orgs {
			summary := tr.Text(jigsaw.LabelOf(jigsaw.OrgKinds, o.Kind))
			if o.Region != "" {
				summary += ", " + o.Region
			}
			entries = append(entries, feedEntry{Path: "/organisations/" + o.Slug, Title: o.Name, Summary: summary,
				Published: o.CreatedAt, Updated: o.UpdatedAt})
		}
		return entries, err
	case "representatives":
		f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.RepresentativeFilter, listparams.List, error) {
			return listparams.Representatives(ctx, p.Store, v, feedLength)
		})
		if err != nil {
			return nil, err
		}
		people, _, err := p.Store.FindRepresentatives(ctx, f)
		tr := tr(r)
		for _, rep := range people {
			summary := tr.Text(jigsaw.LabelOf(jigsaw.OfficeRoles, rep.Role))
			for _, s := range []string{rep.OrgName, rep.Party, rep.Area} {
				if s != "" {
					summary += ", " + s
				}
			}
			entries = append(entries, feedEntry{Path: "/representatives/" + strconv.FormatInt(rep.ID, 10), Title: rep.Name, Summary: summary,
				Published: rep.CreatedAt, Updated: rep.UpdatedAt})
		}
		return entries, err
	case "plan":
		return p.planFeedEntries(ctx, q)
	case "seats":
		return p.seatFeedEntries(r, q)
	case "campaigns", "topics":
		return p.coordinationEntries(r, list, q)
	case "pledges":
		return p.pledgeFeedEntries(r, q)
	case "resources":
		f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.ResourceFilter, listparams.List, error) {
			return listparams.Resources(ctx, p.Store, v, feedLength)
		})
		if err != nil {
			return nil, err
		}
		resources, _, err := p.Store.FindResources(ctx, f)
		for _, res := range resources {
			entries = append(entries, feedEntry{Path: resourcePath(res.ID), Title: res.Title, Summary: excerpt(res.Summary, 600),
				Author: res.OrgName, Published: res.CreatedAt, Updated: res.UpdatedAt, Categories: issues(res.KeyIssues)})
		}
		return entries, err
	}
	return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
}

// filterQuery is the query of a list's address as its feeds and exports
// take it: its filters without the page's paging, in a stable order.
func filterQuery(q url.Values) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "page" && k != "limit" && k != "offset" && !listparams.Ignored(k) {
			v[k] = vs
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// FeedQuery is the page's filters as a query ("" or "?issue=safety") for
// the addresses of its feeds and exports.
func (v StoryListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v TrackerListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v DisputeListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v PledgeListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v OrganisationListView) FeedQuery() template.URL {
	return template.URL(filterQuery(v.Query))
}

// HandleFeed serves the feeds of list ("stories", "tracker", "disputes" or
// "organisations"): /X.atom and /X.rss.
func (p *Pages) HandleFeed(list string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rss := strings.HasSuffix(r.URL.Path, ".rss")
		q := r.URL.Query()
		entries, err := p.feedEntries(r, list, q)
		if err != nil {
			p.Error(w, r, err)
			return
		}
		tr := tr(r)
		site := p.site(r.Context())
		query := filterQuery(q)
		title := tr.Sprintf(feedLists[list])
		if query != "" {
			title += " (" + strings.ReplaceAll(strings.TrimPrefix(unescape(query), "?"), "&", ", ") + ")"
		}
		title += " · " + site.Name
		page := site.BaseURL + "/" + list + query
		ext := ".atom"
		if rss {
			ext = ".rss"
		}
		self := site.BaseURL + "/" + list + ext + query
		var updated time.Time
		for _, e := range entries {
			if e.Updated.After(updated) {
				updated = e.Updated
			}
		}
		lang := tr.Lang().Tag()
		var doc any
		if rss {
			doc = rssDoc(site, title, page, self, lang, updated, entries)
		} else {
			doc = atomDoc(site, title, page, self, lang, updated, entries)
		}
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		enc := xml.NewEncoder(&buf)
		enc.Indent("", " ")
		if err := enc.Encode(doc); err != nil {
			p.Error(w, r, err)
			return
		}
		buf.WriteByte('\n')
		sum := sha256.Sum256(buf.Bytes())
		h := w.Header()
		h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
		// Readers may keep the feed, and ask each time whether it changed.
		h.Set("Cache-Control", "no-cache")
		if rss {
			h.Set("Content-Type", "application/rss+xml; charset=utf-8")
		} else {
			h.Set("Content-Type", "application/atom+xml; charset=utf-8")
		}
		setLanguageHeaders(h, tr.Lang())
		// ServeContent answers If-None-Match and If-Modified-Since with
		// 304 Not Modified, as RFC 9110 has it. Last-Modified is the
		// newest item's time: a feed that lost its newest item (a story
		// withdrawn) is older than before, so that a reader asking by date
		// alone keeps its copy, which already held the item anyway.
		http.ServeContent(w, r, "", updated, bytes.NewReader(buf.Bytes()))
	}
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Link       atomLink       `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Summary    atomText       `xml:"summary"`
	Categories []atomCategory `xml:"category"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Label  string `xml:"label,attr,omitempty"`
	Scheme string `xml:"scheme,attr,omitempty"`
}

// atomTime is t as Atom writes dates (RFC 3339); the zero time, of an
// empty feed, as the start of the epoch, so that it stays the same.
func atomTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

func atomDoc(site Site, title, page, self, lang string, updated time.Time, entries []feedEntry) atomFeed {
	f := atomFeed{Lang: lang, ID: self, Title: title, Subtitle: site.Description, Updated: atomTime(updated),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: page}},
		Author: atomPerson{Name: site.Name}, Generator: "Jigsaw", Entries: []atomEntry{}}
	for _, e := range entries {
		u := site.BaseURL + e.Path
		ae := atomEntry{ID: u, Title: e.Title, Link: atomLink{Rel: "alternate", Type: "text/html", Href: u},
			Published: atomTime(e.Published), Updated: atomTime(e.Updated), Summary: atomText{Type: "text", Text: e.Summary}}
		if e.Author != "" {
			ae.Author = &atomPerson{Name: e.Author}
		}
		for _, c := range e.Categories {
			ae.Categories = append(ae.Categories, atomCategory{Term: c.Slug, Label: c.Name, Scheme: issueScheme(site, e.Path)})
		}
		f.Entries = append(f.Entries, ae)
	}
	return f
}

type rssFeed struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Generator     string    `xml:"generator"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Description string        `xml:"description"`
	Categories  []rssCategory `xml:"category"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Value  string `xml:",chardata"`
}

// issueScheme is the scheme of the key issues of the item at path, as
// feeds name it: the address of the item's list filtered by a key issue,
// which the issue's slug completes.
func issueScheme(site Site, path string) string {
	list, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return site.BaseURL + "/" + list + "?issue="
}

func rssDoc(site Site, title, page, self, lang string, updated time.Time, entries []feedEntry) rssFeed {
	c := rssChannel{Title: title, Link: page, Description: cmpOr(site.Description, title), Language: lang, Generator: "Jigsaw",
		Self: atomLink{Rel: "self", Type: "application/rss+xml", Href: self}}
	if !updated.IsZero() {
		c.LastBuildDate = updated.UTC().Format(time.RFC1123Z)
	}
	for _, e := range entries {
		u := site.BaseURL + e.Path
		it := rssItem{Title: e.Title, Link: u, GUID: rssGUID{IsPermaLink: "true", Value: u},
			PubDate: e.Published.UTC().Format(time.RFC1123Z), Description: e.Summary}
		for _, k := range e.Categories {
			it.Categories = append(it.Categories, rssCategory{Domain: issueScheme(site, e.Path), Value: k.Name})
		}
		c.Items = append(c.Items, it)
	}
	return rssFeed{Version: "2.0", AtomNS: atomNS, Channel: c}
}
