package jigsaw

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// WatchSchedule is how often a watched source is fetched.
type WatchSchedule string

// The schedules an admin may choose.
const (
	WatchHourly  WatchSchedule = "hourly"
	WatchSixHour WatchSchedule = "6h"
	WatchDaily   WatchSchedule = "daily"
	WatchWeekly  WatchSchedule = "weekly"
)

// WatchSchedules lists every schedule with the label people read.
var WatchSchedules = []Choice[WatchSchedule]{
	{WatchHourly, "Every hour"},
	{WatchSixHour, "Every 6 hours"},
	{WatchDaily, "Every day"},
	{WatchWeekly, "Every week"},
}

// Interval is the time between two runs on the schedule.
func (s WatchSchedule) Interval() time.Duration {
	switch s {
	case WatchHourly:
		return time.Hour
	case WatchSixHour:
		return 6 * time.Hour
	case WatchWeekly:
		return 7 * 24 * time.Hour
	}
	return 24 * time.Hour
}

// WatchKinds are the kinds of file a source may publish.
var WatchKinds = []Choice[string]{
	{ImportOCDS, "OCDS release or record packages (Contracts Finder, Find a Tender)"},
	{ImportODS, "NHS ODS organisation file (CSV)"},
}

// WatchEncodings are the character encodings a source may be read in, as
// the importer names them ("" is UTF-8, the default). The importer's tests
// check that it reads every one.
var WatchEncodings = []Choice[string]{
	{"", "UTF-8 (the default)"},
	{"latin1", "Latin-1 (ISO 8859-1)"},
	{"windows-1252", "Windows-1252"},
	{"utf-16", "UTF-16"},
}

// WatchODSKinds are what an ODS file may list ("" tells from the file
// name), as the importer names them; its tests check it knows each.
var WatchODSKinds = []Choice[string]{
	{"", "Tell from the file name"},
	{"trust", "NHS trusts"},
	{"gp", "GP practices"},
	{"ccg", "Clinical commissioning groups"},
	{"icb", "Integrated care boards"},
}

// WatchStatus is how a run of a watched source ended.
type WatchStatus string

// How runs end.
const (
	WatchImported    WatchStatus = "imported"
	WatchNotModified WatchStatus = "not-modified"
	WatchFailed      WatchStatus = "failed"
)

// WatchStatuses gives each status its label.
var WatchStatuses = []Choice[WatchStatus]{
	{WatchImported, "Imported"},
	{WatchNotModified, "Not modified"},
	{WatchFailed, "Failed"},
}

// WatchedSource is a published file or feed that Jigsaw fetches on a
// schedule and imports: OCDS from Contracts Finder or Find a Tender (a
// release package, record package or a paged search feed), or an NHS ODS
// file. OCDS contract awards arrive as drafts for editors, as an upload's do.
type WatchedSource struct {
	ID       int64
	Name     string
	Kind     string // ImportOCDS or ImportODS
	URL      string
	Schedule WatchSchedule
	// Filters of OCDS releases: only NHS buyers, only these buyers (ODS
	// codes or parts of names), only these CPV codes (prefixes: "851"
	// keeps 85100000 and 85110000), only buyers in these regions (see
	// InRegion) and only releases dated from Since.
	NHSOnly bool
	Buyers  []string
	CPV     []string
	Regions []string
	Since   string
	// ODSKind says what an ODS file lists ("" tells from its name).
	ODSKind string
	// Encoding is the file's character encoding ("" is UTF-8).
	Encoding  string
	Enabled   bool
	CreatedAt time.Time
	UpdatedAt time.Time

	// State kept between runs: the validators of the last file fetched
	// (for a conditional GET), when the next run is due, the failures in a
	// row since the last success, and how the last run ended.
	ETag         string
	LastModified string
	NextRunAt    time.Time
	Failures     int
	LastRunAt    time.Time
	LastStatus   WatchStatus
	LastMessage  string
}

var cpvPrefixRE = regexp.MustCompile(`^[0-9]{2,8}$`)

// A region of a watched source's filter is an ITL (formerly NUTS) code or
// its start, as Find a Tender gives a buyer's region ("UKE" is Yorkshire
// and the Humber, "UKE4" West Yorkshire), or a postcode area or district,
// as Contracts Finder gives a buyer's address ("BD", "BD20").
var (
	itlRegionRE      = regexp.MustCompile(`^UK[A-N][0-9A-Z]{0,3}$`)
	postcodeRegionRE = regexp.MustCompile(`^[A-Z]{1,2}([0-9][0-9A-Z]?)?$`)
)

// ValidRegion says whether r, in capitals, is a region a filter can name:
// an ITL code or its start, or a postcode area or district.
func ValidRegion(r string) bool { return itlRegionRE.MatchString(r) || postcodeRegionRE.MatchString(r) }

// InRegion says whether a buyer whose address gives region (an ITL or NUTS
// code, or "") and postcode is in one of regions: an ITL code matches the
// region codes it starts, a postcode area all its districts ("BD" keeps
// BD1 and BD20, not B1), a district itself.
func InRegion(regions []string, region, postcode string) bool {
	region = strings.ToUpper(strings.TrimSpace(region))
	outward, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(postcode)), " ")
	if len(outward) > 4 { // a postcode written without its space
		outward = outward[:len(outward)-3]
	}
	for _, r := range regions {
		switch {
		case itlRegionRE.MatchString(r):
			if region != "" && strings.HasPrefix(region, r) {
				return true
			}
		case outward == r:
			return true
		case !strings.ContainsAny(r, "0123456789") && strings.HasPrefix(outward, r) && len(outward) > len(r) &&
			outward[len(r)] >= '0' && outward[len(r)] <= '9':
			return true // an area: the district's letters are the area's
		}
	}
	return false
}

