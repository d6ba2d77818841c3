package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	geom "github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/geojson"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// placedWorld stores a few public items with places and private ones that
// must not show: stories in BD20 and LS1, one in Guernsey (GY1, no known
// place), one with no district, one awaiting review in SW1A whose teller
// has distinctive details; a published danger and a draft; a dispute.
func placedWorld(t *testing.T, a *testrig.TestApp) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for i, s := range []jigsaw.Story{
		{Title: "Waiting in Keighley", District: "BD20", KeyIssues: []string{"cuts"}},
		{Title: "A second Keighley story", District: "BD20"},
		{Title: "Leeds ward closed", District: "LS1", KeyIssues: []string{"hospital-closures", "cuts"}},
		{Title: "On the island", District: "GY1"},
		{Title: "Somewhere", District: ""},
		{Title: "Unpublished in Westminster", District: "SW1A", Status: jigsaw.StoryAwaitingReview},
	} {
		s.Body, s.PublicBody, s.Kind, s.Byline, s.Area = "Text.", "Text.", jigsaw.StoryPatient, "A patient", "Somewhere"
		if s.Status == "" {
			s.Status, s.PublishedAt = jigsaw.StoryPublished, at.AddDate(0, 0, i)
		}
		p := &jigsaw.Person{Name: "Ottoline Quarrie-Fenwick", Email: "ottoline.qf@example.invalid", Phone: "07700 900777", Postcode: "SW1A 1AA"}
		if err := a.DB.CreateStory(ctx, &s, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, it := range []*jigsaw.TrackerItem{
		{Kind: jigsaw.TrackerClosure, Title: "Airedale ward to close", District: "BD20", Area: "Keighley", Published: true,
			History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025-05-01"}},
			Sources: []jigsaw.Source{{URL: "https://example.org/news", Publisher: "Example"}}},
		{Kind: jigsaw.TrackerCut, Title: "A draft cut in Cardiff", District: "CF10",
			History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025-05-01"}}},
	} {
		if err := a.DB.CreateTrackerItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	union := &jigsaw.Organisation{Name: "Unison", Kind: jigsaw.OrgUnion}
	if err := a.DB.CreateOrganisation(ctx, union); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.CreateDispute(ctx, &jigsaw.Dispute{Title: "Porters' strike", Status: jigsaw.DisputeAction, District: "LS1", Area: "Leeds",
		Parties: []jigsaw.DisputeParty{{OrgID: union.ID, Role: jigsaw.PartyUnion}},
		Steps:   []jigsaw.DisputeStep{{Kind: jigsaw.StepStrike, Date: "2025-09-15"}}}); err != nil {
		t.Fatal(err)
	}
}

// svgDoc is what the map test reads of the SVG.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	ViewBox string   `xml:"viewBox,attr"`
	Path    struct {
		D string `xml:"d,attr"`
	} `xml:"path"`
	Links []struct {
		Href   string `xml:"href,attr"`
		Title  string `xml:"title"`
		Circle struct {
			R float64 `xml:"r,attr"`
		} `xml:"circle"`
	} `xml:"a"`
}

func mapSVG(t *testing.T, body string) svgDoc {
	t.Helper()
	fig := strings.Index(body, `<figure class="map">`)
	if fig < 0 {
		t.Fatalf("no map in the page")
	}
	body = body[fig:]
	start, end := strings.Index(body, "<svg"), strings.Index(body, "</svg>")
	if start < 0 || end < 0 {
		t.Fatalf("no SVG in the map")
	}
	var doc svgDoc
	if err := xml.Unmarshal([]byte(body[start:end+len("</svg>")]), &doc); err != nil {
		t.Fatalf("the SVG is not well-formed XML: %v", err)
	}
	return doc
}

func TestMapPage(t *testing.T) {
	a := testrig.StartApp(t, testrig.Engines(t)[0], nil)
	placedWorld(t, a)

	code, body := a.Get(t, "/map")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	doc := mapSVG(t, body)
	if !strings.HasPrefix(doc.ViewBox, "0 0 ") || !strings.HasPrefix(doc.Path.D, "M") {
		t.Errorf("viewBox %q, outline %.20q", doc.ViewBox, doc.Path.D)
	}
	var hrefs []string
	radius := map[string]float64{}
	for _, l := range doc.Links {
		hrefs = append(hrefs, l.Href)
		radius[l.Href] = l.Circle.R
	}
	// BD20 holds 3 items and LS1 2, each with a circle linked to its area;
	// GY1 has no place, SW1A's story and CF10's danger are not public.
	if want := []string{"/areas/BD20", "/areas/LS1"}; !slices.Equal(hrefs, want) {
		t.Fatalf("circles link to %q, want %q", hrefs, want)
	}
	if doc.Links[0].Title != "BD20: stories 2, dangers 1, disputes 0" {
		t.Errorf("BD20's title %q", doc.Links[0].Title)
	}
	// Areas, not radii, follow the counts.
	if radius["/areas/BD20"] != 28 || radius["/areas/LS1"] != 22.9 {
		t.Errorf("radii %v, want 28 for BD20 and 28×√(2/3) for LS1", radius)
	}
	for _, want := range []string{
		`<a href="/areas/GY1">GY1</a>`, // in the table though not on the map
		"2 items have no known place",  // GY1's and the one without a district
		`<a href="/map">`,              // the footer's link
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, private := range []string{"SW1A", "CF10", "Ottoline", "ottoline.qf", "07700 900777", "Unpublished in Westminster"} {
		if strings.Contains(body, private) {
			t.Errorf("the map shows %q", private)
		}
	}
	// The table is sorted by count: BD20 (3), LS1 (2), GY1 (1).
	if bd, ls, gy := strings.Index(body, `<a href="/areas/BD20">BD20</a>`), strings.Index(body, `<a href="/areas/LS1">LS1</a>`),
		strings.Index(body, `<a href="/areas/GY1">GY1</a>`); bd < 0 || ls < bd || gy < ls {
		t.Errorf("table order: BD20 at %d, LS1 at %d, GY1 at %d", bd, ls, gy)
	}

	// Filters are followed.
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"type=dangers", []string{"/areas/BD20"}},
		{"type=disputes", []string{"/areas/LS1"}},
		{"issue=hospital-closures", []string{"/areas/LS1"}},
		{"since=2025-06-03&type=stories", []string{"/areas/LS1"}},
		{"until=2025-06-02&type=stories", []string{"/areas/BD20"}},
	} {
		code, body := a.Get(t, "/map?"+tt.query)
		if code != http.StatusOK {
			t.Fatalf("%s: status %d", tt.query, code)
		}
		var got []string
		for _, l := range mapSVG(t, body).Links {
			got = append(got, l.Href)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: circles %q, want %q", tt.query, got, tt.want)
		}
	}

	// A bad filter is a 400 with the form marked; an unknown parameter a 400.
	for _, tt := range []struct{ query, want string }{
		{"type=hospitals", "Show must be one of stories, dangers, disputes."},
		{"since=yesterday", "Since must be a date"},
		{"issue=nonsense", "Key issue is not a key issue of this site."},
		{"page=2", "page"},
	} {
		code, body := a.Get(t, "/map?"+tt.query)
		if code != http.StatusBadRequest || !strings.Contains(body, tt.want) {
			t.Errorf("%s: status %d, want 400 saying %q", tt.query, code, tt.want)
		}
		if tt.query != "page=2" && !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("%s: no field marked", tt.query)
		}
	}
}

