package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

// getWith fetches path with the given request headers and returns the answer
// with its body read.
func getWith(t *testing.T, a *testrig.TestApp, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", a.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := a.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// feedCase is a feed of a list and the pages its items must be, newest
// first, as the store's public list has them.
type feedCase struct {
	path  string
	items func(ctx context.Context, a *testrig.TestApp) []string // each item's path
	issue string                                                 // a key issue every item must have, if the filter asks
}

func feedCases() []feedCase {
	return []feedCase{
		{"/stories", func(ctx context.Context, a *testrig.TestApp) (out []string) {
			list, _, _ := a.DB.FindPublicStories(ctx, jigsaw.StoryFilter{Limit: 50})
			for _, s := range list {
				out = append(out, "/stories/"+strconv.FormatInt(s.ID, 10))
			}
			return out
		}, ""},
		{"/stories?issue=safety", func(ctx context.Context, a *testrig.TestApp) (out []string) {
			list, _, _ := a.DB.FindPublicStories(ctx, jigsaw.StoryFilter{KeyIssue: "safety", Limit: 50})
			for _, s := range list {
				out = append(out, "/stories/"+strconv.FormatInt(s.ID, 10))
			}
			return out
		}, "safety"},
		{"/tracker?kind=subco-transfer", func(ctx context.Context, a *testrig.TestApp) (out []string) {
			list, _, _ := a.DB.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Kind: jigsaw.TrackerSubCoTransfer, Limit: 50})
			for _, t := range list {
				out = append(out, "/tracker/"+strconv.FormatInt(t.ID, 10))
			}
			return out
		}, ""},
		{"/disputes?live=1", func(ctx context.Context, a *testrig.TestApp) (out []string) {
			list, _, _ := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{Live: true, Limit: 50})
			for _, d := range list {
				out = append(out, "/disputes/"+strconv.FormatInt(d.ID, 10))
			}
			return out
		}, ""},
		{"/organisations?kind=union", func(ctx context.Context, a *testrig.TestApp) (out []string) {
			list, _, _ := a.DB.FindOrganisations(ctx, jigsaw.OrganisationFilter{Kind: jigsaw.OrgUnion, Limit: 50})
			for _, o := range list {
				out = append(out, "/organisations/"+o.Slug)
			}
			return out
		}, ""},
	}
}

// feedPath is the address of list?query's feed in format ext.
func feedPath(list, ext string) string {
	path, query, _ := strings.Cut(list, "?")
	if query != "" {
		query = "?" + query
	}
	return path + "." + ext + query
}

