package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// signInBrowser signs in through the login form, as a person would.
func signInBrowser(t *testing.T, b *testrig.Browser, base, email, password string) {
	t.Helper()
	var heading string
	b.Run(t,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys("#email", email, chromedp.ByID),
		chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Click(`form[action="/login"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action="/logout"]`, chromedp.ByQuery),
		chromedp.Text(`header.site`, &heading, chromedp.ByQuery),
	)
	if !strings.Contains(heading, email) {
		t.Fatalf("after signing in, the header shows %q, not %s", heading, email)
	}
}

// TestBrowserAdmin: an admin signs in, adds an editor, and finds the
// sign-in and the new user in the audit log.
func TestBrowserAdmin(t *testing.T) {
	// Parallel: it waits on Chromium and the server more than it computes.
	t.Parallel()
	// SQLite only: the pages are the same on both engines, whose stores
	// the HTTP tests and the store suite cover; TestBrowserStoryJourney
	// walks a browser through both.
	for _, engine := range []string{store.SQLite} {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			addUser(t, a, "chair@example.org", jigsaw.RoleAdmin, "a long enough password")
			b := testrig.StartBrowser(t)
			signInBrowser(t, b, a.URL, "chair@example.org", "a long enough password")
			var notice, audit string
			b.Run(t,
				chromedp.Navigate(a.URL+"/admin/users"),
				chromedp.SendKeys("#new-email", "new.editor@example.org", chromedp.ByID),
				chromedp.SendKeys("#new-name", "New Editor", chromedp.ByID),
				chromedp.SetValue("#new-role", "editor", chromedp.ByID),
				chromedp.Click(`form[action="/admin/users"] button`, chromedp.ByQuery),
				chromedp.WaitVisible(`#saved`, chromedp.ByQuery),
				chromedp.Text(`#saved`, &notice, chromedp.ByQuery),
				chromedp.Navigate(a.URL+"/admin/audit"),
				chromedp.Text(`table.list tbody`, &audit, chromedp.ByQuery),
			)
			if !strings.Contains(notice, "new.editor@example.org") {
				t.Fatalf("users page says %q", notice)
			}
			for _, want := range []string{"user-create", "new.editor@example.org as editor", "sign-in", "chair@example.org"} {
				if !strings.Contains(audit, want) {
					t.Errorf("audit log lacks %q:\n%s", want, audit)
				}
			}
			u, err := a.DB.FindUserByEmail(context.Background(), "new.editor@example.org")
			if err != nil || u.Role != jigsaw.RoleEditor {
				t.Fatalf("the editor was not created: %+v %v", u, err)
			}
			if s := b.Scripts(); len(s) != 0 {
				t.Fatalf("pages ran scripts: %v", s)
			}
		})
	}
}

