package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// TestSearchAPI checks /api/v1/search on both engines: typed hits with
// their addresses and escaped snippets, paging by the next link to the
// end, and bad parameters refused naming them.
func TestSearchAPI(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			union := &jigsaw.Organisation{Name: "Unison", Kind: jigsaw.OrgUnion}
			if err := a.DB.CreateOrganisation(ctx, union); err != nil {
				t.Fatal(err)
			}
			var stories []int64
			for i := range 3 {
				s := &jigsaw.Story{Title: fmt.Sprintf("Porters story %d", i), Body: "Private: Zebedee.", PublicBody: "Porters & <b>cleaners</b>.",
					Kind: jigsaw.StoryStaff, Status: jigsaw.StoryPublished, PublishedAt: time.Date(2025, 3, 1+i, 9, 0, 0, 0, time.UTC)}
				if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "Zebedee", Email: "zebedee@example.invalid"}); err != nil {
					t.Fatal(err)
				}
				stories = append(stories, s.ID)
			}
			d := &jigsaw.Dispute{Title: "Porters strike", Summary: "Porters walk out.", Status: jigsaw.DisputeAction,
				Parties: []jigsaw.DisputeParty{{OrgID: union.ID, Role: jigsaw.PartyUnion}}}
			if err := a.DB.CreateDispute(ctx, d); err != nil {
				t.Fatal(err)
			}
			get := func(u string) (int, map[string]any) {
				t.Helper()
				resp, err := http.Get(u)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				var out map[string]any
				if err := json.Unmarshal(b, &out); err != nil {
					t.Fatalf("%s: not JSON: %s", u, b)
				}
				return resp.StatusCode, out
			}

			// Every page in turn, by the next links, two hits at a time.
			seen := map[string]bool{}
			next := a.URL + "/api/v1/search?q=porters&limit=2"
			for pages := 0; next != ""; pages++ {
				if pages > 3 {
					t.Fatal("the next links do not end")
				}
				code, out := get(next)
				if code != 200 || out["total"] != 4.0 {
					t.Fatalf("%s: %d %v, want 200 with a total of 4", next, code, out)
				}
				for _, h := range out["hits"].([]any) {
					h := h.(map[string]any)
					k := fmt.Sprintf("%v:%v", h["type"], h["id"])
					if seen[k] {
						t.Errorf("%s twice", k)
					}
					seen[k] = true
					if !strings.HasSuffix(h["url"].(string), fmt.Sprintf("/%v", h["id"])) || h["title"] == "" || !strings.Contains(h["snippet"].(string), "<mark>") {
						t.Errorf("hit %v: want its url, title and a marked snippet", h)
					}
					if s := h["snippet"].(string); strings.Contains(s, "<b>") || strings.Contains(s, "Zebedee") {
						t.Errorf("snippet %q: stored markup or private text", s)
					}
				}
				next, _ = out["next"].(string)
			}
			for _, id := range stories {
				if !seen[fmt.Sprintf("story:%d", id)] {
					t.Errorf("story %d not found in any page", id)
				}
			}
			if !seen[fmt.Sprintf("dispute:%d", d.ID)] {
				t.Errorf("dispute %d not found", d.ID)
			}

			code, out := get(a.URL + "/api/v1/search?q=porters&type=dispute")
			if hits := out["hits"].([]any); code != 200 || len(hits) != 1 || hits[0].(map[string]any)["type"] != "dispute" || hits[0].(map[string]any)["date"] != nil {
				t.Errorf("type=dispute: %d %v", code, out)
			}
			for _, tt := range []struct{ query, field string }{
				{"", "q"},
				{"q=", "q"},
				{"q=*", "q"},
				{"q=porters&type=club", "type"},
				{"q=porters&issue=nothing", "issue"},
				{"q=porters&district=B", "district"},
				{"q=porters&organisation=nobody", "organisation"},
				{"q=porters&since=yesterday", "since"},
				{"q=porters&page=51", "page"},
				{"q=porters&offset=990&limit=20", "offset"},
				{"q=porters&colour=red", "colour"},
			} {
				code, out := get(a.URL + "/api/v1/search?" + tt.query)
				if code != 400 || !strings.Contains(fmt.Sprint(out), tt.field) {
					t.Errorf("?%s: %d %v, want 400 naming %s", tt.query, code, out, tt.field)
				}
			}
		})
	}
}
