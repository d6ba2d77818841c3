package jigsaw

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ObjectWebhook is the object type of webhooks' revisions: who made,
// changed, rotated the secret of or deleted a webhook.
const ObjectWebhook = "webhook"

// WebhookKinds are the kinds of public item a webhook may be told about,
// as the change log names them.
var WebhookKinds = []Choice[string]{
	{"story", "Stories"},
	{"danger", "Dangers"},
	{"dispute", "Disputes"},
	{"event", "Events"},
}

// WebhookActions are what may happen to a public item, as the change log
// names them: it becomes public (a story published, a danger recorded), it
// changes, or it stops being public (withdrawn, erased, deleted).
var WebhookActions = []Choice[string]{
	{"create", "Published or created"},
	{"update", "Updated"},
	{"delete", "Withdrawn or deleted"},
}

// WebhookEvent names what happened as a webhook's payload and its
// Jigsaw-Event header say it: "story.published", "danger.created",
// "event.deleted". A story is published and withdrawn, which is what its
// readers call it; the other kinds are created and deleted.
func WebhookEvent(kind, action string) string {
	verb := map[string]string{"create": "created", "update": "updated", "delete": "deleted"}[action]
	if kind == "story" {
		verb = map[string]string{"create": "published", "update": "updated", "delete": "withdrawn"}[action]
	}
	return kind + "." + verb
}

// WebhookPing is the event of the test delivery an editor sends by hand.
const WebhookPing = "ping"

// DeliveryChannels are the channels of the delivery queue, for the admins'
// view of it.
var DeliveryChannels = []Choice[string]{
	{"activitypub", "ActivityPub"},
	{"webhook", "Webhooks"},
}

// DeliveryStates lists the states of a delivery with their labels.
var DeliveryStates = []Choice[DeliveryState]{
	{DeliveryPending, "Waiting"},
	{DeliveryDone, "Delivered"},
	{DeliveryFailed, "Given up"},
}

// Webhook is an editor's own tool (a union's website, a campaign's chat
// bot) that is sent a signed JSON POST when a public item it asked about
// is published, updated or withdrawn.
type Webhook struct {
	ID   int64
	Name string // what it is for, for the editors' list
	URL  string
	// Secret signs every delivery (HMAC-SHA256, see docs/webhooks.md). It
	// is set by the store on creation and on rotation, shown to the editor
	// once, and never exported or sent anywhere.
	Secret  string
	Kinds   []string // of WebhookKinds
	Actions []string // of WebhookActions
	Active  bool
	// OrgID is the organisation it belongs to, 0 for none; OrgName is
	// filled in by reads.
	OrgID   int64
	OrgName string
	// CreatedBy is the user who made it (0 when that user is gone), and
	// CreatedByEmail their address, filled in by reads.
	CreatedBy      int64
	CreatedByEmail string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64 // counts its changes (see Dispute.Version)
}

// Wants reports whether the webhook, active, asks to hear of action done to
// an item of kind.
func (h *Webhook) Wants(kind, action string) bool {
	return h.Active && slices.Contains(h.Kinds, kind) && slices.Contains(h.Actions, action)
}

// Normalize trims the typed fields and puts the kinds and actions in their
// lists' order, once each.
func (h *Webhook) Normalize() {
	h.Name = strings.Join(strings.Fields(h.Name), " ")
	h.URL = strings.TrimSpace(h.URL)
	h.Kinds = inOrder(WebhookKinds, h.Kinds)
	h.Actions = inOrder(WebhookActions, h.Actions)
}

// inOrder returns the values of in that are choices, in the choices' order,
// followed by those that are not (which Validate refuses).
func inOrder(choices []Choice[string], in []string) []string {
	var out, unknown []string
	for _, c := range choices {
		if slices.Contains(in, c.Value) {
			out = append(out, c.Value)
		}
	}
	for _, v := range in {
		if !Valid(choices, v) && !slices.Contains(unknown, v) {
			unknown = append(unknown, v)
		}
	}
	return append(out, unknown...)
}

// Validate reports every field that is wrong, as an EINVALID error.
func (h *Webhook) Validate() error {
	p := Problems{}
	if len(h.Name) > 100 {
		p.Add("name", "Name must be at most 100 characters.")
	}
	if h.URL == "" {
		p.Add("url", "Address is required.")
	} else if len(h.URL) > 2000 {
		p.Add("url", "Address must be at most 2000 characters.")
	} else if u, err := url.Parse(h.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		p.Add("url", "Address must be an http or https address, like https://example.org/jigsaw-hook.")
	} else if u.User != nil {
		// A password in the address would be shown in every list of webhooks.
		p.Add("url", "Address must not carry a user name or password.")
	} else if u.Fragment != "" {
		p.Add("url", "Address must not have a #fragment: it is never sent.")
	}
	if len(h.Kinds) == 0 {
		p.Add("kinds", "Choose at least one kind of item.")
	}
	for _, k := range h.Kinds {
		if !Valid(WebhookKinds, k) {
			p.Add("kinds", "Choose among stories, dangers, disputes and events.")
		}
	}
	if len(h.Actions) == 0 {
		p.Add("actions", "Choose at least one of published, updated and withdrawn.")
	}
	for _, a := range h.Actions {
		if !Valid(WebhookActions, a) {
			p.Add("actions", "Choose among published, updated and withdrawn.")
		}
	}
	if h.OrgID < 0 {
		p.Add("organisation", "Choose an organisation.")
	}
	return p.Err()
}

// NewWebhookSecret returns a new random secret: 32 bytes, as hexadecimal.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// WebhookService keeps the webhooks. Changes are recorded in the edit
// history under the user in the context.
type WebhookService interface {
	// CreateWebhook stores h with a new secret, which it sets in h.
	// Returns EINVALID naming each wrong field.
	CreateWebhook(ctx context.Context, h *Webhook) error
	// UpdateWebhook saves what an editor may change of h: not its secret.
	// Returns ENOTFOUND, EINVALID, or ECONFLICT if h.Version is not the
	// stored one (0 does not check).
	UpdateWebhook(ctx context.Context, h *Webhook) error
	// RotateWebhookSecret gives the webhook a new secret and returns it;
	// deliveries made from then on are signed with it. ENOTFOUND.
	RotateWebhookSecret(ctx context.Context, id int64) (string, error)
	// DeleteWebhook deletes the webhook; deliveries queued for it are
	// then not sent. ENOTFOUND.
	DeleteWebhook(ctx context.Context, id int64) error
	// FindWebhook returns one webhook, with its secret. ENOTFOUND.
	FindWebhook(ctx context.Context, id int64) (*Webhook, error)
	// FindWebhooks lists every webhook, newest first, with their secrets
	// blanked: lists never show them.
	FindWebhooks(ctx context.Context) ([]*Webhook, error)
}
