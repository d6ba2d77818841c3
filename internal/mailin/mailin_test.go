package mailin_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/smtp"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

const address = "stories@test.invalid"

// startApp serves the whole app with the mail-in listener, sending its own
// mail to smtpd.
func startApp(t *testing.T, engine string, smtpd *testrig.SMTPServer) *testrig.TestApp {
	return testrig.StartApp(t, engine, func(c *config.Config) {
		c.SMTP = smtpd.URL()
		c.MailInAddr, c.MailInAddress, c.MailInMaxBytes = "127.0.0.1:0", address, 64<<10
	})
}

// send delivers msg to the listener over SMTP from envelope sender from,
// and returns the listener's answer as an error (nil for 250).
func send(t *testing.T, a *testrig.TestApp, from, to, msg string) error {
	t.Helper()
	return smtp.SendMail(a.MailInAddr(), nil, from, []string{to}, []byte(strings.ReplaceAll(msg, "\n", "\r\n")))
}

// code returns the SMTP status of err, 250 for nil.
func code(err error) int {
	var te *textproto.Error
	if err == nil {
		return 250
	}
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func story(from, subject, body string) string {
	return fmt.Sprintf("From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%d@example.org>\n\n%s\n", from, address, subject, time.Now().UnixNano(), body)
}

var confirmRE = regexp.MustCompile(`http://[^\s]+/stories/confirm\?t=[^\s]+`)

// TestMailIn runs the listener's tests on one app for each engine.
func TestMailIn(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			smtpd := testrig.StartSMTP(t)
			a := startApp(t, engine, smtpd)
			t.Run("StoryByEmail", func(t *testing.T) { testStoryByEmail(t, a, smtpd) })
			t.Run("Refusals", func(t *testing.T) { testRefusals(t, a) })
		})
	}
}

