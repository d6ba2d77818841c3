package web

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// Embeds are small cards of public items and lists that other sites show in
// an iframe: the only pages that may be framed (the server sends them
// frame-ancestors * and no X-Frame-Options). They carry no script, read
// only public records, and every link opens the item's own page in a new
// window.

// embedListLength is how many of a list's newest items a list card shows
// when the request does not set limit.
const embedListLength = 5

// The sizes oEmbed offers for the iframe of a card: an item's, a list's.
const (
	embedWidth      = 480
	embedItemHeight = 260
	embedListHeight = 420
)

// embedExcerpt is how many characters of an item's text its card shows.
const embedExcerpt = 280

// EmbedView is the view of an embedded card.
type EmbedView struct {
	Page
	// URL is the absolute address of the page the card stands for.
	URL string
	// Of the one item the card shows, one is set; a list's card has List
	// and one of the slices.
	Story    *jigsaw.PublicStory
	Item     *jigsaw.TrackerItem
	Dispute  *jigsaw.Dispute
	List     string // "stories", "tracker" or "disputes"
	Stories  []*jigsaw.PublicStory
	Items    []*jigsaw.TrackerItem
	Disputes []*jigsaw.Dispute
	Total    int
	// Excerpt is the start of the item's public text, as plain text.
	Excerpt string
}

// HandleEmbedStory serves /embed/stories/{id}: a published story's card.
func (p *Pages) HandleEmbedStory(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		p.NotFound(w, r)
		return
	}
	s, err := p.Store.FindPublicStoryByID(r.Context(), id)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderEmbed(w, r, "embed_story", EmbedView{Page: p.page(r, s.Title), URL: p.absolute("/stories/" + itoa(id)), Story: s,
		Excerpt: excerpt(cmp.Or(s.BodyHTML, s.Body), embedExcerpt)})
}

// HandleEmbedTracker serves /embed/tracker/{id}: a published danger's card.
// Editors get the public card too: a card is for other sites.
func (p *Pages) HandleEmbedTracker(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		p.NotFound(w, r)
		return
	}
	t, err := p.Store.FindPublicTrackerItemByID(r.Context(), id)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderEmbed(w, r, "embed_tracker", EmbedView{Page: p.page(r, t.Title), URL: p.absolute("/tracker/" + itoa(id)), Item: t,
		Excerpt: excerpt(t.Summary, embedExcerpt)})
}

// HandleEmbedDispute serves /embed/disputes/{id}: a dispute's card.
func (p *Pages) HandleEmbedDispute(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		p.NotFound(w, r)
		return
	}
	d, err := p.Store.FindDisputeByID(r.Context(), id)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderEmbed(w, r, "embed_dispute", EmbedView{Page: p.page(r, d.Title), URL: p.absolute("/disputes/" + itoa(id)), Dispute: d,
		Excerpt: excerpt(d.Summary, embedExcerpt)})
}

// HandleEmbedList serves /embed/stories, /embed/tracker and /embed/disputes:
// the newest few of a public list, with the list's own filters (refused as
// the list refuses them).
func (p *Pages) HandleEmbedList(list string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		view, err := p.embedList(r, list, r.URL.Query())
		if err != nil {
			p.Error(w, r, err)
			return
		}
		p.renderEmbed(w, r, "embed_list", view)
	}
}

func (p *Pages) embedList(r *http.Request, list string, q url.Values) (EmbedView, error) {
	ctx, pr := r.Context(), tr(r)
	view := EmbedView{List: list, URL: p.absolute("/" + list)}
	if len(q) > 0 {
		view.URL += "?" + q.Encode()
	}
	var err error
	switch list {
	case "stories":
		var f jigsaw.StoryFilter
		if f, _, err = listparams.Stories(ctx, p.Store, q, embedListLength); err == nil {
			view.Stories, view.Total, err = p.Store.FindPublicStories(ctx, f)
		}
		view.Page = p.page(r, pr.Sprintf("Stories"))
	case "tracker":
		var f jigsaw.TrackerFilter
		if f, _, err = listparams.Tracker(ctx, p.Store, q, embedListLength); err == nil {
			// Public items only, whoever asks (drafts=1 included).
			view.Items, view.Total, err = p.Store.FindPublicTrackerItems(ctx, f)
		}
		view.Page = p.page(r, pr.Sprintf("Dangers"))
	case "disputes":
		var f jigsaw.DisputeFilter
		if f, _, err = listparams.Disputes(ctx, p.Store, q, embedListLength); err == nil {
			view.Disputes, view.Total, err = p.Store.FindDisputes(ctx, f)
		}
		view.Page = p.page(r, pr.Sprintf("Disputes"))
	default:
		err = jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
	}
	return view, err
}

