// Package tips is a tip's way from anyone who knows of a danger or a
// dispute to the editors: the service the web pages call, and the mail
// that asks the tipster to confirm their address. Tips are never public.
package tips

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/stories"
)

// Store is what the service keeps tips in.
type Store interface {
	SubmitTip(ctx context.Context, s *jigsaw.TipSubmission, limitKeys []string, limit jigsaw.Limit, mail func(id int64) *jigsaw.Mail) (int64, error)
	ConfirmTip(ctx context.Context, id int64) error
	TipQueue(ctx context.Context, status jigsaw.TipStatus, limit, offset int) ([]jigsaw.TipQueueItem, int, error)
	ViewTip(ctx context.Context, id int64, viewer *jigsaw.User, ip string) (*jigsaw.Tip, error)
	ActOnTip(ctx context.Context, id int64, action jigsaw.TipAction, by *jigsaw.User, ip string) error
}

// linkConfirm is the purpose of the signed link that confirms a tip.
const linkConfirm = "tip-confirm"

// Service implements jigsaw.TipService on a Store. The links in its mails
// are signed with the stories' signer: one secret per instance.
type Service struct {
	Store Store
	Links *stories.Signer
	// Limit bounds the tips one client address, and one email address,
	// may send.
	Limit jigsaw.Limit
	// WakeMail, if set, asks the mail sender to send queued mail now.
	WakeMail func()
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

var _ jigsaw.TipService = (*Service)(nil)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// SubmitTip implements jigsaw.TipService. A form refused as invalid does
// not count against the limits.
func (s *Service) SubmitTip(ctx context.Context, t *jigsaw.TipSubmission, clientIP string, earlier jigsaw.Problems) (int64, error) {
	t.Normalize()
	p := jigsaw.Problems{}
	for _, e := range []error{earlier.Err(), t.Validate()} {
		for k, v := range jigsaw.FieldErrors(e) {
			p.Add(k, v)
		}
	}
	if err := p.Err(); err != nil {
		return 0, err
	}
	t.ScopeToken()
	now := s.now()
	keys := []string{"tip-ip:" + clientIP, "tip-email:" + strings.ToLower(t.Email)}
	id, err := s.Store.SubmitTip(ctx, t, keys, s.Limit, func(id int64) *jigsaw.Mail {
		return s.confirmMail(t, id, now)
	})
	if err != nil {
		return 0, err
	}
	if s.WakeMail != nil {
		s.WakeMail()
	}
	return id, nil
}

// confirmMail asks the tipster to confirm their address.
func (s *Service) confirmMail(t *jigsaw.TipSubmission, id int64, now time.Time) *jigsaw.Mail {
	link := s.Links.BaseURL + "/tips/confirm?t=" + s.Links.Token(linkConfirm, id, now.Add(stories.ConfirmFor))
	return &jigsaw.Mail{Kind: "tip-confirm", To: t.Email, Subject: "Please confirm your tip", Body: fmt.Sprintf(`Dear %s,

Thank you for telling us about a %s:

%s

Please confirm your email address by opening this link within a week:

%s

Editors read every tip. Your name and email address are seen only by them, and never published.
If you did not send this, ignore this email: the tip will be deleted.
`, t.Name, t.Kind, quote(t.What), link)}
}

// quote indents text as a quotation in a plain-text mail, cut short.
func quote(text string) string {
	if r := []rune(text); len(r) > 500 {
		text = string(r[:500]) + "…"
	}
	return "> " + strings.ReplaceAll(text, "\n", "\n> ")
}

// ConfirmTip implements jigsaw.TipService.
func (s *Service) ConfirmTip(ctx context.Context, token string) error {
	id, err := s.Links.Check(token, linkConfirm, s.now())
	if err != nil {
		return err
	}
	return s.Store.ConfirmTip(ctx, id)
}

// TipQueue implements jigsaw.TipService.
func (s *Service) TipQueue(ctx context.Context, status jigsaw.TipStatus, limit, offset int) ([]jigsaw.TipQueueItem, int, error) {
	return s.Store.TipQueue(ctx, status, limit, offset)
}

// ViewTip implements jigsaw.TipService.
func (s *Service) ViewTip(ctx context.Context, id int64, viewer *jigsaw.User, ip string) (*jigsaw.Tip, error) {
	return s.Store.ViewTip(ctx, id, viewer, ip)
}

// ActOnTip implements jigsaw.TipService.
func (s *Service) ActOnTip(ctx context.Context, id int64, action jigsaw.TipAction, by *jigsaw.User, ip string) error {
	return s.Store.ActOnTip(ctx, id, action, by, ip)
}