// testStoryByEmail follows an emailed story from the listener to its
// public page: answered with a confirmation mail, out of the moderators'
// queue until its teller gives consents through the signed link, then
// published without the sender's address. Its attachment reaches
// moderators alone.
func testStoryByEmail(t *testing.T, a *testrig.TestApp, smtpd *testrig.SMTPServer) {
	ctx := context.Background()
	if _, body := a.Get(t, "/stories/new"); !strings.Contains(body, "mailto:"+address) {
		t.Error("the story form does not give the mail-in address")
	}

	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\nthe trust's letter"))
	msg := "From: Ada Lovelace <ada@example.org>\nTo: " + address + "\nSubject: Night closure of Ward 7\nMessage-ID: <first@example.org>\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n" +
		"--b\nContent-Type: text/plain; charset=utf-8\n\nThe ward closed at night and my mother waited eleven hours.\n" +
		"--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=letter.pdf\nContent-Transfer-Encoding: base64\n\n" + pdf + "\n" +
		"--b\nContent-Type: application/zip\nContent-Disposition: attachment; filename=notes.zip\n\nPK\x03\x04\n--b--\n"
	if err := send(t, a, "ada@example.org", address, msg); err != nil {
		t.Fatalf("send: %v", err)
	}
	// The same message delivered again (a relay's retry) is one story.
	if err := send(t, a, "ada@example.org", address, msg); err != nil {
		t.Fatalf("send again: %v", err)
	}
	mails := smtpd.WaitFor(t, 1, 10*time.Second)
	m := mails[0]
	if m.To != "ada@example.org" || m.Header.Get("Auto-Submitted") != "auto-replied" || !strings.Contains(m.Body, "notes.zip") {
		t.Errorf("confirmation: to %q, Auto-Submitted %q, body %q", m.To, m.Header.Get("Auto-Submitted"), m.Body)
	}
	link := confirmRE.FindString(m.Body)
	if link == "" {
		t.Fatalf("no confirmation link in %q", m.Body)
	}

	q, _, err := a.DB.ModerationQueue(ctx, jigsaw.StoryAwaitingReview, 10, 0)
	if err != nil || len(q) != 0 {
		t.Fatalf("review queue before confirmation: %+v, %v", q, err)
	}
	all, _, err := a.DB.ModerationQueue(ctx, "", 10, 0)
	if err != nil || len(all) != 1 {
		t.Fatalf("stories stored: got %d, %v; want 1 (the second delivery is the same story)", len(all), err)
	}
	id := all[0].ID

	u, _ := url.Parse(link)
	token := u.Query().Get("t")
	if code, body := a.Get(t, u.RequestURI()); code != 200 || !strings.Contains(body, `name="consents"`) || !strings.Contains(body, `name="publish_as"`) {
		t.Fatalf("confirmation page: %d, without the consent form", code)
	}
	post := func(c *http.Client, path string, v url.Values) (int, string) {
		t.Helper()
		resp, err := c.PostForm(a.URL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := post(a.Client, "/stories/confirm", url.Values{"t": {token}}); code != 400 {
		t.Errorf("confirming without consents: got %d, want 400", code)
	}
	if code, body := post(a.Client, "/stories/confirm", url.Values{"t": {token}, "consents": {"yes"}, "kind": {"carer"}, "publish_as": {"first-name-area"}}); code != 422 ||
		!strings.Contains(body, "agree-error") || !strings.Contains(body, "publish_name-error") {
		t.Errorf("consents without agreement: got %d, want 422 naming agree and publish_name", code)
	}
	if q, _, _ := a.DB.ModerationQueue(ctx, jigsaw.StoryAwaitingReview, 10, 0); len(q) != 0 {
		t.Fatal("a refused confirmation put the story in the queue")
	}
	if code, body := post(a.Client, "/stories/confirm", url.Values{"t": {token}, "consents": {"yes"}, "kind": {"carer"}, "area": {"Keighley"},
		"publish_as": {"first-name-area"}, "publish_name": {"Ada"}, "agree": {"yes"}}); code != 200 || !strings.Contains(body, `id="confirmed"`) {
		t.Fatalf("confirming: got %d", code)
	}

	mod, _ := a.AsUser(t, jigsaw.RoleModerator)
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)
	get := func(c *http.Client, path string) (int, string) {
		t.Helper()
		resp, err := c.Get(a.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(mod, "/moderation?status=awaiting-review"); code != 200 || !strings.Contains(body, "Night closure of Ward 7") || !strings.Contains(body, "By email") {
		t.Errorf("queue: %d, want the story marked by email", code)
	}
	_, page := get(mod, fmt.Sprintf("/moderation/stories/%d", id))
	attRE := regexp.MustCompile(`/moderation/stories/\d+/attachments/\d+`)
	att := attRE.FindString(page)
	if att == "" || !strings.Contains(page, "letter.pdf") || strings.Contains(page, "notes.zip") {
		t.Fatalf("moderation page: attachment link %q; want letter.pdf only", att)
	}
	if code, body := get(mod, att); code != 200 || body != "%PDF-1.4\nthe trust's letter" {
		t.Errorf("moderator's download: %d %q", code, body)
	}
	if code, _ := get(editor, att); code != 403 {
		t.Errorf("editor's download: got %d, want 403", code)
	}
	if code, _ := get(a.Client, att); code != 303 {
		t.Errorf("anonymous download: got %d, want 303 to sign in", code)
	}
	if _, n, err := a.DB.FindAudit(ctx, jigsaw.AuditFilter{Action: "attachment-view", ObjectID: id}); err != nil || n != 1 {
		t.Errorf("downloads audited: got %d, %v; want 1", n, err)
	}

	if code, _ := post(mod, fmt.Sprintf("/moderation/stories/%d/publish", id), nil); code != 303 {
		t.Fatalf("publish: got %d, want 303", code)
	}
	code, body := a.Get(t, fmt.Sprintf("/stories/%d", id))
	if code != 200 || !strings.Contains(body, "Night closure of Ward 7") || !strings.Contains(body, "Ada, Keighley") {
		t.Fatalf("public page: %d, want the story by Ada, Keighley", code)
	}
	for _, private := range []string{"ada@example.org", "Lovelace", "letter.pdf", "attachments"} {
		if strings.Contains(body, private) {
			t.Errorf("public page shows %q", private)
		}
	}
}

// testRefusals checks what the listener refuses, and what it takes
// without a word.
func testRefusals(t *testing.T, a *testrig.TestApp) {
	ctx := context.Background()
	_, before, err := a.DB.ModerationQueue(ctx, "", 10, 0)
	if err != nil {
		t.Fatal(err)
	}

	if err := send(t, a, "ada@example.org", "someone@test.invalid", story("ada@example.org", "x", "A story long enough to take.")); code(err) != 550 {
		t.Errorf("another address: got %v, want 550", err)
	}
	big := story("ada@example.org", "Long", strings.Repeat("A long story that goes on.\n", 3000))
	if err := send(t, a, "ada@example.org", address, big); code(err) != 552 {
		t.Errorf("oversized: got %v, want 552", err)
	}
	if err := send(t, a, "ada@example.org", address, story("ada@example.org", "", "No subject, but a story long enough.")); code(err) != 550 || !strings.Contains(err.Error(), "Subject") {
		t.Errorf("no subject: got %v, want 550 saying the subject is missing", err)
	}

	// Machines' mail is taken and dropped: no story, no answer.
	for _, m := range []struct{ envelope, msg string }{
		{"bot@example.org", "Auto-Submitted: auto-replied\n" + story("bot@example.org", "Out of office", "I am away until Monday, back soon.")},
		{"", story("bounce@example.org", "Undelivered mail", "Your message could not be delivered.")},
		{"list@example.org", "List-Id: <campaign.example.org>\n" + story("list@example.org", "Newsletter", "This month in the campaign.")},
	} {
		if err := send(t, a, m.envelope, address, m.msg); err != nil {
			t.Errorf("machine's mail from %q: got %v, want 250 and dropped", m.envelope, err)
		}
	}
	for _, to := range []string{"bot@example.org", "bounce@example.org", "list@example.org"} {
		if mails, _, err := a.DB.FindMail(ctx, to, 10, 0); err != nil || len(mails) != 0 {
			t.Errorf("mail to %s: got %d, %v; want none", to, len(mails), err)
		}
	}
	if _, after, err := a.DB.ModerationQueue(ctx, "", 10, 0); err != nil || after != before {
		t.Errorf("stories from machines: got %d, %v; want none", after-before, err)
	}

	// One sender: ten stories an hour, and so ten answers.
	for i := 1; i <= 11; i++ {
		err := send(t, a, "carol@example.org", address, story("Carol <carol@example.org>", fmt.Sprintf("Story %d", i), "Another thing that happened on the ward."))
		if want := map[bool]int{true: 250, false: 451}[i <= 10]; code(err) != want {
			t.Errorf("message %d: got %v, want %d", i, err, want)
		}
	}
	if mails, _, err := a.DB.FindMail(ctx, "carol@example.org", 20, 0); err != nil || len(mails) != 10 {
		t.Errorf("answers to carol: got %d, %v; want 10", len(mails), err)
	}
}
