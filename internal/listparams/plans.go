package listparams

import (
	"context"
	"net/url"

	"jigsaw"
)

// Plans reads the filter of the list of plans: by campaign.
func Plans(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.PlanFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.PlanFilter{CampaignSlug: r.text("campaign", 200)}
	list, err := r.doneAfter("plans", textKey, &f.Limit, &f.Offset, &f.After)
	return f, list, err
}

// Seats reads the filter of the list of seats.
func Seats(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.SeatFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.SeatFilter{
		Kind:  choice(r, "kind", jigsaw.SeatKinds),
		State: choice(r, "state", jigsaw.SeatStates),
		OrgID: r.orgID("organisation"),
	}
	list, err := r.doneAfter("seats", textKey, &f.Limit, &f.Offset, &f.After)
	return f, list, err
}
