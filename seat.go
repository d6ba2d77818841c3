package jigsaw

import (
	"context"
	"strings"
	"time"
)

// SeatKind is the kind of body a seat is on.
type SeatKind string

// The kinds of seat coalition members hold or seek.
const (
	SeatFTGovernors SeatKind = "ft-governors"
	SeatHWB         SeatKind = "health-wellbeing-board"
	SeatHealthwatch SeatKind = "healthwatch"
	SeatICBBoard    SeatKind = "icb-board"
	SeatCCG         SeatKind = "ccg"
	SeatCouncil     SeatKind = "council"
	SeatOther       SeatKind = "other"
)

// SeatKinds lists every kind of seat with its label.
var SeatKinds = []Choice[SeatKind]{
	{SeatFTGovernors, "Foundation trust council of governors"},
	{SeatHWB, "Health and wellbeing board"},
	{SeatHealthwatch, "Healthwatch"},
	{SeatICBBoard, "ICB board"},
	{SeatCCG, "CCG"},
	{SeatCouncil, "Council"},
	{SeatOther, "Other"},
}

// SeatState is where a seat stands for the coalition.
type SeatState string

// The states of a seat.
const (
	SeatSought   SeatState = "sought"
	SeatStanding SeatState = "standing"
	SeatHeld     SeatState = "held"
	SeatLost     SeatState = "lost"
	SeatEnded    SeatState = "ended"
)

// SeatStates lists every state with its label.
var SeatStates = []Choice[SeatState]{
	{SeatSought, "Sought"},
	{SeatStanding, "Standing"},
	{SeatHeld, "Held"},
	{SeatLost, "Lost"},
	{SeatEnded, "Ended"},
}

// Seat is a position a coalition member holds or seeks: a governor of a
// foundation trust, a member of a health and wellbeing board or of
// Healthwatch ("train people to stand"). Its date of election or
// appointment feeds the plans whose span it falls in. It is public, and
// names its holder only as a person standing for public office is named.
type Seat struct {
	ID    int64
	Kind  SeatKind
	Title string // the position, e.g. "Public governor, Keighley"
	// BodyID is the organisation the seat is on; BodySlug and BodyName
	// are filled in by reads, as are the other names below.
	BodyID   int64
	BodySlug string
	BodyName string
	Holder   string // the holder's or candidate's name
	// RepresentativeID is the holder as a person in a public role, 0 if
	// they are not recorded as one.
	RepresentativeID   int64
	RepresentativeName string
	// MemberOrgID is the coalition organisation the holder comes from, 0
	// if none is named.
	MemberOrgID   int64
	MemberOrgSlug string
	MemberOrgName string
	State         SeatState
	Date          string // YYYY-MM-DD: election or appointment, "" if not known
	TermEnd       string // YYYY-MM-DD, "" if not known
	// PlanID names a plan the seat belongs to, 0 for none: a seat shows
	// on that plan whatever its date.
	PlanID   int64
	PlanName string
	Note     string

	CreatedAt time.Time
	// Version counts the seat's changes, as Dispute.Version does.
	Version   int64
	UpdatedAt time.Time
}

// Label names the seat: its title, or its kind.
func (s *Seat) Label() string {
	if s.Title != "" {
		return s.Title
	}
	return LabelOf(SeatKinds, s.Kind)
}

// Normalize trims what people type loosely.
func (s *Seat) Normalize() {
	s.Title = strings.Join(strings.Fields(s.Title), " ")
	s.Holder = strings.Join(strings.Fields(s.Holder), " ")
	s.Date, s.TermEnd = strings.TrimSpace(s.Date), strings.TrimSpace(s.TermEnd)
	s.Note = strings.TrimSpace(s.Note)
}

// Validate reports every field that is wrong.
func (s *Seat) Validate() error {
	p := Problems{}
	if !Valid(SeatKinds, s.Kind) {
		p.Add("kind", "Choose the kind of seat.")
	}
	checkText(p, "title", "The position", s.Title, 0, 200)
	if s.BodyID <= 0 {
		p.Add("body", "Choose the body the seat is on.")
	}
	checkText(p, "holder", "The holder's or candidate's name", s.Holder, 1, 200)
	if s.RepresentativeID < 0 {
		p.Add("representative_id", "Give the number of a person in a public role, or leave it empty.")
	}
	if s.MemberOrgID < 0 {
		p.Add("member_organisation", "Choose an organisation, or leave it empty.")
	}
	if !Valid(SeatStates, s.State) {
		p.Add("state", "Choose the state of the seat.")
	}
	CheckDate(p, "date", "The date of election or appointment", s.Date, false)
	CheckDate(p, "term_end", "The end of the term", s.TermEnd, false)
	if s.Date != "" && s.TermEnd != "" && validDate(s.Date, false) && validDate(s.TermEnd, false) && DateBefore(s.TermEnd, s.Date) {
		p.Add("term_end", "The term cannot end before the election or appointment.")
	}
	if s.PlanID < 0 {
		p.Add("plan_id", "Give the number of a plan, or leave it empty.")
	}
	checkText(p, "note", "The note", s.Note, 0, 2000)
	return p.Err()
}

// SeatFilter selects seats. Zero fields do not filter.
type SeatFilter struct {
	Kind  SeatKind
	State SeatState
	OrgID int64 // the body, or the organisation the holder comes from
	// RepresentativeID selects the seats a person in a public role holds
	// or seeks.
	RepresentativeID int64
	Limit            int
	Offset           int
	// After starts the list past that seat; Key is its Date.
	After *After
}

// PublicSeatService reads seats, which are public.
type PublicSeatService interface {
	// FindSeatByID returns the seat; ENOTFOUND if there is none.
	FindSeatByID(ctx context.Context, id int64) (*Seat, error)
	// FindSeats returns seats, latest date first (undated last), and how
	// many match in all.
	FindSeats(ctx context.Context, f SeatFilter) ([]*Seat, int, error)
}

// SeatService keeps seats.
type SeatService interface {
	PublicSeatService
	// CreateSeat stores s and sets its ID. Returns EINVALID naming each
	// bad field (an unknown organisation, person or plan included).
	CreateSeat(ctx context.Context, s *Seat) error
	// UpdateSeat replaces s. Returns ENOTFOUND if it does not exist,
	// ECONFLICT if s.Version is set and not the stored one, otherwise as
	// CreateSeat.
	UpdateSeat(ctx context.Context, s *Seat) error
}

// ObjectSeat is the object type of a seat's revisions.
const ObjectSeat = "seat"

// Label is the kind's label.
func (k SeatKind) Label() string { return LabelOf(SeatKinds, k) }

// Label is the state's label.
func (s SeatState) Label() string { return LabelOf(SeatStates, s) }
