package storetest

import (
	"context"
	"testing"
	"time"

	"jigsaw"
)

// An alert is stored with its confirmation mail within the limits; asking
// again changes nothing of a confirmed one; only confirmed ones fall due,
// and one digest is recorded once however many processes build it;
// unsubscribing deletes the address with its mail; unconfirmed ones go
// under the retention rules.
func (s *suite) testAlerts(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	limit := jigsaw.Limit{Max: 3, Window: time.Hour}
	subscribe := func(email, filter string) (int64, error) {
		var sub int64
		r := &jigsaw.AlertRequest{Email: email, List: jigsaw.AlertTracker, Filter: filter, Frequency: jigsaw.AlertDaily, Language: "en"}
		return sub, db.SubscribeAlert(ctx, r, []string{"alert-ip:192.0.2.9"}, limit, func(id int64) *jigsaw.Mail {
			sub = id
			return &jigsaw.Mail{Kind: "alert-confirm", To: email, Subject: "Please confirm your alert", Body: "link",
				Headers: map[string]string{"Auto-Submitted": "auto-replied"}}
		})
	}
	first, err := subscribe("Ann@example.org", "district=DT1&kind=closure")
	if err != nil {
		t.Fatal(err)
	}
	// Asked again before confirming: the mail again, for the same alert.
	again, err := subscribe("ann@example.org", "district=DT1&kind=closure")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "alert_subscriptions"); n != 1 {
		t.Fatalf("%d subscriptions after asking twice, want 1", n)
	}
	if n := count(t, db, "outbox"); n != 2 {
		t.Fatalf("%d mails after asking twice, want 2", n)
	}
	mails, _, err := db.FindMail(ctx, "ann@example.org", 10, 0)
	if err != nil || len(mails) != 2 || mails[0].Headers["Auto-Submitted"] != "auto-replied" {
		t.Fatalf("mails with their headers: %+v %v", mails, err)
	}
	if again != first {
		t.Fatalf("asked again: alert %d, want %d", again, first)
	}
	if _, err := db.ConfirmAlert(ctx, 999999); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("confirming no alert: %v, want %s", err, jigsaw.ENOTFOUND)
	}
	other, err := subscribe("ann@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := subscribe("bob@example.org", ""); jigsaw.ErrorCode(err) != jigsaw.ETOOMANY {
		t.Fatalf("a fourth request from one address in the hour: %v, want %s", err, jigsaw.ETOOMANY)
	}

	if due, err := db.DueAlerts(ctx, now.Add(time.Hour), now.Add(time.Hour), 10); err != nil || len(due) != 0 {
		t.Fatalf("due before confirmation: %+v %v", due, err)
	}
	now = now.Add(time.Minute)
	sub, err := db.ConfirmAlert(ctx, again)
	if err != nil || !sub.ConfirmedAt.Equal(now) || !sub.SeenUntil.Equal(now) || sub.Email != "Ann@example.org" || sub.Filter != "district=DT1&kind=closure" {
		t.Fatalf("confirm: %+v %v", sub, err)
	}
	now = now.Add(time.Minute)
	if sub, err = db.ConfirmAlert(ctx, again); err != nil || !sub.SeenUntil.Equal(now.Add(-time.Minute)) {
		t.Fatalf("confirming again moved it: %+v %v", sub, err)
	}
	// A confirmed alert asked for again: nothing changes, nothing is sent.
	now = now.Add(time.Hour)
	if _, err := subscribe("ann@example.org", "district=DT1&kind=closure"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "outbox"); n != 3 {
		t.Fatalf("%d mails after asking for a confirmed alert, want 3", n)
	}
	if sub, err := db.AlertByID(ctx, again); err != nil || sub.Frequency != jigsaw.AlertDaily {
		t.Fatalf("the confirmed alert after asking again: %+v %v", sub, err)
	}
	subs, err := db.AlertsOfAddress(ctx, again)
	if err != nil || len(subs) != 2 || subs[1].Filter != "" || subs[1].Confirmed() {
		t.Fatalf("the address's alerts: %+v %v", subs, err)
	}

	daily, weekly := jigsaw.AlertDue(now.Add(24*time.Hour), 7)
	due, err := db.DueAlerts(ctx, daily, weekly, 10)
	if err != nil || len(due) != 1 || due[0].ID != sub.ID {
		t.Fatalf("due: %+v %v", due, err)
	}
	until := now.Add(24 * time.Hour)
	m := &jigsaw.Mail{Kind: "alert-digest", To: due[0].Email, Subject: "2 new dangers", Body: "…"}
	if ok, err := db.RecordAlertDigest(ctx, due[0], until, m); err != nil || !ok {
		t.Fatalf("record: %v %v", ok, err)
	}
	if ok, err := db.RecordAlertDigest(ctx, due[0], until.Add(time.Second), m); err != nil || ok {
		t.Fatalf("the same digest recorded twice: %v %v", ok, err)
	}
	if n := count(t, db, "outbox"); n != 4 {
		t.Fatalf("%d mails after one digest recorded twice, want 4", n)
	}
	if due, err := db.DueAlerts(ctx, daily, weekly, 10); err != nil || len(due) != 0 {
		t.Fatalf("due after the digest: %+v %v", due, err)
	}
	if counts, err := db.AlertCounts(ctx); err != nil || len(counts) != 1 || counts[0] != (jigsaw.AlertCount{List: jigsaw.AlertTracker, Confirmed: 1, Unconfirmed: 1}) {
		t.Fatalf("counts: %+v %v", counts, err)
	}

	// One alert of the address, through another's link; then the rest.
	if _, err := db.Unsubscribe(ctx, again, 999999, false); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("unsubscribing an alert of no one: %v", err)
	}
	if n, err := db.Unsubscribe(ctx, again, subs[1].ID, false); err != nil || n != 1 {
		t.Fatalf("unsubscribe one: %d %v", n, err)
	}
	if n := count(t, db, "outbox"); n != 4 {
		t.Fatalf("%d mails while the address holds an alert, want 4", n)
	}
	if n, err := db.Unsubscribe(ctx, again, 0, false); err != nil || n != 1 {
		t.Fatalf("unsubscribe: %d %v", n, err)
	}
	if n := count(t, db, "outbox"); n != 0 {
		t.Fatalf("%d mails to an address that holds no alert, want 0", n)
	}
	if _, err := db.Unsubscribe(ctx, again, 0, true); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("unsubscribing again: %v", err)
	}
	if _, err := db.AlertsOfAddress(ctx, other); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("the address after unsubscribing: %v", err)
	}

	// Never confirmed: deleted with the mail after the retention period.
	now = now.Add(2 * time.Hour)
	if _, err := subscribe("cat@example.org", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := subscribe("cat@example.org", "kind=closure"); err != nil {
		t.Fatal(err)
	}
	n, err := db.ApplyRetention(ctx, now.Add(8*24*time.Hour), jigsaw.Retention{Unconfirmed: 7 * 24 * time.Hour})
	if err != nil || n.Alerts != 2 || count(t, db, "alert_subscriptions") != 0 || count(t, db, "outbox") != 0 {
		t.Fatalf("retention: %+v %v, %d alerts and %d mails left", n, err, count(t, db, "alert_subscriptions"), count(t, db, "outbox"))
	}
}
