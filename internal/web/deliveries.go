package web

import (
	"context"
	"net/http"
	"net/url"

	"jigsaw"
	"jigsaw/internal/listparams"
)

// DeliveryStore is the durable queue of deliveries (ActivityPub and
// webhooks) as editors' and admins' pages see it.
type DeliveryStore interface {
	EnqueueDeliveries(ctx context.Context, out ...jigsaw.Outgoing) error
	// FindDeliveries lists the queue, newest first.
	FindDeliveries(ctx context.Context, f jigsaw.DeliveryFilter, limit, offset int) ([]*jigsaw.Delivery, int, error)
	// CountDeliveries counts the queue by channel and state, or (byHost)
	// what is waiting or given up by channel, host and state.
	CountDeliveries(ctx context.Context, byHost bool) ([]jigsaw.DeliveryCount, error)
	// RetryDelivery makes a waiting or given-up delivery due now.
	RetryDelivery(ctx context.Context, id int64) error
	// RetryWebhookDelivery is RetryDelivery of one webhook's delivery.
	RetryWebhookDelivery(ctx context.Context, hookID, id int64) error
}

// DeliveryTally is one row of the admins' counts: a channel's deliveries,
// or those to one host, by state.
type DeliveryTally struct {
	Channel, Host         string
	Pending, Done, Failed int
}

// DeliveriesView is the admins' view of the delivery queue.
type DeliveriesView struct {
	Page
	Channels       []DeliveryTally // by channel
	Hosts          []DeliveryTally // the hosts with most waiting or given up
	Deliveries     []*jigsaw.Delivery
	Pager          Pager
	Filter         jigsaw.DeliveryFilter
	Query          url.Values
	Form           *Form
	Done           string
	ChannelChoices []jigsaw.Choice[string]
	States         []jigsaw.Choice[jigsaw.DeliveryState]
}

const deliveriesPerPage = 50

// deliveryFilterLabels names the fields of the queue's filter form.
var deliveryFilterLabels = map[string]string{"channel": "Channel", "state": "State", "host": "Host", "target": "Target"}

// HandleDeliveries serves /admin/deliveries: how much of each channel is
// waiting, delivered or given up; the hosts with most waiting or given up,
// which is how a dead peer shows; and the queue itself, filtered.
func (p *Pages) HandleDeliveries(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	view := DeliveriesView{Page: p.page(r, "Deliveries"), Query: q, Form: newForm(q), Done: webhookDone[q.Get("done")],
		ChannelChoices: jigsaw.DeliveryChannels, States: jigsaw.DeliveryStates}
	channels, err := p.Edit.CountDeliveries(ctx, false)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	hosts, err := p.Edit.CountDeliveries(ctx, true)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Channels, view.Hosts = tally(channels), tally(hosts)
	f, list, err := listparams.Deliveries(ctx, q, deliveriesPerPage)
	view.Filter = f
	if err != nil {
		form, ok := filterForm(q, err, deliveryFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Form = form
		p.Render(w, r, http.StatusBadRequest, "deliveries", view)
		return
	}
	ds, total, err := p.Edit.FindDeliveries(ctx, f, list.Limit, list.Offset)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Deliveries, view.Pager = ds, newPager(list, total, q)
	p.Render(w, r, http.StatusOK, "deliveries", view)
}

// tally folds counts by state into one row per channel and host, in the
// order they came (the store sorts them).
func tally(counts []jigsaw.DeliveryCount) []DeliveryTally {
	var out []DeliveryTally
	at := map[[2]string]int{}
	for _, c := range counts {
		k := [2]string{c.Channel, c.Host}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, DeliveryTally{Channel: c.Channel, Host: c.Host})
		}
		switch c.State {
		case jigsaw.DeliveryPending:
			out[i].Pending += c.Count
		case jigsaw.DeliveryDone:
			out[i].Done += c.Count
		case jigsaw.DeliveryFailed:
			out[i].Failed += c.Count
		}
	}
	return out
}

// HandleDeliveryRetry makes one delivery due now: an admin who saw a dead
// peer come back need not wait for its backoff.
func (p *Pages) HandleDeliveryRetry(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		p.NotFound(w, r)
		return
	}
	if err := p.Edit.RetryDelivery(r.Context(), id); err != nil {
		p.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/deliveries?done=retry", http.StatusSeeOther)
}

// deliveryID reads the delivery number a form posts.
func deliveryID(r *http.Request) (int64, bool) {
	return positiveID(r.PostForm.Get("delivery"))
}
