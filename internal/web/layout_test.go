package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
	"jigsaw/internal/web"
)

// A page is cut where its own title and content begin and end: what lies
// between is the layout, the same for every story page, and nothing of a
// story is in it.
func TestLayoutParts(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, store.SQLite, nil)
	var layouts [][][]byte
	for _, title := range []string{"Eleven hours on a trolley", "The ward that closed </main> at night"} {
		body := "Two nurses for thirty beds on the night of " + title + "."
		s := &jigsaw.Story{Title: title, Body: body, PublicBody: body, Kind: jigsaw.StoryPatient, Status: jigsaw.StoryPublished,
			Byline: "A patient", PublishedAt: time.Now()}
		if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
			t.Fatal(err)
		}
		code, _ := a.Get(t, "/stories/"+itoa(s.ID))
		if code != 200 {
			t.Fatalf("story %d: status %d", s.ID, code)
		}
		ps, err := a.DB.FindPublicStoryPage(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec := &partsRecorder{ResponseRecorder: httptest.NewRecorder()}
		req := httptest.NewRequest("GET", "/stories/"+itoa(s.ID), nil)
		a.Server.Pages.Render(rec, req, 200, "story", web.StoryView{Page: web.Page{Title: ps.Title, Site: web.Site{Name: "Jigsaw"}}, Story: ps})
		parts := rec.parts
		if len(parts) != 5 {
			t.Fatalf("%q: %d parts, want 5 (layout, title, layout, content, layout)", title, len(parts))
		}
		if got := bytes.Join(parts, nil); string(got) != rec.Body.String() {
			t.Fatalf("%q: the parts joined are not the page", title)
		}
		for i, part := range parts {
			if rec.shared[i] != (i%2 == 0) {
				t.Fatalf("%q: part %d written as shared %v", title, i, rec.shared[i])
			}
			if len(part) == 0 {
				t.Fatalf("%q: part %d is empty", title, i)
			}
		}
		escaped := strings.ReplaceAll(title, "<", "&lt;")
		escaped = strings.ReplaceAll(escaped, ">", "&gt;")
		if !bytes.Contains(parts[1], []byte(escaped)) || !bytes.Contains(parts[3], []byte(escaped)) || !bytes.Contains(parts[3], []byte("Two nurses")) {
			t.Fatalf("%q: the page's own parts lack its title or text: %q, %.200q", title, parts[1], parts[3])
		}
		var layout [][]byte
		for i := 0; i < len(parts); i += 2 {
			if bytes.Contains(parts[i], []byte("nurses")) || bytes.Contains(parts[i], []byte("trolley")) || bytes.Contains(parts[i], []byte("ward")) {
				t.Fatalf("%q: layout part %d holds the story's text: %q", title, i, parts[i])
			}
			layout = append(layout, parts[i])
		}
		if !bytes.Contains(layout[1], []byte(`<nav aria-label="Main">`)) || !bytes.Contains(layout[2], []byte(`<footer class="site">`)) {
			t.Fatalf("%q: the layout parts lack the navigation or the footer: %q", title, layout)
		}
		layouts = append(layouts, layout)
	}
	for i := range layouts[0] {
		if !bytes.Equal(layouts[0][i], layouts[1][i]) {
			t.Fatalf("layout part %d differs between two story pages:\n%q\n%q", 2*i, layouts[0][i], layouts[1][i])
		}
	}
}

// partsRecorder records the parts of a page as Pages.Render writes them to
// the page cache: shared (the layout) or the page's own.
type partsRecorder struct {
	*httptest.ResponseRecorder
	parts  [][]byte
	shared []bool
}

func (r *partsRecorder) Write(b []byte) (int, error) { return r.record(b, false) }

func (r *partsRecorder) WriteShared(b []byte) (int, error) { return r.record(b, true) }

func (r *partsRecorder) record(b []byte, shared bool) (int, error) {
	r.parts = append(r.parts, append([]byte(nil), b...))
	r.shared = append(r.shared, shared)
	return r.ResponseRecorder.Write(b)
}

// The header's navigation follows the reader's role: the public links for
// everyone, and for staff a second row with their account, moderation for
// moderators and admins, and the admin menu for admins, made of <details>
// so that it needs no JavaScript.
func TestNavigationByRole(t *testing.T) {
	a := testrig.StartApp(t, store.SQLite, nil)
	public := []string{`href="/stories"`, `href="/tracker"`, `href="/disputes"`, `href="/organisations"`, `href="/stories/new"`, `<a class="skip" href="#main">`, `<main id="main"`}
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)
	moderator, _ := a.AsUser(t, jigsaw.RoleModerator)
	admin, _ := a.AsUser(t, jigsaw.RoleAdmin)
	for _, tt := range []struct {
		who          string
		c            *http.Client
		want, reject []string
	}{
		{"anonymous", a.Client, append([]string{`<a class="signin" href="/login">`}, public...), []string{`class="staff"`, `action="/logout"`, `href="/moderation"`, `href="/admin/users"`}},
		{"editor", editor, append([]string{`class="staff"`, "Signed in as", `action="/logout"`, `href="/account/tokens"`, `<details class="menu">`}, public...), []string{`href="/moderation"`, `href="/admin/users"`, `class="signin"`}},
		{"moderator", moderator, append([]string{`<a href="/moderation">Moderation</a>`}, public...), []string{`href="/admin/users"`}},
		{"admin", admin, append([]string{`<a href="/moderation">Moderation</a>`, `href="/admin/users"`, `href="/admin/audit"`, `href="/admin/outbox"`, `href="/admin/settings"`, `href="/admin/imports"`}, public...), nil},
	} {
		t.Run(tt.who, func(t *testing.T) {
			p := get(t, tt.c, a.URL+"/tracker")
			p.expect(t, 200, tt.want...)
			p.reject(t, tt.reject...)
			if n := strings.Count(p.body, `aria-current="page"`); n != 1 || !strings.Contains(p.body, `<a href="/tracker" aria-current="page">`) {
				t.Errorf("the navigation marks %d links as the page, want only Dangers", n)
			}
		})
	}
}

// The layout's shared parts are rendered once for visitors who are not
// signed in (web.layoutCache): what they show must still follow the page,
// the site's settings and who is reading.
func TestLayoutCacheFollowsPageSiteAndReader(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, store.SQLite, nil)
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)
	get(t, a.Client, a.URL+"/tracker").expect(t, 200, `<a href="/tracker" aria-current="page">`)
	p := get(t, a.Client, a.URL+"/disputes")
	p.expect(t, 200, `<a href="/disputes" aria-current="page">`)
	p.reject(t, `<a href="/tracker" aria-current="page">`)

	get(t, editor, a.URL+"/tracker").expect(t, 200, "Signed in as", `action="/logout"`)
	p = get(t, a.Client, a.URL+"/tracker")
	p.expect(t, 200, `<a class="signin" href="/login">`)
	p.reject(t, "Signed in as", `action="/logout"`)

	err := a.DB.SaveSiteSettings(ctx, jigsaw.SiteSettings{Name: "Keep Our NHS Public Bradford", Contact: "info@example.org"},
		&jigsaw.AuditEntry{Action: "settings.update"})
	if err != nil {
		t.Fatal(err)
	}
	p = get(t, a.Client, a.URL+"/tracker?kind=closure")
	p.expect(t, 200, `Keep Our NHS Public Bradford</a>`, "Contact: info@example.org")
}
