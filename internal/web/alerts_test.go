package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/alerts"
	"jigsaw/internal/config"
	"jigsaw/internal/stories"
	"jigsaw/internal/testrig"
)

var alertLinkRE = regexp.MustCompile(`http://\S+/alerts/confirm/(\S+)`)

// closure publishes a closure of the tracker in district.
func closure(t *testing.T, a *testrig.TestApp, title, district string) {
	t.Helper()
	ctx := context.Background()
	item := &jigsaw.TrackerItem{Kind: jigsaw.TrackerClosure, Title: title, Summary: "The unit closes.", District: district, Area: "Dorset",
		History:   []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2026-01-10"}},
		Sources:   []jigsaw.Source{{URL: "https://news.example.org/" + jigsaw.Slugify(title), Publisher: "Echo"}},
		Published: true}
	if err := a.DB.CreateTrackerItem(ctx, item); err != nil {
		t.Fatal(err)
	}
}

// "Closures in Dorset": subscribed to from the list, confirmed, sent as one
// digest of exactly the two new closures there with the headers of RFC
// 8058, unsubscribed in one click, then nothing more.
func TestAlertJourney(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			smtpd := testrig.StartSMTP(t)
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.SMTP = smtpd.URL() })
			const email = "dora.alert@example.invalid"

			// The list offers its filter as an alert; the form says it in
			// words.
			get(t, a.Client, a.URL+"/tracker?district=dt1&kind=closure").expect(t, 200, `action="/alerts/new"`, `name="list" value="tracker"`, `name="district" value="dt1"`)
			get(t, a.Client, a.URL+"/alerts/new?list=tracker&district=dt1&kind=closure&page=2").expect(t, 200, "DT1", "Closure", `name="district" value="DT1"`)
			// A bad filter is refused naming the field, from the link and
			// from the form.
			get(t, a.Client, a.URL+"/alerts/new?list=tracker&district=BD").expect(t, 400, "(district)", "BD20")
			post(t, a.Client, a.URL+"/alerts/new", url.Values{"list": {"tracker"}, "district": {"BD"}, "email": {email}, "frequency": {"daily"}}).
				expect(t, 400, "(district)")
			post(t, a.Client, a.URL+"/alerts/new", url.Values{"list": {"tracker"}, "district": {"DT1"}, "email": {"nobody"}}).
				expect(t, 422, `href="#f-email"`, `href="#f-frequency"`)

			form := url.Values{"list": {"tracker"}, "district": {"DT1"}, "kind": {"closure"}, "email": {email}, "frequency": {"daily"}}
			if p := post(t, a.Client, a.URL+"/alerts/new", form); p.status != 303 || p.location != "/alerts/sent" {
				t.Fatalf("subscribe: %d %s\n%s", p.status, p.location, p.body)
			}
			msgs := smtpd.WaitFor(t, 1, 10*time.Second)
			m := alertLinkRE.FindStringSubmatch(msgs[0].Body)
			if msgs[0].To != email || m == nil || !strings.Contains(msgs[0].Body, "kind Closure, postcode district DT1") {
				t.Fatalf("confirmation mail: %+v", msgs[0])
			}
			token := m[1]
			get(t, a.Client, m[0]).expect(t, 200, `action="/alerts/confirm/`+token+`"`)
			if due, _ := a.DB.DueAlerts(ctx, time.Now().Add(72*time.Hour), time.Now().Add(72*time.Hour), 10); len(due) != 0 {
				t.Fatalf("due before confirmation: %+v", due)
			}
			post(t, a.Client, a.URL+"/alerts/confirm/forged.link", nil).expect(t, 400)
			post(t, a.Client, m[0], nil).expect(t, 200, `id="confirmed"`)
			// Asked for again once confirmed: the same answer, no mail.
			if p := post(t, a.Client, a.URL+"/alerts/new", form); p.status != 303 || p.location != "/alerts/sent" {
				t.Fatalf("subscribe again: %d %s", p.status, p.location)
			}

			closure(t, a, "Dorchester minor injuries unit to close", "DT1")
			closure(t, a, "Dorchester birth centre to close at night", "DT1")
			closure(t, a, "Keighley ward to close", "BD20")

			links, err := stories.NewSigner(ctx, a.DB, a.URL)
			if err != nil {
				t.Fatal(err)
			}
			later := time.Now().Add(25 * time.Hour)
			digest := &alerts.Digest{Service: &alerts.Service{Store: a.DB, Links: links, WakeMail: a.Mail.Wake, Now: func() time.Time { return later }},
				Hour: 7, From: a.Config.MailFrom, Log: testrig.Logger()}
			if n, err := digest.SendDue(ctx); err != nil || n != 1 {
				t.Fatalf("digests: %d %v, want 1", n, err)
			}
			msgs = smtpd.WaitFor(t, 2, 10*time.Second)
			if len(msgs) != 2 {
				t.Fatalf("%d mails, want the confirmation and one digest", len(msgs))
			}
			d := msgs[1]
			if d.To != email || !strings.Contains(d.Body, "Dorchester minor injuries unit to close") || !strings.Contains(d.Body, "Dorchester birth centre to close at night") ||
				strings.Contains(d.Body, "Keighley") || !strings.Contains(d.Subject, "2 new") {
				t.Fatalf("digest: %s\n%s", d.Subject, d.Body)
			}
			unsubscribe := a.URL + "/alerts/unsubscribe/" + token
			if h := d.Header.Get("List-Unsubscribe"); h != "<"+unsubscribe+">, <mailto:"+a.Config.MailFrom+"?subject=unsubscribe>" {
				t.Errorf("List-Unsubscribe: %q", h)
			}
			for k, want := range map[string]string{"List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "Auto-Submitted": "auto-generated"} {
				if got := d.Header.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
			if !strings.HasPrefix(d.Header.Get("List-Id"), "Alerts of dangers <tracker.alerts.") {
				t.Errorf("List-Id: %q", d.Header.Get("List-Id"))
			}
			// The address's page lists the alert, not the address.
			get(t, a.Client, a.URL+"/alerts/manage/"+token).expect(t, 200, "DT1", `name="all" value="1"`)
			if p := get(t, a.Client, a.URL+"/alerts/manage/"+token); strings.Contains(p.body, email) {
				t.Error("the alerts' page shows the address")
			}
			admin, _ := a.AsUser(t, jigsaw.RoleAdmin)
			get(t, admin, a.URL+"/admin/outbox").expect(t, 200, "Dangers 1")

			// One click, from the mail program: no cookie, another site.
			req, _ := http.NewRequest("POST", unsubscribe, strings.NewReader("List-Unsubscribe=One-Click"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.Header.Set("Origin", "https://webmail.example.org")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
			}
			// The cross-origin check still guards the other forms.
			req, _ = http.NewRequest("POST", a.URL+"/alerts/new", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
				t.Fatalf("subscribe from another site: %v %v", resp.StatusCode, err)
			}

			later = later.Add(25 * time.Hour)
			closure(t, a, "Weymouth clinic to close", "DT1")
			if n, err := digest.SendDue(ctx); err != nil || n != 0 {
				t.Fatalf("digests after unsubscribing: %d %v, want 0", n, err)
			}
			get(t, a.Client, a.URL+"/alerts/manage/"+token).expect(t, 404)
			if mails, _, _ := a.DB.FindMail(ctx, email, 10, 0); len(mails) != 0 {
				t.Errorf("%d mails to the address kept after unsubscribing", len(mails))
			}
		})
	}
}
