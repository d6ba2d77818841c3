package jigsaw

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MilestoneKind is the key activity a milestone of a plan stands for.
type MilestoneKind string

// The kinds of key activity, as the coalition's 2012 notes name them.
const (
	MilestoneHustings   MilestoneKind = "hustings"
	MilestonePublicMeet MilestoneKind = "public-meeting"
	MilestoneLobby      MilestoneKind = "lobby"
	MilestoneLeaflet    MilestoneKind = "leaflet"
	MilestonePledgeAsk  MilestoneKind = "pledge-ask"
	MilestoneTraining   MilestoneKind = "training"
	MilestoneDeadline   MilestoneKind = "deadline"
	MilestoneElection   MilestoneKind = "election"
	MilestoneOtherKind  MilestoneKind = "other"
)

// MilestoneKinds lists every kind of key activity with its label. A
// milestone need not have one.
var MilestoneKinds = []Choice[MilestoneKind]{
	{MilestoneHustings, "Hustings"},
	{MilestonePublicMeet, "Public meeting"},
	{MilestoneLobby, "Lobby"},
	{MilestoneLeaflet, "Leaflet drop"},
	{MilestonePledgeAsk, "Pledge ask"},
	{MilestoneTraining, "Training"},
	{MilestoneDeadline, "Deadline"},
	{MilestoneElection, "Election or vote"},
	{MilestoneOtherKind, "Other"},
}

// MaxOffsetDays bounds a milestone's distance from its plan's anchor: ten
// years either way.
const MaxOffsetDays = 3660

// Milestone is one step of a plan, set relative to the plan's anchor:
// "election day − 90 days: hustings round". Its date is never stored: it
// is always the anchor's plus OffsetDays (Plan.DayAt), so that moving the
// anchor moves the whole plan.
type Milestone struct {
	ID         int64
	PlanID     int64
	Title      string
	OffsetDays int // negative before the anchor
	Kind       MilestoneKind
	Note       string
}

// Normalize trims the milestone's text.
func (m *Milestone) Normalize() {
	m.Title = strings.Join(strings.Fields(m.Title), " ")
	m.Note = strings.TrimSpace(m.Note)
}

// Validate reports every bad field of the milestone. A milestone outside
// any plan is refused.
func (m *Milestone) Validate() error {
	p := Problems{}
	if m.PlanID <= 0 {
		p.Add("plan_id", "A milestone belongs to a plan: name the plan.")
	}
	m.check(p, "")
	return p.Err()
}

func (m *Milestone) check(p Problems, prefix string) {
	checkText(p, prefix+"title", "The milestone's title", m.Title, 1, 300)
	if m.OffsetDays < -MaxOffsetDays || m.OffsetDays > MaxOffsetDays {
		p.Add(prefix+"offset", "A milestone must be within ten years of the anchor date.")
	}
	if m.Kind != "" && !Valid(MilestoneKinds, m.Kind) {
		p.Add(prefix+"kind", "Choose a kind of activity from the list, or none.")
	}
	checkText(p, prefix+"note", "The note", m.Note, 0, 2000)
}

// Plan is a set of milestones worked back from an anchor date, such as
// an election day: "work back from the election in order to place key
// activities at the right time". It is public.
type Plan struct {
	ID          int64
	Name        string
	Description string // Markdown
	AnchorLabel string // "General election"
	AnchorDate  string // YYYY-MM-DD
	// CampaignSlug names the campaign the plan serves, "" for none;
	// CampaignName is filled in by reads.
	CampaignSlug string
	CampaignName string
	// Milestones are ordered by offset. UpdatePlan leaves the stored
	// milestones alone when Milestones is nil.
	Milestones []Milestone
	// Seats are the seats that name the plan or whose date falls within
	// its span; filled in by FindPlanByID only, ignored by writes.
	Seats []*Seat

	CreatedAt time.Time
	// Version counts the plan's changes, as Dispute.Version does.
	Version   int64
	UpdatedAt time.Time
}

// Normalize trims what people type loosely. It keeps the order of the
// milestones, so that Validate's field names point at what the caller
// sent; stores sort them with SortMilestones afterwards.
func (p *Plan) Normalize() {
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	p.Description = strings.TrimSpace(p.Description)
	p.AnchorLabel = strings.Join(strings.Fields(p.AnchorLabel), " ")
	p.AnchorDate = strings.TrimSpace(p.AnchorDate)
	p.CampaignSlug = strings.TrimSpace(p.CampaignSlug)
	for i := range p.Milestones {
		p.Milestones[i].Normalize()
	}
}

// Validate reports every field that is wrong, named by JSON path
// ("milestones[2].offset").
func (p *Plan) Validate() error {
	pr := Problems{}
	checkText(pr, "name", "The name", p.Name, 1, 200)
	checkText(pr, "description", "The description", p.Description, 0, 20000)
	checkText(pr, "anchor_label", "What the anchor date is", p.AnchorLabel, 1, 200)
	if p.AnchorDate == "" {
		pr.Add("anchor_date", "Give the anchor date, such as the election day.")
	}
	CheckDate(pr, "anchor_date", "The anchor date", p.AnchorDate, false)
	for i := range p.Milestones {
		p.Milestones[i].check(pr, fmt.Sprintf("milestones[%d].", i))
	}
	return pr.Err()
}

