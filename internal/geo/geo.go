// Package geo places public items on a map of the United Kingdom: the
// centroid of each postcode district, an outline of the country, and the
// projection that draws both on the /map page. The data are embedded in the
// binary (see README.md for their sources and licences), read once on first
// use, and never change while the program runs.
package geo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed districts.csv
var districtsCSV []byte

//go:embed outline.json
var outlineJSON []byte

// Point is a place in WGS84 degrees.
type Point struct{ Lat, Lon float64 }

// data is the embedded tables, parsed. A file that does not parse is a
// bug in the build, caught by the package's tests, so it panics.
var data = sync.OnceValue(func() struct {
	centroids map[string]Point
	outline   [][]Point
} {
	var d struct {
		centroids map[string]Point
		outline   [][]Point
	}
	rows, err := csv.NewReader(bytes.NewReader(districtsCSV)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("geo: districts.csv: %v", err))
	}
	d.centroids = make(map[string]Point, len(rows))
	for i, r := range rows[1:] { // the first row names the columns
		lat, err1 := strconv.ParseFloat(r[1], 64)
		lon, err2 := strconv.ParseFloat(r[2], 64)
		if err1 != nil || err2 != nil {
			panic(fmt.Sprintf("geo: districts.csv row %d: %q", i+2, r))
		}
		d.centroids[r[0]] = Point{lat, lon}
	}
	var rings [][][2]float64 // [lon, lat], as GeoJSON writes them
	if err := json.Unmarshal(outlineJSON, &rings); err != nil {
		panic(fmt.Sprintf("geo: outline.json: %v", err))
	}
	for _, ring := range rings {
		pts := make([]Point, len(ring))
		for i, p := range ring {
			pts[i] = Point{Lat: p[1], Lon: p[0]}
		}
		d.outline = append(d.outline, pts)
	}
	return d
})

// Centroid returns the centre of a postcode district ("BD20", in upper
// case as jigsaw.NormalizeDistrict leaves it): the mean place of its
// postcodes. ok is false for a district the table does not know (the
// Channel Islands and the Isle of Man have no places in the source).
func Centroid(district string) (p Point, ok bool) {
	p, ok = data().centroids[district]
	return p, ok
}

// Districts returns how many districts have a centroid.
func Districts() int { return len(data().centroids) }

// Outline returns the rings of the country's simplified outline.
func Outline() [][]Point { return data().outline }

// The map's projection: equirectangular, longitude scaled by the cosine of
// the middle latitude so that Britain keeps its shape, fitted to the box
// from the Scillies to Shetland and from Fermanagh to Lowestoft.
const (
	minLon, maxLon = -8.3, 1.9
	minLat, maxLat = 49.8, 60.9
	scale          = 90.0 // SVG units per degree of latitude
	margin         = 10.0
)

var lonScale = scale * math.Cos((minLat+maxLat)/2*math.Pi/180)

// Width and Height are the size of the map's SVG viewBox.
var (
	Width  = math.Round((maxLon-minLon)*lonScale + 2*margin)
	Height = math.Round((maxLat-minLat)*scale + 2*margin)
)

// Project returns p's place in the map's viewBox (y grows downwards).
func Project(p Point) (x, y float64) {
	return (p.Lon-minLon)*lonScale + margin, (maxLat-p.Lat)*scale + margin
}

// OutlinePath is the outline as the d attribute of an SVG path, computed
// once.
var OutlinePath = sync.OnceValue(func() string {
	var b strings.Builder
	for _, ring := range Outline() {
		for i, p := range ring {
			x, y := Project(p)
			if i == 0 {
				b.WriteString("M")
			} else {
				b.WriteString("L")
			}
			b.WriteString(strconv.FormatFloat(x, 'f', 1, 64) + " " + strconv.FormatFloat(y, 'f', 1, 64))
		}
		b.WriteString("Z")
	}
	return b.String()
})

// Filter is what the map shows: which kinds of item (none set: all), and
// the filters that every list shares. The dates are a story's publication,
// a danger's report and a dispute's latest step.
type Filter struct {
	Stories, Dangers, Disputes bool
	KeyIssue                   string
	OrgID                      int64
	Since, Until               time.Time
}

// All reports whether the filter names no kind, and so shows every kind.
func (f Filter) All() bool { return !f.Stories && !f.Dangers && !f.Disputes }

// Count is how many public items of each kind a district holds.
type Count struct {
	District                   string
	Stories, Dangers, Disputes int
}

// Total is the district's count of every kind.
func (c Count) Total() int { return c.Stories + c.Dangers + c.Disputes }

// Item is a public item with a place, as the GeoJSON exports write it.
// Only public fields belong here.
type Item struct {
	ID        int64
	Title     string
	Kind      string // a story's or danger's kind
	Status    string // a danger's or dispute's status
	District  string
	Area      string
	Date      string // YYYY-MM-DD: published, reported or latest step; "" if none
	KeyIssues []string
}
