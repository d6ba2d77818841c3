package jigsaw

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// OrgKind is the kind of an organisation.
type OrgKind string

// The kinds of organisation Jigsaw knows.
const (
	OrgNHSTrust        OrgKind = "nhs-trust"
	OrgFoundationTrust OrgKind = "foundation-trust"
	OrgICB             OrgKind = "icb"
	OrgCCG             OrgKind = "ccg"
	OrgGPPractice      OrgKind = "gp-practice"
	OrgHealthWellbeing OrgKind = "health-wellbeing-board"
	OrgHealthwatch     OrgKind = "healthwatch"
	OrgNationalBody    OrgKind = "national-nhs-body"
	OrgCompany         OrgKind = "company"
	OrgSubsidiary      OrgKind = "subsidiary"
	OrgUnion           OrgKind = "union"
	OrgCampaignGroup   OrgKind = "campaign-group"
	OrgParty           OrgKind = "party"
	OrgCouncil         OrgKind = "council"
	OrgGovernment      OrgKind = "government"
	// Sites that ODS lists among GP practices by their prescribing
	// setting: the services campaigners see closed.
	OrgWalkInCentre OrgKind = "walk-in-centre"
	OrgOutOfHours   OrgKind = "out-of-hours"
	OrgUrgentCare   OrgKind = "urgent-care"
)

// OrgKinds lists every kind with the label people read.
var OrgKinds = []Choice[OrgKind]{
	{OrgNHSTrust, "NHS trust"},
	{OrgFoundationTrust, "Foundation trust"},
	{OrgICB, "Integrated care board"},
	{OrgCCG, "Clinical commissioning group"},
	{OrgGPPractice, "GP practice"},
	{OrgWalkInCentre, "Walk-in centre"},
	{OrgOutOfHours, "Out-of-hours service"},
	{OrgUrgentCare, "Urgent and emergency care site"},
	{OrgHealthWellbeing, "Health and wellbeing board"},
	{OrgHealthwatch, "Healthwatch"},
	{OrgNationalBody, "National NHS body"},
	{OrgCompany, "Company"},
	{OrgSubsidiary, "Subsidiary company"},
	{OrgUnion, "Trade union"},
	{OrgCampaignGroup, "Campaign group"},
	{OrgParty, "Political party"},
	{OrgCouncil, "Council"},
	{OrgGovernment, "Government"},
}

// Choice pairs a stored value with its label.
type Choice[T ~string] struct {
	Value T
	Label string
}

// LabelOf returns the label of v in choices, or v itself.
func LabelOf[T ~string](choices []Choice[T], v T) string {
	for _, c := range choices {
		if c.Value == v {
			return c.Label
		}
	}
	return string(v)
}

// Valid reports whether v is one of choices.
func Valid[T ~string](choices []Choice[T], v T) bool {
	for _, c := range choices {
		if c.Value == v {
			return true
		}
	}
	return false
}

// Organisation is a body that appears in the record: an NHS trust, a
// company, a union, a campaign group…
type Organisation struct {
	ID              int64
	Slug            string // stable, readable key used in URLs
	Name            string
	Kind            OrgKind
	ODSCode         string // NHS Organisation Data Service code, if any
	CompanyNumber   string // Companies House number, if any
	ParentID        int64  // 0 when the organisation has no parent
	Region          string
	Website         string
	CoalitionMember bool
	// OpenedOn and ClosedOn (YYYY-MM-DD, "" when not known or not closed)
	// come from ODS or an editor. A closure is what a campaign against
	// closures most needs to know.
	OpenedOn  string
	ClosedOn  string
	CreatedAt time.Time
	// Version counts the record's changes. An update made from an older
	// version than the stored one is refused (ECONFLICT), so a second
	// editor does not overwrite the first; 0 leaves it unchecked.
	Version   int64
	UpdatedAt time.Time
}

var (
	odsCodeRE       = regexp.MustCompile(`^[A-Z0-9]{3,10}$`)
	companyNumberRE = regexp.MustCompile(`^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$`)
)

// Normalize trims and canonicalises the fields people type loosely.
func (o *Organisation) Normalize() {
	o.Name = strings.Join(strings.Fields(o.Name), " ")
	o.ODSCode = strings.ToUpper(strings.TrimSpace(o.ODSCode))
	o.CompanyNumber = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(o.CompanyNumber), " ", ""))
	o.Region = strings.TrimSpace(o.Region)
	o.Website = strings.TrimSpace(o.Website)
	o.OpenedOn, o.ClosedOn = NormalizeDate(o.OpenedOn), NormalizeDate(o.ClosedOn)
	if o.Slug == "" {
		o.Slug = Slugify(o.Name)
	}
}

