package jigsaw

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// TipKind is what a tip reports: a danger or a dispute.
type TipKind string

// The kinds of tip.
const (
	TipDanger  TipKind = "danger"
	TipDispute TipKind = "dispute"
)

// TipKinds lists the kinds of tip in the order the form shows.
var TipKinds = []Choice[TipKind]{
	{TipDanger, "A danger: a contract, outsourcing, a closure, a cut or another threat to the service"},
	{TipDispute, "A dispute: a ballot, a strike, a lobby or a campaign by staff"},
}

// TipStatus is where a tip stands.
type TipStatus string

// A tip awaits its tipster's confirmation, then the editors; an editor
// makes a draft from it or dismisses it.
const (
	TipAwaitingConfirmation TipStatus = "awaiting-confirmation"
	TipNew                  TipStatus = "new"
	TipDrafted              TipStatus = "drafted"
	TipDismissed            TipStatus = "dismissed"
)

// TipStatuses lists the statuses editors filter the queue by.
var TipStatuses = []Choice[TipStatus]{
	{TipNew, "New"},
	{TipDrafted, "Made into a draft"},
	{TipDismissed, "Dismissed"},
	{TipAwaitingConfirmation, "Awaiting confirmation"},
}

// Limits on what a tip may hold.
const (
	MaxTipLen = 5000 // characters of "what is happening"
	MinTipLen = 20
)

// TipSubmission is a tip as a person sends it.
type TipSubmission struct {
	Kind         TipKind
	What         string
	District     string
	Area         string
	Organisation string // by name, as the tipster knows it
	SourceURL    string
	Name         string
	Email        string
	// Contact is the tipster's consent to be contacted about the tip.
	Contact bool
	// Token identifies the form filled in, so that a second submit of the
	// same form stores no second tip (ScopeToken makes it the tipster's).
	Token string
}

// Normalize tidies what people type loosely.
func (s *TipSubmission) Normalize() {
	for _, f := range []*string{&s.What, &s.District, &s.Area, &s.Organisation, &s.SourceURL, &s.Name, &s.Email, &s.Token} {
		*f = strings.ToValidUTF8(*f, "\uFFFD")
	}
	s.What = strings.TrimSpace(strings.ReplaceAll(s.What, "\r\n", "\n"))
	s.District = strings.ToUpper(strings.TrimSpace(s.District))
	s.Area = strings.Join(strings.Fields(s.Area), " ")
	s.Organisation = strings.Join(strings.Fields(s.Organisation), " ")
	s.SourceURL = strings.TrimSpace(s.SourceURL)
	s.Name = strings.Join(strings.Fields(s.Name), " ")
	s.Email = strings.TrimSpace(s.Email)
}

// Validate reports every wrong field.
func (s *TipSubmission) Validate() error {
	p := Problems{}
	if !Valid(TipKinds, s.Kind) {
		p.Add("kind", "Choose whether you are reporting a danger or a dispute.")
	}
	switch n := utf8.RuneCountInString(s.What); {
	case n < MinTipLen:
		p.Add("what", "Tell us what is happening: at least a sentence.")
	case n > MaxTipLen:
		p.Add("what", "This is too long: at most 5,000 characters.")
	}
	if s.District != "" && !ValidDistrict(s.District) {
		p.Add("district", "A postcode district looks like BD20 or SW1A.")
	}
	if s.District == "" && s.Area == "" {
		p.Add("area", "Say where: a town or area, or a postcode district.")
	}
	if utf8.RuneCountInString(s.Area) > 100 {
		p.Add("area", "The area is too long: at most 100 characters.")
	}
	if utf8.RuneCountInString(s.Organisation) > 200 {
		p.Add("organisation", "The organisation's name is too long: at most 200 characters.")
	}
	if s.SourceURL != "" {
		u, err := url.Parse(s.SourceURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s.SourceURL) > 2000 {
			p.Add("source_url", "Give a web address starting with https:// or http://, or leave it empty.")
		}
	}
	switch n := utf8.RuneCountInString(s.Name); {
	case n == 0:
		p.Add("name", "Give your name: editors need to know who told them.")
	case n > 200:
		p.Add("name", "The name is too long.")
	}
	if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email || len(s.Email) > 254 {
		p.Add("email", "Give an email address such as name@example.org: we send a link to confirm it.")
	}
	if len(s.Token) > 100 {
		p.Add("token", "The form token is malformed.")
	}
	return p.Err()
}

// ScopeToken makes the form token the tipster's own: two people who send
// the same token never find each other's tip.
func (s *TipSubmission) ScopeToken() {
	if s.Token == "" {
		return
	}
	sum := sha256.Sum256([]byte("tip\x00" + strings.ToLower(s.Email) + "\x00" + s.Token))
	s.Token = hex.EncodeToString(sum[:])
}

// Tip is a tip as editors see it: private, with the tipster's name and
// email. It is never shown on a public page, feed, export or API answer.
type Tip struct {
	ID           int64
	Kind         TipKind
	What         string
	District     string
	Area         string
	Organisation string
	SourceURL    string
	Name         string
	Email        string
	Contact      bool
	Status       TipStatus
	SubmittedAt  time.Time
	ConfirmedAt  time.Time
	HandledAt    time.Time
	HandledBy    string // the editor's email
}

// TipQueueItem is a line of the editors' queue of tips: no personal data.
type TipQueueItem struct {
	ID          int64
	Kind        TipKind
	What        string // its start
	Area        string
	District    string
	Status      TipStatus
	SubmittedAt time.Time
}

// TipAction is what an editor does with a tip.
type TipAction string

// The editors' actions on a tip: make a draft danger or dispute from it
// (the tip is then "drafted"), or dismiss it.
const (
	TipDraftDanger  TipAction = "draft-danger"
	TipDraftDispute TipAction = "draft-dispute"
	TipDismiss      TipAction = "dismiss"
)

// TipService takes tips from anyone and queues them for editors.
type TipService interface {
	// SubmitTip stores a tip awaiting confirmation and queues the mail
	// that asks the tipster to confirm. Returns EINVALID naming each bad
	// field (earlier are problems found reading the form), ETOOMANY past
	// the limit for the address or the email. A second submit of the same
	// form returns the first tip's ID.
	SubmitTip(ctx context.Context, s *TipSubmission, clientIP string, earlier Problems) (int64, error)
	// ConfirmTip confirms the tipster's address through the signed link
	// of the mail, putting the tip in the editors' queue. Returns EINVALID
	// for a bad or expired link, ENOTFOUND for a tip no longer kept.
	ConfirmTip(ctx context.Context, token string) error
	// TipQueue lists tips in status (confirmed ones when ""), oldest
	// first, and how many there are.
	TipQueue(ctx context.Context, status TipStatus, limit, offset int) ([]TipQueueItem, int, error)
	// ViewTip returns a tip with its tipster's details for an editor,
	// recording the view in the audit log; ENOTFOUND if there is none.
	ViewTip(ctx context.Context, id int64, viewer *User, ip string) (*Tip, error)
	// ActOnTip records an editor's action on a confirmed tip, audited;
	// ENOTFOUND if there is no such confirmed tip.
	ActOnTip(ctx context.Context, id int64, action TipAction, by *User, ip string) error
}
