// Package markdown turns the Markdown people write (stories, summaries) into
// HTML that is safe to put on a page: rendered by goldmark with raw HTML
// disabled, then cleaned by an allow-list sanitiser as a second wall.
package markdown

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Renderer renders Markdown. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

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
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		// goldmark fails only on writer errors, which a bytes.Buffer never
		// returns; show the text escaped rather than nothing.
		return template.HTML(template.HTMLEscapeString(src))
	}
	out := r.policy.SanitizeBytes(buf.Bytes())
	out = bytes.ReplaceAll(out, []byte(`rel="nofollow"`), []byte(`rel="nofollow ugc noopener"`))
	return template.HTML(out)
}
