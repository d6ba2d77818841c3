// Package alerts sends people who asked for them digests of what is new in
// a public list they filtered: "closures in Dorset", "disputes of Serco".
// It holds the service the web pages call (subscribe with double opt-in,
// confirm, manage, unsubscribe) and the digest that runs from serve.
// Subscribers' addresses are personal data: they appear on no public page
// and only in the mails to them.
package alerts

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/stories"
)

// Store is what alerts are kept in, and the public lists they follow.
type Store interface {
	listparams.Lookup
	SubscribeAlert(ctx context.Context, r *jigsaw.AlertRequest, limitKeys []string, limit jigsaw.Limit, mail func(id int64) *jigsaw.Mail) error
	AlertByID(ctx context.Context, id int64) (*jigsaw.AlertSubscription, error)
	ConfirmAlert(ctx context.Context, id int64) (*jigsaw.AlertSubscription, error)
	AlertsOfAddress(ctx context.Context, id int64) ([]*jigsaw.AlertSubscription, error)
	Unsubscribe(ctx context.Context, own, id int64, all bool) (int64, error)
	DueAlerts(ctx context.Context, daily, weekly time.Time, limit int) ([]*jigsaw.AlertSubscription, error)
	RecordAlertDigest(ctx context.Context, s *jigsaw.AlertSubscription, until time.Time, m *jigsaw.Mail) (bool, error)

	// The public lists' finders, as their pages read them.
	FindPublicStories(ctx context.Context, f jigsaw.StoryFilter) ([]*jigsaw.PublicStory, int, error)
	FindPublicTrackerItems(ctx context.Context, f jigsaw.TrackerFilter) ([]*jigsaw.TrackerItem, int, error)
	FindDisputes(ctx context.Context, f jigsaw.DisputeFilter) ([]*jigsaw.Dispute, int, error)
	FindPublicEvents(ctx context.Context, f jigsaw.EventFilter) ([]*jigsaw.Event, int, error)
}

// linkAlert is the purpose of the signed links of alerts' mails. They do
// not expire: an unsubscribe link must work as long as mail is sent.
const linkAlert = "alert"

// Service implements jigsaw.AlertService on a Store.
type Service struct {
	Store Store
	// Links signs the links in the mails: the instance's one secret.
	Links *stories.Signer
	// Limit bounds the alerts one client address, and one email address,
	// may ask for.
	Limit jigsaw.Limit
	// WakeMail, if set, asks the mail sender to send queued mail now.
	WakeMail func()
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

var _ jigsaw.AlertService = (*Service)(nil)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Subscribe implements jigsaw.AlertService. A refused request does not
// count against the limits.
func (s *Service) Subscribe(ctx context.Context, r *jigsaw.AlertRequest, filter url.Values, clientIP string) error {
	r.Normalize()
	p := jigsaw.Problems{}
	a, err := listparams.AlertFilter(ctx, s.Store, r.List, filter, s.now())
	for k, v := range jigsaw.FieldErrors(err) {
		p.Add(k, v)
	}
	if err != nil && len(jigsaw.FieldErrors(err)) == 0 {
		return err
	}
	r.Filter = a.Query
	for k, v := range jigsaw.FieldErrors(r.Validate()) {
		p.Add(k, v)
	}
	if err := p.Err(); err != nil {
		return err
	}
	keys := []string{"alert-ip:" + clientIP, "alert-email:" + strings.ToLower(r.Email)}
	err = s.Store.SubscribeAlert(ctx, r, keys, s.Limit, func(id int64) *jigsaw.Mail {
		return s.confirmMail(r, a, id)
	})
	if err == nil && s.WakeMail != nil {
		s.WakeMail()
	}
	return err
}

// confirmMail asks whoever holds the address to confirm the alert.
func (s *Service) confirmMail(r *jigsaw.AlertRequest, a listparams.Alert, id int64) *jigsaw.Mail {
	return &jigsaw.Mail{Kind: "alert-confirm", To: r.Email, Subject: "Please confirm your alert: " + Describe(r.List, a.Terms),
		Body: fmt.Sprintf(`Hello,

Someone, we hope you, asked for an email %s listing what is new here:

%s
%s

To start getting it, open this link and press the button:

%s

If you did not ask for it, ignore this email: nothing more will be sent, and the address will be deleted.
`, strings.ToLower(jigsaw.LabelOf(jigsaw.AlertFrequencies, r.Frequency)), Describe(r.List, a.Terms), s.ListURL(r.List, a.Query),
			s.URL("confirm", id))}
}

// URL is the link to one of the alert pages (confirm, manage, unsubscribe)
// for the subscription id.
func (s *Service) URL(page string, id int64) string {
	return s.Links.BaseURL + "/alerts/" + page + "/" + s.Links.Token(linkAlert, id, time.Time{})
}

// ListURL is the address of the filtered list.
func (s *Service) ListURL(list jigsaw.AlertList, filter string) string {
	u := s.Links.BaseURL + "/" + string(list)
	if filter != "" {
		u += "?" + filter
	}
	return u
}

// Describe says in words what an alert follows, in English (the pages
// translate the terms themselves): "Dangers: kind Closure, postcode
// district DT1".
func Describe(list jigsaw.AlertList, terms []listparams.AlertTerm) string {
	d := jigsaw.LabelOf(jigsaw.AlertLists, list)
	if len(terms) == 0 {
		return "All " + strings.ToLower(d)
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = strings.ToLower(jigsaw.AlertTermLabel(t.Name)) + " " + t.Value
	}
	return d + ": " + strings.Join(parts, ", ")
}

func (s *Service) id(token string) (int64, error) { return s.Links.Check(token, linkAlert, s.now()) }

// Alert implements jigsaw.AlertService.
func (s *Service) Alert(ctx context.Context, token string) (*jigsaw.AlertSubscription, error) {
	id, err := s.id(token)
	if err != nil {
		return nil, err
	}
	return s.Store.AlertByID(ctx, id)
}

// Confirm implements jigsaw.AlertService.
func (s *Service) Confirm(ctx context.Context, token string) (*jigsaw.AlertSubscription, error) {
	id, err := s.id(token)
	if err != nil {
		return nil, err
	}
	return s.Store.ConfirmAlert(ctx, id)
}

// Alerts implements jigsaw.AlertService.
func (s *Service) Alerts(ctx context.Context, token string) ([]*jigsaw.AlertSubscription, error) {
	id, err := s.id(token)
	if err != nil {
		return nil, err
	}
	return s.Store.AlertsOfAddress(ctx, id)
}

// Unsubscribe implements jigsaw.AlertService.
func (s *Service) Unsubscribe(ctx context.Context, token string, id int64, all bool) (int64, error) {
	own, err := s.id(token)
	if err != nil {
		return 0, err
	}
	return s.Store.Unsubscribe(ctx, own, id, all)
}
