package listparams

import (
	"context"
	"net/url"

	"jigsaw"
)

// Representatives reads the filter of the list of people in public roles.
func Representatives(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.RepresentativeFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.RepresentativeFilter{
		Role:     choice(r, "role", jigsaw.OfficeRoles),
		Party:    r.text("party", 100),
		OrgID:    r.orgID("organisation"),
		District: r.district("district"),
		Area:     r.text("area", 100),
	}
	list, err := r.doneAfter("representatives", textKey, &f.Limit, &f.Offset, &f.After)
	return f, list, err
}
