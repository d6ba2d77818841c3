package jigsaw

import (
	"context"
	"strings"
	"time"
)

// ObjectPledge is the object type of pledges' revisions; their targets'
// changes are revisions of the pledge.
const ObjectPledge = "pledge"

// PledgeKind is whether a pledge is one the coalition asks others to sign,
// or a promise someone made on their own: both are tracked the same way.
type PledgeKind string

// The kinds of pledge.
const (
	PledgeAsk     PledgeKind = "ask"
	PledgePromise PledgeKind = "promise"
)

// PledgeKinds lists the kinds with their labels.
var PledgeKinds = []Choice[PledgeKind]{
	{PledgeAsk, "A pledge we ask others to sign"},
	{PledgePromise, "A promise made by a party or government"},
}

// Label is the kind's label in English.
func (k PledgeKind) Label() string { return LabelOf(PledgeKinds, k) }

// PledgeState is where one target of a pledge stands.
type PledgeState string

// The states of a pledge's target.
const (
	PledgeNotAsked PledgeState = "not-asked"
	PledgeAsked    PledgeState = "asked"
	PledgeSigned   PledgeState = "signed"
	PledgeDeclined PledgeState = "declined"
	PledgeBroken   PledgeState = "broken"
)

// PledgeStates lists the states with their labels.
var PledgeStates = []Choice[PledgeState]{
	{PledgeNotAsked, "Not asked"},
	{PledgeAsked, "Asked"},
	{PledgeSigned, "Signed"},
	{PledgeDeclined, "Declined"},
	{PledgeBroken, "Broken"},
}

// Label is the state's label in English.
func (s PledgeState) Label() string { return LabelOf(PledgeStates, s) }

// TargetKind is what kind of body or person a pledge's target is.
type TargetKind string

// The kinds of target.
const (
	TargetICB          TargetKind = "icb"
	TargetTrust        TargetKind = "trust"
	TargetCompanyBoard TargetKind = "company-board"
	TargetParty        TargetKind = "party"
	TargetGovernment   TargetKind = "government"
	TargetCouncil      TargetKind = "council"
	TargetMP           TargetKind = "mp"
	TargetCouncillor   TargetKind = "councillor"
	TargetMayor        TargetKind = "mayor"
	TargetCandidate    TargetKind = "candidate"
	TargetOther        TargetKind = "other"
)

// TargetKinds lists the kinds of target with their labels.
var TargetKinds = []Choice[TargetKind]{
	{TargetICB, "ICB or CCG"},
	{TargetTrust, "NHS trust"},
	{TargetCompanyBoard, "Company board"},
	{TargetParty, "Party"},
	{TargetGovernment, "Government"},
	{TargetCouncil, "Council"},
	{TargetMP, "MP"},
	{TargetCouncillor, "Councillor"},
	{TargetMayor, "Mayor"},
	{TargetCandidate, "Candidate"},
	{TargetOther, "Other"},
}

// Label is the kind's label in English.
func (k TargetKind) Label() string { return LabelOf(TargetKinds, k) }

// TargetKindOfOrg is the kind of target an organisation of kind k is
// taken to be when the editor does not say.
func TargetKindOfOrg(k OrgKind) TargetKind {
	switch k {
	case OrgICB, OrgCCG:
		return TargetICB
	case OrgNHSTrust, OrgFoundationTrust:
		return TargetTrust
	case OrgCompany, OrgSubsidiary:
		return TargetCompanyBoard
	case OrgParty:
		return TargetParty
	case OrgGovernment:
		return TargetGovernment
	case OrgCouncil:
		return TargetCouncil
	}
	return TargetOther
}

// PledgeVersion is one wording of a pledge. Targets record the version
// they signed, so that a later change of wording does not rewrite what
// someone put their name to.
type PledgeVersion struct {
	ID        int64
	PledgeID  int64
	Number    int    // 1 for the first wording; the store counts
	Text      string // Markdown
	AdoptedOn string // YYYY-MM-DD
	Note      string // what changed, and why
}

