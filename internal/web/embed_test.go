package web_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/demo"
	"jigsaw/internal/testrig"
)

// framing reads how an answer lets other sites frame it.
func framing(t *testing.T, c *http.Client, u string) (status int, body, csp, xfo, cache string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header.Get("Content-Security-Policy"), resp.Header.Get("X-Frame-Options"), resp.Header.Get("X-Cache")
}

var oembedLinkRE = regexp.MustCompile(`<link rel="alternate" type="application/json\+oembed" href="([^"]+)">`)

func TestEmbeds(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			if _, err := demo.Load(ctx, a.DB); err != nil {
				t.Fatal(err)
			}
			stories, _, err := a.DB.FindPublicStories(ctx, jigsaw.StoryFilter{Limit: 1})
			if err != nil || len(stories) == 0 {
				t.Fatalf("no published story: %v", err)
			}
			items, _, _ := a.DB.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Limit: 1})
			disputes, _, _ := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{Limit: 1})
			if len(items) == 0 || len(disputes) == 0 {
				t.Fatal("the demo data has no danger or dispute")
			}
			pending := &jigsaw.Submission{Title: "Pending embed story", Body: "A story nobody has confirmed yet, so it is not public.",
				Kind: jigsaw.StoryPatient, Name: "Pat Pending", Email: "pat.pending@example.invalid", PublishAs: jigsaw.PublishWithoutName, Agree: true}
			pendingID, _, err := a.DB.SubmitStory(ctx, pending, "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil })
			if err != nil {
				t.Fatal(err)
			}
			story, item, dispute := "/stories/"+itoa(stories[0].ID), "/tracker/"+itoa(items[0].ID), "/disputes/"+itoa(disputes[0].ID)

			// The cards: public text, a link back that opens a new
			// window, no script, and framing allowed to any site, also
			// when the answer comes from the page cache.
			for _, c := range []struct{ path, want string }{
				{"/embed" + story, stories[0].Title},
				{"/embed" + item, items[0].Title},
				{"/embed" + dispute, disputes[0].Title},
				{"/embed/stories?limit=3", stories[0].Title},
				{"/embed/tracker?kind=" + string(items[0].Kind), items[0].Title},
				{"/embed/disputes", "Disputes"},
			} {
				for round := 0; round < 2; round++ {
					status, body, csp, xfo, cache := framing(t, a.Client, a.URL+c.path)
					if status != 200 || !strings.Contains(html.UnescapeString(body), c.want) {
						t.Fatalf("%s: %d, want 200 with %q:\n%s", c.path, status, c.want, body)
					}
					if !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "'none'; form") || xfo != "" {
						t.Errorf("%s (cache %q): CSP %q, X-Frame-Options %q: want frame-ancestors * and no X-Frame-Options", c.path, cache, csp, xfo)
					}
					if strings.Contains(body, "<script") || !strings.Contains(body, `target="_blank" rel="noopener"`) || strings.Contains(body, `class="site"`) {
						t.Errorf("%s: want a card with no script, no site header, links opening a new window:\n%s", c.path, body)
					}
				}
			}
			// Every other page still refuses to be framed.
			for _, path := range []string{story, item, "/", "/stories", "/oembed?url=" + url.QueryEscape(a.URL+story)} {
				_, _, csp, xfo, _ := framing(t, a.Client, a.URL+path)
				if !strings.Contains(csp, "frame-ancestors 'none'") || xfo != "DENY" {
					t.Errorf("%s: CSP %q, X-Frame-Options %q: want framing refused", path, csp, xfo)
				}
			}
			// Not public, or not there: no card.
			for _, c := range []struct {
				path string
				want int
			}{
				{"/embed/stories/" + itoa(pendingID), 404},
				{"/embed/stories/0", 404},
				{"/embed/tracker/999999", 404},
				{"/embed/tracker?kind=bogus", 400},
				{"/embed/stories?colour=red", 400},
			} {
				if status, _, _, _, _ := framing(t, a.Client, a.URL+c.path); status != c.want {
					t.Errorf("%s: %d, want %d", c.path, status, c.want)
				}
			}

			// Each item's page says where its oEmbed answer is, and
			// offers the code to copy; the answer is an iframe of the card.
			for _, path := range []string{story, item, dispute} {
				_, body, _, _, _ := framing(t, a.Client, a.URL+path)
				m := oembedLinkRE.FindStringSubmatch(body)
				if m == nil || !strings.Contains(body, "<summary>Embed this</summary>") ||
					!strings.Contains(body, html.EscapeString(`<iframe src="`+a.URL+"/embed"+path+`"`)) {
					t.Fatalf("%s: no oEmbed discovery link or embed code:\n%s", path, body)
				}
				var o struct {
					Version, Type, Title, HTML string
					ProviderName               string `json:"provider_name"`
					Width, Height              int
				}
				resp, err := a.Client.Get(html.UnescapeString(m[1]))
				if err != nil {
					t.Fatal(err)
				}
				err = json.NewDecoder(resp.Body).Decode(&o)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
					t.Fatalf("%s: oEmbed %d %q: %v", path, resp.StatusCode, resp.Header.Get("Content-Type"), err)
				}
				if o.Version != "1.0" || o.Type != "rich" || o.ProviderName != "Jigsaw" || o.Title == "" || o.Width != 480 || o.Height <= 0 ||
					!strings.HasPrefix(o.HTML, `<iframe src="`+a.URL+"/embed"+path+`" width="480"`) {
					t.Errorf("%s: oEmbed answer %+v", path, o)
				}
			}
			oembed := func(q url.Values) (int, string) {
				status, body, _, _, _ := framing(t, a.Client, a.URL+"/oembed?"+q.Encode())
				return status, body
			}
			for _, c := range []struct {
				name string
				q    url.Values
				want int
				has  string
			}{
				{"list with filters", url.Values{"url": {a.URL + "/tracker?kind=" + string(items[0].Kind)}}, 200, `/embed/tracker?kind=` + string(items[0].Kind)},
				{"smaller", url.Values{"url": {a.URL + story}, "maxwidth": {"300"}, "maxheight": {"100"}}, 200, `"width":300,"height":100`},
				{"xml", url.Values{"url": {a.URL + story}, "format": {"xml"}}, 501, "json"},
				{"foreign site", url.Values{"url": {"https://example.org" + story}}, 404, "nothing to embed"},
				{"unpublished", url.Values{"url": {a.URL + "/stories/" + itoa(pendingID)}}, 404, "nothing to embed"},
				{"not an item", url.Values{"url": {a.URL + "/login"}}, 404, "nothing to embed"},
				{"no url", url.Values{}, 400, `"url"`},
				{"bad maxwidth", url.Values{"url": {a.URL + story}, "maxwidth": {"wide"}}, 400, `"maxwidth"`},
				{"bad filter", url.Values{"url": {a.URL + "/stories?kind=alien"}}, 400, `"kind"`},
			} {
				if status, body := oembed(c.q); status != c.want || !strings.Contains(body, c.has) {
					t.Errorf("%s: %d %s, want %d with %q", c.name, status, body, c.want, c.has)
				}
			}
		})
	}
}
