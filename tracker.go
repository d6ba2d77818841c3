package jigsaw

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// TrackerKind is what kind of danger a tracker item records.
type TrackerKind string

// The kinds of danger.
const (
	TrackerContractAward        TrackerKind = "contract-award"
	TrackerOutsourcing          TrackerKind = "outsourcing"
	TrackerSubCoTransfer        TrackerKind = "subco-transfer"
	TrackerClosure              TrackerKind = "closure"
	TrackerDowngrade            TrackerKind = "downgrade"
	TrackerCut                  TrackerKind = "cut"
	TrackerJobCuts              TrackerKind = "job-cuts"
	TrackerConflictOfInterest   TrackerKind = "conflict-of-interest"
	TrackerSafety               TrackerKind = "safety"
	TrackerPrivatePatients      TrackerKind = "private-patients"
	TrackerCommissioningChange  TrackerKind = "commissioning-change"
	TrackerPartnershipAgreement TrackerKind = "partnership-agreement"
)

// TrackerKinds lists every kind of danger with its label.
var TrackerKinds = []Choice[TrackerKind]{
	{TrackerContractAward, "Contract award"},
	{TrackerOutsourcing, "Outsourcing"},
	{TrackerSubCoTransfer, "Transfer to a subsidiary (SubCo)"},
	{TrackerClosure, "Closure"},
	{TrackerDowngrade, "Downgrade"},
	{TrackerCut, "Cut or “efficiency savings”"},
	{TrackerJobCuts, "Job cuts"},
	{TrackerConflictOfInterest, "Conflict of interest"},
	{TrackerSafety, "Safety"},
	{TrackerPrivatePatients, "Private patients"},
	{TrackerCommissioningChange, "Commissioning change"},
	{TrackerPartnershipAgreement, "Partnership agreement"},
}

// TrackerStatus is how far a danger has gone.
type TrackerStatus string

// The statuses of a danger.
const (
	TrackerProposed     TrackerStatus = "proposed"
	TrackerConsultation TrackerStatus = "consultation"
	TrackerDecided      TrackerStatus = "decided"
	TrackerImplemented  TrackerStatus = "implemented"
	TrackerDefeated     TrackerStatus = "defeated"
	TrackerReversed     TrackerStatus = "reversed"
)

// TrackerStatuses lists every status with its label, in the usual order of
// events.
var TrackerStatuses = []Choice[TrackerStatus]{
	{TrackerProposed, "Proposed"},
	{TrackerConsultation, "Consultation"},
	{TrackerDecided, "Decided"},
	{TrackerImplemented, "Implemented"},
	{TrackerDefeated, "Defeated"},
	{TrackerReversed, "Reversed"},
}

// OrgRole is the part an organisation plays in a danger.
type OrgRole string

// The roles of organisations in a danger.
const (
	RoleBuyer        OrgRole = "buyer"
	RoleSupplier     OrgRole = "supplier"
	RoleEmployer     OrgRole = "employer"
	RoleParent       OrgRole = "parent"
	RoleCommissioner OrgRole = "commissioner"
	RoleSignatory    OrgRole = "signatory" // a party to a partnership agreement
)

// OrgRoles lists every role with its label.
var OrgRoles = []Choice[OrgRole]{
	{RoleBuyer, "Buyer"},
	{RoleSupplier, "Supplier"},
	{RoleEmployer, "Employer"},
	{RoleParent, "Parent"},
	{RoleCommissioner, "Commissioner"},
	{RoleSignatory, "Signatory"},
}

// TrackerOrg is an organisation taking part in a danger. Slug and Name are
// filled in by reads; writes need OrgID and Role only.
type TrackerOrg struct {
	OrgID int64
	Role  OrgRole
	Slug  string
	Name  string
}

// Source backs a danger: where it was reported, by whom, when, and the words
// that matter.
type Source struct {
	URL         string
	Publisher   string
	PublishedOn string // YYYY-MM-DD, YYYY-MM or YYYY; "" if not known
	Quote       string
}

// StatusChange is one dated entry of a danger's status history.
type StatusChange struct {
	Status TrackerStatus
	On     string // YYYY-MM-DD, YYYY-MM or YYYY
	Note   string
}

// LinkRef names a linked story, dispute or danger by its ID and title.
// Writes need the ID only.
type LinkRef struct {
	ID    int64
	Title string
}