// TestFeeds reads every list's feeds with an Atom and an RSS parser of
// their own and checks what each format requires, on both databases: the
// items the list's filter selects, newest first, each with a stable id,
// its page, its dates and its key issues.
func TestFeeds(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.Demo = true })
			for _, tc := range feedCases() {
				want := tc.items(ctx, a)
				if len(want) == 0 {
					t.Fatalf("%s: the demo data have no items here: the test would prove nothing", tc.path)
				}
				for i := range want {
					want[i] = a.URL + want[i]
				}
				self := a.URL + feedPath(tc.path, "atom")
				resp, body := getWith(t, a, feedPath(tc.path, "atom"))
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
					t.Fatalf("%s: %d %s", self, resp.StatusCode, resp.Header.Get("Content-Type"))
				}
				feed, err := (&atom.Parser{}).Parse(strings.NewReader(body))
				if err != nil {
					t.Fatalf("%s: not Atom: %v\n%s", self, err, body)
				}
				links := map[string]string{}
				for _, l := range feed.Links {
					links[l.Rel] = l.Href
				}
				if feed.ID != self || links["self"] != self || links["alternate"] != a.URL+tc.path || feed.Title == "" ||
					feed.UpdatedParsed == nil || len(feed.Authors) == 0 || feed.Authors[0].Name == "" {
					t.Errorf("%s: feed id %q, links %v, title %q, updated %v, authors %v", self, feed.ID, links, feed.Title, feed.UpdatedParsed, feed.Authors)
				}
				var got []string
				for _, e := range feed.Entries {
					got = append(got, e.ID)
					if len(e.Links) != 1 || e.Links[0].Href != e.ID || e.Title == "" || e.UpdatedParsed == nil || e.PublishedParsed == nil ||
						e.UpdatedParsed.After(*feed.UpdatedParsed) {
						t.Errorf("%s: entry %s: links %v, title %q, updated %v, published %v", self, e.ID, e.Links, e.Title, e.UpdatedParsed, e.PublishedParsed)
					}
					if tc.issue != "" && !slices.ContainsFunc(e.Categories, func(c *atom.Category) bool { return c.Term == tc.issue && c.Label != "" }) {
						t.Errorf("%s: entry %s has no category %q: %v", self, e.ID, tc.issue, e.Categories)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: entries %v, want the list's %v", self, got, want)
				}

				rssPath := feedPath(tc.path, "rss")
				resp, body = getWith(t, a, rssPath)
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/rss+xml; charset=utf-8" {
					t.Fatalf("%s: %d %s", rssPath, resp.StatusCode, resp.Header.Get("Content-Type"))
				}
				channel, err := (&rss.Parser{}).Parse(strings.NewReader(body))
				if err != nil {
					t.Fatalf("%s: not RSS: %v\n%s", rssPath, err, body)
				}
				if channel.Version != "2.0" || channel.Title == "" || channel.Link != a.URL+tc.path || channel.Description == "" {
					t.Errorf("%s: version %q, title %q, link %q, description %q", rssPath, channel.Version, channel.Title, channel.Link, channel.Description)
				}
				if l := channel.Extensions["atom"]["link"]; len(l) != 1 || l[0].Attrs["rel"] != "self" || l[0].Attrs["href"] != a.URL+rssPath {
					t.Errorf("%s: atom:link %+v, want the feed's own address", rssPath, l)
				}
				got = nil
				for _, it := range channel.Items {
					got = append(got, it.Link)
					if it.GUID == nil || it.GUID.Value != it.Link || it.GUID.IsPermalink != "true" || it.Title == "" || it.PubDateParsed == nil {
						t.Errorf("%s: item %s: guid %+v, title %q, date %q", rssPath, it.Link, it.GUID, it.Title, it.PubDate)
					}
					if tc.issue != "" && len(it.Categories) == 0 {
						t.Errorf("%s: item %s has no categories", rssPath, it.Link)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: items %v, want the list's %v", rssPath, got, want)
				}
			}

			// A bad filter is refused as the list's page refuses it, and a
			// feed holds published items only.
			for path, param := range map[string]string{"/stories.atom?kind=saga": "kind", "/tracker.rss?drafts=1": "drafts",
				"/disputes.atom?live=perhaps": "live", "/organisations.rss?colour=red": "colour"} {
				resp, body := getWith(t, a, path)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Bad query parameter: "+param) {
					t.Errorf("%s: %d, want 400 naming %s", path, resp.StatusCode, param)
				}
			}
		})
	}
}

