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
	Events   []*jigsaw.Event                             // upcoming
	Counts   struct{ Dangers, Disputes, Stories string } // "" for none
}

// areaListLimit is how many of each list an area page shows.
const areaListLimit = 100

// HandleArea serves /areas/{district}: every published danger, dispute and
// story in a postcode district.
func (p *Pages) HandleArea(w http.ResponseWriter, r *http.Request) {
	followsClock(w)
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
	var dangers, disputes, stories int
	if view.Dangers, dangers, err = p.Store.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{District: district, Limit: areaListLimit}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Disputes, disputes, err = p.Store.FindDisputes(ctx, jigsaw.DisputeFilter{District: district, Limit: areaListLimit}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Stories, stories, err = p.Store.FindPublicStories(ctx, jigsaw.StoryFilter{District: district, Limit: areaListLimit}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Events, _, err = p.findEvents(ctx, jigsaw.EventFilter{District: district, Limit: upcomingEventsShown}); err != nil {
		p.Error(w, r, err)
		return
	}
	count := func(n int) string {
		if n == 0 {
			return ""
		}
		return jigsaw.TotalText(n, areaListLimit)
	}
	view.Counts.Dangers, view.Counts.Disputes, view.Counts.Stories = count(dangers), count(disputes), count(stories)
	p.Render(w, r, http.StatusOK, "area", view)
}
