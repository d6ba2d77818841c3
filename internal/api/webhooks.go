package api

import (
	"context"

	"jigsaw"
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
