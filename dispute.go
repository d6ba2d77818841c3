package jigsaw

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// DisputeStatus is where a dispute stands.
type DisputeStatus string

// The statuses of a dispute.
const (
	DisputeBalloting DisputeStatus = "balloting"
	DisputeAction    DisputeStatus = "action"
	DisputeSuspended DisputeStatus = "suspended"
	DisputeWon       DisputeStatus = "won"
	DisputeLost      DisputeStatus = "lost"
	DisputeSettled   DisputeStatus = "settled"
)

// DisputeStatuses lists every status with its label.
var DisputeStatuses = []Choice[DisputeStatus]{
	{DisputeBalloting, "Balloting"},
	{DisputeAction, "Taking action"},
	{DisputeSuspended, "Action suspended"},
	{DisputeWon, "Won"},
	{DisputeLost, "Lost"},
	{DisputeSettled, "Settled"},
}

// LiveDisputeStatuses are the statuses of a dispute still being fought.
var LiveDisputeStatuses = []DisputeStatus{DisputeBalloting, DisputeAction, DisputeSuspended}

// Live reports whether a dispute in status s is still being fought.
func (s DisputeStatus) Live() bool {
	for _, l := range LiveDisputeStatuses {
		if s == l {
			return true
		}
	}
	return false
}

// PartyRole is which side of a dispute an organisation is on.
type PartyRole string

// The sides of a dispute.
const (
	PartyEmployer PartyRole = "employer"
	PartyUnion    PartyRole = "union"
)

// PartyRoles lists the sides with their labels.
var PartyRoles = []Choice[PartyRole]{
	{PartyEmployer, "Employer"},
	{PartyUnion, "Union"},
}

// DisputeParty is an organisation on one side of a dispute. Slug and Name
// are filled in by reads.
type DisputeParty struct {
	OrgID int64
	Role  PartyRole
	Slug  string
	Name  string
}

// Workforce is a group of workers in a dispute: porters, cleaners,
// pathology staff… and how many of them.
type Workforce struct {
	Role      string
	Headcount int
}

// WorkforceRoles are suggestions for Workforce.Role; any text is allowed.
var WorkforceRoles = []string{"porters", "cleaners", "domestics", "caterers", "security", "pathology staff",
	"healthcare assistants", "nurses", "doctors", "paramedics", "couriers", "administrative staff", "estates staff"}

// StepKind is what happened at one step of a dispute.
type StepKind string

// The kinds of step.
const (
	StepBallotOpened StepKind = "ballot-opened"
	StepBallotClosed StepKind = "ballot-closed"
	StepStrike       StepKind = "strike"
	StepPicket       StepKind = "picket"
	StepLobby        StepKind = "lobby"
	StepRally        StepKind = "rally"
	StepMarch        StepKind = "march"
	StepMeeting      StepKind = "meeting"
	StepOffer        StepKind = "offer"
	StepSettlement   StepKind = "settlement"
	StepOther        StepKind = "other"
)

// StepKinds lists every kind of step with its label.
var StepKinds = []Choice[StepKind]{
	{StepBallotOpened, "Ballot opened"},
	{StepBallotClosed, "Ballot closed"},
	{StepStrike, "Strike"},
	{StepPicket, "Picket"},
	{StepLobby, "Lobby"},
	{StepRally, "Rally"},
	{StepMarch, "March"},
	{StepMeeting, "Meeting"},
	{StepOffer, "Offer"},
	{StepSettlement, "Settlement"},
	{StepOther, "Other"},
}

// DisputeStep is one dated step of a dispute's timeline.
type DisputeStep struct {
	ID        int64
	DisputeID int64
	Kind      StepKind
	Date      string // YYYY-MM-DD: the day, or the first day
	EndDate   string // YYYY-MM-DD: the last day of several (a strike); "" for one day
	Note      string
	// TurnoutBP and YesBP are a closed ballot's turnout and yes share in
	// basis points (4735 = 47.35 %); 0 when not known.
	TurnoutBP int
	YesBP     int
}

// Days returns how many days the step lasted: 1 for a single day.
func (s *DisputeStep) Days() int {
	if s.EndDate == "" {
		return 1
	}
	return DaysBetween(s.Date, s.EndDate)
}

// Normalize trims the step's text.
func (s *DisputeStep) Normalize() {
	s.Date, s.EndDate, s.Note = strings.TrimSpace(s.Date), strings.TrimSpace(s.EndDate), strings.TrimSpace(s.Note)
	if s.EndDate == s.Date {
		s.EndDate = ""
	}
}

// Validate reports every bad field of the step, each named prefix+field
// ("steps[2].turnout" with prefix "steps[2].").
func (s *DisputeStep) Validate() error {
	p := Problems{}
	s.check(p, "")
	return p.Err()
}

