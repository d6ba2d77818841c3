package web

import (
	"net/http"

	"jigsaw"
)

// HomeView is the view of the home page.
type HomeView struct {
	Page
	Stories    []*jigsaw.PublicStory
	StoryCount int
	KeyIssues  []jigsaw.KeyIssue
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
	p.Render(w, r, http.StatusOK, "home", HomeView{Page: p.page(r, ""), Stories: stories, KeyIssues: issues})
}