// TestFeedNotModified: a feed's ETag and Last-Modified let a reader ask
// whether it changed, and 304 answers while it has not, from the page
// cache and from a fresh rendering alike; a change makes a new ETag.
func TestFeedNotModified(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, "sqlite", func(c *config.Config) { c.Demo = true })
	resp, first := getWith(t, a, "/stories.atom")
	etag, modified := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if resp.StatusCode != 200 || !strings.HasPrefix(etag, `"`) || modified == "" {
		t.Fatalf("first answer: %d, ETag %q, Last-Modified %q", resp.StatusCode, etag, modified)
	}
	resp, again := getWith(t, a, "/stories.atom")
	if resp.Header.Get("X-Cache") != "hit" || resp.Header.Get("ETag") != etag || again != first {
		t.Fatalf("second answer: X-Cache %q, ETag %q: want the same feed from the cache", resp.Header.Get("X-Cache"), resp.Header.Get("ETag"))
	}
	since, _ := http.ParseTime(modified)
	for _, tc := range []struct {
		name, path string
		header     []string
		want       int
	}{
		{"If-None-Match, cached", "/stories.atom", []string{"If-None-Match", etag}, 304},
		{"If-None-Match among others, cached", "/stories.atom", []string{"If-None-Match", `"other", ` + etag}, 304},
		{"If-None-Match, rendered", "/stories.atom?utm_source=newsletter", []string{"If-None-Match", etag}, 304},
		{"If-None-Match of another version", "/stories.atom", []string{"If-None-Match", `"other"`}, 200},
		{"If-Modified-Since, cached", "/stories.atom", []string{"If-Modified-Since", modified}, 304},
		{"If-Modified-Since, rendered", "/stories.atom?utm_campaign=x", []string{"If-Modified-Since", modified}, 304},
		{"If-Modified-Since earlier", "/stories.atom", []string{"If-Modified-Since", since.Add(-time.Second).Format(http.TimeFormat)}, 200},
		{"If-None-Match wins over If-Modified-Since", "/stories.atom", []string{"If-None-Match", `"other"`, "If-Modified-Since", modified}, 200},
	} {
		resp, body := getWith(t, a, tc.path, tc.header...)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
		if tc.want == 304 && (body != "" || resp.Header.Get("ETag") != etag) {
			t.Errorf("%s: 304 with a body of %d bytes, ETag %q", tc.name, len(body), resp.Header.Get("ETag"))
		}
		if tc.want == 200 && body != first {
			t.Errorf("%s: 200 with another feed", tc.name)
		}
	}

	// A new story changes the feed: its ETag and its date.
	s := &jigsaw.Story{Title: "A newer story", Body: "b", PublicBody: "b", Kind: jigsaw.StoryCarer, Status: jigsaw.StoryPublished,
		PublishedAt: since.Add(time.Hour)}
	if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "N", Email: "n@example.invalid"}); err != nil {
		t.Fatal(err)
	}
	resp, body := getWith(t, a, "/stories.atom", "If-None-Match", etag, "If-Modified-Since", modified)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag || !strings.Contains(body, "A newer story") {
		t.Fatalf("after a new story: %d, ETag %q (was %q)", resp.StatusCode, resp.Header.Get("ETag"), etag)
	}
	if got := resp.Header.Get("Last-Modified"); got != since.Add(time.Hour).Format(http.TimeFormat) {
		t.Errorf("Last-Modified %q, want the new story's time", got)
	}
}

// TestFeedDiscovery: each list page names its feeds, with its filters and
// without its page number, in its head, and links its feeds and exports.
func TestFeedDiscovery(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", nil)
	for _, list := range []string{"stories", "tracker", "disputes", "organisations"} {
		q := map[string]string{"stories": "issue=safety", "tracker": "status=proposed", "disputes": "live=1", "organisations": "kind=union"}[list]
		code, body := a.Get(t, "/"+list+"?"+q+"&page=1")
		if code != 200 {
			t.Fatalf("/%s: %d", list, code)
		}
		head, _, _ := strings.Cut(body, "</head>")
		for _, want := range []string{
			fmt.Sprintf(`<link rel="alternate" type="application/atom+xml" title="%s (Atom)" href="/%s.atom?%s">`, listTitle(list), list, q),
			fmt.Sprintf(`<link rel="alternate" type="application/rss+xml" title="%s (RSS)" href="/%s.rss?%s">`, listTitle(list), list, q),
		} {
			if !strings.Contains(head, want) {
				t.Errorf("/%s: no %s in the head", list, want)
			}
		}
		for _, ext := range []string{"atom", "rss", "csv", "json"} {
			if !strings.Contains(body, fmt.Sprintf(`href="/%s.%s?%s"`, list, ext, q)) {
				t.Errorf("/%s: no link to /%s.%s?%s", list, list, ext, q)
			}
		}
		// A refused filter has no feed to name.
		if _, body := a.Get(t, "/"+list+"?nonsense=1"); strings.Contains(body, "application/atom+xml") {
			t.Errorf("/%s?nonsense=1 names a feed", list)
		}
	}
}

func listTitle(list string) string {
	return map[string]string{"stories": "Stories", "tracker": "Dangers", "disputes": "Disputes", "organisations": "Organisations"}[list]
}