// TrackerItem is a danger to the service: a contract, an outsourcing, a
// closure, a cut… Nothing in it is personal: once published it is public
// whole. Until then it is a draft only editors see (the OCDS importer
// creates contract awards as drafts for an editor to review).
type TrackerItem struct {
	ID      int64
	Kind    TrackerKind
	Title   string
	Summary string // Markdown

	// History is the dated status history, oldest first. Status and
	// StatusOn repeat its last entry; OrderHistory sets them.
	History  []StatusChange
	Status   TrackerStatus
	StatusOn string

	ReportedOn  string // when it first became known; defaults to the first status date
	DecidedOn   string
	EffectiveOn string // when it takes or took effect (a contract's start)
	EndsOn      string // when it ends (a contract's end)

	ValuePence    int64 // value in pence; 0 when not known
	StaffAffected int   // 0 when not known
	District      string
	Area          string
	KeyIssues     []string

	Organisations []TrackerOrg
	Sources       []Source
	Stories       []LinkRef // linked stories: public reads list published ones only
	Disputes      []LinkRef

	// SourceKey is the external key an importer matched the item by (for
	// OCDS "ocds:" + ocid + "/" + release id); "" for items entered by hand.
	SourceKey string

	// Published asks for the item to be public; PublishedAt is when it
	// first was (zero for a draft).
	Published   bool
	PublishedAt time.Time
	CreatedAt   time.Time
	// Version counts the record's changes. An update made from an older
	// version than the stored one is refused (ECONFLICT), so a second
	// editor does not overwrite the first; 0 leaves it unchecked.
	Version   int64
	UpdatedAt time.Time
}

// Normalize trims what people type loosely. It keeps the order of every
// list, so that Validate's field names point at what the caller sent.
func (t *TrackerItem) Normalize() {
	t.Title = strings.Join(strings.Fields(t.Title), " ")
	t.Summary = strings.TrimSpace(t.Summary)
	t.District = NormalizeDistrict(t.District)
	t.Area = strings.TrimSpace(t.Area)
	t.SourceKey = strings.TrimSpace(t.SourceKey)
	for _, d := range []*string{&t.ReportedOn, &t.DecidedOn, &t.EffectiveOn, &t.EndsOn} {
		*d = strings.TrimSpace(*d)
	}
	for i := range t.History {
		h := &t.History[i]
		h.On, h.Note = strings.TrimSpace(h.On), strings.TrimSpace(h.Note)
	}
	for i := range t.Sources {
		s := &t.Sources[i]
		s.URL, s.Publisher, s.PublishedOn, s.Quote = strings.TrimSpace(s.URL), strings.TrimSpace(s.Publisher), strings.TrimSpace(s.PublishedOn), strings.TrimSpace(s.Quote)
	}
	t.KeyIssues = uniqueStrings(t.KeyIssues)
}

// OrderHistory sorts the status history by date and derives the current
// status, and the reported date when none was given, from it. Stores call
// it after Validate.
func (t *TrackerItem) OrderHistory() {
	// Stable, so entries of one day keep the order they were given in.
	sort.SliceStable(t.History, func(i, j int) bool { return firstDay(t.History[i].On) < firstDay(t.History[j].On) })
	if n := len(t.History); n > 0 {
		t.Status, t.StatusOn = t.History[n-1].Status, t.History[n-1].On
		if t.ReportedOn == "" {
			t.ReportedOn = t.History[0].On
		}
	}
}

// Validate reports every field that is wrong, as an EINVALID error whose
// field names are the JSON paths of the API ("sources[0].url").
func (t *TrackerItem) Validate() error {
	p := Problems{}
	if !Valid(TrackerKinds, t.Kind) {
		p.Add("kind", "Choose the kind of danger.")
	}
	checkText(p, "title", "Title", t.Title, 1, 300)
	checkText(p, "summary", "Summary", t.Summary, 0, 20000)
	if len(t.History) == 0 {
		p.Add("status_history", "Give the status and since when.")
	}
	for i, h := range t.History {
		f := fmt.Sprintf("status_history[%d].", i)
		if !Valid(TrackerStatuses, h.Status) {
			p.Add(f+"status", "Choose a status.")
		}
		if h.On == "" {
			p.Add(f+"on", "Give the date of this status.")
		}
		CheckDate(p, f+"on", "The date", h.On, true)
		checkText(p, f+"note", "The note", h.Note, 0, 500)
	}
	CheckDate(p, "reported_on", "Reported on", t.ReportedOn, true)
	CheckDate(p, "decided_on", "Decided on", t.DecidedOn, true)
	CheckDate(p, "effective_on", "Takes effect", t.EffectiveOn, true)
	CheckDate(p, "ends_on", "Ends", t.EndsOn, true)
	if t.EffectiveOn != "" && t.EndsOn != "" && validDate(t.EffectiveOn, true) && validDate(t.EndsOn, true) && DateBefore(t.EndsOn, t.EffectiveOn) {
		p.Add("ends_on", "It cannot end before it takes effect.")
	}
	if t.ValuePence < 0 {
		p.Add("value_pence", "The value cannot be negative.")
	}
	if t.StaffAffected < 0 {
		p.Add("staff_affected", "Staff affected cannot be negative.")
	}
	checkDistrict(p, "district", t.District)
	checkText(p, "area", "Area", t.Area, 0, 100)
	checkText(p, "source_key", "Source key", t.SourceKey, 0, 300)
	seen := map[TrackerOrg]bool{}
	for i, o := range t.Organisations {
		f := fmt.Sprintf("organisations[%d].", i)
		if o.OrgID <= 0 {
			p.Add(f+"organisation", "Choose an organisation.")
		}
		if !Valid(OrgRoles, o.Role) {
			p.Add(f+"role", "Choose the organisation's role.")
		}
		key := TrackerOrg{OrgID: o.OrgID, Role: o.Role}
		if seen[key] && o.OrgID > 0 {
			p.Add(f+"organisation", "This organisation is already listed in this role.")
		}
		seen[key] = true
	}
	for i, s := range t.Sources {
		f := fmt.Sprintf("sources[%d].", i)
		if s.URL == "" {
			p.Add(f+"url", "Give the address of the source.")
		} else if !validWebURL(s.URL) {
			p.Add(f+"url", "The source must be an http or https address.")
		}
		checkText(p, f+"url", "The address", s.URL, 0, 2000)
		checkText(p, f+"publisher", "The publisher", s.Publisher, 0, 200)
		CheckDate(p, f+"published_on", "The date", s.PublishedOn, true)
		checkText(p, f+"quote", "The quote", s.Quote, 0, 2000)
	}
	if t.Published && len(t.Sources) == 0 {
		p.Add("sources", "A danger cannot be published without at least one source.")
	}
	checkLinks(p, "stories", t.Stories)
	checkLinks(p, "disputes", t.Disputes)
	return p.Err()
}

