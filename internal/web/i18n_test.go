package web_test

import (
	"context"
	"go/scanner"
	"go/token"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// langPage is an answer read whole.
type langPage struct {
	code   int
	header http.Header
	body   string
}

func fetchLang(t *testing.T, c *http.Client, method, u string, form url.Values, header ...string) langPage {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return langPage{resp.StatusCode, resp.Header, string(b)}
}

func (p langPage) has(t *testing.T, what string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("%s: the page lacks %q", what, w)
		}
	}
}

func (p langPage) lacks(t *testing.T, what string, reject ...string) {
	t.Helper()
	for _, w := range reject {
		if strings.Contains(p.body, w) {
			t.Errorf("%s: the page has %q", what, w)
		}
	}
}

// templatesUse reports whether the template file routes text through t
// with key: the navigation and the form's labels are translated only once
// the templates do (the design pass), and are checked from then on.
func templatesUse(t *testing.T, file, key string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("templates", file))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(b), `t "`+key+`"`)
}

// The story form in Welsh: asked for by the browser, by ?lang=cy, then
// kept by the cookie; English stays English.
func TestWelshStoryForm(t *testing.T) {
	a := testrig.StartApp(t, store.SQLite, nil)
	plain := &http.Client{CheckRedirect: a.Client.CheckRedirect}
	welsh := []string{`<html lang="cy">`, "<title>Adrodd eich stori", "Cyhoeddi fy stori heb fy enw.", "Caiff y glymblaid gysylltu â mi am fy stori a&#39;i hymgyrchoedd.",
		"Mae fy stori&#39;n wir", "Claf</label>", `<a href="?lang=en" lang="en-GB" hreflang="en-GB">English</a>`, `aria-label="Iaith"`}
	if templatesUse(t, "layout.html", "Stories") {
		welsh = append(welsh, ">Straeon</a>", "Neidio i&#39;r prif gynnwys", ">Mewngofnodi</a>", "Preifatrwydd a&#39;ch data")
	}
	if templatesUse(t, "story_new.html", "Your name") {
		welsh = append(welsh, "Eich enw", "Anfon fy stori", "Sut cawn ni gyhoeddi eich stori?")
	}
	english := []string{`<html lang="en-GB">`, "<title>Tell your story", "Publish my story without my name.", "Patient</label>",
		">Stories</a>", "Skip to content", "Send my story", "Your name", `<a href="?lang=cy" lang="cy" hreflang="cy">Cymraeg</a>`, `aria-label="Language"`}
	notEnglish := []string{"Publish my story without my name.", "<title>Tell your story"}

	p := fetchLang(t, plain, "GET", a.URL+"/stories/new", nil, "Accept-Language", "cy")
	if p.code != 200 || p.header.Get("Content-Language") != "cy" {
		t.Fatalf("Accept-Language cy: %d, Content-Language %q", p.code, p.header.Get("Content-Language"))
	}
	p.has(t, "Accept-Language cy", welsh...)
	p.lacks(t, "Accept-Language cy", notEnglish...)
	p.lacks(t, "Accept-Language cy", `hreflang="cy"`) // no link to the page it is

	p = fetchLang(t, plain, "GET", a.URL+"/stories/new", nil, "Accept-Language", "en-GB,en;q=0.9")
	p.has(t, "English", english...)
	p.lacks(t, "English", "Cyhoeddi", `<html lang="cy">`)

	// ?lang=cy, then the cookie alone; ?lang=en back.
	c := a.Client
	p = fetchLang(t, c, "GET", a.URL+"/stories/new?lang=cy", nil)
	if !strings.HasPrefix(p.header.Get("Set-Cookie"), "lang=cy;") {
		t.Errorf("?lang=cy: Set-Cookie %q", p.header.Get("Set-Cookie"))
	}
	p.has(t, "?lang=cy", welsh...)
	p = fetchLang(t, c, "GET", a.URL+"/stories/new", nil, "Accept-Language", "en")
	p.has(t, "the cookie", welsh...)
	p = fetchLang(t, c, "GET", a.URL+"/stories/new?lang=en", nil, "Accept-Language", "cy")
	p.has(t, "?lang=en", english...)
	p = fetchLang(t, c, "GET", a.URL+"/stories/new", nil, "Accept-Language", "cy")
	p.has(t, "the cookie back to English", english...)

	// A Welsh submission with a missing title and no consent: the errors
	// are in Welsh; in English they stay English.
	form := url.Values{"token": {"cy-1"}, "body": {"Arhosais un awr ar ddeg ar droli yn y coridor."}, "kind": {"patient"},
		"name": {"Siân"}, "email": {"sian@example.org"}, "publish_as": {"without-name"}}
	p = fetchLang(t, plain, "POST", a.URL+"/stories/new", form, "Accept-Language", "cy")
	if p.code != http.StatusUnprocessableEntity {
		t.Fatalf("Welsh submission without a title: %d", p.code)
	}
	p.has(t, "Welsh errors", "Rhowch deitl i&#39;ch stori.", "Cadarnhewch fod y stori&#39;n wir", `<html lang="cy">`)
	if !strings.Contains(p.body, "Cywirwch y meysydd sydd wedi&#39;u marcio.") && !strings.Contains(p.body, "Mae problem wedi codi") {
		t.Errorf("Welsh errors: neither the form's message nor the error summary's heading is in Welsh")
	}
	p.lacks(t, "Welsh errors", "Give your story a title.")
	form.Set("token", "en-1")
	p = fetchLang(t, plain, "POST", a.URL+"/stories/new", form)
	p.has(t, "English errors", "Give your story a title.", "Please confirm the story is true and yours to tell.")
	p.lacks(t, "English errors", "Rhowch deitl")

	// A Welsh submission keeps the consents in the Welsh the teller read.
	form.Set("token", "cy-2")
	form.Set("title", "Un awr ar ddeg ar droli")
	form.Set("agree", "yes")
	form.Set("publish_as", "first-name-area")
	form.Set("publish_name", "Siân")
	form.Set("area", "Bangor")
	if p = fetchLang(t, plain, "POST", a.URL+"/stories/new", form, "Accept-Language", "cy"); p.code != http.StatusSeeOther {
		t.Fatalf("a Welsh submission: %d %s", p.code, p.body)
	}
	queue, _, err := a.DB.ModerationQueue(context.Background(), jigsaw.StoryAwaitingConfirmation, 10, 0)
	if err != nil || len(queue) != 1 {
		t.Fatalf("queue: %v %v", queue, err)
	}
	data, err := a.DB.TellerData(context.Background(), queue[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	wording := map[string]string{}
	for _, c := range data.Consents {
		wording[c.Kind] = c.Wording
	}
	for kind, want := range map[string]string{"publish-as": "Cyhoeddi fy stori gyda'r enw “Siân” a'm hardal yn unig.",
		"agree": "Mae fy stori'n wir, fi biau hi i'w hadrodd, ac rwy'n cytuno iddi gael ei chymedroli a'i chyhoeddi fel y dewisais uchod."} {
		if wording[kind] != want {
			t.Errorf("consent %s stored as %q, want %q", kind, wording[kind], want)
		}
	}

	// The thank-you page and the error page.
	p = fetchLang(t, plain, "GET", a.URL+"/stories/thanks", nil, "Cookie", "lang=cy")
	p.has(t, "thanks", "<title>Diolch")
	p = fetchLang(t, plain, "GET", a.URL+"/no/such/page", nil, "Cookie", "lang=cy")
	if p.code != 404 {
		t.Fatalf("no such page: %d", p.code)
	}
	p.has(t, "not found", "Nid oes tudalen yn y cyfeiriad hwn.", "<title>Heb ddod o hyd i&#39;r dudalen", `<html lang="cy">`)
}

// Dates and money are written in en-GB in both languages.
func TestDatesAndMoneyInBothLanguages(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, store.SQLite, nil)
	s := &jigsaw.Story{Title: "Eleven hours", Body: "b", PublicBody: "b", Kind: jigsaw.StoryPatient, Status: jigsaw.StoryPublished,
		Byline: "A patient", PublishedAt: time.Date(2025, 11, 24, 12, 0, 0, 0, time.UTC)}
	if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
		t.Fatal(err)
	}
	d := &jigsaw.TrackerItem{Kind: jigsaw.TrackerCut, Title: "Ward closed", Published: true, ValuePence: 123456700,
		Sources: []jigsaw.Source{{URL: "https://example.org/news", Publisher: "News"}},
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025-01-01"}}}
	if err := a.DB.CreateTrackerItem(ctx, d); err != nil {
		t.Fatal(err)
	}
	plain := &http.Client{}
	for _, lang := range []string{"en", "cy"} {
		p := fetchLang(t, plain, "GET", a.URL+"/stories/"+itoa(s.ID), nil, "Cookie", "lang="+lang)
		p.has(t, lang+" story", "24 November 2025")
		p = fetchLang(t, plain, "GET", a.URL+"/tracker/"+itoa(d.ID), nil, "Cookie", "lang="+lang)
		if p.code != 200 {
			t.Fatalf("%s tracker item: %d", lang, p.code)
		}
		p.has(t, lang+" danger", "£1,234,567")
	}
}

var templateKeyRE = regexp.MustCompile(`\bt\s+("(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `)`)

// Every key of the Welsh catalogue (and of the English plurals) is used:
// as the key of a t call in a template, or as a string in the Go code that
// makes a page's text (this package, the domain's labels and messages,
// the error texts). A key whose English changed is found here rather than
// left behind untranslated.
func TestCatalogueKeysUsed(t *testing.T) {
	used := map[string]bool{}
	converted := false
	err := filepath.WalkDir("templates", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range templateKeyRE.FindAllStringSubmatch(string(b), -1) {
			if k, err := strconv.Unquote(m[1]); err == nil {
				used[k] = true
				if path != filepath.Join("templates", "partials", "language.html") {
					converted = true
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{".", "../..", "../stories", "../server/respond", "../server"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var s scanner.Scanner
			fset := token.NewFileSet()
			s.Init(fset.AddFile(f, -1, len(src)), src, nil, 0)
			for {
				_, tok, lit := s.Scan()
				if tok == token.EOF {
					break
				}
				if tok == token.STRING {
					if k, err := strconv.Unquote(lit); err == nil {
						used[k] = true
					}
				}
			}
		}
	}
	for code := 100; code < 600; code++ {
		used[http.StatusText(code)] = true
	}
	if !converted {
		t.Skip("the templates do not route their text through t yet: the catalogue's keys for them cannot be checked")
	}
	for _, l := range i18n.All {
		for _, k := range i18n.Keys(l) {
			if !used[k] {
				t.Errorf("%s catalogue: %q is used by no template (t %q) and no Go code", l.Name(), k, k)
			}
		}
	}
}
