package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// TestOutbox: admins read the outbox, newest first, paged and filtered by
// recipient, and each mail's body; every view is audited; nobody else may
// read it.
func TestOutbox(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			// The mail is queued through a second handle on the database
			// whose clock is a day ahead, so that it falls due tomorrow:
			// the app's own sender (no --smtp: it marks mail sent) leaves
			// it as the test sets it.
			db, err := store.Open(ctx, a.Config.DB)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.Now = func() time.Time { return time.Now().Add(24 * time.Hour) }
			var mails []*jigsaw.Mail
			for i := range 51 {
				m := &jigsaw.Mail{Kind: "story-confirm", To: fmt.Sprintf("teller%02d@example.invalid", i), Subject: fmt.Sprintf("Please confirm your story %02d", i),
					Body: fmt.Sprintf("Dear Teller %02d,\n\nhttp://jigsaw.test/stories/confirm?t=<token-%02d>&x=1\n", i, i)}
				if err := db.EnqueueMail(ctx, m); err != nil {
					t.Fatal(err)
				}
				mails = append(mails, m)
			}
			if claimed, err := db.ClaimMail(ctx, 100, time.Hour); err != nil || len(claimed) != len(mails) {
				t.Fatalf("claim the mail: %d claimed, %v", len(claimed), err)
			}
			failed, sent := mails[49], mails[50]
			if err := db.MarkMailFailed(ctx, failed.ID, "550 no such mailbox", time.Now().Add(48*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := db.MarkMailSent(ctx, sent.ID); err != nil {
				t.Fatal(err)
			}

			admin, adminUser := a.AsUser(t, jigsaw.RoleAdmin)
			get := func(c *http.Client, path string) (int, string, *http.Response) {
				t.Helper()
				resp, err := c.Get(a.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b), resp
			}

			code, body, resp := get(admin, "/admin/outbox")
			if code != 200 {
				t.Fatalf("outbox: got %d, want 200", code)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("outbox Cache-Control: got %q, want no-store", resp.Header.Get("Cache-Control"))
			}
			first, last := strings.Index(body, "teller50@"), strings.Index(body, "teller01@")
			if first < 0 || last < 0 || first > last {
				t.Errorf("the outbox is not listed newest first")
			}
			for _, w := range []string{"Please confirm your story 50", "Sent <time", "Failed 1×", "Queued", `href="/admin/outbox/` + itoa(sent.ID) + `"`, `rel="next"`, `<a href="/admin/outbox">Outbox</a>`} {
				if !strings.Contains(body, w) {
					t.Errorf("outbox lacks %q", w)
				}
			}
			if strings.Contains(body, "teller00@") || strings.Contains(body, "Dear Teller") {
				t.Errorf("the first page holds the 51st mail, or a body")
			}
			if _, body, _ = get(admin, "/admin/outbox?page=2"); !strings.Contains(body, "teller00@") || strings.Contains(body, "teller01@") {
				t.Errorf("page 2 does not hold just the oldest mail")
			}
			_, body, _ = get(admin, "/admin/outbox?to=TELLER07@example.invalid")
			if !strings.Contains(body, "Please confirm your story 07") || strings.Contains(body, "teller08@") {
				t.Errorf("the filter by recipient does not keep only that recipient's mail")
			}
			if code, body, _ = get(admin, "/admin/outbox?colour=red"); code != 400 || !strings.Contains(body, "colour: is not a filter") {
				t.Errorf("an unknown parameter: got %d", code)
			}

			code, body, resp = get(admin, "/admin/outbox/"+itoa(failed.ID))
			if code != 200 || resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("one mail: got %d %q", code, resp.Header.Get("Cache-Control"))
			}
			for _, w := range []string{"Dear Teller 49,", "confirm?t=&lt;token-49&gt;&amp;x=1", "550 no such mailbox", "teller49@example.invalid", "Failed after 1 attempt;"} {
				if !strings.Contains(body, w) {
					t.Errorf("the mail's page lacks %q", w)
				}
			}
			if code, _, _ = get(admin, "/admin/outbox/999999"); code != 404 {
				t.Errorf("a mail that does not exist: got %d, want 404", code)
			}

			// Every view is audited, without the address looked for.
			views, _, _ := a.DB.FindAudit(ctx, jigsaw.AuditFilter{Action: "outbox-view", UserID: adminUser.ID})
			if len(views) != 3 { // the page, page 2 and the filter; not the refused request
				t.Errorf("outbox views audited: got %d, want 3", len(views))
			}
			for _, v := range views {
				if strings.Contains(v.Detail, "@") {
					t.Errorf("the audit log keeps the address looked for: %q", v.Detail)
				}
			}
			views, _, _ = a.DB.FindAudit(ctx, jigsaw.AuditFilter{Action: "mail-view", UserID: adminUser.ID})
			if len(views) != 1 || views[0].ObjectType != "mail" || views[0].ObjectID != failed.ID {
				t.Errorf("the view of a mail was not audited: %+v", views)
			}

			// Nobody else reads it.
			editor, _ := a.AsUser(t, jigsaw.RoleEditor)
			moderator, _ := a.AsUser(t, jigsaw.RoleModerator)
			for _, path := range []string{"/admin/outbox", "/admin/outbox/" + itoa(failed.ID)} {
				code, _, resp := get(a.Client, path)
				if code != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
					t.Errorf("%s anonymously: got %d to %q, want 303 to the sign-in", path, code, resp.Header.Get("Location"))
				}
				for who, c := range map[string]*http.Client{"editor": editor, "moderator": moderator} {
					if code, body, _ := get(c, path); code != 403 || strings.Contains(body, "teller") {
						t.Errorf("%s as %s: got %d, want 403", path, who, code)
					}
				}
			}

			// The navigation: moderation for moderators and admins, the
			// outbox for admins.
			for _, tt := range []struct {
				who         string
				c           *http.Client
				mod, outbox bool
			}{{"editor", editor, false, false}, {"moderator", moderator, true, false}, {"admin", admin, true, true}} {
				_, body, _ := get(tt.c, "/tracker")
				if got := strings.Contains(body, `<a href="/moderation">Moderation</a>`); got != tt.mod {
					t.Errorf("%s: link to moderation %v, want %v", tt.who, got, tt.mod)
				}
				if got := strings.Contains(body, `href="/admin/outbox"`); got != tt.outbox {
					t.Errorf("%s: link to the outbox %v, want %v", tt.who, got, tt.outbox)
				}
			}
		})
	}
}
