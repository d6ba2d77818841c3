// Package web serves Jigsaw's HTML pages. Templates and static files are
// embedded in the binary and parsed once at start; a template that does not
// parse stops the server from starting. Every page works without JavaScript.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/i18n"
	"jigsaw/internal/markdown"
	"jigsaw/internal/server/respond"
)

//go:embed templates static
var files embed.FS

// Store is what public pages may read. It deliberately offers no way to
// reach people or private story fields: public pages are built from public
// types only.
type Store interface {
	jigsaw.PublicStoryService
	jigsaw.OrganisationService
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
	jigsaw.TimelineService
	jigsaw.SearchService
	PickerStore
	KeyIssues(ctx context.Context) ([]jigsaw.KeyIssue, error)
	SiteSettings(ctx context.Context) (jigsaw.SiteSettings, error)
	SitemapStore
	PlaceStore
	ChartStore
	ExportStore
	CoalitionStore
}

// EditStore is what editors' pages use beyond the public: drafts, writes
// and the edit history. Only handlers behind the editor access check call
// it, or check the user's role first.
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
	jigsaw.RevisionService
	jigsaw.WebhookService
	DeliveryStore
}

// Site is what every page knows about the instance.
type Site struct {
	Name        string
	Description string
	Contact     string
	BaseURL     string
}

// Config is what the pages are built from. The program is wired in one
// place (internal/app); the pages know the services only by these
// interfaces.
type Config struct {
	Store   Store               // what public pages read
	Edit    EditStore           // what editors' pages read and change
	Private PrivateStore        // what signed-in pages for staff read and change
	Account AccountStore        // passwords and two-factor sign-in
	Stories jigsaw.StoryService // the teller's journey and moderation
	Tips    jigsaw.TipService   // tips of dangers and disputes, for editors
	Alerts  jigsaw.AlertService // alerts by email of filtered lists
	Auth    *auth.Service       // sign-in and sessions
	// Import and ImportRuns serve the admin's import page.
	Import     Importer
	ImportRuns jigsaw.ImportService
	// Watch serves the admin's watched sources; WakeWatch, if set, asks
	// the runner to look for due sources now.
	Watch     jigsaw.WatchService
	WakeWatch func()
	// Federation serves the admins' federation page (nil: no federation).
	Federation FederationAdmin
	// WakeMail, if set, asks the mail sender to send queued mail now.
	WakeMail func()
	// Later runs work after the answer is sent (nil: in a goroutine of
	// its own), for answers that must not take longer when the work is
	// done than when it is not.
	Later func(func())
	Site  Site
	Log   *slog.Logger
	// MaxResourceBytes is the largest file an editor may add to the
	// library.
	MaxResourceBytes int64
	// MailInAddress is where stories may be sent by email ("" when the
	// mail-in listener is off), shown on the story form.
	MailInAddress string
}

// Pages renders and serves the web pages.
type Pages struct {
	Config

	md *markdown.Renderer
	// templates holds every page's template set once per language, each
	// parsed with its language's text functions: a page is rendered with
	// no more work in Welsh than in English.
	templates [len(i18n.All)]*templateSet
	static    map[string]staticFile
}

type staticFile struct {
	body        []byte
	etag        string
	contentType string
}

