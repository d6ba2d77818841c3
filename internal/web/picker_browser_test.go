package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// scriptsBesidesPicker returns the scripts pages ran other than picker.js,
// the one script pages with a picker load: every other page runs none.
func scriptsBesidesPicker(b *testrig.Browser) []testrig.ParsedScript {
	var out []testrig.ParsedScript
	for _, s := range b.Scripts() {
		if !strings.HasSuffix(s.URL, "/static/picker.js") {
			out = append(out, s)
		}
	}
	return out
}

// fillStory types the story form's other fields.
func fillStory(title string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.SendKeys("#title", title, chromedp.ByID),
		chromedp.SendKeys("#body", "The respite beds we relied on were closed.", chromedp.ByID),
		chromedp.Click(`input[name="kind"][value="carer"]`, chromedp.ByQuery),
		chromedp.SendKeys("#name", "Rosalind Tewkesbury", chromedp.ByID),
		chromedp.SendKeys("#email", "rosalind.t@example.invalid", chromedp.ByID),
	}
}

// storyOrgs returns the organisations the story titled title names, as
// its moderator sees them.
func storyOrgs(t *testing.T, a *testrig.TestApp, title string) []string {
	t.Helper()
	ctx := context.Background()
	_, mod := a.AsUser(t, jigsaw.RoleModerator)
	queue, _, err := a.DB.ModerationQueue(ctx, jigsaw.StoryAwaitingConfirmation, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queue {
		if q.Title == title {
			v, err := a.DB.ModerationView(ctx, q.ID, mod, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, o := range v.Orgs {
				names = append(names, o.Name)
			}
			return names
		}
	}
	t.Fatalf("no story titled %q", title)
	return nil
}

// TestBrowserOrganisationPicker: a teller finds organisations among
// thousands, with the keyboard as the combobox pattern has it, and
// without JavaScript through the Find button.
func TestBrowserOrganisationPicker(t *testing.T) {
	// Parallel: it waits on Chromium and the server more than it computes.
	t.Parallel()
	// SQLite only: the page is the same on both engines, and the search
	// behind it runs on both in TestSuggest and the store suite.
	for _, engine := range []string{store.SQLite} {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			f := newPickerFixture(t, a)
			importPractices(t, a, 2000)
			trust := itoa(f.trust.ID)

			t.Run("with JavaScript", func(t *testing.T) {
				b := testrig.StartBrowser(t)
				var expanded, active, listed, announced, added, closed string
				var ok bool
				b.Run(t,
					chromedp.Navigate(a.URL+"/stories/new"),
					chromedp.WaitReady(`#org_query[role="combobox"]`, chromedp.ByQuery),
					chromedp.SendKeys("#org_query", "aire", chromedp.ByID),
					chromedp.WaitVisible(`#organisations [role="option"]`, chromedp.ByQuery),
					chromedp.AttributeValue("#org_query", "aria-expanded", &expanded, &ok, chromedp.ByID),
					chromedp.Text(`#organisations [role="listbox"]`, &listed, chromedp.ByQuery),
					chromedp.Text(`#organisations [role="status"]`, &announced, chromedp.ByQuery),
					chromedp.SendKeys("#org_query", kb.ArrowDown, chromedp.ByID),
					chromedp.AttributeValue("#org_query", "aria-activedescendant", &active, &ok, chromedp.ByID),
					chromedp.SendKeys("#org_query", kb.Enter, chromedp.ByID),
					chromedp.WaitReady(`#organisations-chosen input[value="`+trust+`"]:checked`, chromedp.ByQuery),
					chromedp.Text(`#organisations [role="status"]`, &added, chromedp.ByQuery),
					chromedp.AttributeValue("#org_query", "aria-expanded", &closed, &ok, chromedp.ByID),
				)
				if expanded != "true" || !strings.Contains(listed, f.trust.Name) || !strings.Contains(listed, "RCF") {
					t.Fatalf("suggestions: expanded %q, listed %q", expanded, listed)
				}
				if !strings.HasPrefix(announced, "1 suggestion") {
					t.Errorf("announced %q", announced)
				}
				if active == "" {
					t.Errorf("the down arrow made no suggestion active")
				}
				if added != "Added "+f.trust.Name+"." || closed != "false" {
					t.Errorf("after Enter: announced %q, expanded %q", added, closed)
				}

				// Escape closes the list; a second organisation by its code.
				var afterEscape string
				b.Run(t,
					chromedp.SendKeys("#org_query", "B0012", chromedp.ByID),
					chromedp.WaitVisible(`#organisations [role="option"]`, chromedp.ByQuery),
					chromedp.SendKeys("#org_query", kb.Escape, chromedp.ByID),
					chromedp.WaitNotVisible(`#organisations [role="listbox"]`, chromedp.ByQuery),
					chromedp.AttributeValue("#org_query", "aria-expanded", &afterEscape, &ok, chromedp.ByID),
					chromedp.SendKeys("#org_query", "3", chromedp.ByID),
					chromedp.WaitVisible(`#organisations [role="option"]`, chromedp.ByQuery),
					chromedp.Click(`#organisations [role="option"]`, chromedp.ByQuery),
					chromedp.WaitReady(`#organisations-chosen .choice:nth-of-type(2) input:checked`, chromedp.ByQuery),
				)
				if afterEscape != "false" {
					t.Errorf("after Escape: expanded %q", afterEscape)
				}
				var thanks string
				b.Run(t,
					fillStory("Chosen with the picker"),
					chromedp.Click(`input[name="agree"]`, chromedp.ByQuery),
					chromedp.Click(`form[action="/stories/new"] button[type="submit"]`, chromedp.ByQuery),
					chromedp.WaitVisible(`#thanks`, chromedp.ByQuery),
					chromedp.Text(`#thanks`, &thanks, chromedp.ByQuery),
				)
				if got := strings.Join(storyOrgs(t, a, "Chosen with the picker"), "|"); got != f.trust.Name+"|Practice 0123 Surgery" &&
					got != "Practice 0123 Surgery|"+f.trust.Name {
					t.Fatalf("the story names %q", got)
				}
				if s := scriptsBesidesPicker(b); len(s) != 0 {
					t.Fatalf("pages ran scripts: %v", s)
				}
			})

			t.Run("without JavaScript", func(t *testing.T) {
				b := testrig.StartBrowser(t)
				var title, found string
				b.Run(t,
					emulation.SetScriptExecutionDisabled(true),
					chromedp.Navigate(a.URL+"/stories/new"),
					fillStory("Chosen without script"),
					chromedp.SendKeys("#org_query", "airedale", chromedp.ByID),
					chromedp.Click(`input[name="find"]`, chromedp.ByQuery),
					chromedp.WaitVisible(`#organisations-chosen input[value="`+trust+`"]`, chromedp.ByQuery),
					chromedp.Value("#title", &title, chromedp.ByID),
					chromedp.Text(`#org_query-found`, &found, chromedp.ByID),
					chromedp.Click(`#organisations-chosen input[value="`+trust+`"]`, chromedp.ByQuery),
					// A second search keeps the first choice.
					chromedp.SendKeys("#org_query", kb.End+strings.Repeat(kb.Backspace, len("airedale"))+"practice 0007", chromedp.ByID),
					chromedp.SendKeys("#org_query", kb.Enter, chromedp.ByID),
					chromedp.WaitVisible(`#organisations-chosen input[name="organisations"]:not(:checked)`, chromedp.ByQuery),
					chromedp.WaitReady(`#organisations-chosen input[value="`+trust+`"]:checked`, chromedp.ByQuery),
					chromedp.Click(`#organisations-chosen input[name="organisations"]:not(:checked)`, chromedp.ByQuery),
					chromedp.Click(`input[name="agree"]`, chromedp.ByQuery),
					chromedp.Click(`form[action="/stories/new"] button[type="submit"]`, chromedp.ByQuery),
					chromedp.WaitVisible(`#thanks`, chromedp.ByQuery),
				)
				if title != "Chosen without script" || !strings.Contains(found, "1 organisation matches “airedale”") {
					t.Fatalf("after Find: title %q, found %q", title, found)
				}
				if got := strings.Join(storyOrgs(t, a, "Chosen without script"), "|"); !strings.Contains(got, f.trust.Name) || !strings.Contains(got, "Practice 0007 Surgery") {
					t.Fatalf("the story names %q", got)
				}
				if s := b.Scripts(); len(s) != 0 {
					t.Fatalf("scripts ran with JavaScript off: %v", s)
				}
			})
		})
	}
}

