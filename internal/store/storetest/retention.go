package storetest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// testRetention makes old and recent rows of every kind ApplyRetention
// drops, on a clock the test sets, and checks that exactly the old ones are
// blanked or deleted and nothing else changes.
func (s *suite) testRetention(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	old, recent := now.Add(-40*24*time.Hour), now.Add(-time.Hour)
	r := jigsaw.Retention{IPs: 30 * 24 * time.Hour, MailBodies: 30 * 24 * time.Hour, Unconfirmed: 14 * 24 * time.Hour}
	at := func(when time.Time) { db.Now = func() time.Time { return when } }

	_, moderator := mustUserContext(t, db, "moderator@example.org")
	audit := func(ip string) *jigsaw.AuditEntry {
		e := &jigsaw.AuditEntry{UserID: moderator.ID, Actor: moderator.Email, Action: "sign-in", ObjectType: "user", ObjectID: moderator.ID, Detail: "d", IP: ip}
		if err := db.RecordAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	session := func(hash, ip string) {
		if err := db.CreateSession(ctx, hash, moderator.ID, ip, "Firefox"); err != nil {
			t.Fatal(err)
		}
	}
	mail := func(to, subject string, sent bool) *jigsaw.Mail {
		m := &jigsaw.Mail{Kind: "test", To: to, Subject: subject, Body: "Body of " + subject}
		if err := db.EnqueueMail(ctx, m); err != nil {
			t.Fatal(err)
		}
		if sent {
			if err := db.MarkMailSent(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	// submit stores a story awaiting confirmation, its confirmation mail
	// sent, as SubmitStory does.
	submit := func(title, email, token string) int64 {
		sub := &jigsaw.Submission{Title: title, Body: "Eleven hours on a trolley.", Kind: jigsaw.StoryPatient, Name: "Ada " + title,
			Email: email, PublishAs: jigsaw.PublishWithoutName, Agree: true, Token: token}
		var m *jigsaw.Mail
		id, _, err := db.SubmitStory(ctx, sub, "", jigsaw.Limit{}, func(id int64) []*jigsaw.Mail {
			m = &jigsaw.Mail{Kind: "story-confirm", To: email, Subject: "Please confirm your story: " + title, Body: "Confirm " + title}
			return []*jigsaw.Mail{m}
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.MarkMailSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		return id
	}

	at(old)
	oldAudit := audit("192.0.2.1")
	session("old-session", "192.0.2.2")
	oldSent := mail("someone@example.org", "Old and sent", true)
	oldQueued := mail("someone@example.org", "Old and never sent", false)
	gone := submit("Never confirmed", "Gone@Example.invalid", "form-gone")
	confirmed := submit("Confirmed", "confirmed@example.invalid", "form-confirmed")
	if err := db.ConfirmStory(ctx, confirmed); err != nil {
		t.Fatal(err)
	}
	// A teller with another story stays, and so does mail to an address
	// another teller or a user still has.
	sharing := submit("Never confirmed, teller stays", "shared@example.invalid", "")
	sameAddress := submit("Never confirmed, address stays", "again@example.invalid", "")
	usersAddress := submit("Never confirmed, a user's address", moderator.Email, "")
	queuedToGone := mail("gone@example.invalid", "Queued to the unconfirmed", false)
	// A consent changed later is tied to its teller, not to a story.
	if err := db.ExecRaw(ctx, `INSERT INTO consents (person_id, story_id, kind, value, wording, given_at)
		SELECT person_id, CAST(NULL AS BIGINT), 'contact-media', 'no', 'Changed my mind.', submitted_at FROM stories WHERE id = $1`, gone); err != nil {
		t.Fatal(err)
	}

	at(recent)
	recentAudit := audit("192.0.2.3")
	session("recent-session", "192.0.2.4")
	recentSent := mail("someone@example.org", "Recent and sent", true)
	waiting := submit("Still awaiting confirmation", "waiting@example.invalid", "form-waiting")
	submit("Sent again", "again@example.invalid", "")
	other := submit("The sharing teller's other story", "shared-too@example.invalid", "")
	if err := db.ConfirmStory(ctx, other); err != nil {
		t.Fatal(err)
	}
	var sharedPerson int64
	query(t, db, `SELECT person_id FROM stories WHERE id = $1`, []any{sharing}, &sharedPerson)
	for _, table := range []string{"stories", "consents"} {
		key := map[string]string{"stories": "id", "consents": "story_id"}[table]
		if err := db.ExecRaw(ctx, `UPDATE `+table+` SET person_id = $1 WHERE `+key+` = $2`, sharedPerson, other); err != nil {
			t.Fatal(err)
		}
	}

	people, consents, revisions, submissions := count(t, db, "people"), count(t, db, "consents"), count(t, db, "story_revisions"), count(t, db, "submissions")
	at(now.Add(time.Minute)) // ApplyRetention goes by its argument, not the store's clock
	n, err := db.ApplyRetention(ctx, now, r)
	if err != nil {
		t.Fatal(err)
	}
	want := jigsaw.RetentionCounts{IPs: 2, MailBodies: 6, Stories: 4, People: 3, Mails: 2}
	if n != want {
		t.Errorf("dropped %+v, want %+v", n, want)
	}

	// Addresses: the old ones blanked, the entries otherwise as they were.
	entries, _, err := db.FindAudit(ctx, jigsaw.AuditFilter{Action: "sign-in"})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*jigsaw.AuditEntry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	for _, tt := range []struct {
		entry  *jigsaw.AuditEntry
		wantIP string
	}{{oldAudit, ""}, {recentAudit, "192.0.2.3"}} {
		want := *tt.entry
		want.IP = tt.wantIP
		got := byID[tt.entry.ID]
		if got == nil || !got.At.Equal(want.At) {
			t.Errorf("audit entry %d: got %+v, want %+v", tt.entry.ID, got, want)
			continue
		}
		if got.At = want.At; *got != want {
			t.Errorf("audit entry %d: got %+v, want %+v", tt.entry.ID, got, want)
		}
	}
	for hash, wantIP := range map[string]string{"old-session": "", "recent-session": "192.0.2.4"} {
		var ip, agent string
		query(t, db, `SELECT ip, user_agent FROM sessions WHERE id_hash = $1`, []any{hash}, &ip, &agent)
		if ip != wantIP || agent != "Firefox" {
			t.Errorf("session %s: ip %q agent %q, want ip %q agent Firefox", hash, ip, agent, wantIP)
		}
	}

	// Mail: the text of old sent mail blanked, the rows kept; mail to the
	// deleted tellers gone, unless their address is still someone's.
	mails, _, err := db.FindMail(ctx, "", 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*jigsaw.Mail{}
	for _, m := range mails {
		got[m.Kind+" "+m.To+" "+m.Subject] = m
	}
	for _, tt := range []struct {
		to, subject string
		sent        bool
		text        bool
	}{
		{"someone@example.org", "", true, false},
		{"someone@example.org", oldQueued.Subject, false, true},
		{"someone@example.org", recentSent.Subject, true, true},
		{"confirmed@example.invalid", "", true, false},
		{"shared@example.invalid", "", true, false},
		{"again@example.invalid", "", true, false},
		{moderator.Email, "", true, false},
		{"waiting@example.invalid", "Please confirm your story: Still awaiting confirmation", true, true},
		{"again@example.invalid", "Please confirm your story: Sent again", true, true},
		{"shared-too@example.invalid", "Please confirm your story: The sharing teller's other story", true, true},
	} {
		kind := "test"
		if tt.to != "someone@example.org" {
			kind = "story-confirm"
		}
		m := got[kind+" "+tt.to+" "+tt.subject]
		if m == nil {
			t.Errorf("no mail to %s with subject %q; have %v", tt.to, tt.subject, keys(got))
			continue
		}
		if sent := !m.SentAt.IsZero(); sent != tt.sent || (m.Body != "") != tt.text || m.CreatedAt.IsZero() {
			t.Errorf("mail %d to %s: sent %v body %q, want sent %v and text %v", m.ID, tt.to, sent, m.Body, tt.sent, tt.text)
		}
		delete(got, kind+" "+tt.to+" "+tt.subject)
	}
	if len(got) != 0 {
		t.Errorf("mail left over: %v (the old sent mail %d, the queued %d should have matched)", keys(got), oldSent.ID, queuedToGone.ID)
	}

	// Stories: the old unconfirmed ones gone with what was theirs.
	for _, id := range []int64{gone, sharing, sameAddress, usersAddress} {
		if _, _, err := db.StoryStatus(ctx, id); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
			t.Errorf("story %d: %v, want ENOTFOUND", id, err)
		}
		for _, table := range []string{"consents", "story_revisions", "submissions", "story_key_issues"} {
			var left int
			query(t, db, `SELECT count(*) FROM `+table+` WHERE story_id = $1`, []any{id}, &left)
			if left != 0 {
				t.Errorf("story %d: %d rows left in %s", id, left, table)
			}
		}
	}
	for id, wantStatus := range map[int64]jigsaw.StoryStatus{confirmed: jigsaw.StoryAwaitingReview, waiting: jigsaw.StoryAwaitingConfirmation, other: jigsaw.StoryAwaitingReview} {
		if st, _, err := db.StoryStatus(ctx, id); err != nil || st != wantStatus {
			t.Errorf("story %d: %s, %v; want %s", id, st, err, wantStatus)
		}
	}
	v, err := db.ModerationView(ctx, other, moderator, "")
	if err != nil {
		t.Fatal(err)
	}
	if v.Person.ID != sharedPerson || len(v.Consents) != 4 {
		t.Errorf("the sharing teller: person %d with %d consents, want %d with the other story's 4", v.Person.ID, len(v.Consents), sharedPerson)
	}
	// Each story had four consents and one revision, one teller a fifth
	// consent; one story had a form token; three of their tellers had no
	// other story.
	for _, tt := range []struct {
		table     string
		was, want int
	}{
		{"people", people, people - 3},
		{"consents", consents, consents - 4*4 - 1},
		{"story_revisions", revisions, revisions - 4},
		{"submissions", submissions, submissions - 1},
	} {
		if got := count(t, db, tt.table); got != tt.want {
			t.Errorf("%s: %d rows, was %d, want %d", tt.table, got, tt.was, tt.want)
		}
	}

	// Applying it again drops nothing more; nor does a retention of nothing.
	if n, err := db.ApplyRetention(ctx, now, r); err != nil || !n.Zero() {
		t.Errorf("second pass: %+v, %v; want nothing", n, err)
	}
	if n, err := db.ApplyRetention(ctx, now.Add(1000*time.Hour), jigsaw.Retention{}); err != nil || !n.Zero() {
		t.Errorf("a zero retention: %+v, %v; want nothing", n, err)
	}

	// The audit log lets an address be blanked, and no entry rewritten.
	for _, stmt := range []string{
		`UPDATE audit_log SET ip = '203.0.113.9' WHERE id = $1`,
		`UPDATE audit_log SET ip = '', detail = 'rewritten' WHERE id = $1`,
		`DELETE FROM audit_log WHERE id = $1`,
	} {
		if err := db.ExecRaw(ctx, stmt, recentAudit.ID); err == nil {
			t.Errorf("%s: changed the audit log", stmt)
		}
	}
}

// query reads one row of a query into dst.
func query(tb testing.TB, db *store.DB, q string, args []any, dst ...any) {
	tb.Helper()
	if err := db.QuietTx(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRowContext(context.Background(), q, args...).Scan(dst...)
	}); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
}

// count returns the number of rows in table.
func count(tb testing.TB, db *store.DB, table string) int {
	tb.Helper()
	var n int
	query(tb, db, `SELECT count(*) FROM `+table, nil, &n)
	return n
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