// New parses every template and loads the static files.
func New(c Config) (*Pages, error) {
	p := &Pages{Config: c, md: markdown.New()}
	if err := p.parseTemplates(); err != nil {
		return nil, err
	}
	if err := p.loadStatic(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Pages) parseTemplates() error {
	pages, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return err
	}
	partials, err := fs.Glob(files, "templates/partials/*.html")
	if err != nil {
		return err
	}
	src := map[string]string{}
	for _, file := range append(append([]string{"templates/layout.html"}, partials...), pages...) {
		b, err := files.ReadFile(file)
		if err != nil {
			return err
		}
		src[file] = string(b)
	}
	definedIn := map[string]string{} // a partial's template name → its file
	for _, file := range partials {
		for _, m := range defineRE.FindAllStringSubmatch(src[file], -1) {
			definedIn[m[1]] = file
		}
	}
	pageFiles := map[string][]string{}
	for _, page := range pages {
		if name := strings.TrimSuffix(path.Base(page), ".html"); name != "layout" {
			pageFiles[name] = templateFiles(page, src, definedIn)
		}
	}
	for _, lang := range i18n.All {
		funcs := p.funcs(lang.Printer())
		translate := funcs["t"].(func(string, ...any) string)
		set := &templateSet{funcs: funcs, fixed: map[string]string{}, pageFiles: pageFiles, pages: map[string]*lazyTemplate{}}
		for file, text := range src {
			set.fixed[file] = fixedText(text, translate)
		}
		// Parse every page once, and throw the result away: a broken
		// template stops the server at start, not at its first request,
		// while only the pages people ask for stay in memory.
		for name := range pageFiles {
			if _, err := set.parse(name); err != nil {
				return err
			}
			set.pages[name] = &lazyTemplate{}
		}
		p.templates[lang] = set
	}
	return nil
}

// templateSet is one language's pages, each parsed on its first use: an
// instance serving mostly English keeps no Welsh templates, and a page
// nobody opened since the start costs nothing.
type templateSet struct {
	funcs     template.FuncMap
	fixed     map[string]string   // file → source with this language's constant texts
	pageFiles map[string][]string // page → the files it is parsed from
	pages     map[string]*lazyTemplate
	layout    layoutCache
}

type lazyTemplate struct {
	once sync.Once
	t    *template.Template
	err  error
}

// get returns the named page's template, parsing it on first use; nil if
// there is no such page.
func (s *templateSet) get(name string) (*template.Template, error) {
	lt, ok := s.pages[name]
	if !ok {
		return nil, nil
	}
	lt.once.Do(func() { lt.t, lt.err = s.parse(name) })
	return lt.t, lt.err
}

func (s *templateSet) parse(name string) (*template.Template, error) {
	t := template.New(name).Funcs(s.funcs)
	for _, file := range s.pageFiles[name] {
		if _, err := t.New(path.Base(file)).Parse(s.fixed[file]); err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
	}
	return t, nil
}

var (
	defineRE = regexp.MustCompile(`\{\{-?\s*define\s+"([^"]+)"`)
	useRE    = regexp.MustCompile(`\{\{-?\s*(?:template|block)\s+"([^"]+)"`)
)

// templateFiles are the files a page is parsed from: the layout, the page,
// and the partials they use, directly or through each other. A page parsed
// with every partial kept dozens of templates it never runs, per page and
// per language: most of the server's idle memory.
func templateFiles(page string, src, definedIn map[string]string) []string {
	layout := "templates/layout.html"
	read := []string{layout, page}
	seen := map[string]bool{layout: true, page: true}
	var used []string
	for i := 0; i < len(read); i++ {
		for _, m := range useRE.FindAllStringSubmatch(src[read[i]], -1) {
			if f, ok := definedIn[m[1]]; ok && !seen[f] {
				seen[f] = true
				read, used = append(read, f), append(used, f)
			}
		}
	}
	// The page last: its definitions (content, page-head) replace the
	// layout's empty blocks.
	return append(append([]string{layout}, used...), page)
}

// fixedTextRE is a template action that translates a constant text and
// nothing more: {{t "Stories"}}.
var fixedTextRE = regexp.MustCompile(`\{\{t "((?:[^"\\]|\\.)*)"\}\}`)

// fixedText writes the translation of each constant text into the template
// of a language: a page has dozens of them, and each call of t from a
// template goes through reflection at every rendering. The text is escaped
// for HTML, as html/template would escape it in the text and attribute
// values where t is used (never in a script, style or URL).
func fixedText(src string, translate func(string, ...any) string) string {
	return fixedTextRE.ReplaceAllStringFunc(src, func(action string) string {
		key, err := strconv.Unquote(action[len("{{t ") : len(action)-len("}}")])
		if err != nil {
			return action // left for the template parser to judge
		}
		return html.EscapeString(translate(key))
	})
}

