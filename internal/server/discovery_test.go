package server_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/demo"
	"jigsaw/internal/testrig"
)

const discoveryBase = "https://nhs.example"

type xmlLocs struct {
	XMLName xml.Name
	Locs    []string `xml:"url>loc"`
	Maps    []string `xml:"sitemap>loc"`
	LastMod []string `xml:"url>lastmod"`
}

// getXML fetches path and decodes it, failing the test if it is not
// well-formed XML served as XML.
func getXML(t *testing.T, a *testrig.TestApp, path string) xmlLocs {
	t.Helper()
	resp, err := a.Client.Get(a.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/xml") {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var v xmlLocs
	if err := xml.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("%s: not well-formed: %v", path, err)
	}
	if v.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" {
		t.Errorf("%s: namespace %q", path, v.XMLName.Space)
	}
	return v
}

// The sitemaps list the public records, on each engine, and no story
// that is not published.
func TestSitemap(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.BaseURL = discoveryBase })
			if _, err := demo.Load(ctx, a.DB); err != nil {
				t.Fatal(err)
			}
			story := func(title string, status jigsaw.StoryStatus) int64 {
				s := &jigsaw.Story{Title: title, Body: "b", PublicBody: "b", Kind: jigsaw.StoryPatient, Status: status, Byline: "A patient"}
				if status == jigsaw.StoryPublished {
					s.PublishedAt = time.Now()
				}
				if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "N", Email: "n@example.invalid"}); err != nil {
					t.Fatal(err)
				}
				return s.ID
			}
			pub := story("Sitemap published", jigsaw.StoryPublished)
			review := story("Sitemap awaiting review", jigsaw.StoryAwaitingReview)
			withdrawn := story("Sitemap withdrawn", jigsaw.StoryWithdrawn)

			index := getXML(t, a, "/sitemap.xml")
			for _, want := range []string{"/sitemaps/pages.xml", "/sitemaps/stories-0.xml", "/sitemaps/tracker-0.xml", "/sitemaps/disputes-0.xml", "/sitemaps/organisations-0.xml"} {
				if !slices.Contains(index.Maps, discoveryBase+want) {
					t.Errorf("sitemap index lacks %s: %v", want, index.Maps)
				}
			}
			if pages := getXML(t, a, "/sitemaps/pages.xml"); !slices.Contains(pages.Locs, discoveryBase+"/tracker") || !slices.Contains(pages.Locs, discoveryBase+"/") {
				t.Errorf("pages sitemap: %v", pages.Locs)
			}
			stories := getXML(t, a, "/sitemaps/stories-0.xml")
			if !slices.Contains(stories.Locs, discoveryBase+"/stories/"+itoa(pub)) {
				t.Errorf("stories sitemap lacks published story %d", pub)
			}
			for _, id := range []int64{review, withdrawn} {
				if slices.Contains(stories.Locs, discoveryBase+"/stories/"+itoa(id)) {
					t.Errorf("stories sitemap lists unpublished story %d", id)
				}
			}
			if len(stories.LastMod) != len(stories.Locs) {
				t.Errorf("stories sitemap: %d addresses, %d lastmod", len(stories.Locs), len(stories.LastMod))
			}
			items, _, _ := a.DB.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Limit: 1})
			if len(items) == 0 {
				t.Fatal("no published danger in the demo data")
			}
			if got := getXML(t, a, "/sitemaps/tracker-0.xml"); !slices.Contains(got.Locs, discoveryBase+"/tracker/"+itoa(items[0].ID)) {
				t.Errorf("tracker sitemap lacks %d: %v", items[0].ID, got.Locs)
			}
			draft := &jigsaw.TrackerItem{Kind: jigsaw.TrackerCut, Title: "Sitemap draft danger",
				History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025"}}}
			if err := a.DB.CreateTrackerItem(ctx, draft); err != nil {
				t.Fatal(err)
			}
			if got := getXML(t, a, "/sitemaps/tracker-0.xml"); slices.Contains(got.Locs, discoveryBase+"/tracker/"+itoa(draft.ID)) {
				t.Errorf("tracker sitemap lists draft %d", draft.ID)
			}
			org, err := a.DB.FindOrganisationBySlug(ctx, "airedale-nhs-foundation-trust")
			if err != nil {
				t.Fatal(err)
			}
			if got := getXML(t, a, "/sitemaps/organisations-0.xml"); !slices.Contains(got.Locs, discoveryBase+"/organisations/"+org.Slug) {
				t.Errorf("organisations sitemap lacks %s", org.Slug)
			}
			getXML(t, a, "/sitemaps/disputes-0.xml")
			// A range beyond the last id is empty but well-formed.
			if got := getXML(t, a, "/sitemaps/stories-99.xml"); len(got.Locs) != 0 {
				t.Errorf("stories-99: %v", got.Locs)
			}
			for _, bad := range []string{"/sitemaps/people-0.xml", "/sitemaps/stories-x.xml", "/sitemaps/stories--1.xml", "/sitemaps/stories-01.xml", "/sitemaps/stories-0"} {
				if code, _ := a.Get(t, bad); code != 404 {
					t.Errorf("%s: %d, want 404", bad, code)
				}
			}
		})
	}
}

