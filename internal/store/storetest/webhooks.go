package storetest

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"jigsaw"
)

func newWebhook() *jigsaw.Webhook {
	return &jigsaw.Webhook{Name: "  Branch   website ", URL: " https://hooks.test.invalid/jigsaw ", Active: true,
		Kinds: []string{"dispute", "story", "story"}, Actions: []string{"delete", "create"}}
}

// testWebhooks checks that webhooks keep what editors typed, tidied; that
// each mistake names its field; that the secret is made by the store,
// changed only by rotation, blanked in lists and kept out of the edit
// history; and that a stale form is refused.
func (s *suite) testWebhooks(t *testing.T) {
	db := s.mustOpen(t)
	ctx, u := mustUserContext(t, db, "hooks@example.org")
	org := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "UNISON Dorset", Kind: jigsaw.OrgUnion})

	for _, tt := range []struct {
		name   string
		change func(*jigsaw.Webhook)
		field  string
	}{
		{"no address", func(h *jigsaw.Webhook) { h.URL = " " }, "url"},
		{"not a web address", func(h *jigsaw.Webhook) { h.URL = "ftp://hooks.test.invalid/" }, "url"},
		{"no host", func(h *jigsaw.Webhook) { h.URL = "https:///path" }, "url"},
		{"a password in the address", func(h *jigsaw.Webhook) { h.URL = "https://bot:pw@hooks.test.invalid/" }, "url"},
		{"a user in the address", func(h *jigsaw.Webhook) { h.URL = "https://bot@hooks.test.invalid/" }, "url"},
		{"no kinds", func(h *jigsaw.Webhook) { h.Kinds = nil }, "kinds"},
		{"unknown kind", func(h *jigsaw.Webhook) { h.Kinds = []string{"story", "pledge"} }, "kinds"},
		{"no actions", func(h *jigsaw.Webhook) { h.Actions = nil }, "actions"},
		{"unknown action", func(h *jigsaw.Webhook) { h.Actions = []string{"publish"} }, "actions"},
		{"long name", func(h *jigsaw.Webhook) { h.Name = strings.Repeat("n", 101) }, "name"},
		{"no such organisation", func(h *jigsaw.Webhook) { h.OrgID = org.ID + 100 }, "organisation"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newWebhook()
			tt.change(h)
			err := db.CreateWebhook(ctx, h)
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)[tt.field] == "" {
				t.Fatalf("got %v (fields %v), want EINVALID naming %s", err, jigsaw.FieldErrors(err), tt.field)
			}
		})
	}

	h := newWebhook()
	h.OrgID = org.ID
	if err := db.CreateWebhook(ctx, h); err != nil {
		t.Fatal(err)
	}
	if b, err := hex.DecodeString(h.Secret); err != nil || len(b) != 32 {
		t.Fatalf("secret %q: want 32 random bytes as hex", h.Secret)
	}
	got, err := db.FindWebhook(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Branch website" || got.URL != "https://hooks.test.invalid/jigsaw" || !got.Active ||
		strings.Join(got.Kinds, ",") != "story,dispute" || strings.Join(got.Actions, ",") != "create,delete" ||
		got.OrgID != org.ID || got.OrgName != "UNISON Dorset" || got.CreatedBy != u.ID || got.CreatedByEmail != "hooks@example.org" ||
		got.Secret != h.Secret || got.Version != 1 || got.CreatedAt.IsZero() {
		t.Fatalf("created webhook read back as %+v", got)
	}
	if !got.Wants("story", "create") || got.Wants("story", "update") || got.Wants("danger", "create") {
		t.Fatalf("Wants does not follow the kinds and actions chosen: %+v", got)
	}
	list, err := db.FindWebhooks(ctx)
	if err != nil || len(list) != 1 || list[0].ID != h.ID || list[0].Secret != "" || list[0].URL != got.URL {
		t.Fatalf("FindWebhooks: %+v, %v; want the webhook without its secret", list, err)
	}

	// A change saves what was typed; one from a stale form is refused.
	edit := *got
	edit.Active, edit.Kinds, edit.OrgID = false, []string{"event"}, 0
	if err := db.UpdateWebhook(ctx, &edit); err != nil {
		t.Fatal(err)
	}
	if edit.Version != 2 || edit.Active || edit.OrgName != "" || edit.Secret != h.Secret || edit.Wants("event", "create") {
		t.Fatalf("updated webhook: %+v", edit)
	}
	stale := *got
	if err := db.UpdateWebhook(ctx, &stale); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("update from version 1 after version 2: got %v, want ECONFLICT", err)
	}

	secret, err := db.RotateWebhookSecret(ctx, h.ID)
	if err != nil || secret == h.Secret || len(secret) != 64 {
		t.Fatalf("RotateWebhookSecret: %q, %v; want a new secret", secret, err)
	}
	if got, err := db.FindWebhook(ctx, h.ID); err != nil || got.Secret != secret {
		t.Fatalf("after rotation the webhook has secret %q (%v), want %q", got.Secret, err, secret)
	}
	if _, err := db.RotateWebhookSecret(ctx, h.ID+100); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("rotating a missing webhook: got %v, want ENOTFOUND", err)
	}

	if err := db.DeleteWebhook(ctx, h.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindWebhook(ctx, h.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("deleted webhook: got %v, want ENOTFOUND", err)
	}
	if err := db.DeleteWebhook(ctx, h.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("deleting twice: got %v, want ENOTFOUND", err)
	}

	// The history names who did what, and never holds a secret.
	revs, err := db.FindRevisions(context.Background(), jigsaw.ObjectWebhook, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range revs {
		actions = append(actions, r.Action)
		if r.Actor != "hooks@example.org" {
			t.Errorf("revision %s by %q, want the editor", r.Action, r.Actor)
		}
		for _, c := range r.Changes {
			if strings.Contains(c.Old+c.New, h.Secret[:16]) || strings.Contains(c.Old+c.New, secret[:16]) {
				t.Errorf("revision %s holds a secret: %+v", r.Action, c)
			}
		}
	}
	if strings.Join(actions, ",") != "delete,rotate-secret,update,create" {
		t.Fatalf("revisions %v, want delete, rotate-secret, update, create", actions)
	}
}
