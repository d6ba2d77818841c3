package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

// tipster is a tip's sender: personal data that no public answer may show.
var tipster = struct{ name, email string }{"Tobias Tipwright-Private", "tobias.tipwright@example.invalid"}

func tipForm(token, email string) url.Values {
	return url.Values{"token": {token}, "kind": {"danger"},
		"what": {"Airedale is putting its porters into a subsidiary company from April.\nStaff were told at a meeting last week."},
		"area": {"Keighley"}, "district": {"bd20"}, "organisation": {"Airedale NHS Foundation Trust"},
		"source_url": {"https://news.example.org/airedale-subco"}, "name": {tipster.name}, "email": {email}, "contact": {"1"}}
}

var tipLinkRE = regexp.MustCompile(`http://\S+/tips/confirm\?t=(\S+)`)

func TestTipJourney(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			smtpd := testrig.StartSMTP(t)
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.SMTP = smtpd.URL(); c.SubmitPerHour = 2 })
			editor, _ := a.AsUser(t, jigsaw.RoleEditor)

			if p := get(t, a.Client, a.URL+"/tips/new?kind=dispute"); p.status != 200 || !strings.Contains(p.body, `value="dispute" checked`) {
				t.Fatalf("form: %d\n%s", p.status, p.body)
			}
			// Every mistake named on the form, nothing stored, nothing
			// counted against the limit.
			p := post(t, a.Client, a.URL+"/tips/new", url.Values{"token": {"t0"}, "district": {"nowhere"}, "source_url": {"javascript:alert(1)"}, "email": {"not an address"}})
			if p.status != 422 {
				t.Fatalf("empty tip: %d", p.status)
			}
			for _, field := range []string{"f-kind", "f-what", "f-district", "f-source-url", "f-name", "f-email"} {
				if !strings.Contains(p.body, `href="#`+field+`"`) || !strings.Contains(p.body, `id="`+field+`-error"`) {
					t.Errorf("the form does not mark %s:\n%s", field, p.body)
				}
			}

			// Sent twice from one form: one tip, one mail.
			for range 2 {
				if p := post(t, a.Client, a.URL+"/tips/new", tipForm("form-1", tipster.email)); p.status != 303 || p.location != "/tips/thanks" {
					t.Fatalf("tip: %d %s\n%s", p.status, p.location, p.body)
				}
			}
			if _, total, _ := a.DB.TipQueue(ctx, jigsaw.TipAwaitingConfirmation, 10, 0); total != 1 {
				t.Fatalf("%d tips awaiting confirmation, want 1", total)
			}
			// Not in the editors' queue before it is confirmed.
			if p := get(t, editor, a.URL+"/tips"); p.status != 200 || strings.Contains(p.body, "porters") {
				t.Fatalf("queue before confirmation: %d", p.status)
			}
			msgs := smtpd.WaitFor(t, 1, 10*time.Second)
			m := tipLinkRE.FindStringSubmatch(msgs[0].Body)
			if msgs[0].To != tipster.email || m == nil {
				t.Fatalf("confirmation mail: %+v", msgs[0])
			}
			if p := get(t, a.Client, m[0]); p.status != 200 || !strings.Contains(p.body, `action="/tips/confirm"`) {
				t.Fatalf("confirm page: %d", p.status)
			}
			if p := post(t, a.Client, a.URL+"/tips/confirm", url.Values{"t": {"forged.link"}}); p.status != 400 {
				t.Errorf("forged link: %d, want 400", p.status)
			}
			if p := post(t, a.Client, a.URL+"/tips/confirm", url.Values{"t": {m[1]}}); p.status != 200 || !strings.Contains(p.body, `id="confirmed"`) {
				t.Fatalf("confirm: %d\n%s", p.status, p.body)
			}

			// The limit per email address: a third tip in the hour from
			// the same address is refused, from any form.
			post(t, a.Client, a.URL+"/tips/new", tipForm("form-2", tipster.email))
			if p := post(t, a.Client, a.URL+"/tips/new", tipForm("form-3", tipster.email)); p.status != 429 || !strings.Contains(p.body, "Too many") {
				t.Errorf("third tip in the hour: %d, want 429", p.status)
			}

			// Editors only: the queue and the tip, its sender's details
			// on the tip's own page alone, each view audited.
			if p := get(t, a.Client, a.URL+"/tips"); p.status != 303 {
				t.Errorf("queue, anonymous: %d, want 303 to sign in", p.status)
			}
			queue, _, _ := a.DB.TipQueue(ctx, "", 10, 0)
			if len(queue) != 1 || queue[0].Status != jigsaw.TipNew {
				t.Fatalf("queue: %+v", queue)
			}
			id := itoa(queue[0].ID)
			p = get(t, editor, a.URL+"/tips")
			if p.status != 200 || !strings.Contains(p.body, `href="/tips/`+id+`"`) || strings.Contains(p.body, tipster.email) || strings.Contains(p.body, tipster.name) {
				t.Fatalf("queue: %d\n%s", p.status, p.body)
			}
			if p := get(t, a.Client, a.URL+"/tips/"+id); p.status != 303 {
				t.Errorf("tip, anonymous: %d, want 303", p.status)
			}
			p = get(t, editor, a.URL+"/tips/"+id)
			p.expect(t, 200, tipster.name, tipster.email, "porters", "https://news.example.org/airedale-subco")
			if entries, _, _ := a.DB.FindAudit(ctx, jigsaw.AuditFilter{Action: "tip-view"}); len(entries) != 1 || entries[0].ObjectID != queue[0].ID {
				t.Errorf("tip views audited: %+v", entries)
			}

			// A draft danger from the tip: the editors' form, filled in
			// with the tip's facts and not its sender.
			p = post(t, editor, a.URL+"/tips/"+id+"/draft-danger", nil)
			if p.status != 303 || p.location != "/tips/"+id+"/draft/danger" {
				t.Fatalf("draft: %d %s", p.status, p.location)
			}
			p = get(t, editor, a.URL+p.location)
			body := html.UnescapeString(p.body)
			if p.status != 200 || !strings.Contains(body, `action="/tracker/new"`) || !strings.Contains(body, "Airedale is putting its porters") ||
				!strings.Contains(body, "https://news.example.org/airedale-subco") || !strings.Contains(body, `value="BD20"`) ||
				strings.Contains(body, tipster.email) || strings.Contains(body, tipster.name) {
				t.Fatalf("draft danger form: %d\n%s", p.status, body)
			}
			if p := get(t, editor, a.URL+"/tips/"+id+"/draft/dispute"); p.status != 200 || !strings.Contains(p.body, `action="/disputes/new"`) {
				t.Errorf("draft dispute form: %d", p.status)
			}
			if p := post(t, editor, a.URL+"/tips/"+id+"/dismiss", nil); p.status != 303 {
				t.Errorf("dismiss: %d", p.status)
			}
			if q, _, _ := a.DB.TipQueue(ctx, jigsaw.TipDismissed, 10, 0); len(q) != 1 {
				t.Errorf("dismissed tips: %+v", q)
			}
			if p := post(t, editor, a.URL+"/tips/"+id+"/publish", nil); p.status != 404 {
				t.Errorf("unknown action: %d, want 404", p.status)
			}
			if p := get(t, editor, a.URL+"/tips?status=lost"); p.status != 400 || !strings.Contains(p.body, "status") {
				t.Errorf("bad status filter: %d, want 400", p.status)
			}

			// Never on a public page.
			for _, path := range []string{"/", "/tracker", "/disputes", "/tips/new", "/tips/thanks", "/sitemap.xml", "/api/v1/tracker", "/embed/tracker"} {
				if p := get(t, a.Client, a.URL+path); strings.Contains(p.body, tipster.email) || strings.Contains(p.body, tipster.name) || strings.Contains(p.body, "porters") {
					t.Errorf("%s shows the tip", path)
				}
			}
		})
	}
}