// Normalize trims the version's text.
func (v *PledgeVersion) Normalize() {
	v.Text, v.Note = strings.TrimSpace(v.Text), strings.TrimSpace(v.Note)
	v.AdoptedOn = NormalizeDate(v.AdoptedOn)
}

func (v *PledgeVersion) check(p Problems, prefix string) {
	checkText(p, prefix+"text", "The text of the pledge", v.Text, 1, 20000)
	if v.AdoptedOn == "" {
		p.Add(prefix+"adopted_on", "Give the day this wording was adopted.")
	}
	CheckDate(p, prefix+"adopted_on", "The day it was adopted", v.AdoptedOn, false)
	checkText(p, prefix+"note", "The note", v.Note, 0, 2000)
}

// Pledge is a text that targets are asked to sign, or a promise that was
// made, with the states of its targets. Pledges are public whole.
type Pledge struct {
	ID      int64
	Slug    string
	Title   string
	Kind    PledgeKind
	Summary string // Markdown: why it matters
	// CampaignID is the campaign the pledge serves, 0 for none. On a
	// write, a CampaignSlug names it instead; reads fill both and the
	// campaign's name.
	CampaignID   int64
	CampaignSlug string
	CampaignName string
	// KeeperID is the organisation that keeps the pledge, 0 for none;
	// KeeperName and KeeperSlug are filled in by reads.
	KeeperID   int64
	KeeperName string
	KeeperSlug string

	// Versions are the pledge's wordings, oldest first; reads fill them.
	Versions []PledgeVersion
	// NewVersion, on a write, adds a wording unless its text is that of
	// the current one. A new pledge needs one.
	NewVersion *PledgeVersion

	// Targets and Signed count the pledge's targets and those that
	// signed; reads fill them.
	Targets int
	Signed  int

	CreatedAt time.Time
	// Version counts the record's changes (see Dispute.Version).
	Version   int64
	UpdatedAt time.Time
}

// Current returns the wording in force, or nil before there is one.
func (p *Pledge) Current() *PledgeVersion {
	if len(p.Versions) == 0 {
		return nil
	}
	return &p.Versions[len(p.Versions)-1]
}

// Older returns the wordings before the current one, newest first.
func (p *Pledge) Older() []PledgeVersion {
	var out []PledgeVersion
	for i := len(p.Versions) - 2; i >= 0; i-- {
		out = append(out, p.Versions[i])
	}
	return out
}

// Normalize trims what people type loosely.
func (p *Pledge) Normalize() {
	p.Title = strings.Join(strings.Fields(p.Title), " ")
	p.Summary = strings.TrimSpace(p.Summary)
	p.Slug = strings.TrimSpace(p.Slug)
	p.CampaignSlug = strings.TrimSpace(p.CampaignSlug)
	if p.Slug == "" {
		p.Slug = Slugify(p.Title)
	}
	if p.NewVersion != nil {
		p.NewVersion.Normalize()
	}
}

// Validate reports every field that is wrong. A new pledge (ID 0) needs
// its first wording.
func (p *Pledge) Validate() error {
	pr := Problems{}
	checkText(pr, "title", "Title", p.Title, 1, 300)
	if p.Title != "" && p.Slug == "" {
		pr.Add("title", "The title must contain letters or digits.")
	}
	checkText(pr, "slug", "The address", p.Slug, 0, 80)
	if p.Slug != "" && Slugify(p.Slug) != p.Slug {
		pr.Add("slug", "The address may hold only small letters, digits and hyphens.")
	}
	if !Valid(PledgeKinds, p.Kind) {
		pr.Add("kind", "Choose the kind of pledge.")
	}
	checkText(pr, "summary", "Summary", p.Summary, 0, 20000)
	if p.CampaignID < 0 {
		pr.Add("campaign", "Choose a campaign.")
	}
	if p.KeeperID < 0 {
		pr.Add("keeper", "Choose an organisation.")
	}
	switch {
	case p.NewVersion != nil:
		p.NewVersion.check(pr, "")
	case p.ID == 0:
		pr.Add("text", "The text of the pledge is required.")
	}
	return pr.Err()
}

