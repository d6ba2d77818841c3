package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/demo"
	"jigsaw/internal/testrig"
)

// journey drives one browser through a test app, failing the test with
// the step that went wrong.
type journey struct {
	t *testing.T
	b *testrig.Browser
	a *testrig.TestApp
}

// open loads path (or a full URL) and checks its status is 200.
func (j *journey) open(path string) {
	j.t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = j.a.URL + path
	}
	ctx, cancel := context.WithTimeout(j.b.Ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(path))
	if err != nil {
		j.t.Fatalf("open %s: %v", path, err)
	}
	if resp.Status != 200 {
		j.t.Fatalf("open %s: status %d", path, resp.Status)
	}
}

// submit clicks the button sel and checks that the page it leads to (after
// any redirect) answers 200.
func (j *journey) submit(sel string) {
	j.t.Helper()
	ctx, cancel := context.WithTimeout(j.b.Ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(sel, chromedp.ByQuery))
	if err != nil {
		j.t.Fatalf("click %s: %v", sel, err)
	}
	if resp.Status != 200 {
		var text string
		j.b.Run(j.t, chromedp.Text("main", &text, chromedp.ByQuery))
		j.t.Fatalf("click %s on %s: status %d:\n%s", sel, j.path(), resp.Status, text)
	}
}

// path returns the path and query of the page the browser shows.
func (j *journey) path() string {
	j.t.Helper()
	var u string
	j.b.Run(j.t, chromedp.Location(&u))
	return strings.TrimPrefix(u, j.a.URL)
}

// main returns the text of the page's main content.
func (j *journey) main() string {
	j.t.Helper()
	var text string
	j.b.Run(j.t, chromedp.Text("main", &text, chromedp.ByQuery))
	return text
}

// shots saves screenshots of the page at 375 and 1280 px and goes back
// to the phone.
func (j *journey) shots(name string) {
	j.t.Helper()
	j.b.Screenshot(j.t, name)
	j.b.SetViewport(j.t, testrig.Desktop)
	j.b.Screenshot(j.t, name)
	j.b.SetViewport(j.t, testrig.Phone)
}

// signIn signs in through the login form and waits for the sign-out button.
func (j *journey) signIn(email, password string) {
	j.t.Helper()
	j.open("/login")
	j.b.Run(j.t,
		chromedp.SendKeys("#email", email, chromedp.ByID),
		chromedp.SendKeys("#password", password, chromedp.ByID))
	j.submit(`form[action="/login"] button`)
	j.b.Run(j.t, chromedp.WaitReady(`form[action="/logout"]`, chromedp.ByQuery))
}

func (j *journey) signOut() {
	j.t.Helper()
	j.submit(`form[action="/logout"] button`)
}

// storyLinks lists the links to stories in the page's main content.
func (j *journey) storyLinks() []string {
	j.t.Helper()
	var hrefs []string
	j.b.Run(j.t, chromedp.Evaluate(`[...document.querySelectorAll('main a[href]')].map(a => a.getAttribute('href')).filter(h => /^\/stories\/\d+$/.test(h))`, &hrefs))
	return hrefs
}

