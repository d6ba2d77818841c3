package jigsaw

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// OfficeRole is the public role a representative holds: an elected office,
// a candidacy, or a seat on the board of an NHS body or a company.
type OfficeRole string

// The public roles.
const (
	OfficeMP             OfficeRole = "mp"
	OfficeCouncillor     OfficeRole = "councillor"
	OfficeMayor          OfficeRole = "mayor"
	OfficeCandidate      OfficeRole = "candidate"
	OfficeChair          OfficeRole = "chair"
	OfficeChiefExecutive OfficeRole = "chief-executive"
	OfficeDirector       OfficeRole = "director"
	OfficeNonExecutive   OfficeRole = "non-executive-director"
	OfficeBoardMember    OfficeRole = "board-member"
	OfficeGPPartner      OfficeRole = "gp-partner"
)

// OfficeRoles lists every public role with its label.
var OfficeRoles = []Choice[OfficeRole]{
	{OfficeMP, "MP"},
	{OfficeCouncillor, "Councillor"},
	{OfficeMayor, "Mayor"},
	{OfficeCandidate, "Candidate"},
	{OfficeChair, "Chair"},
	{OfficeChiefExecutive, "Chief executive"},
	{OfficeDirector, "Director"},
	{OfficeNonExecutive, "Non-executive director"},
	{OfficeBoardMember, "Board member"},
	{OfficeGPPartner, "GP partner"},
}

// InterestKind is what kind of interest a representative declared.
type InterestKind string

// The kinds of declared interest.
const (
	InterestDirectorship InterestKind = "directorship"
	InterestShareholding InterestKind = "shareholding"
	InterestEmployment   InterestKind = "employment"
	InterestConsultancy  InterestKind = "consultancy"
	InterestGift         InterestKind = "gift"
	InterestOther        InterestKind = "other"
)

// InterestKinds lists every kind of interest with its label.
var InterestKinds = []Choice[InterestKind]{
	{InterestDirectorship, "Directorship"},
	{InterestShareholding, "Shareholding"},
	{InterestEmployment, "Employment"},
	{InterestConsultancy, "Consultancy"},
	{InterestGift, "Gift or hospitality"},
	{InterestOther, "Other"},
}

// ObjectRepresentative is the object type of a representative's revisions;
// changes to their declared interests are revisions of the representative.
const ObjectRepresentative = "representative"

// Representative is a person in a public role: an MP, a councillor, a
// mayor, a candidate, or a director or board member of an NHS body or of a
// company moving into the NHS. Everything about them is public, so it
// holds their public office contact only: there is no field for a home
// address or a personal phone, and none may be added.
type Representative struct {
	ID    int64
	Name  string
	Role  OfficeRole
	Party string // optional: candidates and elected members
	// OrgID is the body they sit on or represent (a council, an NHS
	// body, a company); 0 for none. OrgSlug and OrgName are filled in by
	// reads.
	OrgID   int64
	OrgSlug string
	OrgName string
	// Area is the area, constituency or ward in words; District its
	// postcode district.
	Area     string
	District string
	// FromOn and ToOn are the days the role began and ended, YYYY-MM-DD
	// (or YYYY-MM, YYYY); "" when not known or still held.
	FromOn string
	ToOn   string

	// Public office contact only.
	OfficeEmail   string
	OfficePhone   string
	OfficeAddress string
	Website       string

	// Interests are the person's declared interests, newest first; filled
	// in by FindRepresentativeByID, ignored by writes.
	Interests []Interest
	// Pledges are the pledges the person was asked to sign and the state
	// reached in each (PledgeTargetsOfRepresentative); ignored by writes.
	Pledges []*PledgeTarget
	// Seats are the seats the person holds or seeks; ignored by writes.
	Seats []*Seat

	CreatedAt time.Time
	// Version counts changes, as Dispute.Version does.
	Version   int64
	UpdatedAt time.Time
}

var officePhoneRE = regexp.MustCompile(`^\+?[0-9 ()-]{6,30}$`)

// Normalize trims what people type loosely.
func (r *Representative) Normalize() {
	r.Name = strings.Join(strings.Fields(r.Name), " ")
	r.Party = strings.Join(strings.Fields(r.Party), " ")
	r.Area = strings.Join(strings.Fields(r.Area), " ")
	r.District = NormalizeDistrict(r.District)
	r.FromOn, r.ToOn = NormalizeDate(r.FromOn), NormalizeDate(r.ToOn)
	r.OfficeEmail = strings.TrimSpace(r.OfficeEmail)
	r.OfficePhone = strings.Join(strings.Fields(r.OfficePhone), " ")
	r.OfficeAddress = strings.TrimSpace(r.OfficeAddress)
	r.Website = strings.TrimSpace(r.Website)
}

