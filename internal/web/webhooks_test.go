package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

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
	// On this machine: the server refuses to deliver there (no
	// --allow-private-peers), so what is queued stays waiting.
	change := url.Values{"name": {"Branch website"}, "url": {"http://127.0.0.1:9/v2"}, "kinds": {"event"}, "actions": {"update"},
		"active": {"1"}, "version": {itoa(hooks[0].Version)}}
	if p := post(t, editor, page+"/edit", change); p.status != http.StatusSeeOther {
		t.Fatalf("edit: %d %.500s", p.status, p.body)
	}
	get(t, editor, page).expect(t, 200, "http://127.0.0.1:9/v2", "events: updated", "Active", "Edit history", "rotate-secret")
	if p := post(t, editor, page+"/edit", change); p.status != http.StatusConflict {
		t.Errorf("saving a stale form: %d, want 409", p.status)
	}

	// A test delivery shows in the webhook's log, and may be retried
	// from there; another's delivery may not.
	if p := post(t, editor, page+"/ping", nil); p.status != http.StatusSeeOther || p.location != "/webhooks/"+itoa(hooks[0].ID)+"?done=ping" {
		t.Fatalf("ping: %d %q", p.status, p.location)
	}
	get(t, editor, page+"?done=ping").expect(t, 200, "A test delivery is on its way", "ping webhook "+itoa(hooks[0].ID))
	log, _, err := a.DB.FindDeliveries(t.Context(), jigsaw.DeliveryFilter{Target: itoa(hooks[0].ID)}, 10, 0)
	if err != nil || len(log) != 1 {
		t.Fatalf("the ping's delivery: %v, %v", log, err)
	}
	if p := retryDelivery(t, editor, page+"/retry", url.Values{"delivery": {itoa(log[0].ID)}}); p.status != http.StatusSeeOther {
		t.Errorf("retry: %d %.300s", p.status, p.body)
	}
	if p := post(t, editor, page+"/retry", url.Values{"delivery": {itoa(log[0].ID + 1000)}}); p.status != http.StatusNotFound {
		t.Errorf("retrying a delivery not of this webhook: %d", p.status)
	}
	if p := get(t, editor, page+"?page=x"); p.status != http.StatusBadRequest {
		t.Errorf("a bad page of the log: %d", p.status)
	}

	// The admins' view of the queue counts it, lists it, filters it,
	// retries from it, and refuses a bad filter naming it.
	admin, _ := a.AsUser(t, jigsaw.RoleAdmin)
	if p := get(t, editor, a.URL+"/admin/deliveries"); p.status != http.StatusForbidden {
		t.Errorf("an editor sees the queue: %d", p.status)
	}
	get(t, admin, a.URL+"/admin/deliveries").expect(t, 200, "By channel", "webhook", "ping webhook "+itoa(hooks[0].ID), "Retry now")
	get(t, admin, a.URL+"/admin/deliveries?channel=webhook&target="+itoa(hooks[0].ID)).expect(t, 200, "ping webhook")
	get(t, admin, a.URL+"/admin/deliveries?channel=activitypub").expect(t, 200, "No deliveries here.")
	get(t, admin, a.URL+"/admin/deliveries?state=lost").expect(t, http.StatusBadRequest, "Please correct the marked filters",
		"State must be one of pending, done, failed")
	get(t, admin, a.URL+"/admin/deliveries?colour=red").expect(t, http.StatusBadRequest, "colour", "is not a filter of this list")
	if p := retryDelivery(t, admin, a.URL+"/admin/deliveries/"+itoa(log[0].ID)+"/retry", nil); p.status != http.StatusSeeOther {
		t.Errorf("admin's retry: %d %.300s", p.status, p.body)
	}

	if p := post(t, editor, page+"/delete", nil); p.status != http.StatusSeeOther || p.location != "/webhooks?done=deleted" {
		t.Fatalf("delete: %d %q", p.status, p.location)
	}
	get(t, editor, a.URL+"/webhooks?done=deleted").expect(t, 200, "Webhook deleted.", "No webhooks yet.")
	if p := get(t, editor, page); p.status != http.StatusNotFound {
		t.Errorf("deleted webhook's page: %d", p.status)
	}
}

// retryDelivery posts a retry of a delivery. The app's runner may be making
// the delivery as the retry comes: the retry then answers 409 until the
// attempt is over.
func retryDelivery(t *testing.T, c *http.Client, u string, form url.Values) page {
	p := post(t, c, u, form)
	for deadline := time.Now().Add(10 * time.Second); p.status == http.StatusConflict && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		p = post(t, c, u, form)
	}
	return p
}