func TestGeoJSONExports(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			placedWorld(t, a)
			for _, tt := range []struct {
				path   string
				titles []string
				keys   []string // the properties every feature has
			}{
				{"/stories.geojson", []string{"Leeds ward closed", "A second Keighley story", "Waiting in Keighley"},
					[]string{"area", "date", "district", "id", "key_issues", "kind", "title", "url"}},
				{"/stories.geojson?issue=cuts&district=bd20", []string{"Waiting in Keighley"}, nil},
				{"/tracker.geojson", []string{"Airedale ward to close"},
					[]string{"area", "date", "district", "id", "key_issues", "kind", "status", "title", "url"}},
				{"/tracker.geojson?kind=cut", nil, nil},
				{"/disputes.geojson", []string{"Porters' strike"},
					[]string{"area", "date", "district", "id", "key_issues", "status", "title", "url"}},
			} {
				t.Run(tt.path, func(t *testing.T) {
					resp, err := a.Client.Get(a.URL + tt.path)
					if err != nil {
						t.Fatal(err)
					}
					defer resp.Body.Close()
					b, _ := io.ReadAll(resp.Body)
					if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/geo+json" {
						t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
					}
					// An independent parser reads it.
					var fc geojson.FeatureCollection
					if err := json.Unmarshal(b, &fc); err != nil {
						t.Fatalf("not GeoJSON: %v\n%s", err, b)
					}
					var titles []string
					for _, f := range fc.Features {
						title, _ := f.Properties["title"].(string)
						titles = append(titles, title)
						pt, ok := f.Geometry.(*geom.Point)
						if !ok {
							t.Fatalf("geometry %T, want a Point", f.Geometry)
						}
						// RFC 7946: longitude first, then latitude.
						if lon, lat := pt.X(), pt.Y(); lon < -8.5 || lon > 2 || lat < 49.5 || lat > 61 {
							t.Errorf("%q at %v: not [longitude, latitude] in the UK", f.Properties["title"], pt)
						}
						if tt.keys != nil {
							var keys []string
							for k := range f.Properties {
								keys = append(keys, k)
							}
							slices.Sort(keys)
							if !slices.Equal(keys, tt.keys) {
								t.Errorf("properties %q, want %q", keys, tt.keys)
							}
						}
						if !regexp.MustCompile(`^/(stories|tracker|disputes)/\d+$`).MatchString(strings.TrimPrefix(f.Properties["url"].(string), a.Server.Pages.Site.BaseURL)) {
							t.Errorf("url %q", f.Properties["url"])
						}
					}
					if !slices.Equal(titles, tt.titles) {
						t.Errorf("features %q, want %q", titles, tt.titles)
					}
					// RFC 7946 by hand: the members as the RFC names them.
					var raw struct {
						Type     string
						Features []struct {
							Type     string
							Geometry struct {
								Type        string
								Coordinates []float64
							}
						}
					}
					if err := json.Unmarshal(b, &raw); err != nil || raw.Type != "FeatureCollection" {
						t.Fatalf("type %q, %v", raw.Type, err)
					}
					for _, f := range raw.Features {
						if f.Type != "Feature" || f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 || math.IsNaN(f.Geometry.Coordinates[0]) {
							t.Errorf("feature %+v", f)
						}
					}
					for _, private := range []string{"Ottoline", "ottoline.qf", "07700 900777", "SW1A", "Unpublished", "draft cut"} {
						if strings.Contains(string(b), private) {
							t.Errorf("the export holds %q", private)
						}
					}
				})
			}
			for _, bad := range []string{"/stories.geojson?kind=robot", "/tracker.geojson?limit=5", "/disputes.geojson?nonsense=1"} {
				code, _ := a.Get(t, bad)
				if code != http.StatusBadRequest {
					t.Errorf("%s: status %d, want 400", bad, code)
				}
			}
		})
	}
}
