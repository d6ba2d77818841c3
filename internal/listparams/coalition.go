package listparams

import (
	"context"
	"net/url"

	"jigsaw"
)

// Coalition reads the filter of the items from the coalition: a search
// (q) and an origin (domain, a host name).
func Coalition(ctx context.Context, v url.Values, perPage int) (jigsaw.RemoteItemFilter, List, error) {
	r := newReader(ctx, nil, v, perPage)
	f := jigsaw.RemoteItemFilter{Query: r.text("q", 200)}
	if d := r.text("domain", 253); d != "" {
		if f.Domain = jigsaw.NormalizeDomain(d); f.Domain == "" {
			r.p.Add("domain", "must be a host name such as social.example.org.")
		}
	}
	list, err := r.done(&f.Limit, &f.Offset)
	return f, list, err
}

// Followers reads the page of the admins' list of followers.
func Followers(ctx context.Context, v url.Values, perPage int) (List, error) {
	return newReader(ctx, nil, v, perPage).finish()
}