// TestBrowserStoryJourney walks the whole story journey in Chromium:
// submit → email → confirm → moderate with a redaction → published with
// the consented byline → withdraw. It runs on SQLite alone: what Chromium
// adds is the pages, and TestStoryJourney walks the same journey through
// the forms on both engines.
func TestBrowserStoryJourney(t *testing.T) {
	// Parallel: it waits on Chromium and the server more than it computes.
	t.Parallel()
	ctx := context.Background()
	smtpd := testrig.StartSMTP(t)
	a := testrig.StartApp(t, "sqlite", func(c *config.Config) { c.SMTP = smtpd.URL() })
	addUser(t, a, "moderator@example.org", jigsaw.RoleModerator, "a long enough password")
	b := testrig.StartBrowser(t)

	// Submit through the form.
	var thanks string
	b.Run(t,
		chromedp.Navigate(a.URL+"/stories/new"),
		chromedp.SendKeys("#title", "The respite beds went", chromedp.ByID),
		chromedp.SendKeys("#body", "The respite beds we relied on were closed. Nurse Prunella Quickfeather said there was no budget.", chromedp.ByID),
		chromedp.Click(`input[name="kind"][value="carer"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="key_issues"][value="cuts"]`, chromedp.ByQuery),
		chromedp.SendKeys("#area", "Weymouth", chromedp.ByID),
		chromedp.SendKeys("#district", "DT4", chromedp.ByID),
		chromedp.SendKeys("#name", "Rosalind Tewkesbury", chromedp.ByID),
		chromedp.SendKeys("#email", "rosalind.t@example.invalid", chromedp.ByID),
		chromedp.Click(`input[name="publish_as"][value="first-name-area"]`, chromedp.ByQuery),
		chromedp.SendKeys("#publish_name", "Rosalind", chromedp.ByID),
		chromedp.Click(`input[name="agree"]`, chromedp.ByQuery),
		chromedp.Click(`form[action="/stories/new"] button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#thanks`, chromedp.ByQuery),
		chromedp.Text(`#thanks`, &thanks, chromedp.ByQuery),
	)
	if !strings.Contains(thanks, "Please check your email") {
		t.Fatalf("after submitting: %q", thanks)
	}

	// The email, and confirming from it.
	msgs := smtpd.WaitFor(t, 1, 10*time.Second)
	confirm, withdraw := links(t, msgs[0].Body)
	var confirmed string
	b.Run(t,
		chromedp.Navigate(confirm),
		chromedp.Click(`form[action="/stories/confirm"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#confirmed`, chromedp.ByQuery),
		chromedp.Text(`#confirmed`, &confirmed, chromedp.ByQuery),
	)
	if !strings.Contains(confirmed, "Thank you for confirming") {
		t.Fatalf("after confirming: %q", confirmed)
	}

	// A moderator signs in, redacts a name and publishes.
	signInBrowser(t, b, a.URL, "moderator@example.org", "a long enough password")
	queue, _, _ := a.DB.ModerationQueue(ctx, jigsaw.StoryAwaitingReview, 10, 0)
	if len(queue) != 1 {
		t.Fatalf("queue: %+v", queue)
	}
	id := strconv.FormatInt(queue[0].ID, 10)
	var teller string
	b.Run(t,
		chromedp.Navigate(a.URL+"/moderation"),
		chromedp.Click(`a[href="/moderation/stories/`+id+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#teller`, chromedp.ByQuery),
		chromedp.Text(`section.private`, &teller, chromedp.ByQuery),
		chromedp.SendKeys("#passage", "Nurse Prunella Quickfeather", chromedp.ByID),
		chromedp.Click(`form[action$="/redact"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice[data-done="redact"]`, chromedp.ByQuery),
		chromedp.Click(`form[action$="/publish"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice[data-done="publish"]`, chromedp.ByQuery),
	)
	if !strings.Contains(teller, "Rosalind Tewkesbury") || !strings.Contains(teller, "rosalind.t@example.invalid") {
		t.Fatalf("moderator does not see the teller: %q", teller)
	}

	// Published with the consented byline and the redaction mark.
	var byline, story string
	b.Run(t,
		chromedp.Navigate(a.URL+"/stories/"+id),
		chromedp.Text(`.byline`, &byline, chromedp.ByQuery),
		chromedp.Text(`.prose`, &story, chromedp.ByQuery),
	)
	if !strings.HasPrefix(strings.TrimSpace(byline), "Rosalind, Weymouth") {
		t.Fatalf("byline %q, want the first name and area", byline)
	}
	if !strings.Contains(story, "[redacted] said there was no budget") || strings.Contains(story, "Quickfeather") {
		t.Fatalf("public text %q", story)
	}

	// The teller withdraws it from the link in the email.
	var done string
	b.Run(t,
		chromedp.Navigate(withdraw),
		chromedp.Click(`form[action="/stories/withdraw"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#withdrawn`, chromedp.ByQuery),
		chromedp.Text(`#withdrawn`, &done, chromedp.ByQuery),
	)
	if !strings.Contains(done, "withdrawn") {
		t.Fatalf("after withdrawing: %q", done)
	}
	if code, _ := a.Get(t, "/stories/"+id); code != 404 {
		t.Fatalf("withdrawn story answers %d", code)
	}
	// The story form loads picker.js; no other script runs.
	if s := scriptsBesidesPicker(b); len(s) != 0 {
		t.Fatalf("pages ran scripts: %v", s)
	}
}
