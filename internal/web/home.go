package web

import (
	"net/http"

	"jigsaw"
)

// HomeView is the view of the home page.
type HomeView struct {
	Page
	Disputes     []*jigsaw.Dispute // live ones
	DisputeCount string            // "1000+" past jigsaw.CountCap
	Dangers      []*jigsaw.TrackerItem
	DangerCount  string
	Stories      []*jigsaw.PublicStory
	KeyIssues    []jigsaw.KeyIssue
	// Events are the next public events; Campaigns the active campaigns.
	Events    []*jigsaw.Event
	Campaigns []*jigsaw.Campaign
}

// homeListLimit is how many of each list the home page shows.
const homeListLimit = 6

// homeEventsShown is how many of the next events the home page shows.
const homeEventsShown = 3

// HandleHome serves /.
func (p *Pages) HandleHome(w http.ResponseWriter, r *http.Request) {
	followsClock(w)
	ctx := r.Context()
	stories, _, err := p.Store.FindPublicStories(ctx, jigsaw.StoryFilter{Limit: homeListLimit})
	if err != nil {
		p.Error(w, r, err)
		return
	}
	issues, err := p.Store.KeyIssues(ctx)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view := HomeView{Page: p.page(r, ""), Stories: stories, KeyIssues: issues}
	var disputes, dangers int
	if view.Disputes, disputes, err = p.Store.FindDisputes(ctx, jigsaw.DisputeFilter{Live: true, Limit: homeListLimit}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Dangers, dangers, err = p.Store.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Limit: homeListLimit}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Events, err = p.Store.UpcomingPublicEvents(ctx, homeEventsShown); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Campaigns, _, err = p.Store.FindCampaigns(ctx, jigsaw.CampaignFilter{Status: jigsaw.CampaignActive, Limit: homeListLimit}); err != nil {
		p.Error(w, r, err)
		return
	}
	view.DisputeCount, view.DangerCount = jigsaw.TotalText(disputes, homeListLimit), jigsaw.TotalText(dangers, homeListLimit)
	p.Render(w, r, http.StatusOK, "home", view)
}
