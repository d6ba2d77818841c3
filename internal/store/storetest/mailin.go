package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"jigsaw"
)

// emailedStory is a story as the mail-in listener hands it over: no kind,
// no consents, one attachment.
func emailedStory(email string) *jigsaw.Submission {
	return &jigsaw.Submission{
		Title: "Ward closed at night", Body: "The ward closed at night and we waited eleven hours.",
		Name: "Ada Lovelace", Email: email, Channel: jigsaw.ChannelEmail, Token: "<m1@example.invalid>",
		Attachments: []jigsaw.Attachment{{Filename: "letter.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 letter")}},
	}
}

// testMailInStory follows a story by email through the store: stored
// without consents and kept out of review until its teller gives them;
// its attachment listed for moderators, each download audited; confirmed
// with its consents; its attachments gone on erasure.
func (s *suite) testMailInStory(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	_, moderator := mustUserContext(t, db, "moderator@example.org")
	id, _, err := db.SubmitStory(ctx, emailedStory("ada@example.invalid"), "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if ch, err := db.StoryChannel(ctx, id); err != nil || ch != jigsaw.ChannelEmail {
		t.Fatalf("StoryChannel: got %q, %v, want email", ch, err)
	}
	if err := db.ConfirmStory(ctx, id); jigsaw.ErrorCode(err) != jigsaw.EINVALID {
		t.Fatalf("ConfirmStory without consents: got %v, want EINVALID", err)
	}
	q, _, err := db.ModerationQueue(ctx, jigsaw.StoryAwaitingReview, 10, 0)
	if err != nil || len(q) != 0 {
		t.Fatalf("review queue before confirmation: got %d stories, %v; want none", len(q), err)
	}
	v, err := db.ModerationView(ctx, id, moderator, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if v.Channel != jigsaw.ChannelEmail || len(v.Consents) != 0 || len(v.Attachments) != 1 {
		t.Fatalf("view: channel %q, %d consents, %d attachments; want email, 0, 1", v.Channel, len(v.Consents), len(v.Attachments))
	}
	at := v.Attachments[0]
	if at.Filename != "letter.pdf" || at.Size != 15 || len(at.Data) != 0 {
		t.Errorf("listed attachment: got %+v, want letter.pdf of 15 bytes without its data", at)
	}
	a, err := db.Attachment(ctx, id, at.ID, moderator, "127.0.0.1")
	if err != nil || !bytes.Equal(a.Data, []byte("%PDF-1.4 letter")) || a.ContentType != "application/pdf" {
		t.Fatalf("Attachment: got %+v, %v", a, err)
	}
	if _, err := db.Attachment(ctx, id+1, at.ID, moderator, "127.0.0.1"); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Errorf("attachment under another story: got %v, want ENOTFOUND", err)
	}
	if _, n, err := db.FindAudit(ctx, jigsaw.AuditFilter{Action: "attachment-view", ObjectType: "story", ObjectID: id}); err != nil || n != 1 {
		t.Errorf("audit of the download: got %d entries, %v; want 1", n, err)
	}
	// What the teller may download of themselves names the file (not its
	// bytes) and the alerts their address holds.
	err = db.SubscribeAlert(ctx, &jigsaw.AlertRequest{Email: "ADA@example.invalid", List: jigsaw.AlertTracker, Filter: "district=BD20",
		Frequency: jigsaw.AlertWeekly, Language: "en"}, nil, jigsaw.Limit{}, func(int64) *jigsaw.Mail {
		return &jigsaw.Mail{Kind: "alert-confirm", To: "ADA@example.invalid", Subject: "Confirm your alert", Body: "A link."}
	})
	if err != nil {
		t.Fatal(err)
	}
	td, err := db.TellerData(ctx, id)
	if err != nil || len(td.Attachments) != 1 || td.Attachments[0].Filename != at.Filename || td.Attachments[0].Size != at.Size ||
		len(td.Attachments[0].Data) != 0 || len(td.Alerts) != 1 || td.Alerts[0].Filter != "district=BD20" || !td.Alerts[0].ConfirmedAt.IsZero() {
		t.Fatalf("teller's data: %+v, %v; want the attachment without its bytes and the unconfirmed alert", td, err)
	}

	c := &jigsaw.Submission{Kind: jigsaw.StoryPatient, Area: "Keighley", District: "BD20", PublishAs: jigsaw.PublishFirstNameArea,
		PublishName: "Ada", ContactMedia: true, Agree: true}
	if err := db.ConfirmEmailStory(ctx, id, c); err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmEmailStory(ctx, id, c); err != nil {
		t.Fatalf("confirming again: %v, want nothing changed", err)
	}
	v, err = db.ModerationView(ctx, id, moderator, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if v.Story.Status != jigsaw.StoryAwaitingReview || v.Story.Kind != jigsaw.StoryPatient || v.Story.Area != "Keighley" || v.PublishAs != jigsaw.PublishFirstNameArea {
		t.Errorf("confirmed: got status %s kind %s area %q as %s", v.Story.Status, v.Story.Kind, v.Story.Area, v.PublishAs)
	}
	if len(v.Consents) != 4 || v.Consents[0].Wording != `Publish my story with the name “Ada” and my area only.` {
		t.Errorf("consents: got %+v", v.Consents)
	}
	q, _, err = db.ModerationQueue(ctx, jigsaw.StoryAwaitingReview, 10, 0)
	if err != nil || len(q) != 1 || q[0].Channel != jigsaw.ChannelEmail {
		t.Fatalf("review queue: got %+v, %v; want the story, marked email", q, err)
	}

	// A story from the form is confirmed with the button alone.
	web := emailedStory("bob@example.invalid")
	web.Channel, web.Attachments, web.Token = "", nil, ""
	web.Kind, web.PublishAs, web.Agree = jigsaw.StoryStaff, jigsaw.PublishWithoutName, true
	webID, _, err := db.SubmitStory(ctx, web, "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmEmailStory(ctx, webID, c); jigsaw.ErrorCode(err) != jigsaw.EINVALID {
		t.Errorf("ConfirmEmailStory of a story from the form: got %v, want EINVALID", err)
	}

	if err := db.ErasePerson(ctx, id, moderator, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Attachment(ctx, id, at.ID, moderator, "127.0.0.1"); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Errorf("attachment after erasure: got %v, want ENOTFOUND", err)
	}
}

// testMailInRetention deletes an emailed story never confirmed, with its
// attachments, as retention deletes any unconfirmed story.
func (s *suite) testMailInRetention(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	_, moderator := mustUserContext(t, db, "moderator@example.org")
	id, _, err := db.SubmitStory(ctx, emailedStory("ada@example.invalid"), "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil })
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.ModerationView(ctx, id, moderator, "127.0.0.1")
	if err != nil || len(v.Attachments) != 1 {
		t.Fatalf("view: %v, %+v", err, v)
	}
	n, err := db.ApplyRetention(ctx, time.Now().Add(30*24*time.Hour), jigsaw.Retention{Unconfirmed: 14 * 24 * time.Hour})
	if err != nil || n.Stories != 1 {
		t.Fatalf("retention: got %+v, %v; want 1 story deleted", n, err)
	}
	if _, err := db.Attachment(ctx, id, v.Attachments[0].ID, moderator, "127.0.0.1"); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Errorf("attachment after retention: got %v, want ENOTFOUND", err)
	}
}
