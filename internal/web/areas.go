package web

import (
	"net/http"

	"jigsaw"
)

// AreaView is the view of /areas/{district}.
type AreaView struct {
	Page
	District string
	Dangers  []*jigsaw.TrackerItem
	Disputes []*jigsaw.Dispute
	Stories  []*jigsaw.PublicStory
	Counts   struct{ Dangers, Disputes, Stories int }
}

// HandleArea serves /areas/{district}: every published danger, dispute and
// story in a postcode district.
func (p *Pages) HandleArea(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	district := jigsaw.NormalizeDistrict(r.PathValue("district"))
	if !jigsaw.ValidDistrict(district) {
		p.Error(w, r, jigsaw.Errorf(jigsaw.ENOTFOUND, "%q is not a postcode district such as BD20 or SW1A.", r.PathValue("district")))
		return
	}
	if district != r.PathValue("district") {
		http.Redirect(w, r, "/areas/"+district, http.StatusMovedPermanently)
		return
	}
	view := AreaView{Page: p.page(r, district), District: district}
	var err error
	if view.Dangers, view.Counts.Dangers, err = p.Store.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{District: district, Limit: 100}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Disputes, view.Counts.Disputes, err = p.Store.FindDisputes(ctx, jigsaw.DisputeFilter{District: district, Limit: 100}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Stories, view.Counts.Stories, err = p.Store.FindPublicStories(ctx, jigsaw.StoryFilter{District: district, Limit: 100}); err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, http.StatusOK, "area", view)
}
