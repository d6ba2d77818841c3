package jigsaw

import (
	"context"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// AlertList is a public list one may get alerts of.
type AlertList string

// The lists alerts may follow, by the name of their page.
const (
	AlertStories  AlertList = "stories"
	AlertTracker  AlertList = "tracker"
	AlertDisputes AlertList = "disputes"
	AlertEvents   AlertList = "events"
)

// AlertLists lists them with the names people read.
var AlertLists = []Choice[AlertList]{
	{AlertStories, "Stories"},
	{AlertTracker, "Dangers"},
	{AlertDisputes, "Disputes"},
	{AlertEvents, "Events"},
}

// AlertFrequency is how often a digest is sent.
type AlertFrequency string

// The frequencies one may choose.
const (
	AlertDaily  AlertFrequency = "daily"
	AlertWeekly AlertFrequency = "weekly"
)

// AlertFrequencies lists them with the labels the form shows.
var AlertFrequencies = []Choice[AlertFrequency]{
	{AlertDaily, "Once a day"},
	{AlertWeekly, "Once a week"},
}

// MaxAlertItems is the most items one digest lists; it links to the
// filtered list for the rest.
const MaxAlertItems = 50

// AlertRequest is a subscription as a person asks for it. Filter is the
// list's canonical query string (listparams.AlertFilter), "" for the whole
// list.
type AlertRequest struct {
	Email     string
	List      AlertList
	Filter    string
	Frequency AlertFrequency
	Language  string // of the mails: "en" or "cy"
}

// Normalize tidies what people type loosely.
func (r *AlertRequest) Normalize() {
	r.Email = strings.TrimSpace(strings.ToValidUTF8(r.Email, "\uFFFD"))
	if r.Language != "cy" {
		r.Language = "en"
	}
}

// Validate reports every wrong field.
func (r *AlertRequest) Validate() error {
	p := Problems{}
	if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email || len(r.Email) > 254 {
		p.Add("email", "Give an email address such as name@example.org: we send a link to confirm it.")
	}
	if !Valid(AlertLists, r.List) {
		p.Add("list", "Choose stories, tracker, disputes or events.")
	}
	if !Valid(AlertFrequencies, r.Frequency) {
		p.Add("frequency", "Choose once a day or once a week.")
	}
	if len(r.Filter) > 1000 {
		p.Add("list", "The filter is too long.")
	}
	return p.Err()
}

// AlertSubscription is a subscription as the store keeps it. It holds an
// email address: it is never shown on a public page, feed, export or API
// answer, only to the person holding its link and, counted, to admins.
type AlertSubscription struct {
	ID          int64
	Email       string
	List        AlertList
	Filter      string
	Frequency   AlertFrequency
	Language    string
	CreatedAt   time.Time
	ConfirmedAt time.Time // zero until the address is confirmed
	// SeenUntil is how far the list has been looked at: the next digest
	// lists what was published after it.
	SeenUntil  time.Time
	LastSentAt time.Time // zero until a digest was sent
}

// Confirmed reports whether the address was confirmed.
func (s *AlertSubscription) Confirmed() bool { return !s.ConfirmedAt.IsZero() }

// AlertCount is how many subscriptions follow a list, for admins.
type AlertCount struct {
	List                   AlertList
	Confirmed, Unconfirmed int
}

// AlertDue reports the instants before which a subscription's SeenUntil
// makes it due at now: daily ones once a day at hour (London time), weekly
// ones at that hour a week after the last.
func AlertDue(now time.Time, hour int) (daily, weekly time.Time) {
	l := now.In(London())
	slot := time.Date(l.Year(), l.Month(), l.Day(), hour, 0, 0, 0, London())
	if slot.After(now) {
		slot = slot.AddDate(0, 0, -1)
	}
	return slot.UTC(), slot.AddDate(0, 0, -6).UTC()
}

// alertTermLabels name the parameters of alerts' filters as their lists'
// filter forms do.
var alertTermLabels = map[string]string{
	"kind": "Kind", "status": "Status", "issue": "Key issue", "district": "Postcode district",
	"organisation": "Organisation", "since": "Since", "until": "Until", "live": "Live disputes only",
	"campaign": "Campaign", "from": "From", "to": "To", "past": "Past events",
}

// AlertTermLabel is the name people read for the parameter name of an
// alert's filter.
func AlertTermLabel(name string) string {
	if l, ok := alertTermLabels[name]; ok {
		return l
	}
	return name
}

// AlertService takes people's alerts and keeps them. Its links are signed:
// a token names one subscription.
type AlertService interface {
	// Subscribe reads the filter of r.List from filter as the list's page
	// reads it, stores the alert awaiting confirmation and queues the mail
	// that asks to confirm it. Returns EINVALID naming each bad field (a
	// filter's parameter by its own name), ETOOMANY past the limit for the
	// client's address or the email. It answers alike whether or not the
	// address already had the alert.
	Subscribe(ctx context.Context, r *AlertRequest, filter url.Values, clientIP string) error
	// Alert returns the subscription a link names; EINVALID for a bad
	// link, ENOTFOUND for a subscription no longer kept.
	Alert(ctx context.Context, token string) (*AlertSubscription, error)
	// Confirm confirms the subscription a link names (as Alert fails).
	Confirm(ctx context.Context, token string) (*AlertSubscription, error)
	// Alerts lists every subscription of the address whose subscription a
	// link names (as Alert fails).
	Alerts(ctx context.Context, token string) ([]*AlertSubscription, error)
	// Unsubscribe deletes the subscription a link names (id 0), another of
	// the same address (id), or all of the address; it returns how many
	// were deleted (as Alert fails, and ENOTFOUND for an id of another
	// address).
	Unsubscribe(ctx context.Context, token string, id int64, all bool) (int64, error)
}
