package listparams

import (
	"context"
	"net/url"

	"jigsaw"
)

// Deliveries reads the filter of the admins' view of the delivery queue:
// channel, state, host and target, each optional; done is the note of the
// action that led there, which filters nothing.
func Deliveries(ctx context.Context, v url.Values, perPage int) (jigsaw.DeliveryFilter, List, error) {
	r := newReader(ctx, nil, v, perPage)
	r.get("done")
	f := jigsaw.DeliveryFilter{
		Channel: choice(r, "channel", jigsaw.DeliveryChannels),
		State:   string(choice(r, "state", jigsaw.DeliveryStates)),
		Host:    r.text("host", 300),
		Target:  r.text("target", 2000),
	}
	list, err := r.finish()
	return f, list, err
}

// WebhookLog reads the paging of one webhook's log of deliveries, and the
// note of the action that led there (done).
func WebhookLog(ctx context.Context, v url.Values, perPage int) (List, error) {
	r := newReader(ctx, nil, v, perPage)
	r.get("done")
	return r.finish()
}

// Webhooks reads the parameters of the list of webhooks, which has none:
// it holds every webhook at once.
func Webhooks(ctx context.Context, v url.Values) error {
	r := newReader(ctx, nil, v, MaxLimit)
	r.known = nil
	r.refuseUnknown("is not a parameter of this list, which holds every webhook.")
	return r.err()
}
