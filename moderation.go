package jigsaw

import "context"

// StoryService is a story's way from its teller through moderation. The web
// pages, the JSON API and the command line all call it, so a story is
// checked, stored, mailed about and audited alike whichever way it came.
type StoryService interface {
	// Submit checks s and stores it with the mail that asks its teller to
	// confirm, in one transaction: it returns once the story is durable.
	// earlier holds problems the caller found reading the input (a bad
	// number in a form), reported together with s's own. The story counts
	// against the submission limit of clientIP. Returns EINVALID naming
	// each bad field, ETOOMANY past the limit.
	Submit(ctx context.Context, s *Submission, clientIP string, earlier Problems) (int64, error)
	// LinkedStory returns the story a teller's signed link names, for
	// purpose (LinkConfirm or LinkWithdraw). Returns EINVALID for a link that
	// is not genuine or has expired, ENOTFOUND for a story that is gone.
	LinkedStory(ctx context.Context, token, purpose string) (*LinkedStory, error)
	// Confirm confirms the teller's address through their signed link.
	Confirm(ctx context.Context, token string) (*LinkedStory, error)
	// ConfirmWithConsents confirms a story that came by email (ByEmail)
	// with what its teller gives on the confirmation page: the fields of
	// ConsentFields. Returns EINVALID naming each bad field (with the
	// story, to show the page again), and as LinkedStory does.
	ConfirmWithConsents(ctx context.Context, token string, c *Submission) (*LinkedStory, error)
	// Withdraw withdraws the story of a signed link and, with erase,
	// records the teller's request that their data be erased.
	Withdraw(ctx context.Context, token string, erase bool, ip string) (*LinkedStory, error)

	// Teller returns everything held about the person a teller's page link
	// was sent to (LinkTeller). Returns EINVALID for a link that is not
	// genuine, ENOTFOUND when nothing is held any more.
	Teller(ctx context.Context, token string) (*TellerData, error)
	// SetNaming changes how one of the teller's stories is to be named,
	// kept as a new consent; a published story's byline follows.
	SetNaming(ctx context.Context, token string, storyID int64, as PublishAs, publishName, ip string) error
	// WithdrawMine withdraws one of the teller's stories.
	WithdrawMine(ctx context.Context, token string, storyID int64, ip string) error
	// RequestErasureMine records the teller's request that everything held
	// about them be erased.
	RequestErasureMine(ctx context.Context, token, ip string) error

	// ModerationQueue lists stories with status ("" for all), oldest first.
	ModerationQueue(ctx context.Context, status StoryStatus, limit, offset int) ([]QueueItem, int, error)
	// ModerationView returns a story with its teller's details; the view
	// is written to the audit log. Returns ENOTFOUND.
	ModerationView(ctx context.Context, id int64, viewer *User, ip string) (*ModerationView, error)
	// Moderate carries out one moderator's action on a story, audited.
	// Returns ENOTFOUND, EINVALID for missing input and ECONFLICT for an
	// action the story's status does not allow.
	Moderate(ctx context.Context, id int64, m Moderation, by *User, ip string) error
	// Reply adds an organisation's answer under a published story.
	Reply(ctx context.Context, storyID, orgID int64, body string, by *User, ip string) error
}

// The purposes of the signed links in mails to tellers. A link signed for
// one purpose is refused for another.
const (
	LinkConfirm  = "confirm"  // confirm the teller's email address
	LinkWithdraw = "withdraw" // withdraw the story, or ask for erasure
	LinkTeller   = "mine"     // the teller's own page: all their stories and data
)

// LinkedStory is what a teller's signed link shows of their story.
type LinkedStory struct {
	ID     int64
	Title  string
	Status StoryStatus
	// ByEmail marks a story that came by email and awaits its consents
	// (shown on the confirmation link's page only).
	ByEmail bool
}

// The moderators' actions on a story.
const (
	ModPublish = "publish"
	ModReject  = "reject"
	ModRedact  = "redact"
	ModEdit    = "edit"
	ModNote    = "notes"
	ModVerify  = "verify"
	ModErase   = "erase"
)

// Moderation is one moderator's action on a story and what it needs.
type Moderation struct {
	Action     string // one of the Mod… constants
	Reason     string // reject: why, mailed to the teller
	Passage    string // redact: the text to hide from the public
	Title      string // edit: the new title
	PublicBody string // edit: the new public text
	Note       string // notes: the private note; verify: how the teller was verified
}
