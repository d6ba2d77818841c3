package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
	"jigsaw/internal/webhooks"
)

// WebhooksView is the editors' list of webhooks.
type WebhooksView struct {
	Page
	Webhooks []*jigsaw.Webhook
	Done     string // what the last action did, as a sentence
}

// webhookDone are the sentences shown after an action, by the key the
// redirect carries.
var webhookDone = map[string]string{
	"deleted": "Webhook deleted. Deliveries not yet made to it will not be.",
	"ping":    "A test delivery is on its way; it shows in the log below within a minute.",
	"retry":   "The delivery is tried again within a minute.",
}

// HandleWebhooks serves /webhooks, every webhook of the instance: editors
// share them, as they share every record they keep.
func (p *Pages) HandleWebhooks(w http.ResponseWriter, r *http.Request) {
	hooks, err := p.Edit.FindWebhooks(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, http.StatusOK, "webhooks", WebhooksView{Page: p.page(r, "Webhooks"), Webhooks: hooks,
		Done: webhookDone[r.URL.Query().Get("done")]})
}

// WebhookView is the page of one webhook: what it asks for, its secret
// once (just made or rotated), and the log of its deliveries.
type WebhookView struct {
	Page
	Webhook   *jigsaw.Webhook
	Secret    string // shown once, then never again
	Done      string
	Revisions []*jigsaw.Revision
	// Deliveries are the webhook's log, newest first.
	Deliveries []*jigsaw.Delivery
	Pager      Pager
}

// webhookLogPerPage is how many deliveries a webhook's page lists.
const webhookLogPerPage = 20

// HandleWebhook serves /webhooks/{id}.
func (p *Pages) HandleWebhook(w http.ResponseWriter, r *http.Request) {
	p.renderWebhook(w, r, http.StatusOK, "")
}

// renderWebhook shows the webhook of the path; secret, if not empty, is
// its new secret, shown this once.
func (p *Pages) renderWebhook(w http.ResponseWriter, r *http.Request, status int, secret string) {
	h, err := p.editedWebhook(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.showWebhook(w, r, status, h, secret)
}

func (p *Pages) showWebhook(w http.ResponseWriter, r *http.Request, status int, h *jigsaw.Webhook, secret string) {
	ctx := r.Context()
	q := r.URL.Query()
	if r.Method != http.MethodGet {
		q = url.Values{} // the answer to a post shows the log's first page
	}
	list, err := listparams.WebhookLog(ctx, q, webhookLogPerPage)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view := WebhookView{Page: p.page(r, webhookTitle(h)), Webhook: h, Secret: secret, Done: webhookDone[q.Get("done")]}
	ds, total, err := p.Edit.FindDeliveries(ctx, jigsaw.DeliveryFilter{Channel: webhooks.Channel, Target: strconv.FormatInt(h.ID, 10)}, list.Limit, list.Offset)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Deliveries, view.Pager = ds, newPager(list, total, q)
	if view.Revisions, err = p.Edit.FindRevisions(ctx, jigsaw.ObjectWebhook, h.ID); err != nil {
		p.Error(w, r, err)
		return
	}
	// The secret must not stay in a cache or the browser's history.
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, status, "webhook", view)
}

// HandleWebhookAction runs an action on the webhook of the path: rotate
// its secret (the page shows the new one once), send it a test, retry one
// of its deliveries now, or delete it.
func (p *Pages) HandleWebhookAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	h, err := p.editedWebhook(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	switch r.PathValue("action") {
	case "rotate":
		secret, err := p.Edit.RotateWebhookSecret(ctx, h.ID)
		if err != nil {
			p.Error(w, r, err)
			return
		}
		p.renderWebhook(w, r, http.StatusOK, secret)
	case "ping":
		out, err := webhooks.Ping(h, time.Now())
		if err == nil {
			err = p.Edit.EnqueueDeliveries(ctx, out)
		}
		if err != nil {
			p.Error(w, r, err)
			return
		}
		http.Redirect(w, r, webhookPath(h)+"?done=ping", http.StatusSeeOther)
	case "retry":
		id, ok := deliveryID(r)
		if !ok {
			p.NotFound(w, r)
			return
		}
		if err := p.Edit.RetryWebhookDelivery(ctx, h.ID, id); err != nil {
			p.Error(w, r, err)
			return
		}
		http.Redirect(w, r, webhookPath(h)+"?done=retry", http.StatusSeeOther)
	case "delete":
		if err := p.Edit.DeleteWebhook(ctx, h.ID); err != nil {
			p.Error(w, r, err)
			return
		}
		http.Redirect(w, r, "/webhooks?done=deleted", http.StatusSeeOther)
	default:
		p.NotFound(w, r)
	}
}