// SortMilestones orders milestones by offset, keeping the given order
// within a day.
func SortMilestones(ms []Milestone) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].OffsetDays < ms[j].OffsetDays })
}

// DayAt returns the day offset days from the plan's anchor, as
// YYYY-MM-DD; "" if the anchor is not a date. Days are counted on the
// calendar, so clock changes do not move them.
func (p *Plan) DayAt(offset int) string {
	t, err := time.Parse("2006-01-02", p.AnchorDate)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, offset).Format("2006-01-02")
}

// Span returns the first and last day of the plan: its earliest and
// latest milestone, or the anchor when that is earlier or later.
func (p *Plan) Span() (first, last string) {
	lo, hi := 0, 0
	for _, m := range p.Milestones {
		lo, hi = min(lo, m.OffsetDays), max(hi, m.OffsetDays)
	}
	return p.DayAt(lo), p.DayAt(hi)
}

var offsetRE = regexp.MustCompile(`^([-+−]?)\s*([0-9]+(?:[.,][0-9]+)?)\s*(days?|weeks?)?(?:\s+(before|after))?$`)

// ParseOffset reads a milestone's offset from the anchor as people type
// it: "-90", "+14", "90 days before", "2 weeks after", "0", or a date
// ("2029-02-02", "2/2/2029") which becomes its distance from anchor. An
// offset that is not a whole number of days is refused; the message is
// for the field the offset was typed in.
func ParseOffset(s, anchor string) (int, error) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if s == "" {
		return 0, Errorf(EINVALID, "Give the number of days from the anchor date: -90, “90 days before”, or a date.")
	}
	if d := NormalizeDate(s); validDate(d, false) {
		a, err := time.Parse("2006-01-02", anchor)
		if err != nil {
			return 0, Errorf(EINVALID, "Give a valid anchor date first, or the offset in days.")
		}
		t, _ := time.Parse("2006-01-02", d)
		return int(t.Sub(a).Hours() / 24), nil
	}
	m := offsetRE.FindStringSubmatch(s)
	if m == nil {
		return 0, Errorf(EINVALID, "Write the offset as -90, “90 days before”, “2 weeks after”, or a date.")
	}
	if strings.ContainsAny(m[2], ".,") {
		return 0, Errorf(EINVALID, "The offset must be a whole number of days.")
	}
	n, err := strconv.Atoi(m[2])
	if err != nil || n > MaxOffsetDays {
		return 0, Errorf(EINVALID, "A milestone must be within ten years of the anchor date.")
	}
	if strings.HasPrefix(m[3], "week") {
		n *= 7
	}
	before := m[1] == "-" || m[1] == "−"
	if m[4] != "" {
		if m[1] != "" {
			return 0, Errorf(EINVALID, "Write either a sign or “before”/“after”, not both.")
		}
		before = m[4] == "before"
	}
	if before {
		n = -n
	}
	return n, nil
}

// DescribeOffset says how far a milestone is from its plan's anchor:
// "90 days before", "on the day", "14 days after".
func DescribeOffset(offset int) string {
	switch {
	case offset == 0:
		return "on the day"
	case offset == -1:
		return "1 day before"
	case offset == 1:
		return "1 day after"
	case offset < 0:
		return strconv.Itoa(-offset) + " days before"
	}
	return strconv.Itoa(offset) + " days after"
}

// PlanFilter selects plans. Zero fields do not filter.
type PlanFilter struct {
	CampaignSlug string
	Limit        int
	Offset       int
	// After starts the list past that plan; Key is its AnchorDate.
	After *After
}

// PublicPlanService reads plans, which are public whole.
type PublicPlanService interface {
	// FindPlanByID returns the plan with its milestones and the seats of
	// its span; ENOTFOUND if there is none.
	FindPlanByID(ctx context.Context, id int64) (*Plan, error)
	// FindPlans returns plans with their milestones, earliest anchor
	// first, and how many match in all.
	FindPlans(ctx context.Context, f PlanFilter) ([]*Plan, int, error)
}

// PlanService keeps plans.
type PlanService interface {
	PublicPlanService
	// CreatePlan stores p with its milestones and sets the IDs. Returns
	// EINVALID naming each bad field (an unknown campaign included).
	CreatePlan(ctx context.Context, p *Plan) error
	// UpdatePlan replaces the fields of p. When p.Milestones is not nil
	// the stored milestones become exactly p.Milestones: one with an ID
	// updates that milestone, one without is added, stored ones not
	// listed are removed. Returns ENOTFOUND if the plan does not exist,
	// EINVALID naming each bad field (a milestone of another plan
	// included), ECONFLICT if p.Version is set and not the stored one.
	UpdatePlan(ctx context.Context, p *Plan) error
	// AddMilestone adds m to the plan m.PlanID and sets its ID. A
	// milestone outside any plan is refused: EINVALID naming plan_id.
	AddMilestone(ctx context.Context, m *Milestone) error
}

// ObjectPlan is the object type of a plan's revisions.
const ObjectPlan = "plan"

// Label is the kind's label, "" for none.
func (k MilestoneKind) Label() string {
	if k == "" {
		return ""
	}
	return LabelOf(MilestoneKinds, k)
}
