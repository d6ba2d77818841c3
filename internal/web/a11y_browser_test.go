package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/smtp"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/demo"
	"jigsaw/internal/server"
	"jigsaw/internal/testrig"
	"jigsaw/internal/webhooks"
)

// maxPageBytes is the most a public page may transfer, images apart: the
// document, its style sheet, scripts and fonts as sent on the wire.
const maxPageBytes = 100 << 10

// allShots asks TestAccessibility for screenshots of every page it checks
// (JIGSAW_SCREENSHOTS=all), not only the journeys' set: they take a third
// of its time.
var allShots = os.Getenv("JIGSAW_SCREENSHOTS") == "all"

// a11yPage is one page TestAccessibility checks.
type a11yPage struct {
	name   string // names the screenshots and the report's entries
	path   string // navigated to, when open is nil
	status int64  // the status the page must answer with; 200 when 0
	// open, when set, reaches the page some other way (submitting a form).
	// It must call b.ResetRequests before the load that brings the page,
	// so that the request log holds that page's requests alone, and
	// return the page's status.
	open   func(t *testing.T) int64
	public bool // checked for weight as well
	// desktop: checked by axe at 1280 px as well as on a phone. The rules
	// read the same markup and colours at both sizes and axe is most of
	// this test's time, so only the pages people share and read most, whose
	// wide layouts differ most, are checked twice.
	desktop bool
}

// TestAccessibility checks every page type, public and staff, with the
// demo data and in the states that matter (a form with errors, a mail's
// signed links): axe-core's WCAG 2.0–2.2 A and AA rules at 375 px (and
// 1280 px for the main pages) with no serious or critical violation (its best practices are reported,
// not enforced); the shared structure (landmarks,
// one h1, heading levels, skip link, error summary); focus visible on
// every focusable element; no sideways scrolling at 320 px; no request to
// anything but this server; and public pages under 100 KB transferred
// before images. It runs on SQLite alone: the markup does not depend on
// the database. With JIGSAW_SCREENSHOTS=all, screenshots of every page at
// 375 and 1280 px go to artefacts/screenshots; always, a report of everything axe found, serious or
// not, with each page's weight, to artefacts/a11y-report.txt.
func TestAccessibility(t *testing.T) {
	// Parallel: it waits on Chromium and the server more than it computes.
	t.Parallel()
	// The pages are checked in parts at once, each with its own server
	// and browser: one after the other they took most of the whole suite's
	// time. A part ends where a journey's pages (a story told, confirmed,
	// withdrawn; a password forgotten and reset) do not.
	parts := []string{"public-a", "public-b", "public-c", "staff-a", "staff-b"}
	reps := make([]*a11yReport, len(parts))
	var routes []server.Route
	start := time.Now()
	t.Run("parts", func(t *testing.T) {
		for i, part := range parts {
			t.Run(part, func(t *testing.T) {
				t.Parallel()
				reps[i] = &a11yReport{}
				if rs := checkAccessibility(t, part, reps[i]); part == "staff-a" {
					routes = rs
				}
			})
		}
	})
	rep := &a11yReport{}
	for _, r := range reps {
		if r != nil {
			rep.lines = append(rep.lines, r.lines...)
			rep.urls = append(rep.urls, r.urls...)
		}
	}
	t.Logf("checked %d pages in %v", len(rep.urls), time.Since(start).Round(time.Millisecond))
	rep.write(t)
	if !t.Failed() {
		checkEveryPageRoute(t, routes, rep.urls)
	}
}