// PledgeTarget is one body or person asked to sign a pledge (or held to a
// promise): an organisation, or a person in a public role, with its state.
type PledgeTarget struct {
	ID       int64
	PledgeID int64
	// Exactly one of OrgID and RepresentativeID is set.
	OrgID            int64
	RepresentativeID int64
	Kind             TargetKind
	State            PledgeState
	// StateOn is the day the target reached State (YYYY-MM-DD). A change
	// of state needs it; on an update that keeps the state, "" keeps the
	// stored day.
	StateOn      string
	EvidenceURL  string
	EvidenceNote string
	// VersionID is the wording signed; a signature without one is taken
	// to be of the wording in force on StateOn.
	VersionID int64
	// Area and District place the target for the table's filters and
	// shares; an organisation's area defaults to its region.
	Area     string
	District string
	// PartyID is the party of the target as it was asked (a candidate's
	// party, or the party itself), 0 for none.
	PartyID int64

	// Filled by reads.
	Name          string // the organisation's or person's name
	Slug          string // the organisation's slug, "" for a person
	PartyName     string
	PartySlug     string
	VersionNumber int
	PledgeTitle   string
	PledgeSlug    string
	History       []PledgeStateChange // oldest first

	// Version counts the target's changes (see Dispute.Version).
	Version   int64
	UpdatedAt time.Time
}

// PledgeStateChange is one recorded state of a target.
type PledgeStateChange struct {
	State        PledgeState
	On           string
	EvidenceURL  string
	EvidenceNote string
	VersionID    int64
}

// NeedsEvidence reports whether the target signed or broke the pledge
// without evidence recorded: allowed, but marked.
func (t *PledgeTarget) NeedsEvidence() bool {
	return (t.State == PledgeSigned || t.State == PledgeBroken) && t.EvidenceURL == "" && t.EvidenceNote == ""
}

// Normalize trims what people type loosely.
func (t *PledgeTarget) Normalize() {
	t.StateOn = NormalizeDate(strings.TrimSpace(t.StateOn))
	t.EvidenceURL, t.EvidenceNote = strings.TrimSpace(t.EvidenceURL), strings.TrimSpace(t.EvidenceNote)
	t.Area = strings.Join(strings.Fields(t.Area), " ")
	t.District = NormalizeDistrict(t.District)
	if t.State == "" {
		t.State = PledgeNotAsked
	}
}

// Validate reports every field that is wrong. It cannot know the stored
// state, so the store checks that a change of state has its date.
func (t *PledgeTarget) Validate() error {
	p := Problems{}
	switch {
	case t.OrgID <= 0 && t.RepresentativeID <= 0:
		p.Add("organisation", "Choose an organisation or a person in a public role.")
	case t.OrgID > 0 && t.RepresentativeID > 0:
		p.Add("representative", "Choose an organisation or a person, not both.")
	}
	if !Valid(TargetKinds, t.Kind) && t.Kind != "" {
		p.Add("kind", "Choose the kind of target.")
	}
	if !Valid(PledgeStates, t.State) {
		p.Add("state", "Choose the state.")
	}
	CheckDate(p, "state_on", "The date", t.StateOn, false)
	if t.EvidenceURL != "" && !validWebURL(t.EvidenceURL) {
		p.Add("evidence_url", "The evidence must be an http or https address.")
	}
	checkText(p, "evidence_url", "The evidence address", t.EvidenceURL, 0, 2000)
	checkText(p, "evidence_note", "The evidence note", t.EvidenceNote, 0, 2000)
	checkText(p, "area", "Area", t.Area, 0, 100)
	checkDistrict(p, "district", t.District)
	if t.PartyID < 0 {
		p.Add("party", "Choose a party.")
	}
	return p.Err()
}

