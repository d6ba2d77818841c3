// Package stories is a story's way from its teller through moderation: the
// service that the web pages, the JSON API and the command line call
// (Service), the signed links in the mails to tellers (Signer) and the text
// of those mails.
package stories

import (
	"context"
	"slices"
	"time"

	"jigsaw"
	"jigsaw/internal/markdown"
)

// Store is what the service keeps stories in.
type Store interface {
	KeyIssues(ctx context.Context) ([]jigsaw.KeyIssue, error)
	SubmitStory(ctx context.Context, s *jigsaw.Submission, limitKey string, limit jigsaw.Limit, mails func(storyID int64) []*jigsaw.Mail) (int64, bool, error)
	StoryStatus(ctx context.Context, id int64) (jigsaw.StoryStatus, string, error)
	ConfirmStory(ctx context.Context, id int64) error
	StoryChannel(ctx context.Context, id int64) (string, error)
	ConfirmEmailStory(ctx context.Context, id int64, c *jigsaw.Submission) error
	WithdrawStory(ctx context.Context, id int64, ip string) error
	RequestErasure(ctx context.Context, id int64, ip string) error

	ModerationQueue(ctx context.Context, status jigsaw.StoryStatus, limit, offset int) ([]jigsaw.QueueItem, int, error)
	ModerationView(ctx context.Context, id int64, viewer *jigsaw.User, ip string) (*jigsaw.ModerationView, error)
	PublishStoryMailing(ctx context.Context, id int64, by *jigsaw.User, ip string, mail func(email, title string) *jigsaw.Mail) error
	RejectStory(ctx context.Context, id int64, reason string, by *jigsaw.User, ip string, mail func(email, title string) *jigsaw.Mail) error
	RedactStory(ctx context.Context, id int64, passage string, by *jigsaw.User, ip string) error
	EditStory(ctx context.Context, id int64, title, publicBody string, by *jigsaw.User, ip string) error
	AddNote(ctx context.Context, id int64, body string, by *jigsaw.User, ip string) error
	VerifyPerson(ctx context.Context, id int64, note string, by *jigsaw.User, ip string) error
	ErasePerson(ctx context.Context, id int64, by *jigsaw.User, ip string) error
	AddReply(ctx context.Context, storyID, orgID int64, body string, by *jigsaw.User, ip string) error

	TellerData(ctx context.Context, id int64) (*jigsaw.TellerData, error)
	TellerStories(ctx context.Context, id int64) ([]int64, error)
	SetNaming(ctx context.Context, id int64, as jigsaw.PublishAs, publishName, ip string) error
}

