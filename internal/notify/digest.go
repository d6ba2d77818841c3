package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"jigsaw"
)

// DigestStore is what the moderators' digest needs.
type DigestStore interface {
	ClaimPeriodic(ctx context.Context, key string, every time.Duration) (bool, error)
	ModerationQueue(ctx context.Context, status jigsaw.StoryStatus, limit, offset int) ([]jigsaw.QueueItem, int, error)
	Moderators(ctx context.Context) ([]*jigsaw.User, error)
	EnqueueMail(ctx context.Context, m *jigsaw.Mail) error
}

// Digest emails moderators, at most once per Every, the list of stories
// waiting for review: one mail however many stories wait.
type Digest struct {
	Store   DigestStore
	Every   time.Duration
	BaseURL string
	Log     *slog.Logger
	Wake    func()
}

// SendIfDue sends the digest if stories wait and the last one went out
// more than Every ago (across every process sharing the database). It
// returns the number of mails queued.
func (d *Digest) SendIfDue(ctx context.Context) (int, error) {
	waiting, total, err := d.Store.ModerationQueue(ctx, jigsaw.StoryAwaitingReview, 20, 0)
	if err != nil || total == 0 {
		return 0, err
	}
	due, err := d.Store.ClaimPeriodic(ctx, "digest.moderators", d.Every)
	if err != nil || !due {
		return 0, err
	}
	mods, err := d.Store.Moderators(ctx)
	if err != nil {
		return 0, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s stories are waiting for review:\n\n", jigsaw.TotalText(total, len(waiting)))
	for _, q := range waiting {
		fmt.Fprintf(&b, "- %s (%s, submitted %s)\n  %s/moderation/stories/%d\n", q.Title, q.Kind, q.SubmittedAt.Format("2 Jan 2006"), d.BaseURL, q.ID)
	}
	if total > len(waiting) {
		fmt.Fprintf(&b, "\n…and %d more.\n", total-len(waiting))
	}
	fmt.Fprintf(&b, "\nThe queue: %s/moderation\n", d.BaseURL)
	sent := 0
	for _, m := range mods {
		if err := d.Store.EnqueueMail(ctx, &jigsaw.Mail{Kind: "moderator-digest", To: m.Email,
			Subject: fmt.Sprintf("%d stories waiting for review", total), Body: b.String()}); err != nil {
			return sent, err
		}
		sent++
	}
	if sent > 0 && d.Wake != nil {
		d.Wake()
	}
	return sent, nil
}

// Run checks for a due digest every few minutes until ctx ends.
func (d *Digest) Run(ctx context.Context, check time.Duration) {
	t := time.NewTicker(check)
	defer t.Stop()
	for {
		if _, err := d.SendIfDue(ctx); err != nil && ctx.Err() == nil {
			d.Log.ErrorContext(ctx, "moderator digest", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
