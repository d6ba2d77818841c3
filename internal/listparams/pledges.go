package listparams

import (
	"context"
	"net/url"

	"jigsaw"
)

// Pledges reads the filter of the list of pledges.
func Pledges(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.PledgeFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.PledgeFilter{Kind: choice(r, "kind", jigsaw.PledgeKinds)}
	list, err := r.doneAfter("pledges", textKey, &f.Limit, &f.Offset, &f.After)
	return f, list, err
}

// PledgeTargets reads the filters of a pledge's table of targets: state,
// kind of target, area, postcode district and party (by number or slug).
// The table is shown whole, so it has no paging. The party found, if any,
// is the list's Organisation.
func PledgeTargets(ctx context.Context, l Lookup, v url.Values, pledgeID int64) (jigsaw.PledgeTargetFilter, List, error) {
	r := &reader{ctx: ctx, l: l, v: v, p: jigsaw.Problems{}}
	f := jigsaw.PledgeTargetFilter{
		PledgeID: pledgeID,
		State:    choice(r, "state", jigsaw.PledgeStates),
		Kind:     choice(r, "kind", jigsaw.TargetKinds),
		Area:     r.text("area", 100),
		District: r.district("district"),
	}
	if o := r.organisation("party"); o != nil {
		if o.Kind != jigsaw.OrgParty {
			r.p.Add("party", "is not a political party.")
		} else {
			f.PartyID, r.list.Organisation = o.ID, o
		}
	}
	r.refuseUnknown("is not a filter of this table.")
	return f, r.list, r.err()
}