func TestDiscovery(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, testrig.Engines(t)[0], func(c *config.Config) { c.BaseURL = discoveryBase })
	if _, err := demo.Load(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	get := func(path string) (string, string) {
		t.Helper()
		resp, err := a.Client.Get(a.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return resp.Header.Get("Content-Type"), string(b)
	}

	t.Run("robots", func(t *testing.T) {
		ct, body := get("/robots.txt")
		if !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("content type %q", ct)
		}
		for _, want := range []string{"User-agent: *", "Allow: /\n", "Disallow: /admin/\n", "Disallow: /moderation\n", "Disallow: /account/\n",
			"Disallow: /me\n", "Disallow: /login\n", "Disallow: /password/\n", "Disallow: /api/\n", "Sitemap: " + discoveryBase + "/sitemap.xml\n"} {
			if !strings.Contains(body, want) {
				t.Errorf("robots.txt lacks %q:\n%s", want, body)
			}
		}
	})

	t.Run("favicon and manifest", func(t *testing.T) {
		if ct, body := get("/favicon.ico"); ct != "image/svg+xml" || !strings.Contains(body, "<svg") {
			t.Errorf("favicon: %q %.40q", ct, body)
		}
		ct, body := get("/manifest.webmanifest")
		if ct != "application/manifest+json" {
			t.Errorf("manifest content type %q", ct)
		}
		var m struct {
			Name  string
			Icons []struct{ Src string }
		}
		if err := json.Unmarshal([]byte(body), &m); err != nil || m.Name == "" || len(m.Icons) == 0 {
			t.Errorf("manifest %v: %s", err, body)
		}
		set, _ := a.DB.SiteSettings(ctx)
		if set.Name != "" && m.Name != set.Name {
			t.Errorf("manifest name %q, want the site's %q", m.Name, set.Name)
		}
		_, home := get("/")
		for _, want := range []string{`<link rel="icon" href="/favicon.ico"`, `<link rel="manifest" href="/manifest.webmanifest">`} {
			if !strings.Contains(home, want) {
				t.Errorf("home page lacks %s", want)
			}
		}
	})

	t.Run("open graph", func(t *testing.T) {
		s := &jigsaw.Story{Title: "Eleven hours on a trolley", Body: "PRIVATE-BODY-og1", PublicBody: "I waited **eleven hours** on a trolley in A&E.",
			Kind: jigsaw.StoryPatient, Status: jigsaw.StoryPublished, Byline: "A patient", PublishedAt: time.Now()}
		if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "Quentin Ogtagtest", Email: "q@example.invalid"}); err != nil {
			t.Fatal(err)
		}
		_, body := get("/stories/" + itoa(s.ID))
		url := discoveryBase + "/stories/" + itoa(s.ID)
		for _, want := range []string{`<meta property="og:title" content="Eleven hours on a trolley">`,
			`<meta property="og:description" content="I waited eleven hours on a trolley in A&amp;E.">`,
			`<meta property="og:url" content="` + url + `">`, `<link rel="canonical" href="` + url + `">`,
			`<meta property="og:type" content="article">`, `<meta property="og:site_name" content="`} {
			if !strings.Contains(body, want) {
				t.Errorf("story page lacks %s", want)
			}
		}
		if strings.Contains(body, "Ogtagtest") || strings.Contains(body, "PRIVATE-BODY-og1") {
			t.Error("story page shows private data")
		}
		items, _, _ := a.DB.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Limit: 1})
		disputes, _, _ := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{Limit: 1})
		for path, title := range map[string]string{
			"/tracker/" + itoa(items[0].ID):                items[0].Title,
			"/disputes/" + itoa(disputes[0].ID):            disputes[0].Title,
			"/organisations/airedale-nhs-foundation-trust": "Airedale NHS Foundation Trust",
		} {
			_, body := get(path)
			if !strings.Contains(body, `<link rel="canonical" href="`+discoveryBase+path+`">`) || !strings.Contains(body, `<meta property="og:title" content="`) ||
				!strings.Contains(body, title) {
				t.Errorf("%s lacks its canonical address or Open Graph tags", path)
			}
		}
	})
}
