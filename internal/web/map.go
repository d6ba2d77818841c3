package web

import (
	"context"
	"math"
	"net/http"
	"net/url"

	"jigsaw"
	"jigsaw/internal/geo"
	"jigsaw/internal/listparams"
)

// PlaceStore is what the map and the GeoJSON exports read: public items by
// postcode district, with the lists' filters.
type PlaceStore interface {
	// PlaceCounts counts the public items f selects in each district
	// ("" for none), most first.
	PlaceCounts(ctx context.Context, f geo.Filter) ([]geo.Count, error)
	// EachPublicStoryPlace, EachPublicTrackerPlace and EachDisputePlace
	// call fn with each public item the filter selects (its paging
	// aside), one row at a time, in the list's order.
	EachPublicStoryPlace(ctx context.Context, f jigsaw.StoryFilter, fn func(*geo.Item) error) error
	EachPublicTrackerPlace(ctx context.Context, f jigsaw.TrackerFilter, fn func(*geo.Item) error) error
	EachDisputePlace(ctx context.Context, f jigsaw.DisputeFilter, fn func(*geo.Item) error) error
}

// MapView is the view of /map.
type MapView struct {
	Page
	Filter       geo.Filter
	Type         string
	Types        []string
	KeyIssues    []jigsaw.KeyIssue
	Organisation *jigsaw.Organisation
	Query        url.Values
	Form         *Form
	// The map: its viewBox, the country's outline and a circle for each
	// district with a place, largest first so that small ones stay on top.
	Width, Height float64
	Outline       string
	Circles       []MapCircle
	// Districts are every district's counts for the table beside the map,
	// most first; Unplaced counts the items with no known place.
	Districts []geo.Count
	Unplaced  int
}

// MapCircle is a district on the map.
type MapCircle struct {
	geo.Count
	X, Y, R float64
}

// mapMaxRadius is the radius of the busiest district's circle, and
// mapMinRadius the least any circle has, so that one item stays visible.
const mapMaxRadius, mapMinRadius = 28.0, 2.5

// mapFilterLabels names the fields of the map's filter form.
var mapFilterLabels = map[string]string{"type": "Show", "issue": "Key issue", "organisation": "Organisation",
	"since": "Since", "until": "Until"}

// HandleMap serves /map: stories, dangers and disputes by postcode
// district, drawn on the server.
func (p *Pages) HandleMap(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	issues, err := p.Store.KeyIssues(ctx)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	f, org, err := listparams.Map(ctx, p.Store, q)
	view := MapView{Page: p.page(r, tr(r).Sprintf("Map")), Filter: f, Type: q.Get("type"), Types: listparams.MapTypes,
		KeyIssues: issues, Organisation: org, Query: q, Form: newForm(q),
		Width: geo.Width, Height: geo.Height, Outline: geo.OutlinePath()}
	if err != nil {
		// A refused filter shows on the form, over an empty map (see
		// HandleStoryList).
		form, ok := filterForm(q, err, mapFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Form = form
		p.Render(w, r, http.StatusBadRequest, "map", view)
		return
	}
	counts, err := p.Store.PlaceCounts(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	most := 0
	for _, c := range counts {
		if _, ok := geo.Centroid(c.District); ok {
			most = max(most, c.Total())
		}
	}
	for _, c := range counts {
		if c.District != "" {
			view.Districts = append(view.Districts, c)
		}
		pt, ok := geo.Centroid(c.District)
		if !ok {
			view.Unplaced += c.Total()
			continue
		}
		x, y := geo.Project(pt)
		// The circle's area, not its radius, follows the count.
		rad := max(mapMinRadius, mapMaxRadius*math.Sqrt(float64(c.Total())/float64(most)))
		view.Circles = append(view.Circles, MapCircle{Count: c, X: math.Round(x*10) / 10, Y: math.Round(y*10) / 10, R: math.Round(rad*10) / 10})
	}
	p.Render(w, r, http.StatusOK, "map", view)
}
