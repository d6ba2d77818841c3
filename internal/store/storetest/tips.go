package storetest

import (
	"context"
	"testing"
	"time"

	"jigsaw"
)

// A tip is stored with its mail, once per form, within the limits; it
// reaches the editors' queue only once confirmed; an editor's view of its
// sender and their action are audited; unconfirmed tips go under the
// retention rules.
func (s *suite) testTips(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	_, editor := mustUserContext(t, db, "tips-editor@example.org")
	limit := jigsaw.Limit{Max: 2, Window: time.Hour}
	submit := func(token, email string) (int64, error) {
		tip := &jigsaw.TipSubmission{Kind: jigsaw.TipDispute, What: "Porters at the infirmary are balloting for strike action.",
			Area: "Leeds", District: "LS1", Organisation: "Leeds Teaching Hospitals", SourceURL: "https://news.example.org/porters",
			Name: "Tess Tipper", Email: email, Contact: true, Token: token}
		return db.SubmitTip(ctx, tip, []string{"tip-ip:192.0.2.7", "tip-email:" + email}, limit, func(id int64) *jigsaw.Mail {
			return &jigsaw.Mail{Kind: "tip-confirm", To: email, Subject: "Please confirm your tip", Body: "link"}
		})
	}
	first, err := submit("form-1", "tess@example.org")
	if err != nil || first == 0 {
		t.Fatalf("submit: %d, %v", first, err)
	}
	if again, err := submit("form-1", "tess@example.org"); err != nil || again != first {
		t.Fatalf("the same form again: %d (%v), want %d", again, err, first)
	}
	if n := count(t, db, "outbox"); n != 1 {
		t.Fatalf("%d mails after one tip sent twice, want 1", n)
	}
	second, err := submit("form-2", "other@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := submit("form-3", "third@example.org"); jigsaw.ErrorCode(err) != jigsaw.ETOOMANY {
		t.Fatalf("a third tip from one address in the hour: %v, want %s", err, jigsaw.ETOOMANY)
	}

	if q, total, err := db.TipQueue(ctx, "", 10, 0); err != nil || total != 0 || len(q) != 0 {
		t.Fatalf("queue before confirmation: %+v %d %v, want empty", q, total, err)
	}
	if err := db.ActOnTip(ctx, first, jigsaw.TipDismiss, editor, "192.0.2.1"); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("acting on an unconfirmed tip: %v, want %s", err, jigsaw.ENOTFOUND)
	}
	for range 2 {
		if err := db.ConfirmTip(ctx, first); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.ConfirmTip(ctx, 999999); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("confirming no tip: %v", err)
	}
	q, total, err := db.TipQueue(ctx, "", 10, 0)
	if err != nil || total != 1 || q[0].ID != first || q[0].Status != jigsaw.TipNew || q[0].Area != "Leeds" {
		t.Fatalf("queue: %+v %d %v", q, total, err)
	}

	tip, err := db.ViewTip(ctx, first, editor, "192.0.2.1")
	if err != nil || tip.Name != "Tess Tipper" || tip.Email != "tess@example.org" || !tip.Contact || tip.SourceURL != "https://news.example.org/porters" ||
		!tip.ConfirmedAt.Equal(now) {
		t.Fatalf("view: %+v %v", tip, err)
	}
	if err := db.ActOnTip(ctx, first, jigsaw.TipDraftDispute, editor, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if err := db.ActOnTip(ctx, first, "publish", editor, "192.0.2.1"); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("an unknown action: %v", err)
	}
	if tip, err = db.ViewTip(ctx, first, editor, ""); err != nil || tip.Status != jigsaw.TipDrafted || tip.HandledBy != editor.Email {
		t.Fatalf("after the draft: %+v %v", tip, err)
	}
	for _, action := range []string{"tip-view", "tip-draft-dispute"} {
		if entries, _, err := db.FindAudit(ctx, jigsaw.AuditFilter{Action: action}); err != nil || len(entries) == 0 || entries[0].ObjectID != first || entries[0].UserID != editor.ID {
			t.Errorf("audit of %s: %+v %v", action, entries, err)
		}
	}

	// A week later the unconfirmed tip and the mail to its address go;
	// the confirmed one stays.
	n, err := db.ApplyRetention(ctx, now.Add(8*24*time.Hour), jigsaw.Retention{Unconfirmed: 7 * 24 * time.Hour})
	if err != nil || n.Tips != 1 || n.Mails != 1 {
		t.Fatalf("retention: %+v %v, want 1 tip and its mail", n, err)
	}
	if _, err := db.ViewTip(ctx, second, editor, ""); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("the unconfirmed tip after retention: %v", err)
	}
	if n := count(t, db, "tips"); n != 1 {
		t.Fatalf("%d tips after retention, want 1", n)
	}
}