// renderEmbed writes a card: the template's "embed", without the site's
// layout (no header, navigation or footer inside someone else's page).
func (p *Pages) renderEmbed(w http.ResponseWriter, r *http.Request, name string, view EmbedView) {
	lang := i18n.FromContext(r.Context())
	t, err := p.templates[lang].get(name)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "embed", view); err != nil {
		p.Error(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	setLanguageHeaders(w.Header(), lang)
	w.Write(buf.Bytes())
}

// absolute is path on this instance's address.
func (p *Pages) absolute(path string) string { return strings.TrimSuffix(p.Site.BaseURL, "/") + path }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// EmbedCode is the HTML another site pastes to show the card of the page
// at path (such as "/stories/12"): an iframe of its /embed address.
func (p Page) EmbedCode(path string) string {
	return iframe(p.Site.BaseURL+"/embed"+path, p.Title, embedWidth, embedItemHeight)
}

// OEmbedURL is the address of the oEmbed answer for the page at path, for
// the page's discovery link.
func (p Page) OEmbedURL(path string) string {
	return p.Site.BaseURL + "/oembed?format=json&url=" + url.QueryEscape(p.Site.BaseURL+path)
}

func iframe(src, title string, width, height int) string {
	return fmt.Sprintf(`<iframe src="%s" width="%d" height="%d" title="%s" style="border:0;max-width:100%%" loading="lazy"></iframe>`,
		template.HTMLEscapeString(src), width, height, template.HTMLEscapeString(title))
}

// OEmbed is an oEmbed 1.0 answer of type "rich".
type OEmbed struct {
	Version      string `json:"version"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	CacheAge     int    `json:"cache_age"`
}

// HandleOEmbed serves /oembed?url=…: the iframe of the card of a public
// story, danger, dispute or list of this instance (oEmbed 1.0). Another
// site's address, or one of no public item, is 404; a format other than
// JSON is 501, as the specification asks.
func (p *Pages) HandleOEmbed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fail := func(err error) { respond.JSONError(w, r, p.Log, err) }
	switch q.Get("format") {
	case "", "json":
	default:
		respond.JSON(w, http.StatusNotImplemented, map[string]any{"error": map[string]string{"code": "not_implemented",
			"message": "Only format=json is offered."}})
		return
	}
	problems := jigsaw.Problems{}
	maxSize := func(name string) int {
		s := q.Get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 10000 {
			problems.Add(name, "must be a whole number of pixels from 1 to 10000.")
		}
		return n
	}
	maxWidth, maxHeight := maxSize("maxwidth"), maxSize("maxheight")
	raw := q.Get("url")
	if raw == "" {
		problems.Add("url", "give the address of a story, danger, dispute or list of this site.")
	}
	if err := problems.Err(); err != nil {
		fail(err)
		return
	}
	notOurs := jigsaw.Errorf(jigsaw.ENOTFOUND, "There is nothing to embed at that address.")
	u, err := url.Parse(raw)
	base, _ := url.Parse(p.Site.BaseURL)
	if err != nil || base == nil || !strings.EqualFold(u.Host, base.Host) || (u.Scheme != "http" && u.Scheme != "https") {
		fail(notOurs)
		return
	}
	ctx := r.Context()
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	height := embedItemHeight
	var title string
	switch {
	case len(parts) == 1 && (parts[0] == "stories" || parts[0] == "tracker" || parts[0] == "disputes"):
		view, err := p.embedList(r, parts[0], u.Query())
		if err != nil {
			fail(err)
			return
		}
		title, height = view.Title, embedListHeight
	case len(parts) == 2:
		id, ok := positiveID(parts[1])
		if !ok {
			fail(notOurs)
			return
		}
		switch parts[0] {
		case "stories":
			var s *jigsaw.PublicStory
			if s, err = p.Store.FindPublicStoryByID(ctx, id); err == nil {
				title = s.Title
			}
		case "tracker":
			var t *jigsaw.TrackerItem
			if t, err = p.Store.FindPublicTrackerItemByID(ctx, id); err == nil {
				title = t.Title
			}
		case "disputes":
			var d *jigsaw.Dispute
			if d, err = p.Store.FindDisputeByID(ctx, id); err == nil {
				title = d.Title
			}
		default:
			err = notOurs
		}
		if err != nil {
			if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
				err = notOurs
			}
			fail(err)
			return
		}
	default:
		fail(notOurs)
		return
	}
	width := embedWidth
	if maxWidth > 0 {
		width = min(width, maxWidth)
	}
	if maxHeight > 0 {
		height = min(height, maxHeight)
	}
	src := p.absolute("/embed" + u.EscapedPath())
	if u.RawQuery != "" {
		src += "?" + u.Query().Encode()
	}
	site := p.site(ctx)
	respond.JSON(w, http.StatusOK, OEmbed{Version: "1.0", Type: "rich", Title: title, ProviderName: site.Name,
		ProviderURL: p.absolute("/"), HTML: iframe(src, title, width, height), Width: width, Height: height, CacheAge: 3600})
}