// tellStory fills the story form on a phone as a teller would, by typing
// and tapping, and sends it; then confirms from the link in the mail.
// It returns the story's ID.
func (j *journey) tellStory(smtpd *testrig.SMTPServer, title, name, email, publishName string) int64 {
	j.t.Helper()
	j.open("/stories/new")
	j.b.Run(j.t,
		chromedp.SendKeys("#title", title, chromedp.ByID),
		chromedp.SendKeys("#body", "The respite beds we relied on were closed last spring.\n\nNow my mother waits at home with no break for either of us.", chromedp.ByID),
		chromedp.Click(`input[name="kind"][value="carer"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="key_issues"][value="cuts"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="key_issues"][value="safety"]`, chromedp.ByQuery),
		chromedp.SendKeys("#area", "Weymouth", chromedp.ByID),
		chromedp.SendKeys("#district", "DT4", chromedp.ByID),
		chromedp.SendKeys("#happened_on", "2025-04", chromedp.ByID),
		chromedp.SendKeys("#name", name, chromedp.ByID),
		chromedp.SendKeys("#email", email, chromedp.ByID),
		chromedp.Click(`input[name="publish_as"][value="first-name-area"]`, chromedp.ByQuery),
		chromedp.SendKeys("#publish_name", publishName, chromedp.ByID),
		chromedp.Click(`input[name="agree"]`, chromedp.ByQuery),
	)
	j.submit(`form[action="/stories/new"] button[type="submit"]`)
	if p := j.path(); p != "/stories/thanks" {
		j.t.Fatalf("after sending the story the browser shows %s:\n%s", p, j.main())
	}

	// The mail to the teller, and confirming from its link.
	re := regexp.MustCompile(`http://[^\s]+/stories/confirm\?t=[^\s]+`)
	var confirm string
	for deadline := time.Now().Add(10 * time.Second); confirm == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, m := range smtpd.Messages() {
			if m.To == email {
				confirm = re.FindString(m.Body)
			}
		}
	}
	if confirm == "" {
		j.t.Fatalf("no confirmation mail to %s", email)
	}
	j.open(confirm)
	j.submit(`form[action="/stories/confirm"] button`)
	if text := j.main(); !strings.Contains(text, "confirm") {
		j.t.Fatalf("after confirming: %q", text)
	}
	queue, _, err := j.a.DB.ModerationQueue(context.Background(), jigsaw.StoryAwaitingReview, 50, 0)
	if err != nil {
		j.t.Fatal(err)
	}
	for _, q := range queue {
		if q.Title == title {
			return q.ID
		}
	}
	j.t.Fatalf("the confirmed story %q is not awaiting review: %+v", title, queue)
	return 0
}

// filterStories filters the story list by key issue and then district,
// with the list's own form, checking that the address and the results
// change each time.
func (j *journey) filterStories() {
	j.t.Helper()
	j.open("/stories")
	all := j.storyLinks()
	j.b.Run(j.t, chromedp.SetValue(`form[action="/stories"] select[name="issue"]`, "outsourcing", chromedp.ByQuery))
	j.submit(`form[action="/stories"] button[type="submit"]`)
	q, _ := url.Parse(j.path())
	byIssue := j.storyLinks()
	if q.Path != "/stories" || q.Query().Get("issue") != "outsourcing" {
		j.t.Fatalf("filtering by key issue leads to %s", q)
	}
	if len(byIssue) == 0 || len(byIssue) >= len(all) {
		j.t.Fatalf("filtering by key issue shows %d of %d stories", len(byIssue), len(all))
	}
	j.b.Run(j.t, chromedp.SendKeys(`form[action="/stories"] input[name="district"]`, "BD20", chromedp.ByQuery))
	j.submit(`form[action="/stories"] button[type="submit"]`)
	q, _ = url.Parse(j.path())
	both := j.storyLinks()
	if q.Query().Get("issue") != "outsourcing" || q.Query().Get("district") != "BD20" {
		j.t.Fatalf("filtering by district too leads to %s", q)
	}
	if len(both) == 0 || len(both) >= len(byIssue) {
		j.t.Fatalf("filtering by key issue and district shows %d stories, by key issue alone %d", len(both), len(byIssue))
	}
}

