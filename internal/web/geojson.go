package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"jigsaw/internal/geo"
	"jigsaw/internal/listparams"
)

// A GeoJSON export (RFC 7946) is a FeatureCollection with a Point feature
// for each public item whose postcode district has a known centre, placed
// at that centre. Its properties are public fields only, the same keys for
// every feature of a list (docs/map.md).
type geoFeature struct {
	Type       string      `json:"type"`
	ID         int64       `json:"id"`
	Geometry   geoPoint    `json:"geometry"`
	Properties geoProperty `json:"properties"`
}

type geoPoint struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"` // longitude first, as RFC 7946 orders them
}

type geoProperty struct {
	ID        int64    `json:"id"`
	URL       string   `json:"url"`
	Title     string   `json:"title"`
	Kind      *string  `json:"kind,omitempty"`   // stories and dangers
	Status    *string  `json:"status,omitempty"` // dangers and disputes
	District  string   `json:"district"`
	Area      string   `json:"area"`
	Date      string   `json:"date"`
	KeyIssues []string `json:"key_issues"`
}

// HandleStoriesGeoJSON serves /stories.geojson: the published stories that
// /stories's filters select, newest first.
func (p *Pages) HandleStoriesGeoJSON(w http.ResponseWriter, r *http.Request) {
	f, _, err := listparams.Stories(r.Context(), p.Store, r.URL.Query(), 1)
	p.serveGeoJSON(w, r, err, "/stories/", true, false, func(ctx context.Context, fn func(*geo.Item) error) error {
		return p.Store.EachPublicStoryPlace(ctx, f, fn)
	})
}

// HandleTrackerGeoJSON serves /tracker.geojson: the published dangers that
// /tracker's filters select. Drafts are never exported.
func (p *Pages) HandleTrackerGeoJSON(w http.ResponseWriter, r *http.Request) {
	f, _, err := listparams.Tracker(r.Context(), p.Store, r.URL.Query(), 1)
	p.serveGeoJSON(w, r, err, "/tracker/", true, true, func(ctx context.Context, fn func(*geo.Item) error) error {
		return p.Store.EachPublicTrackerPlace(ctx, f, fn)
	})
}

// HandleDisputesGeoJSON serves /disputes.geojson: the disputes that
// /disputes's filters select.
func (p *Pages) HandleDisputesGeoJSON(w http.ResponseWriter, r *http.Request) {
	f, _, err := listparams.Disputes(r.Context(), p.Store, r.URL.Query(), 1)
	p.serveGeoJSON(w, r, err, "/disputes/", false, true, func(ctx context.Context, fn func(*geo.Item) error) error {
		return p.Store.EachDisputePlace(ctx, f, fn)
	})
}

// serveGeoJSON writes the items each yields as they come, so that an
// export of a million items holds one in memory. filterErr is the error
// of reading the list's filters; an export has no pages, so paging
// parameters are refused too. path is where an item's page is, and kind
// and status say which of those properties the list's items have.
func (p *Pages) serveGeoJSON(w http.ResponseWriter, r *http.Request, filterErr error, path string, kind, status bool,
	each func(ctx context.Context, fn func(*geo.Item) error) error) {
	err := listparams.Whole(r.URL.Query())
	if err == nil {
		err = filterErr
	}
	if err != nil {
		p.Error(w, r, err)
		return
	}
	// Headers go with the first bytes: until then an error can still
	// replace them.
	w.Header().Set("Content-Type", "application/geo+json")
	out := &startedWriter{w: w}
	bw := bufio.NewWriterSize(out, 32<<10)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	err = each(r.Context(), func(it *geo.Item) error {
		c, ok := geo.Centroid(it.District)
		if !ok {
			return nil
		}
		props := geoProperty{ID: it.ID, URL: p.Site.BaseURL + path + strconv.FormatInt(it.ID, 10), Title: it.Title,
			District: it.District, Area: it.Area, Date: it.Date, KeyIssues: it.KeyIssues}
		if kind {
			props.Kind = &it.Kind
		}
		if status {
			props.Status = &it.Status
		}
		if props.KeyIssues == nil {
			props.KeyIssues = []string{}
		}
		b, err := json.Marshal(geoFeature{Type: "Feature", ID: it.ID, Geometry: geoPoint{Type: "Point", Coordinates: [2]float64{c.Lon, c.Lat}},
			Properties: props})
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		if !out.started {
			p.Error(w, r, err) // nothing sent yet: a proper error
			return
		}
		// Half an answer is sent: stop, leaving JSON that no parser
		// takes for a whole export.
		p.Log.ErrorContext(r.Context(), "geojson export", "path", r.URL.Path, "error", err)
		return
	}
	bw.WriteString("]}\n")
	bw.Flush()
}

// startedWriter notes whether anything has been written to w, and keeps
// a long answer (an export of a million rows) from meeting the server's
// write timeout, which bounds a whole answer: the deadline moves on while
// the answer moves, so only a client that stops reading for exportStall
// is cut off.
type startedWriter struct {
	w        http.ResponseWriter
	started  bool
	deadline time.Time
}

// exportStall is how long an export may go without being able to write.
const exportStall = 60 * time.Second

func (s *startedWriter) Write(b []byte) (int, error) {
	s.started = true
	if now := time.Now(); s.deadline.Sub(now) < exportStall/2 {
		s.deadline = now.Add(exportStall)
		// A writer without deadlines (a test's recorder) keeps its own.
		_ = http.NewResponseController(s.w).SetWriteDeadline(s.deadline)
	}
	return s.w.Write(b)
}
