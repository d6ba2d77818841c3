package stories

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/markdown"
)

// SubmitEmail takes a story that came by email (internal/mailin): checked
// as the form's are, but for the fields its teller gives on the
// confirmation page (jigsaw.ConsentFields), and stored awaiting
// confirmation with the mail that asks for them, in one transaction. The
// story counts against limit for limitKey; past it, it is refused with a
// *jigsaw.RateLimitError. refused names the attachments that were not
// kept, for the mail to say so. A message delivered twice (the same
// Message-ID, as sub.Token) is stored once and answered once: existing is
// then set.
func (s *Service) SubmitEmail(ctx context.Context, sub *jigsaw.Submission, limitKey string, limit jigsaw.Limit, refused []string) (id int64, existing bool, err error) {
	now := s.now()
	sub.Channel = jigsaw.ChannelEmail
	sub.Normalize()
	p := jigsaw.Problems{}
	for _, e := range []error{markdown.Check("body", sub.Body), sub.ValidateEmailed(now)} {
		for k, v := range jigsaw.FieldErrors(e) {
			p.Add(k, v)
		}
	}
	if err := p.Err(); err != nil {
		return 0, false, err
	}
	sub.ScopeToken()
	id, existing, err = s.Store.SubmitStory(ctx, sub, limitKey, limit, func(id int64) []*jigsaw.Mail {
		return []*jigsaw.Mail{s.Links.EmailConfirmMail(sub.Email, sub.Name, sub.Title, id, now, refused)}
	})
	if err != nil {
		return 0, false, err
	}
	s.mailQueued()
	return id, existing, nil
}

// ConfirmWithConsents implements jigsaw.StoryService.
func (s *Service) ConfirmWithConsents(ctx context.Context, token string, c *jigsaw.Submission) (*jigsaw.LinkedStory, error) {
	ls, err := s.LinkedStory(ctx, token, jigsaw.LinkConfirm)
	if err != nil {
		return nil, err
	}
	c.Normalize()
	if err := c.ValidateConsents(s.now()); err != nil {
		return ls, err
	}
	if err := s.Store.ConfirmEmailStory(ctx, ls.ID, c); err != nil {
		return ls, err
	}
	ls.Status = jigsaw.StoryAwaitingReview
	return ls, nil
}

// EmailConfirmMail answers a story sent by email: the teller completes it
// (how it may be published) and confirms it through the signed link.
func (s *Signer) EmailConfirmMail(to, name, title string, id int64, now time.Time, refused []string) *jigsaw.Mail {
	var files string
	if len(refused) > 0 {
		files = fmt.Sprintf(`
We did not keep these files: we keep only pictures (JPEG, PNG, GIF, WebP) and PDF
documents, at most %d of them and %d MB each, for the moderators alone:
  %s
`, jigsaw.MaxAttachments, jigsaw.MaxAttachmentBytes>>20, strings.Join(refused, "\n  "))
	}
	return &jigsaw.Mail{Kind: jigsaw.MailKindEmailConfirm, To: to, Subject: "Please confirm your story: " + oneLine(title), Body: fmt.Sprintf(`Dear %s,

Thank you for your story "%s", which you sent us by email.

Before moderators read it, please open this link, tell us how your story may be
published (with your name, with a name you choose, or without a name), and confirm
your email address:

%s

Moderators read every story before it is published, and publish it only as you chose.
If you did not send this story, ignore this email and it will not be published.
%s
%s`, name, oneLine(title), s.URL(jigsaw.LinkConfirm, id, now), files, s.footer(id, now))}
}
