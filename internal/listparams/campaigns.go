package listparams

import (
	"context"
	"net/url"
	"strconv"

	"jigsaw"
)

// CampaignLookup is Lookup with the campaigns, which the topic board is
// filtered by.
type CampaignLookup interface {
	Lookup
	FindCampaignByID(ctx context.Context, id int64) (*jigsaw.Campaign, error)
	FindCampaignBySlug(ctx context.Context, slug string) (*jigsaw.Campaign, error)
}

// Campaigns reads the filter of the list of campaigns.
func Campaigns(ctx context.Context, l Lookup, v url.Values, perPage int) (jigsaw.CampaignFilter, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.CampaignFilter{
		Status:   choice(r, "status", jigsaw.CampaignStatuses),
		KeyIssue: r.keyIssue("issue"),
		OrgID:    r.orgID("organisation"),
	}
	list, err := r.doneAfter("campaigns", textKey, &f.Limit, &f.Offset, &f.After)
	return f, list, err
}

// Topics reads the filter of the topic board; the campaign it is filtered
// by, if any, is returned for the page to name.
func Topics(ctx context.Context, l CampaignLookup, v url.Values, perPage int) (jigsaw.TopicFilter, *jigsaw.Campaign, List, error) {
	r := newReader(ctx, l, v, perPage)
	f := jigsaw.TopicFilter{
		State:   choice(r, "state", jigsaw.TopicStates),
		OrgID:   r.orgID("organisation"),
		Untaken: r.flag("untaken"),
	}
	c := r.campaign(l, "campaign")
	if c != nil {
		f.CampaignID = c.ID
	}
	list, err := r.doneAfter("topics", textKey, &f.Limit, &f.Offset, &f.After)
	return f, c, list, err
}

// campaign finds the campaign named by number or slug.
func (r *reader) campaign(l CampaignLookup, name string) *jigsaw.Campaign {
	s := r.text(name, 100)
	if s == "" {
		return nil
	}
	var c *jigsaw.Campaign
	var err error
	if id, perr := strconv.ParseInt(s, 10, 64); perr == nil {
		c, err = l.FindCampaignByID(r.ctx, id)
	} else {
		c, err = l.FindCampaignBySlug(r.ctx, s)
	}
	switch jigsaw.ErrorCode(err) {
	case "":
		return c
	case jigsaw.ENOTFOUND:
		r.p.Add(name, "is not a known campaign: give its number or the last part of its address.")
	default:
		r.p.Add(name, jigsaw.ErrorMessage(err))
	}
	return nil
}