func (s *DisputeStep) check(p Problems, prefix string) {
	if !Valid(StepKinds, s.Kind) {
		p.Add(prefix+"kind", "Choose what happened.")
	}
	if s.Date == "" {
		p.Add(prefix+"date", "Give the date.")
	}
	CheckDate(p, prefix+"date", "The date", s.Date, false)
	CheckDate(p, prefix+"end_date", "The last day", s.EndDate, false)
	if s.EndDate != "" && validDate(s.Date, false) && validDate(s.EndDate, false) && DateBefore(s.EndDate, s.Date) {
		what := "It"
		if Valid(StepKinds, s.Kind) {
			what = "The " + strings.ToLower(LabelOf(StepKinds, s.Kind))
		}
		p.Add(prefix+"end_date", what+" cannot end before it starts.")
	}
	for _, f := range []struct {
		name, label string
		bp          int
	}{{"turnout", "Turnout", s.TurnoutBP}, {"yes_share", "The yes share", s.YesBP}} {
		switch {
		case f.bp < 0:
			p.Add(prefix+f.name, f.label+" cannot be negative.")
		case f.bp > MaxBasisPoints:
			p.Add(prefix+f.name, f.label+" cannot be above 100%.")
		case f.bp > 0 && s.Kind != StepBallotClosed:
			p.Add(prefix+f.name, "Only a closed ballot has a "+strings.ToLower(strings.TrimPrefix(f.label, "The "))+".")
		}
	}
	checkText(p, prefix+"note", "The note", s.Note, 0, 2000)
}

// OutcomeFigure is one figure of what a dispute won or lost: "1,000
// healthcare assistants re-banded from band 2 to band 3", "£4,000 back pay
// each".
type OutcomeFigure struct {
	Label  string
	People int   // a head count, 0 if the figure is not one
	Pence  int64 // a sum of money, 0 if the figure is not one
}

// Dispute is a fight between workers and employers: a strike ballot, a
// strike, a campaign for pay parity. It is public as soon as it is recorded.
type Dispute struct {
	ID        int64
	Title     string
	Summary   string // Markdown
	Status    DisputeStatus
	Parties   []DisputeParty
	Workforce []Workforce
	Demands   []string
	District  string
	Area      string
	KeyIssues []string

	// Steps is the timeline, oldest first. UpdateDispute leaves the stored
	// steps alone when Steps is nil.
	Steps []DisputeStep
	// LastStepOn is the day of the latest step (its end, if it has one),
	// by which lists are ordered; the store keeps it.
	LastStepOn string

	Outcome        string // Markdown
	OutcomeFigures []OutcomeFigure

	// TrackerItems are the published dangers linked to the dispute. Links
	// are made from the danger's side; writes of a dispute ignore this.
	TrackerItems []LinkRef

	CreatedAt time.Time
	// Version counts the record's changes. An update made from an older
	// version than the stored one is refused (ECONFLICT), so a second
	// editor does not overwrite the first; 0 leaves it unchecked.
	Version   int64
	UpdatedAt time.Time
}

// Normalize trims what people type loosely. It keeps the order of the
// steps, so that Validate's field names point at what the caller sent;
// stores sort them with SortSteps afterwards.
func (d *Dispute) Normalize() {
	d.Title = strings.Join(strings.Fields(d.Title), " ")
	d.Summary, d.Outcome = strings.TrimSpace(d.Summary), strings.TrimSpace(d.Outcome)
	d.District = NormalizeDistrict(d.District)
	d.Area = strings.TrimSpace(d.Area)
	d.Demands = uniqueStrings(d.Demands)
	d.KeyIssues = uniqueStrings(d.KeyIssues)
	for i := range d.Workforce {
		d.Workforce[i].Role = strings.Join(strings.Fields(d.Workforce[i].Role), " ")
	}
	for i := range d.OutcomeFigures {
		d.OutcomeFigures[i].Label = strings.Join(strings.Fields(d.OutcomeFigures[i].Label), " ")
	}
	for i := range d.Steps {
		d.Steps[i].Normalize()
	}
}

// SortSteps orders steps by date, keeping the given order within a day.
func SortSteps(steps []DisputeStep) {
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].Date < steps[j].Date })
}