// Validate reports every field that is wrong, as an EINVALID error.
func (r *Representative) Validate() error {
	p := Problems{}
	checkText(p, "name", "Name", r.Name, 1, 200)
	if !Valid(OfficeRoles, r.Role) {
		p.Add("role", "Choose the public role.")
	}
	checkText(p, "party", "Party", r.Party, 0, 100)
	if r.OrgID < 0 {
		p.Add("organisation", "Choose an organisation.")
	}
	checkText(p, "area", "Area", r.Area, 0, 100)
	checkDistrict(p, "district", r.District)
	CheckDate(p, "from_on", "From", r.FromOn, true)
	CheckDate(p, "to_on", "To", r.ToOn, true)
	if r.FromOn != "" && r.ToOn != "" && validDate(r.FromOn, true) && validDate(r.ToOn, true) && r.ToOn < r.FromOn {
		p.Add("to_on", "The role cannot end before it began.")
	}
	if r.OfficeEmail != "" {
		if a, err := mail.ParseAddress(r.OfficeEmail); err != nil || a.Address != r.OfficeEmail || len(r.OfficeEmail) > 254 {
			p.Add("office_email", "Give an office email address such as office@example.org.")
		}
	}
	if r.OfficePhone != "" && !officePhoneRE.MatchString(r.OfficePhone) {
		p.Add("office_phone", "Give an office phone number, digits and spaces only.")
	}
	checkText(p, "office_address", "Office address", r.OfficeAddress, 0, 500)
	if r.Website != "" && (!validWebURL(r.Website) || len(r.Website) > 500) {
		p.Add("website", "Website must be an http or https address.")
	}
	return p.Err()
}

// Interest is an interest a representative declared: a directorship, a
// shareholding, a paid consultancy… optionally in an organisation (the
// company) and touching a danger (the contract it bears on), so that a
// conflict of interest links the person, the interest and the contract.
type Interest struct {
	ID               int64
	RepresentativeID int64
	Kind             InterestKind
	Description      string
	DeclaredOn       string // YYYY-MM-DD (or YYYY-MM, YYYY)
	SourceURL        string
	// OrgID is the organisation the interest is in; 0 for none. OrgSlug
	// and OrgName are filled in by reads.
	OrgID   int64
	OrgSlug string
	OrgName string
	// TrackerID is the danger the interest touches; 0 for none.
	// TrackerTitle is filled in by reads, for published dangers only:
	// a draft danger's title stays with editors.
	TrackerID    int64
	TrackerTitle string
	// RepresentativeName and RepresentativeRole are filled in by reads
	// that list interests from the danger's side.
	RepresentativeName string
	RepresentativeRole OfficeRole
}

// Normalize trims what people type loosely.
func (i *Interest) Normalize() {
	i.Description = strings.TrimSpace(i.Description)
	i.DeclaredOn = NormalizeDate(i.DeclaredOn)
	i.SourceURL = strings.TrimSpace(i.SourceURL)
}

// Validate reports every field that is wrong, as an EINVALID error.
func (i *Interest) Validate() error {
	p := Problems{}
	if !Valid(InterestKinds, i.Kind) {
		p.Add("kind", "Choose the kind of interest.")
	}
	checkText(p, "description", "Description", i.Description, 1, 2000)
	CheckDate(p, "declared_on", "Declared on", i.DeclaredOn, true)
	if i.SourceURL != "" && (!validWebURL(i.SourceURL) || len(i.SourceURL) > 500) {
		p.Add("source_url", "The source must be an http or https address.")
	}
	if i.OrgID < 0 {
		p.Add("organisation", "Choose an organisation.")
	}
	if i.TrackerID < 0 {
		p.Add("tracker", "Choose a danger.")
	}
	return p.Err()
}

// RepresentativeFilter selects representatives. Zero fields do not filter.
type RepresentativeFilter struct {
	Role     OfficeRole
	Party    string // matched whatever its case
	OrgID    int64
	District string
	Area     string // matched whatever its case
	Limit    int
	Offset   int
	// After starts the list past that person; Key is their name.
	After *After
}

// PublicRepresentativeService reads people in public roles, who are public
// whole.
type PublicRepresentativeService interface {
	// FindRepresentativeByID returns the person with their declared
	// interests; ENOTFOUND if there is none.
	FindRepresentativeByID(ctx context.Context, id int64) (*Representative, error)
	// FindRepresentatives returns people by name, and how many match,
	// counted as FindDisputes counts.
	FindRepresentatives(ctx context.Context, f RepresentativeFilter) ([]*Representative, int, error)
	// FindInterestsByTracker returns the declared interests that touch a
	// danger, with the names of the people who declared them.
	FindInterestsByTracker(ctx context.Context, trackerID int64) ([]Interest, error)
}

// RepresentativeService keeps people in public roles and their interests.
type RepresentativeService interface {
	PublicRepresentativeService
	// CreateRepresentative stores r and sets its ID. Returns EINVALID
	// naming each bad field.
	CreateRepresentative(ctx context.Context, r *Representative) error
	// UpdateRepresentative replaces r's fields (not its interests).
	// Returns ENOTFOUND, EINVALID, or ECONFLICT if r.Version is set and
	// not the stored version.
	UpdateRepresentative(ctx context.Context, r *Representative) error
	// AddInterest adds i to the person i.RepresentativeID and sets its
	// ID; ENOTFOUND if there is no such person, EINVALID naming each bad
	// field (an unknown organisation or danger included).
	AddInterest(ctx context.Context, i *Interest) error
	// UpdateInterest replaces the interest i.ID of i.RepresentativeID;
	// ENOTFOUND if that person has no such interest.
	UpdateInterest(ctx context.Context, i *Interest) error
	// DeleteInterest removes an interest; ENOTFOUND if the person has no
	// such interest.
	DeleteInterest(ctx context.Context, representativeID, interestID int64) error
}