func (p *Pages) loadStatic() error {
	p.static = map[string]staticFile{}
	return fs.WalkDir(files, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		p.static["/"+name] = staticFile{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, contentType: ct}
		return nil
	})
}

// layoutCache keeps the layout's parts (layoutParts' even indexes) as they
// were rendered for visitors who are not signed in: for them the parts
// depend on nothing but the language, the site's settings and which
// navigation entry is the page, and rendering them again was half of a
// story page's template work (each action an escaper called by reflection).
type layoutCache struct {
	mu    sync.RWMutex
	parts map[layoutKey][]byte
}

type layoutKey struct {
	part int
	nav  Nav
	site Site
}

// layoutCacheMax bounds the cache: the keys are few (parts × navigation
// entries) unless admins keep changing the site's settings, each change
// making new keys; then it starts afresh.
const layoutCacheMax = 256

func (c *layoutCache) get(k layoutKey) []byte {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.parts[k]
}

func (c *layoutCache) put(k layoutKey, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parts == nil || len(c.parts) >= layoutCacheMax {
		c.parts = map[layoutKey][]byte{}
	}
	c.parts[k] = bytes.Clone(b)
}

// layoutView is what Render needs of a view to use the layout cache: the
// Page it embeds.
type layoutView interface{ layoutPage() Page }

func (p Page) layoutPage() Page { return p }

// Page is embedded in every page's view: what the layout needs.
type Page struct {
	Lang      string // the page's language as a BCP 47 tag, for <html lang>
	Title     string
	Site      Site
	User      *jigsaw.User
	RequestID string
	Nav       Nav
}

// Nav says which entry of the main navigation is the page itself, and
// which of the staff links the signed-in user gets. It is worked out here,
// not compared in the layout: each comparison there is a call through
// reflection, and every page made several of them.
type Nav struct {
	Stories, Tracker, Disputes, Events, Campaigns, Organisations, TellStory bool
	// Moderator and Admin give the staff bar its moderation link and its
	// admin menu.
	Moderator, Admin bool
}

func (p *Pages) page(r *http.Request, title string) Page {
	path := r.URL.Path
	u := jigsaw.UserFromContext(r.Context())
	nav := Nav{Stories: path == "/stories", Tracker: path == "/tracker", Disputes: path == "/disputes", Events: path == "/events",
		Campaigns: path == "/campaigns", Organisations: path == "/organisations",
		TellStory: path == "/stories/new"}
	if u != nil {
		nav.Moderator = u.Role.AtLeast(jigsaw.RoleModerator)
		nav.Admin = u.Role.AtLeast(jigsaw.RoleAdmin)
	}
	return Page{Lang: i18n.FromContext(r.Context()).Tag(), Title: title, Site: p.site(r.Context()), User: u, RequestID: respond.RequestID(r), Nav: nav}
}

// site is the instance as its admins describe it, over the defaults.
func (p *Pages) site(ctx context.Context) Site {
	s := p.Site
	if set, err := p.Store.SiteSettings(ctx); err == nil {
		if set.Name != "" {
			s.Name = set.Name
		}
		if set.Description != "" {
			s.Description = set.Description
		}
		s.Contact = set.Contact
	}
	return s
}