// Value returns the value as pounds for people, or "" when not known.
func (t *TrackerItem) Value() string {
	if t.ValuePence == 0 {
		return ""
	}
	return FormatPence(t.ValuePence)
}

// OrgsInRole returns the organisations playing role.
func (t *TrackerItem) OrgsInRole(role OrgRole) []TrackerOrg {
	var out []TrackerOrg
	for _, o := range t.Organisations {
		if o.Role == role {
			out = append(out, o)
		}
	}
	return out
}

// TrackerFilter selects tracker items. Zero fields do not filter.
type TrackerFilter struct {
	Kind     TrackerKind
	Status   TrackerStatus
	KeyIssue string
	District string
	OrgID    int64
	// Drafts selects drafts only; public reads ignore it.
	Drafts bool
	// PublishedAfter keeps the items first public after that instant (for
	// alerts' digests).
	PublishedAfter time.Time
	Limit          int
	Offset         int
	// After starts the list past that item; Key is its ReportedOn.
	After *After
}

// PublicTrackerService reads published tracker items. Public pages, feeds
// and the API depend on it alone, so drafts cannot reach them.
type PublicTrackerService interface {
	// FindPublicTrackerItemByID returns ENOTFOUND unless the item exists and
	// is published. Its linked stories are the published ones only.
	FindPublicTrackerItemByID(ctx context.Context, id int64) (*TrackerItem, error)
	// FindPublicTrackerItems returns published items, most recently
	// reported first, and how many match in all, counted exactly up to
	// CountCap (or to the end of the requested page), as
	// PublicStoryService.FindPublicStories counts.
	FindPublicTrackerItems(ctx context.Context, f TrackerFilter) ([]*TrackerItem, int, error)
}

// TrackerService keeps tracker items, drafts included, for editors and
// importers.
type TrackerService interface {
	PublicTrackerService
	// CreateTrackerItem stores t and sets its ID and times. Returns EINVALID
	// naming each bad field (a missing organisation, story or dispute, an
	// unknown key issue, publishing without a source…) and ECONFLICT when
	// the source key is taken.
	CreateTrackerItem(ctx context.Context, t *TrackerItem) error
	// UpdateTrackerItem replaces every field of t, its lists included.
	// Returns ENOTFOUND if it does not exist, ECONFLICT if t.Version is
	// set and not the stored version, otherwise as Create.
	UpdateTrackerItem(ctx context.Context, t *TrackerItem) error
	// FindTrackerItemByID returns the item, draft or not, with all its
	// links; ENOTFOUND if there is none.
	FindTrackerItemByID(ctx context.Context, id int64) (*TrackerItem, error)
	// FindTrackerItemBySourceKey finds an imported item by its external
	// key; ENOTFOUND if there is none.
	FindTrackerItemBySourceKey(ctx context.Context, key string) (*TrackerItem, error)
	// FindTrackerItems returns items, drafts included (only drafts when
	// f.Drafts), most recently reported first, and the total, counted as
	// FindPublicTrackerItems counts.
	FindTrackerItems(ctx context.Context, f TrackerFilter) ([]*TrackerItem, int, error)
}

func checkText(p Problems, field, label, s string, min, max int) {
	switch {
	case min > 0 && s == "":
		p.Add(field, label+" is required.")
	case len(s) > max:
		p.Add(field, fmt.Sprintf("%s must be at most %d characters.", label, max))
	}
}

func checkDistrict(p Problems, field, s string) {
	if s != "" && !ValidDistrict(s) {
		p.Add(field, "Give a postcode district such as BD20 or SW1A.")
	}
}

func checkLinks(p Problems, field string, links []LinkRef) {
	for i, l := range links {
		if l.ID <= 0 {
			p.Add(fmt.Sprintf("%s[%d]", field, i), "Give the number of an existing record.")
		}
	}
}

func validWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// uniqueStrings trims, drops empty and repeated values, keeping the order.
func uniqueStrings(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