// Validate reports every field that is wrong, named by JSON path
// ("parties[0].organisation", "steps[2].turnout").
func (d *Dispute) Validate() error {
	p := Problems{}
	checkText(p, "title", "Title", d.Title, 1, 300)
	checkText(p, "summary", "Summary", d.Summary, 0, 20000)
	if !Valid(DisputeStatuses, d.Status) {
		p.Add("status", "Choose the status of the dispute.")
	}
	if len(d.Parties) == 0 {
		p.Add("parties", "Name at least one employer or union.")
	}
	seen := map[DisputeParty]bool{}
	for i, o := range d.Parties {
		f := fmt.Sprintf("parties[%d].", i)
		if o.OrgID <= 0 {
			p.Add(f+"organisation", "Choose an organisation.")
		}
		if !Valid(PartyRoles, o.Role) {
			p.Add(f+"role", "Choose employer or union.")
		}
		key := DisputeParty{OrgID: o.OrgID, Role: o.Role}
		if seen[key] && o.OrgID > 0 {
			p.Add(f+"organisation", "This organisation is already listed on this side.")
		}
		seen[key] = true
	}
	for i, w := range d.Workforce {
		f := fmt.Sprintf("workforce[%d].", i)
		checkText(p, f+"role", "The role", w.Role, 1, 100)
		if w.Headcount < 0 {
			p.Add(f+"headcount", "The headcount cannot be negative.")
		}
	}
	for i, dm := range d.Demands {
		checkText(p, fmt.Sprintf("demands[%d]", i), "A demand", dm, 0, 500)
	}
	checkDistrict(p, "district", d.District)
	checkText(p, "area", "Area", d.Area, 0, 100)
	for i := range d.Steps {
		d.Steps[i].check(p, fmt.Sprintf("steps[%d].", i))
	}
	checkText(p, "outcome", "Outcome", d.Outcome, 0, 20000)
	for i, o := range d.OutcomeFigures {
		f := fmt.Sprintf("outcome_figures[%d].", i)
		checkText(p, f+"label", "What the figure counts", o.Label, 1, 300)
		if o.People < 0 {
			p.Add(f+"people", "The number of people cannot be negative.")
		}
		if o.Pence < 0 {
			p.Add(f+"pence", "The sum cannot be negative.")
		}
		if o.People == 0 && o.Pence == 0 {
			p.Add(f+"people", "Give a number of people, a sum of money, or both.")
		}
	}
	return p.Err()
}

// Headcount is the number of workers in the dispute.
func (d *Dispute) Headcount() int {
	n := 0
	for _, w := range d.Workforce {
		n += w.Headcount
	}
	return n
}

// PartiesInRole returns the organisations on one side.
func (d *Dispute) PartiesInRole(role PartyRole) []DisputeParty {
	var out []DisputeParty
	for _, o := range d.Parties {
		if o.Role == role {
			out = append(out, o)
		}
	}
	return out
}

// LatestStep returns the most recent step, or nil.
func (d *Dispute) LatestStep() *DisputeStep {
	if len(d.Steps) == 0 {
		return nil
	}
	return &d.Steps[len(d.Steps)-1]
}

// DisputeFilter selects disputes. Zero fields do not filter.
type DisputeFilter struct {
	Status   DisputeStatus
	Live     bool // balloting, taking action or suspended
	District string
	KeyIssue string
	OrgID    int64
	// PublishedAfter keeps the items created (disputes are public whole) after that instant (for
	// alerts' digests).
	PublishedAfter time.Time
	Limit          int
	Offset         int
	// After starts the list past that dispute; Key is its LastStepOn.
	After *After
}

// PublicDisputeService reads disputes, which are public whole.
type PublicDisputeService interface {
	// FindDisputeByID returns the dispute with its parties, steps and
	// published linked dangers; ENOTFOUND if there is none.
	FindDisputeByID(ctx context.Context, id int64) (*Dispute, error)
	// FindDisputes returns disputes, most recent step first, and how many
	// match in all, counted exactly up to CountCap (or to the end of the
	// requested page), as PublicStoryService.FindPublicStories counts.
	FindDisputes(ctx context.Context, f DisputeFilter) ([]*Dispute, int, error)
}

// DisputeService keeps disputes.
type DisputeService interface {
	PublicDisputeService
	// CreateDispute stores d with its steps and sets the IDs. Returns
	// EINVALID naming each bad field.
	CreateDispute(ctx context.Context, d *Dispute) error
	// UpdateDispute replaces the fields and lists of d. When d.Steps is not
	// nil the stored steps become exactly d.Steps: a step with an ID
	// updates that step, one without is added, and stored steps not listed
	// are removed. Returns ENOTFOUND if the dispute does not exist, and
	// EINVALID naming each bad field (a step ID of another dispute
	// included), ECONFLICT if d.Version is set and not the stored version.
	UpdateDispute(ctx context.Context, d *Dispute) error
	// AddDisputeStep adds s to the dispute s.DisputeID and sets its ID.
	AddDisputeStep(ctx context.Context, s *DisputeStep) error
	// UpdateDisputeStep replaces the step s.ID of dispute s.DisputeID;
	// ENOTFOUND if that dispute has no such step.
	UpdateDisputeStep(ctx context.Context, s *DisputeStep) error
	// DeleteDisputeStep removes a step; ENOTFOUND if the dispute has no
	// such step.
	DeleteDisputeStep(ctx context.Context, disputeID, stepID int64) error
}
