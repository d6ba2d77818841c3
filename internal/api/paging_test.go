package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// Every list pages by the next links it gives: each item once, in order,
// with the filters kept, while items are added in front between pages.
// Bad cursors are refused as problem details naming cursor.
func TestCursorPaging(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testCursorPaging(t, engine) })
	}
}

func testCursorPaging(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	moderator, _ := a.AsUser(t, jigsaw.RoleModerator)
	at := time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)
	n := 0
	addStory := func(kind jigsaw.StoryKind, status jigsaw.StoryStatus, published time.Time) {
		n++
		s := &jigsaw.Story{Title: fmt.Sprintf("Story %d", n), Body: "b", PublicBody: "b", Kind: kind, Status: status, PublishedAt: published}
		if status != jigsaw.StoryPublished {
			s.PublishedAt = time.Time{}
		}
		if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "P", Email: fmt.Sprintf("p%d@example.invalid", n)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 7 {
		addStory([]jigsaw.StoryKind{jigsaw.StoryPatient, jigsaw.StoryStaff}[i%2], jigsaw.StoryPublished, at.Add(-time.Duration(i/2)*time.Hour))
		addStory(jigsaw.StoryPatient, jigsaw.StoryAwaitingReview, time.Time{})
	}
	for i := range 5 {
		if err := a.DB.CreateOrganisation(ctx, &jigsaw.Organisation{Name: fmt.Sprintf("Trust %d", i%3), Slug: fmt.Sprintf("trust-%d", i), Kind: jigsaw.OrgNHSTrust}); err != nil {
			t.Fatal(err)
		}
	}

	for _, tt := range []struct {
		name, path, items string
		client            *http.Client
		want              int
		addInFront        func()
	}{
		{"stories", "/api/v1/stories?limit=2", "stories", a.Client, 7,
			func() { addStory(jigsaw.StoryStaff, jigsaw.StoryPublished, at.Add(time.Hour)) }},
		{"stories of a kind", "/api/v1/stories?kind=patient&limit=3", "stories", a.Client, 4,
			func() { addStory(jigsaw.StoryPatient, jigsaw.StoryPublished, at.Add(time.Hour)) }},
		{"organisations", "/api/v1/organisations?limit=2&kind=nhs-trust", "organisations", a.Client, 5, func() {
			n++
			a.DB.CreateOrganisation(ctx, &jigsaw.Organisation{Name: fmt.Sprintf("A trust %d", n), Kind: jigsaw.OrgNHSTrust})
		}},
		{"moderation queue", "/api/v1/moderation?limit=3", "stories", moderator, 7, func() {}},
		{"from an old offset", "/api/v1/stories?limit=2&offset=2", "stories", a.Client, 0, func() {}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ids []string
			next := a.URL + tt.path
			pages := 0
			for next != "" {
				pages++
				if pages > 20 {
					t.Fatal("the next links do not end")
				}
				status, m, _ := call(t, tt.client, "GET", next, nil)
				if status != 200 {
					t.Fatalf("GET %s: %d %v", next, status, m)
				}
				for _, it := range m[tt.items].([]any) {
					ids = append(ids, fmt.Sprint(it.(map[string]any)["id"]))
				}
				next, _ = m["next"].(string)
				if next != "" {
					u, err := url.Parse(next)
					if err != nil || !u.IsAbs() || u.Query().Get("cursor") == "" || u.Query().Get("offset") != "" {
						t.Fatalf("next %q: want an absolute link with a cursor and no offset", next)
					}
					for k, v := range mustQuery(t, tt.path) {
						if k != "offset" && u.Query().Get(k) != v[0] {
							t.Fatalf("next %q lost %s=%s", next, k, v[0])
						}
					}
				}
				tt.addInFront()
			}
			seen := map[string]bool{}
			for _, id := range ids {
				if seen[id] {
					t.Fatalf("item %s twice: %v", id, ids)
				}
				seen[id] = true
			}
			if tt.want != 0 && len(ids) != tt.want {
				t.Fatalf("walked %d items %v, want %d", len(ids), ids, tt.want)
			}
		})
	}

	t.Run("last page has no next", func(t *testing.T) {
		_, m, _ := call(t, a.Client, "GET", a.URL+"/api/v1/disputes", nil)
		if v, ok := m["next"]; !ok || v != nil {
			t.Fatalf("next of an empty list: %v (present %v), want null", v, ok)
		}
	})

	t.Run("bad cursors", func(t *testing.T) {
		_, m, _ := call(t, a.Client, "GET", a.URL+"/api/v1/stories?limit=1", nil)
		next := m["next"].(string)
		cursor := mustQuery(t, next[strings.Index(next, "?"):]).Get("cursor")
		for _, path := range []string{
			"/api/v1/stories?cursor=" + cursor[:len(cursor)-3] + "xyz",
			"/api/v1/tracker?cursor=" + cursor,
			"/api/v1/stories?cursor=" + cursor + "&offset=3",
			"/api/v1/stories?cursor=%00",
		} {
			status, m, h := call(t, a.Client, "GET", a.URL+path, nil)
			if status != 400 || h.Get("Content-Type") != "application/problem+json" || fieldsOf(m)["cursor"] == nil {
				t.Errorf("%s: %d %s %v, want a 400 problem naming cursor", path, status, h.Get("Content-Type"), m)
			}
		}
	})
}

func mustQuery(t *testing.T, s string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(strings.TrimPrefix(s[strings.Index(s, "?")+1:], "?"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