// Render executes the named page template with data and writes it with the
// given status. The page is rendered into a buffer first, so a template
// failure gives a clean error page rather than half a page.
func (p *Pages) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	lang := i18n.FromContext(r.Context())
	set := p.templates[lang]
	t, err := set.get(name)
	if t == nil && err == nil {
		err = fmt.Errorf("no template %q", name)
	}
	if err != nil {
		p.Error(w, r, err)
		return
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	var ends [len(layoutParts)]int
	v, cacheable := data.(layoutView)
	var pg Page
	if cacheable {
		pg = v.layoutPage()
		cacheable = pg.User == nil
	}
	for i, part := range layoutParts {
		if i%2 == 0 && cacheable {
			k := layoutKey{part: i, nav: pg.Nav, site: pg.Site}
			if b := set.layout.get(k); b != nil {
				buf.Write(b)
			} else {
				start := buf.Len()
				if err := t.ExecuteTemplate(buf, part, data); err != nil {
					p.Error(w, r, fmt.Errorf("render %s: %w", name, err))
					return
				}
				set.layout.put(k, buf.Bytes()[start:])
			}
			ends[i] = buf.Len()
			continue
		}
		if err := t.ExecuteTemplate(buf, part, data); err != nil {
			p.Error(w, r, fmt.Errorf("render %s: %w", name, err))
			return
		}
		ends[i] = buf.Len()
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	setLanguageHeaders(w.Header(), lang)
	w.WriteHeader(status)
	page := buf.Bytes()
	sw, ok := w.(SharedWriter)
	if !ok {
		w.Write(page)
		return
	}
	start := 0
	for i, end := range ends {
		if i%2 == 0 {
			sw.WriteShared(page[start:end])
		} else {
			w.Write(page[start:end])
		}
		start = end
	}
}

// SharedWriter is a writer that keeps what it is given, the page cache: the
// parts of a page that other pages share, the layout around its own title
// and content, come to it through WriteShared so that it can keep them once
// for all the pages that have them.
type SharedWriter interface {
	WriteShared([]byte) (int, error)
}

// layoutParts are the templates a page is rendered from, in order
// (layout.html): the layout's, which other pages share, at even indexes,
// and the page's own title and content at odd ones. Rendering the parts
// one after another marks where each ends without looking for any markup
// in the page.
var layoutParts = [...]string{"layout-top", "page-title", "layout-middle", "content", "layout-bottom"}

// renderBuffers are reused between renderings: a page grown afresh in a new
// buffer was copied five or six times on the way to its size. Write has
// consumed the bytes when it returns (the page cache keeps a copy of its
// own), so a buffer can go back as soon as the page is written.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > 256<<10 {
		return // a rare big page: not worth keeping that much memory
	}
	b.Reset()
	renderBuffers.Put(b)
}

// ErrorView is the view of the error page.
type ErrorView struct {
	Page
	Status  int
	Message string
}

// Error renders the error page for err, with the status of its code. Internal
// detail is logged, never shown.
func (p *Pages) Error(w http.ResponseWriter, r *http.Request, err error) {
	respond.LogError(r, p.Log, err)
	respond.SetErrorHeaders(w, err)
	status := respond.Status(err)
	lang := i18n.FromContext(r.Context())
	tr := lang.Printer()
	view := ErrorView{Page: p.page(r, tr.Text(http.StatusText(status))), Status: status, Message: tr.Text(respond.Message(err))}
	t, _ := p.templates[lang].get("error")
	var buf bytes.Buffer
	if t == nil || t.ExecuteTemplate(&buf, "layout", view) != nil {
		http.Error(w, respond.Message(err), status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	setLanguageHeaders(w.Header(), lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// contentLanguage and varyLanguage are the values of the headers that say
// which language a page is in and what chose it: the cookie (?lang=) or
// Accept-Language. Made once, shared by every answer (net/http and Header
// Set replace a value slice, never write into it).
var (
	contentLanguage [len(i18n.All)][]string
	varyLanguage    = []string{"Accept-Language, Cookie"}
)

func init() {
	for _, l := range i18n.All {
		contentLanguage[l] = []string{l.Tag()}
	}
}

func setLanguageHeaders(h http.Header, lang i18n.Lang) {
	h["Content-Language"] = contentLanguage[lang]
	if v := h["Vary"]; len(v) > 0 {
		h["Vary"] = append(v[:len(v):len(v)], varyLanguage...)
		return
	}
	h["Vary"] = varyLanguage
}

// NotFound renders the not-found page.
func (p *Pages) NotFound(w http.ResponseWriter, r *http.Request) {
	p.Error(w, r, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address."))
}

// HandleStatic serves the embedded static files with a content hash ETag.
func (p *Pages) HandleStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := p.static[r.URL.Path]
	if !ok {
		p.NotFound(w, r)
		return
	}
	w.Header().Set("ETag", f.etag)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	if match := r.Header.Get("If-None-Match"); match == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Write(f.body)
}