// checkAccessibility checks one part of the pages (see TestAccessibility)
// and returns the server's routes.
func checkAccessibility(t *testing.T, part string, rep *a11yReport) []server.Route {
	ctx := context.Background()
	smtpd := testrig.StartSMTP(t)
	a := testrig.StartApp(t, "sqlite", func(c *config.Config) {
		c.SMTP = smtpd.URL()
		c.MailInAddr, c.MailInAddress = "127.0.0.1:0", "stories@test.invalid" // stories by email
	})
	if _, err := demo.Load(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	staff, admin := a.AsUser(t, jigsaw.RoleAdmin)
	addUser(t, a, "moderator@example.org", jigsaw.RoleModerator, "a long enough password")
	// An item from another instance, for the view from the coalition.
	if err := a.DB.PutRemoteItem(ctx, &jigsaw.RemoteItem{ObjectID: "https://jigsaw.example.net/ap/danger/1", Actor: "https://jigsaw.example.net/actor",
		Domain: "jigsaw.example.net", Kind: "danger", Type: "Article", Name: "Minor injuries unit to close at night", Summary: "From April.",
		Content: "<p>The unit will close <em>at night</em>.</p>", Plain: "The unit will close at night.", URL: "https://jigsaw.example.net/tracker/1"}); err != nil {
		t.Fatal(err)
	}

	// The demo's story, danger, dispute (with steps) and organisation.
	stories, _, err := a.DB.FindPublicStories(ctx, jigsaw.StoryFilter{})
	if err != nil || len(stories) == 0 {
		t.Fatalf("demo stories: %v", err)
	}
	story := strconv.FormatInt(stories[0].ID, 10)
	dangers, _, err := a.DB.FindTrackerItems(ctx, jigsaw.TrackerFilter{})
	if err != nil || len(dangers) == 0 {
		t.Fatalf("demo dangers: %v", err)
	}
	var danger string
	for _, d := range dangers {
		if d.Published && len(d.Sources) > 0 && (danger == "" || d.ValuePence > 0) {
			danger = strconv.FormatInt(d.ID, 10)
		}
	}
	disputes, _, err := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var dispute string
	for _, d := range disputes {
		if len(d.Steps) > 1 && dispute == "" {
			dispute = strconv.FormatInt(d.ID, 10)
		}
	}
	org, err := a.DB.FindOrganisationBySlug(ctx, "airedale-nhs-foundation-trust")
	if err != nil || danger == "" || dispute == "" {
		t.Fatalf("demo data: danger %q, dispute %q, organisation %v", danger, dispute, err)
	}
	orgPath := "/organisations/" + org.Slug
	// A watched source, paused so that the runner leaves it alone.
	source := &jigsaw.WatchedSource{Name: "Contracts Finder: NHS awards", Kind: jigsaw.ImportOCDS,
		URL: "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search", Schedule: jigsaw.WatchDaily, NHSOnly: true, CPV: []string{"851"}}
	if err := a.DB.CreateWatchedSource(ctx, source); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.SetWatchedSourceEnabled(ctx, source.ID, false); err != nil {
		t.Fatal(err)
	}
	// A confirmed tip, for the editors' pages of tips.
	tipID, err := a.DB.SubmitTip(ctx, &jigsaw.TipSubmission{Kind: jigsaw.TipDanger, What: "The trust is closing its birth centre in the spring.",
		Area: "Keighley", SourceURL: "https://news.example.org/birth-centre", Name: "A Tipster", Email: "tipster@example.org"},
		nil, jigsaw.Limit{}, func(int64) *jigsaw.Mail {
			return &jigsaw.Mail{Kind: "tip-confirm", To: "tipster@example.org", Subject: "s", Body: "b"}
		})
	if err != nil || a.DB.ConfirmTip(ctx, tipID) != nil {
		t.Fatalf("tip: %v", err)
	}
	// A paused webhook with a test delivery in its log.
	hook := &jigsaw.Webhook{Name: "Branch website", URL: "https://branch.example.org/jigsaw", Kinds: []string{"story"}, Actions: []string{"create"}}
	if err := a.DB.CreateWebhook(ctx, hook); err != nil {
		t.Fatal(err)
	}
	if out, err := webhooks.Ping(hook, time.Now()); err != nil || a.DB.EnqueueDeliveries(ctx, out) != nil {
		t.Fatalf("webhook ping: %v", err)
	}
	tip := strconv.FormatInt(tipID, 10)

	b := testrig.StartBrowser(t)
	b.SetCacheDisabled(t, true)

	// click clicks a submit button and returns the status of the page it
	// leads to.
	click := func(t *testing.T, sel string) int64 {
		t.Helper()
		rctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
		defer cancel()
		resp, err := chromedp.RunResponse(rctx, chromedp.Click(sel, chromedp.ByQuery))
		if err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
		return resp.Status
	}
	// mailLink waits for a mail with a link matching re and returns it.
	mailLink := func(t *testing.T, re *regexp.Regexp) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			for _, m := range smtpd.Messages() {
				if l := re.FindString(m.Body); l != "" {
					return l
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("no mail has a link like %s", re)
		return ""
	}
	href := func(t *testing.T, sel string) string {
		t.Helper()
		var h string
		b.Run(t, chromedp.AttributeValue(sel, "href", &h, nil, chromedp.ByQuery))
		return h
	}

	confirmRE := regexp.MustCompile(`http://[^\s]+/stories/confirm\?t=[^\s]+`)
	withdrawRE := regexp.MustCompile(`http://[^\s]+/stories/withdraw\?t=[^\s]+`)

	// The teller's pages, reached as a teller reaches them.
	submitStory := func(t *testing.T) int64 {
		b.Run(t, chromedp.Navigate(a.URL+"/stories/new"),
			chromedp.SendKeys("#title", "Six hours in the corridor", chromedp.ByID),
			chromedp.SendKeys("#body", "My father waited six hours on a trolley in the corridor.", chromedp.ByID),
			chromedp.Click(`input[name="kind"][value="patient"]`, chromedp.ByQuery),
			chromedp.SendKeys("#area", "Keighley", chromedp.ByID),
			chromedp.SendKeys("#district", "BD20", chromedp.ByID),
			chromedp.SendKeys("#name", "Tamsin Oduya", chromedp.ByID),
			chromedp.SendKeys("#email", "tamsin.o@example.invalid", chromedp.ByID),
			chromedp.Click(`input[name="publish_as"][value="without-name"]`, chromedp.ByQuery),
			chromedp.Click(`input[name="agree"]`, chromedp.ByQuery),
		)
		b.ResetRequests()
		return click(t, `form[action="/stories/new"] button[type="submit"]`)
	}
	storyErrors := func(t *testing.T) int64 {
		// Only a title: the server's own checks answer, whatever the
		// browser would check first.
		b.Run(t, chromedp.Navigate(a.URL+"/stories/new"),
			chromedp.SendKeys("#title", "Half a story", chromedp.ByID),
			chromedp.Evaluate(`document.querySelector('form[action="/stories/new"]').noValidate = true`, nil),
		)
		b.ResetRequests()
		return click(t, `form[action="/stories/new"] button[type="submit"]`)
	}
	confirmed := func(t *testing.T) int64 {
		b.Run(t, chromedp.Navigate(mailLink(t, confirmRE)))
		b.ResetRequests()
		return click(t, `form[action="/stories/confirm"] button`)
	}
	loginError := func(t *testing.T) int64 {
		b.Run(t, chromedp.Navigate(a.URL+"/login"),
			chromedp.SendKeys("#email", "moderator@example.org", chromedp.ByID),
			chromedp.SendKeys("#password", "not the password at all", chromedp.ByID))
		b.ResetRequests()
		return click(t, `form[action="/login"] button`)
	}
	forgotSent := func(t *testing.T) int64 {
		b.Run(t, chromedp.Navigate(a.URL+"/password/forgot"), chromedp.SendKeys("#email", admin.Email, chromedp.ByID))
		b.ResetRequests()
		return click(t, `form[action="/password/forgot"] button`)
	}
	resetRE := regexp.MustCompile(`http://[^\s]+/password/reset\?t=[A-Za-z0-9_-]+`)
	resetErrors := func(t *testing.T) int64 {
		b.Run(t, chromedp.Navigate(mailLink(t, resetRE)),
			chromedp.SendKeys("#password", "short", chromedp.ByID),
			chromedp.SendKeys("#password_again", "short", chromedp.ByID),
			chromedp.Evaluate(`document.querySelector('form[action="/password/reset"]').noValidate = true`, nil))
		b.ResetRequests()
		return click(t, `form[action="/password/reset"] button`)
	}
	// An alert asked for on its form; the pages of the links of its mail.
	alertSent := func(t *testing.T) int64 {
		b.Run(t, chromedp.Navigate(a.URL+"/alerts/new?list=tracker&kind=closure&district=DT1"),
			chromedp.SendKeys("#f-email", "a11y.alert@example.org", chromedp.ByQuery))
		b.ResetRequests()
		return click(t, `form[action="/alerts/new"] button`)
	}
	alertRE := regexp.MustCompile(`http://[^\s]+/alerts/confirm/[A-Za-z0-9_.-]+`)
	goTo := func(path string) func(t *testing.T) int64 {
		return func(t *testing.T) int64 {
			rctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
			defer cancel()
			resp, err := chromedp.RunResponse(rctx, chromedp.Navigate(path))
			if err != nil {
				t.Fatalf("open %s: %v", path, err)
			}
			return resp.Status
		}
	}
	fromMail := func(re *regexp.Regexp) func(t *testing.T) int64 {
		return func(t *testing.T) int64 { return goTo(mailLink(t, re))(t) }
	}
	// A story by email: the page of its confirmation link asks for the
	// consents; sent empty, it shows their errors.
	emailedConfirm := func(t *testing.T) int64 {
		msg := "From: Rhian Evans <rhian@example.invalid>\r\nSubject: The night ward closed\r\n\r\nThe ward closed at night and we waited eleven hours.\r\n"
		if err := smtp.SendMail(a.MailInAddr(), nil, "rhian@example.invalid", []string{"stories@test.invalid"}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			for _, m := range smtpd.Messages() {
				if l := confirmRE.FindString(m.Body); l != "" && m.To == "rhian@example.invalid" {
					return goTo(l)(t)
				}
			}
		}
		t.Fatal("no confirmation mail for the story by email")
		return 0
	}
	// Its moderation page, marked by email, with the file it brought.
	emailedModerate := func(t *testing.T) int64 {
		pdf := "JVBERi0xLjQKYSBsZXR0ZXI=" // "%PDF-1.4\na letter"
		msg := "From: Gwen Morgan <gwen@example.invalid>\r\nSubject: The letter from the trust\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe trust wrote to say the ward will close.\r\n" +
			"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=letter.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + pdf + "\r\n--b--\r\n"
		if err := smtp.SendMail(a.MailInAddr(), nil, "gwen@example.invalid", []string{"stories@test.invalid"}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		items, _, err := a.DB.ModerationQueue(ctx, jigsaw.StoryAwaitingConfirmation, 100, 0)
		if err != nil || len(items) == 0 || items[len(items)-1].Channel != jigsaw.ChannelEmail {
			t.Fatalf("the story by email is not in the queue: %v", err)
		}
		return goTo(a.URL + "/moderation/stories/" + strconv.FormatInt(items[len(items)-1].ID, 10))(t)
	}
	emailedConfirmErrors := func(t *testing.T) int64 {
		emailedConfirm(t)
		b.Run(t, chromedp.Evaluate(`document.querySelector('form[action="/stories/confirm"]').noValidate = true`, nil))
		b.ResetRequests()
		return click(t, `form[action="/stories/confirm"] button[type="submit"]`)
	}
	alertPage := func(page string) func(t *testing.T) int64 {
		return func(t *testing.T) int64 {
			return goTo(strings.Replace(mailLink(t, alertRE), "/alerts/confirm/", "/alerts/"+page+"/", 1))(t)
		}
	}
	// A link found on the page open leaves the browser on.
	linkOn := func(page, sel string) func(t *testing.T) int64 {
		return func(t *testing.T) int64 {
			goTo(a.URL + page)(t)
			to := href(t, sel)
			b.ResetRequests()
			return goTo(a.URL + to)(t)
		}
	}
	postEmpty := func(page, button string) func(t *testing.T) int64 {
		return func(t *testing.T) int64 {
			goTo(a.URL + page)(t)
			b.ResetRequests()
			return click(t, button)
		}
	}

	public := []a11yPage{
		{name: "home", path: "/", desktop: true},
		{name: "stories", path: "/stories", desktop: true},
		{name: "stories-filtered", path: "/stories?issue=outsourcing&kind=staff"},
		{name: "story", path: "/stories/" + story, desktop: true},
		{name: "story-form", path: "/stories/new", desktop: true},
		{name: "story-form-errors", open: storyErrors, status: 422},
		{name: "story-thanks", open: submitStory},
		{name: "story-confirm", open: fromMail(confirmRE)},
		{name: "story-confirmed", open: confirmed},
		{name: "story-confirm-by-email", open: emailedConfirm},
		{name: "story-confirm-by-email-errors", open: emailedConfirmErrors, status: 422},
		{name: "story-withdraw", open: fromMail(withdrawRE)},
		{name: "teller", open: fromMail(tellerLinkRE)},
		{name: "teller-data", open: func(t *testing.T) int64 {
			return goTo(strings.Replace(mailLink(t, tellerLinkRE), "/me?", "/me/data?", 1))(t)
		}},
		{name: "tracker", path: "/tracker"},
		{name: "danger", path: "/tracker/" + danger, desktop: true},
		{name: "disputes", path: "/disputes"},
		{name: "dispute", path: "/disputes/" + dispute, desktop: true},
		{name: "pledges", path: "/pledges"},
		{name: "pledge", path: "/pledges/1", desktop: true},
		{name: "bad-filter-pledge", path: "/pledges/1?state=x", status: 400},
		{name: "organisations", path: "/organisations"},
		{name: "organisation", path: orgPath, desktop: true},
		{name: "campaigns", path: "/campaigns"},
		{name: "campaign", path: "/campaigns/keep-our-nhs-public", desktop: true},
		{name: "topics", path: "/topics", desktop: true},
		{name: "topic", path: "/topics/1"},
		{name: "area", path: "/areas/BD20"},
		{name: "events", path: "/events"},
		{name: "events-month", path: "/events?view=month", desktop: true},
		{name: "event", path: "/events/1"},
		{name: "map", path: "/map"},
		{name: "charts", path: "/charts"},
		{name: "plans", path: "/plan"},
		{name: "plan", path: "/plan/1", desktop: true}, // the demo's general election
		{name: "seats", path: "/seats"},
		{name: "bad-filter-charts", path: "/charts?from=2025-13", status: 400},
		{name: "search", path: "/search?q=porters"},
		{name: "search-empty", path: "/search"},
		{name: "search-bad", path: "/search?q=*&type=x", status: 400},
		{name: "about", path: "/about"},
		{name: "privacy", path: "/privacy"},
		{name: "api", path: "/api"},
		{name: "api-group", path: "/api?group=disputes"},
		{name: "not-found", path: "/no/such/page", status: 404},
		{name: "bad-filter", path: "/stories?district=BD", status: 400},
		{name: "bad-filter-tracker", path: "/tracker?kind=x", status: 400},
		{name: "embed-story", path: "/embed/stories/" + story},
		{name: "embed-danger", path: "/embed/tracker/" + danger},
		{name: "embed-dispute", path: "/embed/disputes/" + dispute},
		{name: "embed-stories", path: "/embed/stories?issue=outsourcing"},
		{name: "embed-dangers", path: "/embed/tracker"},
		{name: "embed-disputes", path: "/embed/disputes"},
		{name: "tip-form", path: "/tips/new"},
		{name: "tip-thanks", path: "/tips/thanks"},
		{name: "tip-confirm", path: "/tips/confirm?t=x"},
		{name: "alert-form", path: "/alerts/new?list=tracker&kind=closure&district=DT1"},
		{name: "alert-refused", path: "/alerts/new?list=tracker&district=BD", status: 400},
		{name: "alert-sent", open: alertSent},
		{name: "alert-confirm", open: fromMail(alertRE)},
		{name: "alert-manage", open: alertPage("manage")},
		{name: "alert-unsubscribe", open: alertPage("unsubscribe")},
		{name: "login", path: "/login"},
		{name: "login-error", open: loginError, status: 401},
		{name: "password-forgot", path: "/password/forgot"},
		{name: "password-forgot-sent", open: forgotSent},
		{name: "password-reset", open: fromMail(resetRE)},
		{name: "password-reset-errors", open: resetErrors, status: 422},
		{name: "representatives", path: "/representatives"},
		{name: "representative", open: linkOn("/representatives?role=director", `main .card a[href^="/representatives/"]`), desktop: true},
		{name: "resources", path: "/resources"},
		{name: "resource", path: "/resources/1", desktop: true},
		{name: "coalition", path: "/coalition"},
	}
	for i := range public {
		public[i].public = true
	}
	staffPages := []a11yPage{
		{name: "moderation", path: "/moderation", desktop: true},
		{name: "moderate", open: linkOn("/moderation", `main a[href^="/moderation/stories/"]`)},
		{name: "moderate-by-email", open: emailedModerate},
		{name: "story-staff", path: "/stories/" + story},
		{name: "organisation-staff", path: orgPath},
		{name: "danger-new", path: "/tracker/new"},
		{name: "danger-new-errors", open: postEmpty("/tracker/new", `form.edit button[type=submit]:not([name])`), status: 422},
		{name: "danger-edit", path: "/tracker/" + danger + "/edit"},
		{name: "dispute-new", path: "/disputes/new"},
		{name: "event-new", path: "/events/new"},
		{name: "event-edit", path: "/events/1/edit"},
		{name: "dispute-edit", path: "/disputes/" + dispute + "/edit"},
		{name: "dispute-steps", path: "/disputes/" + dispute + "/steps"},
		{name: "dispute-step-edit", open: linkOn("/disputes/"+dispute+"/steps", `main a[href*="/steps/"][href$="/edit"]`)},
		{name: "pledge-new", path: "/pledges/new"},
		{name: "pledge-edit", path: "/pledges/1/edit"},
		{name: "pledge-target-new", path: "/pledges/1/targets/new"},
		{name: "pledge-target-new-errors", open: postEmpty("/pledges/1/targets/new", `form.edit button[type=submit]`), status: 422},
		{name: "pledge-target-edit", open: linkOn("/pledges/1", `main a[href*="/targets/"][href$="/edit"]`)},
		{name: "organisation-new", path: "/organisations/new"},
		{name: "organisation-edit", path: orgPath + "/edit"},
		{name: "organisation-merge", path: orgPath + "/merge"},
		{name: "plan-new", path: "/plan/new"},
		{name: "plan-edit", path: "/plan/1/edit"},
		{name: "seat-new", path: "/seats/new"},
		{name: "seat-edit", path: "/seats/1/edit"},
		{name: "campaign-new", path: "/campaigns/new"},
		{name: "campaign-edit", path: "/campaigns/keep-our-nhs-public/edit"},
		{name: "topic-new", path: "/topics/new"},
		{name: "topic-edit", path: "/topics/1/edit"},
		{name: "resource-new", path: "/resources/new"},
		{name: "resource-edit", path: "/resources/1/edit"},
		{name: "resource-version", path: "/resources/1/versions"},
		{name: "admin-users", path: "/admin/users"},
		{name: "admin-audit", path: "/admin/audit"},
		{name: "admin-outbox", path: "/admin/outbox"},
		{name: "admin-outbox-mail", open: linkOn("/admin/outbox", `main a[href^="/admin/outbox/"]`)},
		{name: "admin-imports", path: "/admin/imports"},
		{name: "admin-sources", path: "/admin/imports/sources"},
		{name: "admin-source", path: "/admin/imports/sources/" + strconv.FormatInt(source.ID, 10)},
		{name: "admin-settings", path: "/admin/settings"},
		{name: "admin-federation", path: "/admin/federation"},
		{name: "webhooks", path: "/webhooks"},
		{name: "webhook", path: "/webhooks/" + strconv.FormatInt(hook.ID, 10), desktop: true},
		{name: "webhook-new", path: "/webhooks/new"},
		{name: "webhook-new-errors", open: postEmpty("/webhooks/new", `form.edit button[type=submit]`), status: 422},
		{name: "webhook-edit", path: "/webhooks/" + strconv.FormatInt(hook.ID, 10) + "/edit"},
		{name: "admin-deliveries", path: "/admin/deliveries", desktop: true},
		{name: "tips", path: "/tips"},
		{name: "tip", path: "/tips/" + tip},
		{name: "tip-draft-danger", path: "/tips/" + tip + "/draft/danger"},
		{name: "tokens", path: "/account/tokens"},
		{name: "two-factor", path: "/account/2fa"},
		{name: "representative-new", path: "/representatives/new"},
		{name: "representative-edit", open: func(t *testing.T) int64 {
			goTo(a.URL + "/representatives?role=director")(t)
			return linkOn(href(t, `main .card a[href^="/representatives/"]`), `main a[href$="/edit"]`)(t)
		}},
		{name: "interest-new", open: func(t *testing.T) int64 {
			goTo(a.URL + "/representatives?role=director")(t)
			return linkOn(href(t, `main .card a[href^="/representatives/"]`), `main a[href$="/interests/new"]`)(t)
		}},
		{name: "interest-edit", open: func(t *testing.T) int64 {
			goTo(a.URL + "/representatives?role=director")(t)
			return linkOn(href(t, `main .card a[href^="/representatives/"]`), `main a[href*="/interests/"][href$="/edit"]`)(t)
		}},
	}

	at := func(name string) int {
		return slices.IndexFunc(public, func(p a11yPage) bool { return p.name == name })
	}
	pages := map[string][]a11yPage{"public-a": public[:at("tracker")], "public-b": public[at("tracker"):at("about")], "public-c": public[at("about"):],
		"staff-a": staffPages[:len(staffPages)/2], "staff-b": staffPages[len(staffPages)/2:]}[part]
	if strings.HasPrefix(part, "staff") {
		cookie := a.SessionCookie(t, staff)
		b.SetCookie(t, a.URL, cookie.Name, cookie.Value)
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) { checkPage(t, b, a.URL, p, goTo, rep) })
	}
	return a.Server.Routes()
}

// notPages are the GET routes that answer with something other than an
// HTML page, which TestAccessibility need not open.
var notPages = regexp.MustCompile(`^GET /(api/|static/|healthz$|readyz$|metrics$|robots\.txt$|sitemap\.xml$|sitemaps/|favicon\.ico$|manifest\.webmanifest$|me/data\.json$|oembed$|(organisations|stories|disputes|tracker)/suggest$|(stories|tracker|disputes|events)\.geojson$|events\.ics$|[a-z]+\.(atom|rss|csv|json)$|pledges/\{id\}/targets\.(csv|json)$|resources/\{id\}/files/|moderation/stories/\{id\}/attachments/|\.well-known/|nodeinfo/|actor(/|$)|ap/)`)

// checkEveryPageRoute fails for each GET route serving a page that none of
// the checked addresses reached, so a new page cannot go unchecked.
func checkEveryPageRoute(t *testing.T, routes []server.Route, urls []string) {
	mux := http.NewServeMux()
	var want []string
	for _, r := range routes {
		if strings.HasPrefix(r.Pattern, "GET ") && !notPages.MatchString(r.Pattern) {
			mux.Handle(r.Pattern, http.NotFoundHandler())
			want = append(want, r.Pattern)
		}
	}
	seen := map[string]bool{}
	for _, u := range urls {
		req, err := http.NewRequest("GET", "http://jigsaw.test"+u, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, pattern := mux.Handler(req)
		seen[pattern] = true
	}
	missing := 0
	for _, p := range want {
		if !seen[p] {
			t.Errorf("no page checked for the route %q: add one to TestAccessibility", p)
			missing++
		}
	}
	t.Logf("%d of the %d page routes checked", len(want)-missing, len(want))
}

// checkPage opens p at 320 px and runs every check on it, at 320, 375 and
// 1280 px, without reloading it.
func checkPage(t *testing.T, b *testrig.Browser, base string, p a11yPage, goTo func(string) func(*testing.T) int64, rep *a11yReport) {
	b.SetViewport(t, testrig.Narrow)
	b.ResetRequests()
	open := p.open
	if open == nil {
		open = goTo(base + p.path)
	}
	want := p.status
	if want == 0 {
		want = 200
	}
	if got := open(t); got != want {
		t.Errorf("status %d, want %d", got, want)
	}
	var url string
	b.Run(t, chromedp.Location(&url))
	rep.add(p.name, "url %s", strings.TrimPrefix(url, base))
	rep.urls = append(rep.urls, strings.TrimPrefix(url, base))

	// Nothing from elsewhere, and light.
	reqs := b.Requests()
	for _, r := range reqs {
		if !r.Loopback() {
			t.Errorf("requested %s (%s): a page may load nothing from elsewhere", r.URL, r.Type)
			rep.add(p.name, "REQUEST ELSEWHERE %s", r.URL)
		}
		if r.Failed != "" && !strings.HasSuffix(r.URL, "/favicon.ico") {
			t.Errorf("request for %s failed: %s", r.URL, r.Failed)
		}
	}
	weight := testrig.PageWeight(reqs)
	rep.add(p.name, "weight %.1f KB in %d requests (images apart)", float64(weight)/1024, len(reqs))
	if p.public && weight >= maxPageBytes {
		var list []string
		for _, r := range reqs {
			list = append(list, fmt.Sprintf("%s %s %d B", r.Type, r.URL, r.Bytes))
		}
		t.Errorf("transferred %d bytes before images, want under %d:\n\t%s", weight, maxPageBytes, strings.Join(list, "\n\t"))
	}

	// Phones: no sideways scrolling from 320 px.
	if o := b.Overflow(t); o != nil {
		t.Errorf("at 320 px the %s", o)
		rep.add(p.name, "OVERFLOW at 320 px: %s", o)
	}

	// Accessibility on a phone, and on a desktop for the main pages.
	sizes := []testrig.Viewport{testrig.Phone}
	if p.desktop || allShots {
		sizes = append(sizes, testrig.Desktop)
	}
	for _, v := range sizes {
		b.SetViewport(t, v)
		vs := b.Axe(t)
		testrig.SortViolations(vs)
		for _, x := range vs {
			rep.add(p.name, "axe at %s px: %s", v.Name, x)
			if x.Serious() && x.WCAG() {
				t.Errorf("axe at %s px: %s", v.Name, x)
			}
		}
		if allShots {
			b.Screenshot(t, p.name)
		}
	}
	for _, s := range b.StructureProblems(t) {
		t.Errorf("structure: %s", s)
		rep.add(p.name, "STRUCTURE %s", s)
	}
	if f := b.FocusProblems(t); len(f) > 0 {
		t.Errorf("focus is not visible on %d elements: %s", len(f), strings.Join(f, ", "))
		rep.add(p.name, "FOCUS not visible on %s", strings.Join(f, ", "))
	}
}

// a11yReport collects what the checks found, page by page, for people to
// read in artefacts/a11y-report.txt.
type a11yReport struct {
	lines []string
	urls  []string // every address checked
}

func (r *a11yReport) add(page, format string, args ...any) {
	r.lines = append(r.lines, page+": "+fmt.Sprintf(format, args...))
}

func (r *a11yReport) write(t *testing.T) {
	path := filepath.Join(testrig.ArtefactsDir(), "a11y-report.txt")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Join(r.lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("report: %s", path)
}
