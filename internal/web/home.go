package web

import (
	"net/http"

	"jigsaw"
)

// HomeView is the view of the home page.
type HomeView struct {
	Page
	Disputes     []*jigsaw.Dispute // live ones
	DisputeCount int
	Dangers      []*jigsaw.TrackerItem
	DangerCount  int
	Stories      []*jigsaw.PublicStory
	KeyIssues    []jigsaw.KeyIssue
}

// HandleHome serves /.
func (p *Pages) HandleHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stories, _, err := p.Store.FindPublicStories(ctx, jigsaw.StoryFilter{Limit: 6})
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
	if view.Disputes, view.DisputeCount, err = p.Store.FindDisputes(ctx, jigsaw.DisputeFilter{Live: true, Limit: 6}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Dangers, view.DangerCount, err = p.Store.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Limit: 6}); err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, http.StatusOK, "home", view)
}