// Normalize trims the fields people type loosely and splits the lists.
func (s *WatchedSource) Normalize() {
	s.Name = strings.Join(strings.Fields(s.Name), " ")
	s.URL = strings.TrimSpace(s.URL)
	s.Since = NormalizeDate(s.Since)
	s.Buyers = cleanList(s.Buyers, false)
	s.CPV = cleanList(s.CPV, true)
	for i, c := range s.CPV {
		// A code as published may carry its check digit: 85100000-0.
		if j := strings.IndexByte(c, '-'); j > 0 {
			c = c[:j]
		}
		s.CPV[i] = c
	}
	s.Regions = cleanList(s.Regions, true)
	for i, r := range s.Regions {
		s.Regions[i] = strings.ToUpper(r)
	}
	s.Encoding = strings.ToLower(strings.TrimSpace(s.Encoding))
	if s.Encoding == "utf-8" || s.Encoding == "utf8" {
		s.Encoding = ""
	}
	if s.Kind != ImportOCDS {
		s.NHSOnly, s.Buyers, s.CPV, s.Regions, s.Since = false, nil, nil, nil, ""
	}
	if s.Kind != ImportODS {
		s.ODSKind = ""
	}
}

// cleanList trims each entry, splitting entries at commas (and, for
// codes, at spaces), and drops empty ones and repeats.
func cleanList(in []string, codes bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range in {
		parts := strings.Split(v, ",")
		if codes {
			parts = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' || r == '\t' || r == '\r' })
		}
		for _, p := range parts {
			p = strings.Join(strings.Fields(p), " ")
			if p != "" && !seen[strings.ToLower(p)] {
				seen[strings.ToLower(p)] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// Validate reports every field that is wrong, as an EINVALID error.
func (s *WatchedSource) Validate() error {
	p := Problems{}
	if s.Name == "" {
		p.Add("name", "Name is required.")
	} else if len(s.Name) > 200 {
		p.Add("name", "Name must be at most 200 characters.")
	}
	if !Valid(WatchKinds, s.Kind) {
		p.Add("kind", "Choose what the source publishes: OCDS or ODS.")
	}
	if s.URL == "" {
		p.Add("url", "Address is required.")
	} else if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		p.Add("url", "Address must be an http or https address, like https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search.")
	} else if len(s.URL) > 2000 {
		p.Add("url", "Address must be at most 2000 characters.")
	}
	if !Valid(WatchSchedules, s.Schedule) {
		p.Add("schedule", "Choose how often to fetch the source.")
	}
	if len(s.Buyers) > 50 {
		p.Add("buyers", "Name at most 50 buyers.")
	}
	for _, b := range s.Buyers {
		if len(b) > 200 {
			p.Add("buyers", "A buyer must be at most 200 characters.")
		}
	}
	if len(s.CPV) > 50 {
		p.Add("cpv", "Name at most 50 CPV codes.")
	}
	for _, c := range s.CPV {
		if !cpvPrefixRE.MatchString(c) {
			p.Add("cpv", "A CPV code is 2 to 8 digits, such as 85 or 85100000.")
		}
	}
	if len(s.Regions) > 50 {
		p.Add("regions", "Name at most 50 regions.")
	}
	for _, r := range s.Regions {
		if !ValidRegion(r) {
			p.Add("regions", fmt.Sprintf("%q is not a region: give an ITL code such as UKE4, or a postcode area or district such as BD or BD20.", r))
			break
		}
	}
	CheckDate(p, "since", "Since", s.Since, false)
	if !Valid(WatchODSKinds, s.ODSKind) {
		p.Add("ods_kind", "Choose what the ODS file lists.")
	}
	if !Valid(WatchEncodings, s.Encoding) {
		p.Add("encoding", "Choose the file's character encoding.")
	}
	return p.Err()
}

// WatchRun is one fetch of a watched source: when, how it ended, and what
// it imported. A run that imported several pages of a feed made one import
// run (ImportRun) for each.
type WatchRun struct {
	ID           int64
	SourceID     int64
	StartedAt    time.Time
	FinishedAt   time.Time
	Status       WatchStatus
	Message      string
	Pages        int
	Bytes        int64
	ImportRunIDs []int64
	// The sum of the counts of its imports.
	Read      int
	Created   int
	Updated   int
	Unchanged int
	Skipped   int
}

// WatchService keeps the watched sources and the record of their runs.
type WatchService interface {
	// CreateWatchedSource adds s, enabled and due at once.
	CreateWatchedSource(ctx context.Context, s *WatchedSource) error
	// UpdateWatchedSource saves what an admin may change of s (not its state).
	UpdateWatchedSource(ctx context.Context, s *WatchedSource) error
	DeleteWatchedSource(ctx context.Context, id int64) error
	FindWatchedSource(ctx context.Context, id int64) (*WatchedSource, error)
	// FindWatchedSources lists every source, by name, with its state.
	FindWatchedSources(ctx context.Context) ([]*WatchedSource, error)
	// SetWatchedSourceEnabled pauses or resumes a source.
	SetWatchedSourceEnabled(ctx context.Context, id int64, enabled bool) error
	// RunWatchedSourceNow makes the source due now.
	RunWatchedSourceNow(ctx context.Context, id int64) error
	// FindWatchRuns lists a source's runs, newest first.
	FindWatchRuns(ctx context.Context, sourceID int64, limit int) ([]*WatchRun, error)
}

// Label is the status as people read it.
func (s WatchStatus) Label() string { return LabelOf(WatchStatuses, s) }

// Label is the schedule as people read it.
func (s WatchSchedule) Label() string { return LabelOf(WatchSchedules, s) }
