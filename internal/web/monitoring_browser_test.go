package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// TestBrowserRecordsAiredaleDispute: an editor records the AGH Solutions
// dispute in Chromium, from its first ballot to its outcome, with the forms
// alone (no script runs on any page), and the dispute then shows on the
// employer's timeline, on its parent trust's and on the area page.
func TestBrowserRecordsAiredaleDispute(t *testing.T) {
	// Parallel: it waits on Chromium and the server more than it computes.
	t.Parallel()
	// SQLite only: the pages are the same on both engines, whose stores
	// the HTTP tests and the store suite cover; TestBrowserStoryJourney
	// walks a browser through both.
	for _, engine := range []string{store.SQLite} {
		t.Run(engine, func(t *testing.T) { testBrowserRecordsAiredaleDispute(t, engine) })
	}
}

func testBrowserRecordsAiredaleDispute(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	trust := &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RCF"}
	if err := a.DB.CreateOrganisation(ctx, trust); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*jigsaw.Organisation{
		{Name: "AGH Solutions Ltd", Kind: jigsaw.OrgSubsidiary, ParentID: trust.ID},
		{Name: "GMB", Kind: jigsaw.OrgUnion},
	} {
		if err := a.DB.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	addUser(t, a, "editor@example.org", jigsaw.RoleEditor, "a long enough password")
	b := testrig.StartBrowser(t)
	signInBrowser(t, b, a.URL, "editor@example.org", "a long enough password")

	// submit clicks a button and waits for the page it leads to, checking
	// its status.
	submit := func(button string, status int64) {
		t.Helper()
		rctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
		defer cancel()
		resp, err := chromedp.RunResponse(rctx, chromedp.Click(button, chromedp.ByQuery))
		if err != nil {
			t.Fatalf("click %s: %v", button, err)
		}
		if resp.Status != status {
			t.Fatalf("click %s: status %d, want %d", button, resp.Status, status)
		}
	}
	text := func(sel string) string {
		t.Helper()
		var s string
		b.Run(t, chromedp.Text(sel, &s, chromedp.ByQuery))
		return s
	}
	expect := func(where, got string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q; it reads:\n%s", where, w, got)
			}
		}
	}
	save := `form.edit button[type=submit]:not([name])`

	// The dispute, as its ballot opens.
	b.Run(t, chromedp.Navigate(a.URL+"/disputes/new"),
		chromedp.SendKeys(`#f-title`, "AGH Solutions: parity with Agenda for Change", chromedp.ByQuery),
		chromedp.SetValue(`#f-status`, "balloting", chromedp.ByQuery),
		chromedp.SendKeys(`#f-parties-0-organisation`, "AGH Solutions Ltd", chromedp.ByQuery),
		chromedp.SendKeys(`#f-parties-1-organisation`, "gmb", chromedp.ByQuery),
		chromedp.SendKeys(`#f-workforce-0-role`, "porters, domestics, caterers and security", chromedp.ByQuery),
		chromedp.SendKeys(`#f-workforce-0-headcount`, "150", chromedp.ByQuery),
		chromedp.SendKeys(`#f-demands`, "Parity with Agenda for Change", chromedp.ByQuery),
		chromedp.SendKeys(`#f-district`, "bd20", chromedp.ByQuery),
		chromedp.SendKeys(`#f-area`, "Keighley", chromedp.ByQuery),
	)
	submit(save, 200)
	expect("the new dispute", text("main"), "AGH Solutions: parity with Agenda for Change", "Balloting", "150 porters", "GMB", "No steps recorded yet.")

	// Its steps: the ballot, its result and the strike, each refused once.
	// Each step starts from a fresh form, as chromedp cannot empty a field
	// (it sets "undefined").
	b.Run(t, chromedp.Click(`a[href$="/steps"]`, chromedp.ByQuery), chromedp.WaitVisible(`#f-kind`, chromedp.ByQuery))
	var stepsURL string
	b.Run(t, chromedp.Location(&stepsURL))
	addStep := func(kind, date, end, turnout, yes string, status int64) {
		t.Helper()
		b.Run(t, chromedp.Navigate(stepsURL), chromedp.SetValue(`#f-kind`, kind, chromedp.ByQuery), chromedp.SetValue(`#f-date`, date, chromedp.ByQuery))
		if end != "" {
			b.Run(t, chromedp.SetValue(`#f-end-date`, end, chromedp.ByQuery))
		}
		if turnout != "" {
			b.Run(t, chromedp.SendKeys(`#f-turnout`, turnout, chromedp.ByQuery), chromedp.SendKeys(`#f-yes-share`, yes, chromedp.ByQuery))
		}
		submit(save, status)
	}
	addStep("ballot-opened", "2025-07-01", "", "", "", 200)
	addStep("ballot-closed", "2025-07-29", "", "120", "94", 422)
	expect("the refused step", text("main"), "Turnout cannot be above 100%.")
	var kept string
	b.Run(t, chromedp.Value(`#f-turnout`, &kept, chromedp.ByQuery))
	if kept != "120" {
		t.Fatalf("the refused turnout shows as %q, want it kept as typed", kept)
	}
	addStep("ballot-closed", "2025-07-29", "", "73.5", "94.35", 200)
	addStep("strike", "2025-09-15", "2025-09-14", "", "", 422)
	expect("the refused strike", text("main"), "The strike cannot end before it starts.")
	addStep("strike", "2025-09-15", "2025-09-17", "", "", 200)
	addStep("offer", "2025-10-20", "", "", "", 200)
	expect("the steps", text("table.steps"), "Ballot opened", "Ballot closed", "turnout 73.5%", "94.35% yes", "Strike", "Offer")

	// The outcome.
	b.Run(t, chromedp.Click(`a[href^="/disputes/"]:not([href$="/steps"])`, chromedp.ByQuery), chromedp.WaitVisible(`.dispute-detail`, chromedp.ByQuery),
		chromedp.Click(`a[href$="/edit"]`, chromedp.ByQuery), chromedp.WaitVisible(`#f-outcome`, chromedp.ByQuery),
		chromedp.SetValue(`#f-status`, "won", chromedp.ByQuery),
		chromedp.SendKeys(`#f-outcome`, "The workers are brought onto Agenda for Change.", chromedp.ByQuery),
		chromedp.SendKeys(`#f-outcome-figures-0-people`, "150", chromedp.ByQuery),
		chromedp.SendKeys(`#f-outcome-figures-0-label`, "workers brought onto Agenda for Change", chromedp.ByQuery),
		chromedp.SendKeys(`#f-outcome-figures-1-label`, "back pay each", chromedp.ByQuery),
		chromedp.SendKeys(`#f-outcome-figures-1-pence`, "£4,000", chromedp.ByQuery),
	)
	submit(save, 200)
	expect("the won dispute", text("main"), "Won", "Ballot opened", "turnout 73.5%", "94.35% voted yes", "Strike (3 days)",
		"150 workers brought onto Agenda for Change", "£4,000 back pay each", "Edit history")

	// It is on the employer's and the parent trust's timelines, and on the
	// area page.
	for _, path := range []string{"/organisations/agh-solutions-ltd", "/organisations/airedale-nhs-foundation-trust"} {
		b.Run(t, chromedp.Navigate(a.URL+path))
		expect(path, text("ol.timeline"), "AGH Solutions: parity with Agenda for Change", "Ballot opened", "Ballot closed, turnout 73.5%, 94.35% yes",
			"15 September 2025 – 17 September 2025", "Strike", "Offer", "About", "AGH Solutions Ltd")
	}
	b.Run(t, chromedp.Navigate(a.URL+"/areas/BD20"))
	expect("/areas/BD20", text("main"), "AGH Solutions: parity with Agenda for Change", "Won")

	// The forms load picker.js; no other script runs.
	if s := scriptsBesidesPicker(b); len(s) != 0 {
		t.Fatalf("pages ran scripts: %v", s)
	}
}
