// Package markdown turns the Markdown people write (stories, summaries) into
// HTML that is safe to put on a page: rendered by goldmark with raw HTML
// disabled, then cleaned by an allow-list sanitiser as a second wall.
package markdown

import (
	"bytes"
	"html"
	"html/template"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Renderer renders Markdown. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy

	// Rendering and sanitising take most of a story page's time, and the
	// same texts are shown again and again: keep recent results.
	mu    sync.Mutex
	cache map[string]template.HTML
	size  int
}

// cacheBytes bounds the memory the render cache may hold; when full it is
// emptied and starts again, which is cheaper than tracking recency and
// good enough for a cache that refills in one render per text.
const cacheBytes = 8 << 20

// New returns a Renderer. Links get rel="nofollow ugc noopener" and open in
// the same tab; images are not allowed (they would let a story load
// anything from anywhere and track its readers).
func New() *Renderer {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
		"ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.AllowAttrs("align").Matching(bluemonday.CellAlign).OnElements("th", "td")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	return &Renderer{
		// goldmark escapes raw HTML unless told otherwise (html.WithUnsafe).
		md:     goldmark.New(goldmark.WithExtensions(extension.Strikethrough, extension.Table, extension.Linkify)),
		policy: p,
	}
}

// HTML renders src to sanitised HTML.
func (r *Renderer) HTML(src string) template.HTML {
	r.mu.Lock()
	out, ok := r.cache[src]
	r.mu.Unlock()
	if ok {
		return out
	}
	out = r.render(src)
	r.mu.Lock()
	if r.size+len(src)+len(out) > cacheBytes || r.cache == nil {
		r.cache, r.size = map[string]template.HTML{}, 0
	}
	r.cache[src] = out
	r.size += len(src) + len(out)
	r.mu.Unlock()
	return out
}

// Render renders src without the cache, for HTML that is stored rather than
// served at once.
func (r *Renderer) Render(src string) string { return string(r.render(src)) }

func (r *Renderer) render(src string) template.HTML {
	// A text over the limits (stored before they were checked) is shown
	// as plain text: rendering it could take seconds and gigabytes.
	if Check("text", src) != nil {
		return plain(src)
	}
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		// goldmark fails only on writer errors, which a bytes.Buffer never
		// returns; show the text escaped rather than nothing.
		return plain(src)
	}
	out := r.policy.SanitizeBytes(buf.Bytes())
	out = bytes.ReplaceAll(out, []byte(`rel="nofollow"`), []byte(`rel="nofollow ugc noopener"`))
	if len(out) > MaxOutput(len(src)) {
		return plain(src)
	}
	return template.HTML(out)
}

// plain shows src as escaped text, its paragraphs kept.
func plain(src string) template.HTML {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			b.WriteString("<p>")
			b.WriteString(strings.ReplaceAll(template.HTMLEscapeString(para), "\n", "<br>\n"))
			b.WriteString("</p>\n")
		}
	}
	return template.HTML(b.String())
}

// Sanitize cleans HTML written elsewhere (a post another server sent)
// with the same allow-list as rendered Markdown: for storing.
func (r *Renderer) Sanitize(src string) string {
	out := r.policy.Sanitize(src)
	return strings.ReplaceAll(out, `rel="nofollow"`, `rel="nofollow ugc noopener"`)
}

// textPolicy keeps no element at all: what is left is the text.
var textPolicy = bluemonday.StrictPolicy()

// Text returns the text of HTML, without markup or entities, its blocks
// separated by spaces: for search indexes and plain-text summaries.
func Text(src string) string {
	// Block ends become spaces so that "<p>a</p><p>b</p>" is two words.
	src = blockEnd.Replace(src)
	return strings.Join(strings.Fields(html.UnescapeString(textPolicy.Sanitize(src))), " ")
}

var blockEnd = strings.NewReplacer("</p>", "</p> ", "<br>", "<br> ", "<br/>", "<br/> ", "<br />", "<br /> ", "</li>", "</li> ",
	"</h1>", "</h1> ", "</h2>", "</h2> ", "</h3>", "</h3> ", "</div>", "</div> ", "</blockquote>", "</blockquote> ")
