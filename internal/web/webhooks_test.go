package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

var secretRE = regexp.MustCompile(`<code class="token">([0-9a-f]{64})</code>`)

// Editors keep webhooks: a bad address is refused naming the field; a new
// webhook's secret is shown once, on the answer to its form, and never on
// its page after; rotation shows a new one; changes and deletion work and
// are in the edit history.
func TestWebhookPages(t *testing.T) {
	a := testrig.StartApp(t, store.SQLite, nil)
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)

	get(t, editor, a.URL+"/webhooks").expect(t, 200, "Webhooks", "No webhooks yet.", "Add a webhook")
	get(t, editor, a.URL+"/webhooks/new").expect(t, 200, "Add a webhook", `name="kinds" value="story" checked`, "Its secret is shown once")

	bad := url.Values{"url": {"https://bot:pw@hooks.test.invalid/x"}, "kinds": {"story"}, "actions": {"create"}, "active": {"1"}}
	p := post(t, editor, a.URL+"/webhooks/new", bad)
	p.expect(t, http.StatusUnprocessableEntity, "Please correct the marked fields", "Address must not carry a user name or password.")
	if !strings.Contains(p.body, `aria-invalid="true"`) || !strings.Contains(p.body, `value="https://bot:pw@hooks.test.invalid/x"`) {
		t.Errorf("the refused form lost what was typed or its marks")
	}
	p = post(t, editor, a.URL+"/webhooks/new", url.Values{"url": {"https://hooks.test.invalid/x"}, "active": {"1"}})
	p.expect(t, http.StatusUnprocessableEntity, "Choose at least one kind of item.", "Choose at least one of published, updated and withdrawn.")

	good := url.Values{"name": {"Branch website"}, "url": {"https://hooks.test.invalid/jigsaw"}, "kinds": {"story", "dispute"},
		"actions": {"create", "delete"}, "active": {"1"}}
	p = post(t, editor, a.URL+"/webhooks/new", good)
	p.expect(t, http.StatusCreated, "Branch website", "copy it into your tool now", "stories, disputes: published, withdrawn", "Active")
	m := secretRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the new webhook's page shows no secret:\n%.2000s", p.body)
	}
	secret := m[1]
	hooks, err := a.DB.FindWebhooks(t.Context())
	if err != nil || len(hooks) != 1 {
		t.Fatalf("webhooks stored: %v, %v", hooks, err)
	}
	page := a.URL + "/webhooks/" + itoa(hooks[0].ID)
	if p := get(t, editor, page); p.status != 200 || strings.Contains(p.body, secret) || !strings.Contains(p.body, "https://hooks.test.invalid/jigsaw") {
		t.Fatalf("the webhook's page (%d) shows its secret again, or not its address", p.status)
	}
	get(t, editor, a.URL+"/webhooks").expect(t, 200, "Branch website", "https://hooks.test.invalid/jigsaw")

	p = post(t, editor, page+"/rotate", nil)
	p.expect(t, http.StatusOK, "copy it into your tool now")
	if m := secretRE.FindStringSubmatch(p.body); m == nil || m[1] == secret {
		t.Fatalf("rotation shows no new secret")
	}

	get(t, editor, page+"/edit").expect(t, 200, "Edit webhook", `value="https://hooks.test.invalid/jigsaw"`, `name="actions" value="delete" checked`)
	change := url.Values{"name": {"Branch website"}, "url": {"http://hooks.test.invalid/v2"}, "kinds": {"event"}, "actions": {"update"},
		"version": {itoa(hooks[0].Version)}}
	if p := post(t, editor, page+"/edit", change); p.status != http.StatusSeeOther {
		t.Fatalf("edit: %d %.500s", p.status, p.body)
	}
	get(t, editor, page).expect(t, 200, "http://hooks.test.invalid/v2", "events: updated", "Paused: nothing is sent to it", "Edit history", "rotate-secret")
	if p := post(t, editor, page+"/edit", change); p.status != http.StatusConflict {
		t.Errorf("saving a stale form: %d, want 409", p.status)
	}

	if p := post(t, editor, page+"/delete", nil); p.status != http.StatusSeeOther || p.location != "/webhooks?done=deleted" {
		t.Fatalf("delete: %d %q", p.status, p.location)
	}
	get(t, editor, a.URL+"/webhooks?done=deleted").expect(t, 200, "Webhook deleted.", "No webhooks yet.")
	if p := get(t, editor, page); p.status != http.StatusNotFound {
		t.Errorf("deleted webhook's page: %d", p.status)
	}
}