// TestBrowserEditorPickers: an editor names a danger's organisation and
// links a story and a dispute by choosing suggestions as they type.
func TestBrowserEditorPickers(t *testing.T) {
	// Parallel: it waits on Chromium and the server more than it computes.
	t.Parallel()
	// SQLite only: the page is the same on both engines, and the search
	// behind it runs on both in TestSuggest and the store suite.
	for _, engine := range []string{store.SQLite} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			f := newPickerFixture(t, a)
			addUser(t, a, "editor@example.org", jigsaw.RoleEditor, "a long enough password")
			b := testrig.StartBrowser(t)
			signInBrowser(t, b, a.URL, "editor@example.org", "a long enough password")
			var org, stories, disputes, expanded string
			var ok bool
			b.Run(t,
				chromedp.Navigate(a.URL+"/tracker/new"),
				chromedp.WaitReady(`#f-organisations-0-organisation[role="combobox"]`, chromedp.ByQuery),
				chromedp.SetValue("#f-kind", "subco-transfer", chromedp.ByID),
				chromedp.SendKeys("#f-title", "Staff moved to AGH Solutions", chromedp.ByID),
				chromedp.SendKeys("#f-status-history-0-on", "2022-11", chromedp.ByID),
				chromedp.SendKeys("#f-organisations-0-organisation", "10660", chromedp.ByID),
				chromedp.WaitVisible(`#f-organisations-0-organisation ~ ul [role="option"]`, chromedp.ByQuery),
				chromedp.SendKeys("#f-organisations-0-organisation", kb.ArrowDown+kb.Enter, chromedp.ByID),
				chromedp.WaitNotVisible(`#f-organisations-0-organisation ~ ul`, chromedp.ByQuery),
				chromedp.Value("#f-organisations-0-organisation", &org, chromedp.ByID),
				chromedp.SendKeys("#f-stories-find", "second", chromedp.ByID),
				chromedp.WaitVisible(`#f-stories-find ~ ul [role="option"]`, chromedp.ByQuery),
				chromedp.Click(`#f-stories-find ~ ul [role="option"]`, chromedp.ByQuery),
				chromedp.WaitNotVisible(`#f-stories-find ~ ul`, chromedp.ByQuery),
				chromedp.SendKeys("#f-disputes-find", "parity", chromedp.ByID),
				chromedp.WaitVisible(`#f-disputes-find ~ ul [role="option"]`, chromedp.ByQuery),
				chromedp.SendKeys("#f-disputes-find", kb.ArrowDown+kb.Enter, chromedp.ByID),
				chromedp.WaitNotVisible(`#f-disputes-find ~ ul`, chromedp.ByQuery),
				chromedp.Value("#f-stories", &stories, chromedp.ByID),
				chromedp.Value("#f-disputes", &disputes, chromedp.ByID),
				chromedp.AttributeValue("#f-stories-find", "aria-expanded", &expanded, &ok, chromedp.ByID),
			)
			if stories != "Second-class citizens (#"+itoa(f.story.ID)+")" ||
				disputes != f.dispute.Title+" (#"+itoa(f.dispute.ID)+")" {
				t.Fatalf("linked: stories %q, disputes %q", stories, disputes)
			}
			if org != f.sub.Name || expanded != "false" {
				t.Fatalf("organisation input holds %q; stories' list expanded %q", org, expanded)
			}
			// The danger's page, not the form's, once it is saved.
			b.Run(t,
				chromedp.Click(`form.edit button[type="submit"]:not([name])`, chromedp.ByQuery),
				chromedp.WaitNotPresent(`form.edit`, chromedp.ByQuery),
			)
			items, _, err := a.DB.FindTrackerItems(ctx, jigsaw.TrackerFilter{Drafts: true, Limit: 5})
			if err != nil || len(items) != 1 {
				t.Fatalf("dangers: %+v %v", items, err)
			}
			it, err := a.DB.FindTrackerItemByID(ctx, items[0].ID)
			if err != nil || len(it.Organisations) != 1 || it.Organisations[0].OrgID != f.sub.ID ||
				len(it.Stories) != 1 || it.Stories[0].ID != f.story.ID || len(it.Disputes) != 1 || it.Disputes[0].ID != f.dispute.ID {
				t.Fatalf("saved: %+v %v", it, err)
			}
			if s := scriptsBesidesPicker(b); len(s) != 0 {
				t.Fatalf("pages ran scripts: %v", s)
			}
		})
	}
}
