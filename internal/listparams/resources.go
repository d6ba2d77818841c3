package listparams

import (
	"context"
	"net/url"

	"jigsaw"
)

// Resources reads the filter of the library's list: kind, organisation
// (number or slug) and key issue.
func Resources(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.ResourceFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.ResourceFilter{
		Kind:     choice(r, "kind", jigsaw.ResourceKinds),
		KeyIssue: r.keyIssue("issue"),
		OrgID:    r.orgID("organisation"),
	}
	list, err := r.doneAfter("resources", textKey, &f.Limit, &f.Offset, &f.After)
	return f, list, err
}
