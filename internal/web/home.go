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
}

// homeListLimit is how many of each list the home page shows.
const homeListLimit = 6

// HandleHome serves /.
func (p *Pages) HandleHome(w http.ResponseWriter, r *http.Request) {
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
	view.DisputeCount, view.DangerCount = jigsaw.TotalText(disputes, homeListLimit), jigsaw.TotalText(dangers, homeListLimit)
	p.Render(w, r, http.StatusOK, "home", view)
}
