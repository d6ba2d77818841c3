package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// TestSearchPage checks /search: the hits of each kind, the form's refusals
// at 400 with the field marked, the empty states, paging, the header's
// search box, and that neither a teller's details nor stored markup reach
// the page.
func TestSearchPage(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, "sqlite", nil)
	trust := &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust}
	if err := a.DB.CreateOrganisation(ctx, trust); err != nil {
		t.Fatal(err)
	}
	union := &jigsaw.Organisation{Name: "Unison", Kind: jigsaw.OrgUnion}
	if err := a.DB.CreateOrganisation(ctx, union); err != nil {
		t.Fatal(err)
	}
	story := &jigsaw.Story{Title: "Porters <script>alert(1)</script> moved", Body: "Private words of Zebedee Quistorp.",
		PublicBody: "The porters were moved to a <em>subsidiary</em>.", Kind: jigsaw.StoryStaff, Status: jigsaw.StoryPublished,
		PublishedAt: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), OrgIDs: []int64{trust.ID}}
	if err := a.DB.CreateStory(ctx, story, &jigsaw.Person{Name: "Zebedee Quistorp", Email: "zebedee@example.invalid"}); err != nil {
		t.Fatal(err)
	}
	dispute := &jigsaw.Dispute{Title: "Porters' strike for parity", Summary: "Porters walk out.", Status: jigsaw.DisputeAction,
		Parties: []jigsaw.DisputeParty{{OrgID: union.ID, Role: jigsaw.PartyUnion}}}
	if err := a.DB.CreateDispute(ctx, dispute); err != nil {
		t.Fatal(err)
	}
	storyLink, disputeLink := fmt.Sprintf(`href="/stories/%d"`, story.ID), fmt.Sprintf(`href="/disputes/%d"`, dispute.ID)
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := a.Client.Get(a.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tt := range []struct {
		path   string
		status int
		want   []string
		not    []string
	}{
		{"/search?q=porters", 200,
			[]string{storyLink, disputeLink, "<mark>porters</mark>", `<span class="tag kind">Story</span>`, `<span class="tag kind">Dispute</span>`,
				"Porters &lt;script&gt;", "1 March 2025"},
			[]string{"Zebedee", "zebedee@", "<script>alert", "<em>subsidiary"}},
		{"/search?q=zebedee", 200, []string{"Nothing public matches your search"}, []string{storyLink}},
		{"/search", 200, []string{"Search the published stories", `name="q"`}, []string{"Nothing public matches"}},
		{"/search?q=porters&type=dispute", 200, []string{disputeLink}, []string{storyLink}},
		{"/search?q=porters&organisation=" + url.QueryEscape(trust.Name), 200, []string{storyLink, `value="Airedale NHS Foundation Trust"`}, []string{disputeLink}},
		{"/search?q=porters&organisation=" + trust.Slug, 200, []string{storyLink}, []string{disputeLink}},
		{"/search?q=porters&limit=1", 200, []string{`rel="next"`, "1–1 of 2"}, nil},
		{"/search?q=porters&type=club", 400, []string{`aria-invalid="true"`, "Show must be one of story, danger, dispute, organisation, campaign, event, topic, pledge, representative, resource, plan."}, []string{storyLink}},
		{"/search?q=*", 400, []string{`id="f-q" aria-invalid="true"`, "Search for has no words to look for"}, nil},
		{"/search?q=porters&organisation=nobody-at-all", 400, []string{"Organisation is not a known organisation"}, nil},
		{"/search?q=porters&since=2025-03-02&until=2025-03-01", 400, []string{"To must not be before"}, nil},
		{"/search?q=porters&page=900", 400, []string{"goes deeper than"}, nil},
		{"/search?q=porters&colour=red", 400, []string{"colour"}, nil},
		{"/stories", 200, []string{`<form class="site-search" method="get" action="/search" role="search">`, `<label for="site-search-q"`}, nil},
	} {
		status, body := get(tt.path)
		if status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.path, status, tt.status)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %q in the page", tt.path, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(body, w) {
				t.Errorf("%s: %q in the page", tt.path, w)
			}
		}
	}
	// The header's search box is the same on every page: no query in it.
	if _, body := get("/search?q=porters"); strings.Contains(body, `id="site-search-q" name="q" type="search" maxlength="200" value`) {
		t.Error("the header's search box holds the query")
	}
	if status, _ := get("/search?q=porters"); status != http.StatusOK {
		t.Errorf("second request: %d", status)
	}
}