// editedWebhook returns the webhook of the path.
func (p *Pages) editedWebhook(r *http.Request) (*jigsaw.Webhook, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
	}
	return p.Edit.FindWebhook(r.Context(), id)
}

func webhookPath(h *jigsaw.Webhook) string { return "/webhooks/" + strconv.FormatInt(h.ID, 10) }

func webhookTitle(h *jigsaw.Webhook) string {
	if h.Name != "" {
		return h.Name
	}
	return h.URL
}

// WebhookFormView is the view of the form that makes or changes a webhook.
type WebhookFormView struct {
	EditForm
	Webhook *jigsaw.Webhook // nil for a new one
	Kinds   []jigsaw.Choice[string]
	Actions []jigsaw.Choice[string]
}

// WebhookForms are the forms that make and change webhooks. A new
// webhook's secret is shown once, on the page its form's post answers
// with, rather than after a redirect.
func (p *Pages) WebhookForms() FormRoutes {
	f := formRoutes(p, p.webhooks)
	f.Create = p.handleWebhookCreate
	return f
}

// webhooks is the edit flow of webhooks.
func (p *Pages) webhooks() *recordKind[*jigsaw.Webhook] {
	return &recordKind[*jigsaw.Webhook]{
		template: "webhook_form", noun: "webhook",
		blank: func() *Form {
			v := url.Values{"active": {"1"}}
			for _, k := range jigsaw.WebhookKinds {
				v.Add("kinds", k.Value)
			}
			for _, a := range jigsaw.WebhookActions {
				v.Add("actions", a.Value)
			}
			return newForm(v)
		},
		find:   p.editedWebhook,
		values: func(_ context.Context, h *jigsaw.Webhook) (url.Values, error) { return webhookValues(h), nil },
		read: func(ctx context.Context, v url.Values, old *jigsaw.Webhook) (*jigsaw.Webhook, *Form) {
			h, form := p.webhookFromForm(ctx, v)
			if old != nil {
				h.ID = old.ID
			}
			return h, form
		},
		create:  p.Edit.CreateWebhook,
		update:  p.Edit.UpdateWebhook,
		address: webhookPath,
		formAddress: func(h *jigsaw.Webhook) string {
			if h == nil {
				return "/webhooks/new"
			}
			return webhookPath(h) + "/edit"
		},
		title: webhookTitle,
		view: func(_ context.Context, ef EditForm, h *jigsaw.Webhook) (any, error) {
			return WebhookFormView{EditForm: ef, Webhook: h, Kinds: jigsaw.WebhookKinds, Actions: jigsaw.WebhookActions}, nil
		},
	}
}

// handleWebhookCreate makes a webhook and answers with its page, which
// shows the new secret this once; a mistake shows the form again, as the
// edit flow does.
func (p *Pages) handleWebhookCreate(w http.ResponseWriter, r *http.Request) {
	k := p.webhooks()
	v, err := parseForm(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	h, form := k.read(r.Context(), v, nil)
	status := http.StatusUnprocessableEntity
	if len(form.Errors) == 0 {
		err := p.Edit.CreateWebhook(r.Context(), h)
		if err == nil {
			p.showWebhook(w, r, http.StatusCreated, h, h.Secret)
			return
		}
		if !formError(err) {
			p.Error(w, r, err)
			return
		}
		form.addErrors(translateErrors(tr(r), jigsaw.FieldErrors(err)))
		status = formStatus(err)
	}
	renderEdit(p, k, w, r, status, form, nil)
}

// webhookFromForm reads a webhook from a posted form.
func (p *Pages) webhookFromForm(ctx context.Context, v url.Values) (*jigsaw.Webhook, *Form) {
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
	h := &jigsaw.Webhook{
		Name:    rd.text("name"),
		URL:     rd.text("url"),
		Kinds:   v["kinds"],
		Actions: v["actions"],
		Active:  v.Get("active") != "",
		OrgID:   rd.organisation(ctx, p.Store, "organisation"),
		Version: formVersion(v),
	}
	addChecks(form, rd.p, h)
	return h, form
}

// webhookValues fills a form with a stored webhook.
func webhookValues(h *jigsaw.Webhook) url.Values {
	v := url.Values{"kinds": h.Kinds, "actions": h.Actions}
	set := formValues(v).set
	set("name", h.Name)
	set("url", h.URL)
	set("organisation", h.OrgName)
	if h.Active {
		v.Set("active", "1")
	}
	v.Set(versionField, strconv.FormatInt(h.Version, 10))
	return v
}