// TestBrowserPhoneJourneys walks the main journeys in Chromium on a
// phone-sized window (375 px, phone emulation), on the demo data: a teller
// tells a story and confirms it from the mail; a moderator publishes it;
// it shows with the chosen byline; an editor records a dispute step;
// someone filters the story list. The telling and the filtering are done
// again with JavaScript disabled, which no page may need. Screenshots at
// 375 and 1280 px of the home, story form, story, danger, dispute,
// organisation and moderation pages go to artefacts/screenshots. It runs on
// SQLite: TestBrowserStoryJourney covers the story flow on both engines.
func TestBrowserPhoneJourneys(t *testing.T) {
	// Parallel: it waits on Chromium and the server more than it computes.
	t.Parallel()
	ctx := context.Background()
	smtpd := testrig.StartSMTP(t)
	a := testrig.StartApp(t, "sqlite", func(c *config.Config) { c.SMTP = smtpd.URL() })
	if _, err := demo.Load(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	addUser(t, a, "moderator@example.org", jigsaw.RoleModerator, "a long enough password")
	addUser(t, a, "editor@example.org", jigsaw.RoleEditor, "a long enough password")
	b := testrig.StartBrowser(t)
	j := &journey{t: t, b: b, a: a}
	b.SetViewport(t, testrig.Phone)

	j.open("/")
	j.shots("home")
	j.open("/stories/new")
	j.shots("story-form")

	// A teller on a phone, then the same with JavaScript off.
	id := j.tellStory(smtpd, "The respite beds went", "Rosalind Tewkesbury", "rosalind.t@example.invalid", "Rosalind")
	b.SetScriptsDisabled(t, true)
	b.ResetScripts()
	noJS := j.tellStory(smtpd, "No break for carers", "Ifeoma Hartley", "ifeoma.h@example.invalid", "Ifeoma")
	if s := b.Scripts(); len(s) != 0 {
		t.Fatalf("with JavaScript disabled, pages still ran scripts: %v", s)
	}
	b.SetScriptsDisabled(t, false)

	// A moderator publishes both.
	j.signIn("moderator@example.org", "a long enough password")
	j.open("/moderation")
	j.shots("moderation")
	for _, story := range []int64{id, noJS} {
		s := strconv.FormatInt(story, 10)
		j.open("/moderation")
		j.submit(`main a[href="/moderation/stories/` + s + `"]`)
		j.submit(`form[action="/moderation/stories/` + s + `/publish"] button`)
	}
	j.signOut()

	// Published, with the byline the teller chose.
	for story, byline := range map[int64]string{id: "Rosalind, Weymouth", noJS: "Ifeoma, Weymouth"} {
		j.open("/stories/" + strconv.FormatInt(story, 10))
		if text := j.main(); !strings.Contains(text, byline) || !strings.Contains(text, "respite beds we relied on") {
			t.Errorf("story %d: want the byline %q and the story; the page reads:\n%s", story, byline, text)
		}
	}
	j.open("/stories/" + strconv.FormatInt(id, 10))
	j.shots("story")

	// An editor records a rally in a dispute.
	disputes, _, err := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{})
	if err != nil || len(disputes) == 0 {
		t.Fatalf("demo disputes: %v", err)
	}
	dispute := "/disputes/" + strconv.FormatInt(disputes[0].ID, 10)
	j.signIn("editor@example.org", "a long enough password")
	j.open(dispute + "/steps")
	j.b.Run(t,
		chromedp.SetValue(`#f-kind`, "rally", chromedp.ByQuery),
		chromedp.SetValue(`#f-date`, "2025-11-20", chromedp.ByQuery),
		chromedp.SendKeys(`#f-note`, "Rally outside the trust's board meeting", chromedp.ByQuery))
	j.submit(`form[action="` + dispute + `/steps"] button[type="submit"]`)
	j.signOut()
	j.open(dispute)
	if text := j.main(); !strings.Contains(text, "Rally outside the trust's board meeting") {
		t.Errorf("the dispute page does not show the new step:\n%s", text)
	}
	j.shots("dispute")

	// Filtering the stories, with and without JavaScript.
	j.filterStories()
	b.SetScriptsDisabled(t, true)
	j.filterStories()
	b.SetScriptsDisabled(t, false)

	// The rest of the screenshots.
	dangers, _, err := a.DB.FindTrackerItems(ctx, jigsaw.TrackerFilter{})
	if err != nil || len(dangers) == 0 {
		t.Fatalf("demo dangers: %v", err)
	}
	j.open("/tracker/" + strconv.FormatInt(dangers[0].ID, 10))
	j.shots("danger")
	j.open("/organisations/airedale-nhs-foundation-trust")
	j.shots("organisation")
}
