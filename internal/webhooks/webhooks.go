// Package webhooks sends editors' tools a signed JSON POST when a public
// story, danger, dispute or event is published, updated or withdrawn. It
// is one consumer of the change log and one channel of the delivery queue
// (internal/deliver): the consumer turns each change into one payload for
// every webhook that asked for it, and the channel signs and posts it, with
// the webhook's secret as it is at delivery time. docs/webhooks.md
// describes what a receiver gets and how it checks the signature.
package webhooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/deliver"
)

// Consumer is the name of the webhooks' cursor in the change log, and
// Channel the name of their deliveries in the queue.
const (
	Consumer = "webhooks"
	Channel  = "webhook"
)

// The headers of every delivery besides Content-Type and User-Agent.
const (
	HeaderEvent     = "Jigsaw-Event"
	HeaderDelivery  = "Jigsaw-Delivery"
	HeaderSignature = "Jigsaw-Signature"
)

// Store is what webhooks read of the database.
type Store interface {
	FindWebhook(ctx context.Context, id int64) (*jigsaw.Webhook, error)
	FindWebhooks(ctx context.Context) ([]*jigsaw.Webhook, error)
}

// Service plans and makes webhooks' deliveries.
type Service struct {
	Store Store
	// Item returns the public view of an item as the API answers it
	// (api.API.PublicJSON); ENOTFOUND when the public does not see it.
	Item      func(ctx context.Context, kind string, id int64) (any, error)
	Client    *http.Client // deliver.Client: refuses private addresses unless allowed
	UserAgent string
	Now       func() time.Time // time.Now when nil
}

// Payload is the JSON body of every delivery.
type Payload struct {
	// ID names what the delivery tells of: the change's number in the log
	// (the same for every webhook and every retry, so that a receiver
	// can drop one it already has), or "ping-…" for a test.
	ID         string    `json:"id"`
	Event      string    `json:"event"` // "story.published", "danger.updated", "ping"…
	OccurredAt time.Time `json:"occurred_at"`
	// Data is the item as GET /api/v1/… answers it, or {"id": N} for an
	// item that is no longer public: nothing of it is kept to send.
	Data any `json:"data"`
}

// Plan is the consumer's plan (deliver.Consumer): for each change, one
// payload to every active webhook that asked for its kind and action. It
// runs inside the consumer's transaction and only reads.
func (s *Service) Plan(ctx context.Context, cs []jigsaw.Change) ([]jigsaw.Outgoing, error) {
	hooks, err := s.Store.FindWebhooks(ctx)
	if err != nil || len(hooks) == 0 {
		return nil, err
	}
	var out []jigsaw.Outgoing
	for _, c := range cs {
		var targets []string
		for _, h := range hooks {
			if h.Wants(c.Kind, string(c.Action)) {
				targets = append(targets, strconv.FormatInt(h.ID, 10))
			}
		}
		if len(targets) == 0 {
			continue
		}
		p := Payload{ID: strconv.FormatInt(c.ID, 10), Event: jigsaw.WebhookEvent(c.Kind, string(c.Action)),
			OccurredAt: c.At.UTC(), Data: map[string]int64{"id": c.ObjectID}}
		if c.Action != jigsaw.ChangeDelete {
			item, err := s.Item(ctx, c.Kind, c.ObjectID)
			if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
				continue // gone since: a later entry of the log says so
			}
			if err != nil {
				return nil, fmt.Errorf("webhook payload of %s %d: %w", c.Kind, c.ObjectID, err)
			}
			p.Data = item
		}
		o, err := outgoing(p, fmt.Sprintf("%s %d", p.Event, c.ObjectID), targets)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// Ping returns the test delivery of webhook h made at now, which an editor
// sends to see that their tool receives and checks what Jigsaw sends.
func Ping(h *jigsaw.Webhook, now time.Time) (jigsaw.Outgoing, error) {
	now = now.UTC()
	p := Payload{ID: fmt.Sprintf("ping-%d-%d", h.ID, now.UnixNano()), Event: jigsaw.WebhookPing, OccurredAt: now,
		Data: map[string]int64{"webhook": h.ID}}
	return outgoing(p, fmt.Sprintf("ping webhook %d", h.ID), []string{strconv.FormatInt(h.ID, 10)})
}

func outgoing(p Payload, summary string, targets []string) (jigsaw.Outgoing, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return jigsaw.Outgoing{}, err
	}
	return jigsaw.Outgoing{Channel: Channel, ContentType: "application/json", Body: body, Summary: summary, Targets: targets}, nil
}

// Deliver is the channel's function (deliver.Func): it signs d's payload
// with its webhook's secret and posts it. A webhook deleted or paused since
// is not sent to, and the delivery is done.
func (s *Service) Deliver(ctx context.Context, d *jigsaw.Delivery) (int, error) {
	id, err := strconv.ParseInt(d.Target, 10, 64)
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("webhook target %q is not a webhook's number", d.Target))
	}
	h, err := s.Store.FindWebhook(ctx, id)
	if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if !h.Active {
		return 0, nil
	}
	var head struct {
		Event string `json:"event"`
	}
	json.Unmarshal(d.Body, &head) // our own payload: an event is there
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, deliver.Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.UserAgent)
	req.Header.Set(HeaderEvent, head.Event)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(d.ID, 10))
	req.Header.Set(HeaderSignature, Sign(h.Secret, s.now(), d.Body))
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	// Read a little of the answer, so that the connection can be used
	// again; what a receiver says is not kept.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, deliver.StatusError(resp.StatusCode, "webhook")
}

// Sign returns the Jigsaw-Signature header of body sent at t:
// "t=<unix seconds>,v1=<hex of HMAC-SHA256 of "<unix seconds>.<body>" keyed
// with the secret as text>". The time is signed so that a receiver can
// refuse a delivery replayed long after it was made.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}
