package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// PublicJSON is the item of the change log's kind and number as the API
// answers GET /api/v1/… to the public: what webhooks send as a payload's
// data. ENOTFOUND when the public does not see it.
func (a *API) PublicJSON(ctx context.Context, kind string, id int64) (any, error) {
	switch kind {
	case jigsaw.ChangeStory:
		s, err := a.Store.FindPublicStoryByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return a.storyOut(s), nil
	case jigsaw.ChangeDanger:
		t, err := a.Store.FindPublicTrackerItemByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return a.trackerOut(t), nil
	case jigsaw.ChangeDispute:
		d, err := a.Store.FindDisputeByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return a.disputeOut(d), nil
	case jigsaw.ChangeEvent:
		e, err := a.Store.FindPublicEventByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return a.eventOut(e), nil
	}
	return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "No %s is public.", kind)
}

// WebhookOut is a webhook as the API shows it to editors. Its secret is
// in the answer to its creation alone.
type WebhookOut struct {
	ID               int64     `json:"id"`
	Name             string    `json:"name"`
	URL              string    `json:"url"`
	Kinds            []string  `json:"kinds"`
	Actions          []string  `json:"actions"`
	Active           bool      `json:"active"`
	Organisation     *int64    `json:"organisation"`
	OrganisationName string    `json:"organisation_name,omitempty"`
	Secret           string    `json:"secret,omitempty"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	Version
}

func webhookOut(h *jigsaw.Webhook) WebhookOut {
	out := WebhookOut{ID: h.ID, Name: h.Name, URL: h.URL, Kinds: strs(h.Kinds), Actions: strs(h.Actions), Active: h.Active,
		OrganisationName: h.OrgName, CreatedAt: h.CreatedAt, UpdatedAt: h.UpdatedAt, Version: versionOut(h.Version)}
	if h.OrgID != 0 {
		out.Organisation = &h.OrgID
	}
	return out
}

// WebhookIn is the body of POST and PATCH /api/v1/webhooks: every field
// is optional in a PATCH. A new webhook is active unless active is false.
type WebhookIn struct {
	Name         *string   `json:"name"`
	URL          *string   `json:"url"`
	Kinds        *[]string `json:"kinds"`
	Actions      *[]string `json:"actions"`
	Active       *bool     `json:"active"`
	Organisation *int64    `json:"organisation"` // 0 for none
	Version
}

func (in *WebhookIn) apply(h *jigsaw.Webhook) error {
	in.Version.set(&h.Version)
	if in.Name != nil {
		h.Name = *in.Name
	}
	if in.URL != nil {
		h.URL = *in.URL
	}
	if in.Kinds != nil {
		h.Kinds = *in.Kinds
	}
	if in.Actions != nil {
		h.Actions = *in.Actions
	}
	if in.Active != nil {
		h.Active = *in.Active
	}
	if in.Organisation != nil {
		h.OrgID = *in.Organisation
	}
	return nil
}

// WebhookList is the answer of GET /api/v1/webhooks: every webhook, newest
// first (an instance has a handful).
type WebhookList struct {
	Items []WebhookOut `json:"items"`
}

// HandleWebhookList answers GET /api/v1/webhooks.
func (a *API) HandleWebhookList(w http.ResponseWriter, r *http.Request) {
	if err := listparams.Webhooks(r.Context(), r.URL.Query()); err != nil {
		a.fail(w, r, err)
		return
	}
	hooks, err := a.Edit.FindWebhooks(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := WebhookList{Items: []WebhookOut{}}
	for _, h := range hooks {
		out.Items = append(out.Items, webhookOut(h))
	}
	respond.JSON(w, http.StatusOK, out)
}

// HandleWebhook answers GET /api/v1/webhooks/{id}, without the secret.
func (a *API) HandleWebhook(w http.ResponseWriter, r *http.Request) {
	h, err := byPathID(a.Edit.FindWebhook)(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, webhookOut(h))
}

func (a *API) webhooks() *record[*jigsaw.Webhook, WebhookIn] {
	return &record[*jigsaw.Webhook, WebhookIn]{
		path: "webhooks", blank: func() *jigsaw.Webhook { return &jigsaw.Webhook{Active: true} },
		find: byPathID(a.Edit.FindWebhook), apply: (*WebhookIn).apply,
		create: a.Edit.CreateWebhook, update: a.Edit.UpdateWebhook,
		answer: readBack(a.Edit.FindWebhook, func(h *jigsaw.Webhook) int64 { return h.ID }, webhookOut),
	}
}

// HandleWebhookCreate answers POST /api/v1/webhooks with 201 and the new
// webhook, its secret included: the only answer that ever holds it.
func (a *API) HandleWebhookCreate(w http.ResponseWriter, r *http.Request) {
	k := a.webhooks()
	k.answer = func(ctx context.Context, h *jigsaw.Webhook) (any, string, error) {
		stored, err := a.Edit.FindWebhook(ctx, h.ID)
		if err != nil {
			return nil, "", err
		}
		out := webhookOut(stored)
		out.Secret = stored.Secret
		return out, strconv.FormatInt(h.ID, 10), nil
	}
	writeCreate(a, k, w, r)
}

// HandleWebhookUpdate answers PATCH /api/v1/webhooks/{id}.
func (a *API) HandleWebhookUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.webhooks(), w, r)
}

// HandleWebhookDelete answers DELETE /api/v1/webhooks/{id} with 204.
func (a *API) HandleWebhookDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Edit.DeleteWebhook(r.Context(), id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