// Validate reports every field that is wrong, as an EINVALID error.
func (o *Organisation) Validate() error {
	p := Problems{}
	if o.Name == "" {
		p.Add("name", "Name is required.")
	} else if len(o.Name) > 300 {
		p.Add("name", "Name must be at most 300 characters.")
	}
	if !Valid(OrgKinds, o.Kind) {
		p.Add("kind", "Choose a kind of organisation.")
	}
	if o.ODSCode != "" && !odsCodeRE.MatchString(o.ODSCode) {
		p.Add("ods_code", "An ODS code is 3 to 10 letters and digits.")
	}
	if o.CompanyNumber != "" && !companyNumberRE.MatchString(o.CompanyNumber) {
		p.Add("company_number", "A Companies House number is 8 digits, or 2 letters and 6 digits.")
	}
	if o.Website != "" {
		if u, err := url.Parse(o.Website); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.Add("website", "Website must be an http or https address.")
		}
	}
	CheckDate(p, "opened_on", "Opened on", o.OpenedOn, false)
	CheckDate(p, "closed_on", "Closed on", o.ClosedOn, false)
	if o.OpenedOn != "" && o.ClosedOn != "" && o.ClosedOn < o.OpenedOn && len(p) == 0 {
		p.Add("closed_on", "Closed on must not be before the day it opened.")
	}
	if o.ParentID != 0 && o.ParentID == o.ID {
		p.Add("parent_id", "An organisation cannot be its own parent.")
	}
	if o.Slug == "" {
		p.Add("name", "Name must contain letters or digits.")
	}
	return p.Err()
}

// Closed reports whether the organisation has closed by day (YYYY-MM-DD).
func (o *Organisation) Closed(day string) bool { return o.ClosedOn != "" && o.ClosedOn <= day }

// OrganisationFilter selects organisations. Zero fields do not filter.
type OrganisationFilter struct {
	Kind     OrgKind
	Region   string
	Query    string // matches the name
	ParentID int64  // the direct children of this organisation
	Members  bool   // coalition members only
	Limit    int
	Offset   int
	// After starts the list past that organisation; Key is its Name.
	After *After
}

// OrganisationService keeps organisations.
type OrganisationService interface {
	// CreateOrganisation stores o and sets its ID and timestamps. Returns
	// EINVALID for bad fields and ECONFLICT when the slug or ODS code is taken.
	CreateOrganisation(ctx context.Context, o *Organisation) error
	// UpdateOrganisation replaces the stored fields of o. Returns ENOTFOUND
	// if it does not exist, EINVALID and ECONFLICT as Create does, and
	// EINVALID when the parent would make a cycle, ECONFLICT if o.Version
	// is set and not the stored version.
	UpdateOrganisation(ctx context.Context, o *Organisation) error
	// FindOrganisationByID returns ENOTFOUND if there is none.
	FindOrganisationByID(ctx context.Context, id int64) (*Organisation, error)
	// FindOrganisationBySlug returns ENOTFOUND if there is none.
	FindOrganisationBySlug(ctx context.Context, slug string) (*Organisation, error)
	// FindOrganisationByODSCode finds an organisation by its NHS ODS code
	// (in any case); ENOTFOUND if there is none.
	FindOrganisationByODSCode(ctx context.Context, code string) (*Organisation, error)
	// FindOrganisationByCompanyNumber finds an organisation by its
	// Companies House number (in any case, spaces ignored); ENOTFOUND if
	// there is none. Numbers are not unique: the oldest record wins.
	FindOrganisationByCompanyNumber(ctx context.Context, number string) (*Organisation, error)
	// FindOrganisations returns the matching organisations by name and how
	// many match in all, counted as PublicStoryService.FindPublicStories
	// counts (exactly up to CountCap or the end of the page asked for).
	FindOrganisations(ctx context.Context, f OrganisationFilter) ([]*Organisation, int, error)
	// FindMergedOrganisation returns the organisation that absorbed the
	// organisation once known by key (its old ID or slug), so old links
	// still lead somewhere; ENOTFOUND if key was never merged away.
	FindMergedOrganisation(ctx context.Context, key string) (*Organisation, error)
	// MergeOrganisations folds the duplicate into the survivor in one
	// transaction: every story, danger and dispute that named the
	// duplicate names the survivor instead, the duplicate's children
	// become the survivor's, the survivor gains the identifiers (ODS code,
	// company number, website, region, parent) it lacked, the edit history
	// moves across, and the duplicate is deleted. Returns ENOTFOUND if
	// either does not exist and EINVALID if they are the same.
	MergeOrganisations(ctx context.Context, survivorID, duplicateID int64) error
}

// Slugify turns a name into a lower-case, hyphenated URL key.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	// Letters with accents keep their letter (Môn → mon, not m-n);
	// apostrophes join (Guy's → guys).
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’':
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == '&':
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
			}
			b.WriteString("and-")
			dash = true
		default:
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if len(out) > 80 {
		out = strings.TrimSuffix(out[:80], "-")
	}
	return out
}

// SiteSettings are what an admin says about the instance.
type SiteSettings struct {
	Name        string
	Description string
	Contact     string // an email address or web page people can reach
	// About and Privacy are the Markdown texts of the /about page and the
	// privacy notice at /privacy; empty, the pages show a default text.
	About   string
	Privacy string
}

// MaxNoticeBytes is the longest the about page's text or the privacy
// notice may be.
const MaxNoticeBytes = 20000

// Validate checks the lengths of the settings.
func (s SiteSettings) Validate() error {
	p := Problems{}
	if len(s.Name) > 100 {
		p.Add("name", "At most 100 characters.")
	}
	if len(s.Description) > 500 {
		p.Add("description", "At most 500 characters.")
	}
	if len(s.Contact) > 200 {
		p.Add("contact", "At most 200 characters.")
	}
	if len(s.About) > MaxNoticeBytes {
		p.Add("about", "At most 20,000 characters.")
	}
	if len(s.Privacy) > MaxNoticeBytes {
		p.Add("privacy", "At most 20,000 characters.")
	}
	return p.Err()
}
