package web

import (
	"net/http"
	"strconv"

	"jigsaw"
)

// campaignSections gathers what the other parts of coordination hold of a
// campaign for its page: its public events, plans, pledges and resources,
// each under a heading in the reader's language.
func (p *Pages) campaignSections(r *http.Request, c *jigsaw.Campaign) ([]CampaignSection, error) {
	ctx := r.Context()
	tr := tr(r)
	var out []CampaignSection
	add := func(heading string, items []CampaignSectionItem) {
		if len(items) > 0 {
			out = append(out, CampaignSection{Heading: tr.Text(heading), Items: items})
		}
	}
	events, err := p.Store.CampaignPublicEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var items []CampaignSectionItem
	for _, e := range events {
		items = append(items, CampaignSectionItem{Title: e.Title, URL: "/events/" + strconv.FormatInt(e.ID, 10),
			Note: e.LocalStart().Format("2 January 2006, 15:04")})
	}
	add("Events", items)
	plans, _, err := p.Store.FindPlans(ctx, jigsaw.PlanFilter{CampaignSlug: c.Slug, Limit: campaignSectionLength})
	if err != nil {
		return nil, err
	}
	items = nil
	for _, pl := range plans {
		items = append(items, CampaignSectionItem{Title: pl.Name, URL: "/plan/" + strconv.FormatInt(pl.ID, 10), Note: pl.AnchorLabel + ": " + pl.AnchorDate})
	}
	add("Plans", items)
	pledges, _, err := p.Store.FindPledges(ctx, jigsaw.PledgeFilter{CampaignID: c.ID, Limit: campaignSectionLength})
	if err != nil {
		return nil, err
	}
	items = nil
	for _, pl := range pledges {
		items = append(items, CampaignSectionItem{Title: pl.Title, URL: pledgePath(pl.ID)})
	}
	add("Pledges", items)
	resources, _, err := p.Store.FindResources(ctx, jigsaw.ResourceFilter{CampaignID: c.ID, Limit: campaignSectionLength})
	if err != nil {
		return nil, err
	}
	items = nil
	for _, res := range resources {
		items = append(items, CampaignSectionItem{Title: res.Title, URL: resourcePath(res.ID), Note: res.OrgName})
	}
	add("Resources", items)
	return out, nil
}

// campaignSectionLength caps each section of a campaign's page.
const campaignSectionLength = 50

// topicConclusions are what public events concluded about a topic.
func (p *Pages) topicConclusions(r *http.Request, t *jigsaw.Topic) ([]TopicConclusion, error) {
	events, err := p.Store.TopicEventConclusions(r.Context(), t.ID)
	var out []TopicConclusion
	for _, e := range events {
		out = append(out, TopicConclusion{Event: e.Title, URL: "/events/" + strconv.FormatInt(e.ID, 10),
			Date: e.LocalStart().Format("2006-01-02"), Text: e.Conclusions})
	}
	return out, err
}

// followsClock marks an answer that changes with the time as well as with
// the content (events upcoming or past, weeks to go): caches, the server's
// own page cache among them, keep it a minute at most.
func followsClock(w http.ResponseWriter) { w.Header().Set("Cache-Control", "max-age=60") }
