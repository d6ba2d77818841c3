package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/notify"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

func TestModeratorDigest(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, u := range []*jigsaw.User{{Email: "mod@example.org", Role: jigsaw.RoleModerator}, {Email: "admin@example.org", Role: jigsaw.RoleAdmin},
			{Email: "ed@example.org", Role: jigsaw.RoleEditor}} {
			db.CreateUser(ctx, u)
		}
		d := &notify.Digest{Store: db, Every: time.Hour, BaseURL: "https://jigsaw.example", Log: testrig.Logger()}
		if n, err := d.SendIfDue(ctx); n != 0 || err != nil {
			t.Fatalf("nothing waiting: sent %d, %v", n, err)
		}
		for i := 0; i < 3; i++ {
			s := &jigsaw.Submission{Title: "Waiting " + string(rune('A'+i)), Body: "x", Kind: jigsaw.StoryPatient, Name: "N", Email: "n@example.invalid",
				PublishAs: jigsaw.PublishWithoutName, Agree: true}
			id, _, err := db.SubmitStory(ctx, s, "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil })
			if err != nil {
				t.Fatal(err)
			}
			db.ConfirmStory(ctx, id)
		}
		// Two processes check at once: one digest goes out.
		other := &notify.Digest{Store: db, Every: time.Hour, BaseURL: "https://jigsaw.example", Log: testrig.Logger()}
		n1, err1 := d.SendIfDue(ctx)
		n2, err2 := other.SendIfDue(ctx)
		if err1 != nil || err2 != nil || n1+n2 != 2 {
			t.Fatalf("sent %d + %d mails (%v %v), want one each for the moderator and the admin", n1, n2, err1, err2)
		}
		mails, _, _ := db.FindMail(ctx, "", 10, 0)
		if len(mails) != 2 || !strings.Contains(mails[0].Body, "3 stories are waiting") || !strings.Contains(mails[0].Body, "Waiting B") {
			t.Fatalf("digest mails: %+v", mails)
		}
		for _, m := range mails {
			if m.To == "ed@example.org" {
				t.Fatal("an editor got the moderators' digest")
			}
		}
		// Not again within the hour; again after it.
		if n, _ := d.SendIfDue(ctx); n != 0 {
			t.Fatalf("second digest within the hour: %d", n)
		}
		db.Now = func() time.Time { return time.Now().Add(61 * time.Minute) }
		if n, _ := d.SendIfDue(ctx); n != 2 {
			t.Fatalf("after the hour: %d", n)
		}
	})
}