// PledgeFilter selects pledges. Zero fields do not filter.
type PledgeFilter struct {
	Kind       PledgeKind
	CampaignID int64
	Limit      int
	Offset     int
	// After starts the list past that pledge; Key is its Title.
	After *After
}

// PledgeTargetFilter selects the targets of one pledge. Zero fields do
// not filter.
type PledgeTargetFilter struct {
	PledgeID int64
	State    PledgeState
	Kind     TargetKind
	Area     string
	District string
	PartyID  int64
}

// PledgeShare is the share of targets that signed, in one area or party.
type PledgeShare struct {
	Label   string // the area or the party's name; "" for none
	Slug    string // the party's slug
	Targets int
	Signed  int
}

// Percent is the share signed, rounded down to a whole percent.
func (s PledgeShare) Percent() int {
	if s.Targets == 0 {
		return 0
	}
	return s.Signed * 100 / s.Targets
}

// PledgeShares are a pledge's shares signed by area and by party, largest
// groups first.
type PledgeShares struct {
	ByArea  []PledgeShare
	ByParty []PledgeShare
}

// PublicPledgeService reads pledges, which are public whole.
type PublicPledgeService interface {
	// FindPledgeByID returns the pledge with its versions; ENOTFOUND if
	// there is none.
	FindPledgeByID(ctx context.Context, id int64) (*Pledge, error)
	// FindPledgeBySlug is FindPledgeByID by the pledge's slug.
	FindPledgeBySlug(ctx context.Context, slug string) (*Pledge, error)
	// FindPledges returns pledges by title with their counts of targets,
	// and how many match in all.
	FindPledges(ctx context.Context, f PledgeFilter) ([]*Pledge, int, error)
	// FindPledgeTargets returns the targets of a pledge by name, with their
	// history.
	FindPledgeTargets(ctx context.Context, f PledgeTargetFilter) ([]*PledgeTarget, error)
	// FindPledgeShares counts a pledge's targets and signatures by area
	// and by party.
	FindPledgeShares(ctx context.Context, pledgeID int64) (*PledgeShares, error)
	// PledgeTargetsOfOrganisation returns the pledges an organisation was
	// asked to sign (or promised), with its state in each.
	PledgeTargetsOfOrganisation(ctx context.Context, orgID int64) ([]*PledgeTarget, error)
	// PledgeTargetsOfRepresentative is PledgeTargetsOfOrganisation for a
	// person in a public role.
	PledgeTargetsOfRepresentative(ctx context.Context, repID int64) ([]*PledgeTarget, error)
}

// PledgeService keeps pledges and their targets.
type PledgeService interface {
	PublicPledgeService
	// CreatePledge stores p with its first wording (p.NewVersion) and sets
	// its ID. Returns EINVALID naming each bad field, ECONFLICT when the
	// slug is taken.
	CreatePledge(ctx context.Context, p *Pledge) error
	// UpdatePledge replaces the pledge's fields and adds p.NewVersion when
	// its text is new. Returns ENOTFOUND, EINVALID, and ECONFLICT if
	// p.Version is set and not the stored version or the slug is taken.
	UpdatePledge(ctx context.Context, p *Pledge) error
	// FindPledgeTargetByID returns one target with its history; ENOTFOUND
	// if the pledge has no such target.
	FindPledgeTargetByID(ctx context.Context, pledgeID, id int64) (*PledgeTarget, error)
	// AddPledgeTarget adds t to the pledge t.PledgeID and records its
	// first state. Returns EINVALID naming each bad field: a state other
	// than not-asked without a date ("state_on"), an organisation or
	// person that is already a target.
	AddPledgeTarget(ctx context.Context, t *PledgeTarget) error
	// UpdatePledgeTarget replaces the target's fields; a change of state
	// (or of its date or evidence) is added to the history. Returns
	// ENOTFOUND, EINVALID (a change of state without a date names
	// "state_on"), ECONFLICT if t.Version is set and not the stored one.
	UpdatePledgeTarget(ctx context.Context, t *PledgeTarget) error
}
