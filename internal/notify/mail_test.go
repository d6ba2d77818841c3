package notify_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/notify"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

func TestSenderDeliversOverSMTP(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		smtpd := testrig.StartSMTP(t)
		tr, err := notify.NewSMTPTransport(smtpd.URL())
		if err != nil {
			t.Fatal(err)
		}
		m := &jigsaw.Mail{Kind: "test", To: "someone@example.invalid", Subject: "Please confirm — your story", Body: "Hello,\nclick https://x.example/c?t=abc=def\n"}
		if err := db.EnqueueMail(ctx, m); err != nil {
			t.Fatal(err)
		}
		s := notify.NewSender(db, tr, "jigsaw@example.invalid", testrig.Logger())
		if n := s.SendDue(ctx); n != 1 {
			t.Fatalf("sent %d, want 1", n)
		}
		msgs := smtpd.Messages()
		if len(msgs) != 1 {
			t.Fatalf("SMTP server got %d messages", len(msgs))
		}
		got := msgs[0]
		if got.To != "someone@example.invalid" || got.From != "jigsaw@example.invalid" || got.Subject != "Please confirm — your story" ||
			got.Body != "Hello,\nclick https://x.example/c?t=abc=def\n" {
			t.Fatalf("received %+v", got)
		}
		if n := s.SendDue(ctx); n != 0 {
			t.Fatalf("second SendDue sent %d, want 0", n)
		}
		list, total, _ := db.FindMail(ctx, "SOMEONE@example.invalid", 10, 0)
		if total != 1 || list[0].SentAt.IsZero() || list[0].Attempts != 1 {
			t.Fatalf("outbox: %d %+v", total, list)
		}
	})
}

func TestSenderRetriesFailures(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		smtpd := testrig.StartSMTP(t)
		smtpd.Reject = "bounce@example.invalid"
		tr, _ := notify.NewSMTPTransport(smtpd.URL())
		db.EnqueueMail(ctx, &jigsaw.Mail{Kind: "test", To: "bounce@example.invalid", Subject: "s", Body: "b"})
		s := notify.NewSender(db, tr, "j@example.invalid", testrig.Logger())
		if n := s.SendDue(ctx); n != 0 {
			t.Fatalf("sent %d to a rejected address", n)
		}
		list, _, _ := db.FindMail(ctx, "", 10, 0)
		if len(list) != 1 || !list[0].SentAt.IsZero() || !strings.Contains(list[0].LastError, "550") {
			t.Fatalf("outbox after failure: %+v", list[0])
		}
		// Not due again until the back-off has passed.
		if n := s.SendDue(ctx); n != 0 || len(smtpd.Messages()) != 0 {
			t.Fatalf("retried at once")
		}
		smtpd.Reject = ""
		db.Now = func() time.Time { return time.Now().Add(time.Hour) }
		if n := s.SendDue(ctx); n != 1 {
			t.Fatalf("after the back-off: sent %d, want 1", n)
		}
	})
}

// TestOneSenderPerMail runs senders in parallel on one database, as several
// serve processes do: every mail goes out exactly once.
func TestOneSenderPerMail(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		smtpd := testrig.StartSMTP(t)
		tr, _ := notify.NewSMTPTransport(smtpd.URL())
		for i := 0; i < 30; i++ {
			db.EnqueueMail(ctx, &jigsaw.Mail{Kind: "test", To: "x@example.invalid", Subject: "n", Body: "b"})
		}
		var wg sync.WaitGroup
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				notify.NewSender(db, tr, "j@example.invalid", testrig.Logger()).SendDue(ctx)
			}()
		}
		wg.Wait()
		if n := len(smtpd.Messages()); n != 30 {
			t.Fatalf("delivered %d, want exactly 30", n)
		}
	})
}

func TestMailHeaderInjection(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		err := db.EnqueueMail(context.Background(), &jigsaw.Mail{Kind: "t", To: "a@example.invalid\r\nBcc: all@example.invalid", Subject: "s", Body: "b"})
		if jigsaw.ErrorCode(err) != jigsaw.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
	})
}
