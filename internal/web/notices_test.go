package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// TestNotices: the privacy notice and the about page are public, linked
// from every page's footer and from the story form, say what the default
// says, and show an admin's own text instead, escaped and sanitised.
func TestNotices(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)

			for _, tt := range []struct {
				path string
				want []string
			}{
				{"/privacy", []string{"<title>Privacy notice · ", "<h1>Privacy notice</h1>", "30 days", "deleted after a while",
					"withdraw your story", "erased", "change how you are named", "the coalition that runs this site", `href="/privacy"`}},
				{"/about", []string{"<title>About · ", `href="/stories/new"`, `href="/privacy"`}},
				{"/stories", []string{`<a href="/about">`, `<a href="/privacy">`}},
				{"/stories/new", []string{`id="privacy-link"`, `<a href="/privacy" target="_blank" rel="noopener">`}},
			} {
				code, body := a.Get(t, tt.path)
				if code != 200 {
					t.Fatalf("GET %s: got %d, want 200", tt.path, code)
				}
				for _, w := range tt.want {
					if !strings.Contains(body, w) {
						t.Errorf("GET %s: body lacks %q", tt.path, w)
					}
				}
				if strings.Contains(body, "{site}") || strings.Contains(body, "{contact}") {
					t.Errorf("GET %s: a placeholder was not filled in", tt.path)
				}
			}

			// The settings page offers the default texts to edit; saved
			// back unchanged they are kept as no text, so that they follow
			// the default.
			admin, _ := a.AsUser(t, jigsaw.RoleAdmin)
			privacyDefault := settingsTextarea(t, a, admin, "privacy")
			aboutDefault := settingsTextarea(t, a, admin, "about")
			if !strings.Contains(privacyDefault, "{contact}") || !strings.Contains(aboutDefault, "{site}") {
				t.Fatalf("the settings page does not offer the default notices: %.200q, %.200q", privacyDefault, aboutDefault)
			}
			form := url.Values{"name": {"Defend Our NHS Airedale"}, "description": {"Stories and dangers around Keighley."}, "contact": {"info@defend.example"},
				"about": {strings.ReplaceAll(aboutDefault, "\n", "\r\n")}, "privacy": {privacyDefault}}
			if resp, body := postForm(t, admin, a.URL+"/admin/settings", form, nil); resp.StatusCode != 303 {
				t.Fatalf("save the defaults: got %d, want 303; %.300s", resp.StatusCode, body)
			}
			if set, err := a.DB.SiteSettings(ctx); err != nil || set.About != "" || set.Privacy != "" || set.Name != "Defend Our NHS Airedale" {
				t.Fatalf("the default notices were kept as texts of their own: %+v, %v", set, err)
			}
			_, body := a.Get(t, "/about")
			for _, w := range []string{"<h1>About Defend Our NHS Airedale</h1>", "Stories and dangers around Keighley.", "mailto:info@defend.example"} {
				if !strings.Contains(body, w) {
					t.Errorf("/about lacks %q", w)
				}
			}

			// An admin's own text replaces the default at once (the cached
			// page included), Markdown rendered and sanitised.
			_, before := a.Get(t, "/privacy")
			if !strings.Contains(before, "info@defend.example") {
				t.Errorf("the default notice does not name the contact")
			}
			form.Set("privacy", "We keep **very little**: write to {contact}.\r\n\r\n<script>alert('notice')</script>\r\n\r\n[click me](javascript:alert(1)) <img src=x onerror=alert(2)>")
			if resp, body := postForm(t, admin, a.URL+"/admin/settings", form, nil); resp.StatusCode != 303 {
				t.Fatalf("save a notice: got %d, want 303; %.300s", resp.StatusCode, body)
			}
			_, body = a.Get(t, "/privacy")
			for _, w := range []string{"<strong>very little</strong>", "write to <a href=\"mailto:info@defend.example\""} {
				if !strings.Contains(body, w) {
					t.Errorf("/privacy lacks %q", w)
				}
			}
			for _, bad := range []string{"<script>alert", "javascript:", "<img", "onerror", "30 days"} {
				if strings.Contains(body, bad) {
					t.Errorf("/privacy holds %q", bad)
				}
			}
			entries, _, _ := a.DB.FindAudit(ctx, jigsaw.AuditFilter{Action: "settings-change"})
			if len(entries) != 2 {
				t.Errorf("settings changes audited: got %d, want 2", len(entries))
			}

			// A notice over the renderer's limits is refused, and the form
			// shows what was typed.
			wide := "|" + strings.Repeat(" a |", 40) + "\n|" + strings.Repeat(" - |", 40) + "\n"
			form.Set("about", "Typed and refused.\n\n"+wide)
			resp, body := postForm(t, admin, a.URL+"/admin/settings", form, nil)
			if resp.StatusCode != 422 || !strings.Contains(body, "at most 30 columns") || !strings.Contains(body, "Typed and refused.") {
				t.Fatalf("a notice over the limits: got %d; %.500s", resp.StatusCode, body)
			}
			if set, _ := a.DB.SiteSettings(ctx); strings.Contains(set.About, "Typed and refused") {
				t.Fatalf("a refused notice was kept")
			}
		})
	}
}

// settingsTextarea returns the text of the settings page's textarea name.
func settingsTextarea(t *testing.T, a *testrig.TestApp, c *http.Client, name string) string {
	t.Helper()
	resp, err := c.Get(a.URL + "/admin/settings")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	_, rest, ok := strings.Cut(string(b), `name="`+name+`"`)
	if !ok {
		t.Fatalf("the settings page has no field %q", name)
	}
	_, rest, _ = strings.Cut(rest, ">")
	text, _, _ := strings.Cut(rest, "</textarea>")
	return html.UnescapeString(text)
}