// Service implements jigsaw.StoryService on a Store.
type Service struct {
	Store Store
	Links *Signer
	// SubmitLimit bounds the stories one address may submit.
	SubmitLimit jigsaw.Limit
	// WakeMail, if set, asks the mail sender to send queued mail now.
	WakeMail func()
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

var _ jigsaw.StoryService = (*Service)(nil)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// mailQueued wakes the mail sender: a mail to a teller is sent at once
// rather than at the sender's next round.
func (s *Service) mailQueued() {
	if s.WakeMail != nil {
		s.WakeMail()
	}
}

// Submit implements jigsaw.StoryService. A form refused as invalid does not
// count against the submission limit; a story received does, in the same
// transaction that stores it.
func (s *Service) Submit(ctx context.Context, sub *jigsaw.Submission, clientIP string, earlier jigsaw.Problems) (int64, error) {
	issues, err := s.Store.KeyIssues(ctx)
	if err != nil {
		return 0, err
	}
	known := make(map[string]bool, len(issues))
	for _, k := range issues {
		known[k.Slug] = true
	}
	now := s.now()
	sub.Normalize()
	// Every mistake at once: those found reading the input, then a story
	// that would make the renderer build far more than its length (it is
	// rendered for moderators and the public, and is refused here with the
	// limit it is over), then the submission's own checks.
	p := jigsaw.Problems{}
	for _, e := range []error{earlier.Err(), markdown.Check("body", sub.Body), sub.Validate(func(k string) bool { return known[k] }, now)} {
		for k, v := range jigsaw.FieldErrors(e) {
			p.Add(k, v)
		}
	}
	err = p.Err()
	if err != nil {
		return 0, err
	}
	sub.ScopeToken()
	id, _, err := s.Store.SubmitStory(ctx, sub, "submit-ip:"+clientIP, s.SubmitLimit, func(id int64) []*jigsaw.Mail {
		return []*jigsaw.Mail{s.Links.ConfirmMail(sub.Email, sub.Name, sub.Title, id, now)}
	})
	if err != nil {
		return 0, err
	}
	s.mailQueued()
	return id, nil
}

// LinkedStory implements jigsaw.StoryService.
func (s *Service) LinkedStory(ctx context.Context, token, purpose string) (*jigsaw.LinkedStory, error) {
	id, err := s.Links.Check(token, purpose, s.now())
	if err != nil {
		return nil, err
	}
	st, title, err := s.Store.StoryStatus(ctx, id)
	if err != nil {
		return nil, err
	}
	ls := &jigsaw.LinkedStory{ID: id, Title: title, Status: st}
	if purpose == jigsaw.LinkConfirm && st == jigsaw.StoryAwaitingConfirmation {
		// A story by email is confirmed with the consents it lacks.
		ch, err := s.Store.StoryChannel(ctx, id)
		if err != nil {
			return nil, err
		}
		ls.ByEmail = ch == jigsaw.ChannelEmail
	}
	return ls, nil
}

// Confirm implements jigsaw.StoryService.
func (s *Service) Confirm(ctx context.Context, token string) (*jigsaw.LinkedStory, error) {
	ls, err := s.LinkedStory(ctx, token, jigsaw.LinkConfirm)
	if err != nil {
		return nil, err
	}
	if err := s.Store.ConfirmStory(ctx, ls.ID); err != nil {
		return nil, err
	}
	ls.Status = jigsaw.StoryAwaitingReview
	return ls, nil
}

// Withdraw implements jigsaw.StoryService.
func (s *Service) Withdraw(ctx context.Context, token string, erase bool, ip string) (*jigsaw.LinkedStory, error) {
	ls, err := s.LinkedStory(ctx, token, jigsaw.LinkWithdraw)
	if err != nil {
		return nil, err
	}
	if err := s.Store.WithdrawStory(ctx, ls.ID, ip); err != nil {
		return nil, err
	}
	if erase {
		if err := s.Store.RequestErasure(ctx, ls.ID, ip); err != nil {
			return nil, err
		}
	}
	ls.Status = jigsaw.StoryWithdrawn
	return ls, nil
}

// ModerationQueue implements jigsaw.StoryService.
func (s *Service) ModerationQueue(ctx context.Context, status jigsaw.StoryStatus, limit, offset int) ([]jigsaw.QueueItem, int, error) {
	return s.Store.ModerationQueue(ctx, status, limit, offset)
}

// ModerationView implements jigsaw.StoryService.
func (s *Service) ModerationView(ctx context.Context, id int64, viewer *jigsaw.User, ip string) (*jigsaw.ModerationView, error) {
	return s.Store.ModerationView(ctx, id, viewer, ip)
}

// Moderate implements jigsaw.StoryService. A rejection mails the teller
// the reason, queued in the transaction that rejects.
func (s *Service) Moderate(ctx context.Context, id int64, m jigsaw.Moderation, by *jigsaw.User, ip string) error {
	var err error
	switch m.Action {
	case jigsaw.ModPublish:
		now := s.now()
		err = s.Store.PublishStoryMailing(ctx, id, by, ip, func(email, title string) *jigsaw.Mail {
			return s.Links.PublishMail(email, title, id, now)
		})
	case jigsaw.ModReject:
		now := s.now()
		err = s.Store.RejectStory(ctx, id, m.Reason, by, ip, func(email, title string) *jigsaw.Mail {
			return s.Links.RejectMail(email, title, m.Reason, id, now)
		})
	case jigsaw.ModRedact:
		err = s.Store.RedactStory(ctx, id, m.Passage, by, ip)
	case jigsaw.ModEdit:
		if err := markdown.Check("public_body", m.PublicBody); err != nil {
			return err
		}
		err = s.Store.EditStory(ctx, id, m.Title, m.PublicBody, by, ip)
	case jigsaw.ModNote:
		err = s.Store.AddNote(ctx, id, m.Note, by, ip)
	case jigsaw.ModVerify:
		err = s.Store.VerifyPerson(ctx, id, m.Note, by, ip)
	case jigsaw.ModErase:
		err = s.Store.ErasePerson(ctx, id, by, ip)
	default:
		return jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no moderation action %q: use publish, reject, redact, edit, notes, verify or erase.", m.Action)
	}
	if err != nil {
		return err
	}
	s.mailQueued()
	return nil
}

// Reply implements jigsaw.StoryService.
func (s *Service) Reply(ctx context.Context, storyID, orgID int64, body string, by *jigsaw.User, ip string) error {
	return s.Store.AddReply(ctx, storyID, orgID, body, by, ip)
}

// Teller implements jigsaw.StoryService.
func (s *Service) Teller(ctx context.Context, token string) (*jigsaw.TellerData, error) {
	id, err := s.Links.Check(token, jigsaw.LinkTeller, s.now())
	if err != nil {
		return nil, err
	}
	return s.Store.TellerData(ctx, id)
}

// tellerStories returns the ids of the stories of the teller whose page
// link token is.
func (s *Service) tellerStories(ctx context.Context, token string) ([]int64, error) {
	id, err := s.Links.Check(token, jigsaw.LinkTeller, s.now())
	if err != nil {
		return nil, err
	}
	return s.Store.TellerStories(ctx, id)
}

// tellers finds the teller's story storyID through their page's link,
// refusing a story that is not theirs as if it did not exist.
func (s *Service) tellers(ctx context.Context, token string, storyID int64) error {
	ids, err := s.tellerStories(ctx, token)
	if err != nil {
		return err
	}
	if !slices.Contains(ids, storyID) {
		return jigsaw.Errorf(jigsaw.ENOTFOUND, "That is not one of your stories.")
	}
	return nil
}

// SetNaming implements jigsaw.StoryService.
func (s *Service) SetNaming(ctx context.Context, token string, storyID int64, as jigsaw.PublishAs, publishName, ip string) error {
	if err := s.tellers(ctx, token, storyID); err != nil {
		return err
	}
	return s.Store.SetNaming(ctx, storyID, as, publishName, ip)
}

// WithdrawMine implements jigsaw.StoryService.
func (s *Service) WithdrawMine(ctx context.Context, token string, storyID int64, ip string) error {
	if err := s.tellers(ctx, token, storyID); err != nil {
		return err
	}
	return s.Store.WithdrawStory(ctx, storyID, ip)
}

// RequestErasureMine implements jigsaw.StoryService: the request is recorded
// on every story of the person, for a moderator to carry out.
func (s *Service) RequestErasureMine(ctx context.Context, token, ip string) error {
	ids, err := s.tellerStories(ctx, token)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.Store.RequestErasure(ctx, id, ip); err != nil {
			return err
		}
	}
	return nil
}
