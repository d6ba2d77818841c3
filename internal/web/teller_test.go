package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

var tellerLinkRE = regexp.MustCompile(`http://[^\s]+/me\?t=([^\s]+)`)

// A teller's own page, from the link in every mail: their stories, how each
// is named (changing it keeps the old consent and the byline follows),
// withdrawal, their whole data as JSON and as a page, and erasure.
func TestTellerPage(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			smtpd := testrig.StartSMTP(t)
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.SMTP = smtpd.URL() })
			_, mod := a.AsUser(t, jigsaw.RoleModerator)
			form := storyForm("teller-1")
			form.Set("publish_as", "without-name")
			form.Del("publish_name")
			if resp, _ := postForm(t, a.Client, a.URL+"/stories/new", form, nil); resp.StatusCode != 303 {
				t.Fatalf("submit: %d", resp.StatusCode)
			}
			msgs := smtpd.WaitFor(t, 1, 10*time.Second)
			m := tellerLinkRE.FindStringSubmatch(msgs[0].Body)
			if m == nil {
				t.Fatalf("the confirmation mail has no link to the teller's page: %s", msgs[0].Body)
			}
			token := m[1]
			queue, _, _ := a.DB.ModerationQueue(ctx, "", 10, 0)
			id := queue[0].ID
			if err := a.DB.ConfirmStory(ctx, id); err != nil {
				t.Fatal(err)
			}
			if err := a.Server.Pages.Stories.Moderate(ctx, id, jigsaw.Moderation{Action: jigsaw.ModPublish}, mod, "127.0.0.1"); err != nil {
				t.Fatal(err)
			}
			if msgs := smtpd.WaitFor(t, 2, 10*time.Second); !strings.Contains(msgs[1].Subject, "published") {
				t.Fatalf("no mail tells the teller their story is published: %+v", msgs[1])
			}
			me := "/me?t=" + url.QueryEscape(token)
			code, body := a.Get(t, me)
			if code != 200 || !strings.Contains(body, "Eleven hours on a trolley") || !strings.Contains(body, planted.email) {
				t.Fatalf("the teller's page: %d", code)
			}
			if code, _ := a.Get(t, "/me?t="+url.QueryEscape(token+"x")); code != 400 {
				t.Fatalf("a tampered link: %d, want 400", code)
			}

			// Naming: a name to publish is asked for, then the byline follows.
			naming := url.Values{"t": {token}, "story": {itoa(id)}, "publish_as": {"first-name-area"}}
			if resp, body := postForm(t, a.Client, a.URL+"/me/naming", naming, nil); resp.StatusCode != 422 || !strings.Contains(body, "Give the name to publish") {
				t.Fatalf("first name without a name: %d", resp.StatusCode)
			}
			naming.Set("publish_name", "Quentin")
			if resp, _ := postForm(t, a.Client, a.URL+"/me/naming", naming, nil); resp.StatusCode != 303 {
				t.Fatalf("naming: %d", resp.StatusCode)
			}
			if s, err := a.DB.FindPublicStoryByID(ctx, id); err != nil || s.Byline != "Quentin, Keighley" {
				t.Fatalf("byline after the change: %q (%v)", s.Byline, err)
			}
			other := url.Values{"t": {token}, "story": {"999999"}, "publish_as": {"full-name"}}
			if resp, _ := postForm(t, a.Client, a.URL+"/me/naming", other, nil); resp.StatusCode != 404 {
				t.Fatalf("naming a story that is not theirs: %d, want 404", resp.StatusCode)
			}

			// Their data: every text, the consents with their history, the
			// mails, who read their details.
			if _, err := a.DB.ModerationView(ctx, id, mod, "127.0.0.1"); err != nil {
				t.Fatal(err)
			}
			code, raw := a.Get(t, "/me/data.json?t="+url.QueryEscape(token))
			var data struct {
				Email   string `json:"email"`
				Stories []struct {
					Text      string `json:"text"`
					Revisions []any  `json:"revisions"`
				} `json:"stories"`
				Consents []struct{ Kind, Value, Wording string } `json:"consents"`
				Mails    []struct{ Subject string }              `json:"mails_sent"`
				Views    []struct{ By string }                   `json:"viewed_by_moderators"`
			}
			if err := json.Unmarshal([]byte(raw), &data); code != 200 || err != nil {
				t.Fatalf("data.json: %d %v", code, err)
			}
			var namings []string
			for _, c := range data.Consents {
				if c.Kind == "publish-as" {
					namings = append(namings, c.Value)
				}
			}
			if data.Email != planted.email || len(data.Stories) != 1 || !strings.Contains(data.Stories[0].Text, planted.secret) ||
				len(data.Stories[0].Revisions) < 2 || strings.Join(namings, ",") != "without-name,first-name-area" ||
				len(data.Mails) < 2 || len(data.Views) != 1 || data.Views[0].By != mod.Email {
				t.Fatalf("data.json holds %s", raw)
			}
			if code, page := a.Get(t, "/me/data?t="+url.QueryEscape(token)); code != 200 || !strings.Contains(page, planted.phone) {
				t.Fatalf("the data page: %d", code)
			}

			// Withdraw, then ask for erasure.
			if resp, _ := postForm(t, a.Client, a.URL+"/me/withdraw", url.Values{"t": {token}, "story": {itoa(id)}}, nil); resp.StatusCode != 303 {
				t.Fatalf("withdraw: %d", resp.StatusCode)
			}
			if code, _ := a.Get(t, "/stories/"+itoa(id)); code != 404 {
				t.Fatalf("a withdrawn story's page: %d, want 404", code)
			}
			if resp, _ := postForm(t, a.Client, a.URL+"/me/erase", url.Values{"t": {token}}, nil); resp.StatusCode != 303 {
				t.Fatalf("erasure request: %d", resp.StatusCode)
			}
			v, err := a.DB.ModerationView(ctx, id, mod, "127.0.0.1")
			if err != nil || v.ErasureRequestedAt.IsZero() {
				t.Fatalf("the erasure request is not recorded: %v", err)
			}
		})
	}
}
