package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// PlanOut is a plan as the API shows it. Each milestone's date is the
// anchor date plus its offset, worked out as the plan is read.
type PlanOut struct {
	ID          int64          `json:"id"`
	URL         string         `json:"url"`
	Calendar    string         `json:"calendar"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	AnchorLabel string         `json:"anchor_label"`
	AnchorDate  string         `json:"anchor_date"`
	Campaign    string         `json:"campaign,omitempty"`
	Milestones  []MilestoneOut `json:"milestones"`
	// Seats are those of the plan's span; given by GET of one plan only.
	Seats     []SeatOut `json:"seats,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version
}

// MilestoneOut is a milestone of a plan.
type MilestoneOut struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Offset int    `json:"offset"`
	Date   string `json:"date"`
	Kind   string `json:"kind,omitempty"`
	Note   string `json:"note,omitempty"`
}

func (a *API) planOut(p *jigsaw.Plan) PlanOut {
	out := PlanOut{ID: p.ID, URL: a.url("plan", p.ID), Calendar: a.url("plan", strconv.FormatInt(p.ID, 10)+".ics"), Name: p.Name,
		Description: p.Description, AnchorLabel: p.AnchorLabel, AnchorDate: p.AnchorDate, Campaign: p.CampaignSlug,
		Milestones: []MilestoneOut{}, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Version: versionOut(p.Version)}
	for _, m := range p.Milestones {
		out.Milestones = append(out.Milestones, MilestoneOut{ID: m.ID, Title: m.Title, Offset: m.OffsetDays, Date: p.DayAt(m.OffsetDays),
			Kind: string(m.Kind), Note: m.Note})
	}
	for _, s := range p.Seats {
		out.Seats = append(out.Seats, seatOut(s))
	}
	return out
}

// PlanIn is the body of POST and PATCH /api/v1/plans: every field is
// optional in a PATCH. Milestones given in a PATCH become the plan's: one
// with an id changes that milestone, one without is added, and those left
// out are removed. Moving anchor_date moves every milestone.
type PlanIn struct {
	Name        *string            `json:"name"`
	Description *string            `json:"description"`
	AnchorLabel *string            `json:"anchor_label"`
	AnchorDate  *string            `json:"anchor_date"`
	Campaign    *string            `json:"campaign"`
	Milestones  *[]json.RawMessage `json:"milestones"`
	Version
}

// MilestoneIn is a milestone in a body: offset is a whole number of days
// from the anchor, negative before it.
type MilestoneIn struct {
	ID     int64           `json:"id"`
	Title  string          `json:"title"`
	Offset json.RawMessage `json:"offset"`
	Kind   string          `json:"kind"`
	Note   string          `json:"note"`
}

// milestone converts m, naming its fields under prefix ("milestones[2].").
// An offset that is not a whole number of days is refused.
func (m MilestoneIn) milestone(p jigsaw.Problems, prefix string) jigsaw.Milestone {
	var days int
	if err := json.Unmarshal(m.Offset, &days); err != nil {
		p.Add(prefix+"offset", "must be a whole number of days from the anchor date, negative before it.")
	}
	return jigsaw.Milestone{ID: m.ID, Title: m.Title, OffsetDays: days, Kind: jigsaw.MilestoneKind(m.Kind), Note: m.Note}
}

// apply copies the fields present in in onto p. Without milestones in the
// body p.Milestones is nil, which leaves the stored ones alone.
func (in *PlanIn) apply(p *jigsaw.Plan) error {
	in.Version.set(&p.Version)
	for _, f := range []struct {
		dst *string
		src *string
	}{{&p.Name, in.Name}, {&p.Description, in.Description}, {&p.AnchorLabel, in.AnchorLabel}, {&p.AnchorDate, in.AnchorDate}, {&p.CampaignSlug, in.Campaign}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	p.Milestones = nil
	if in.Milestones == nil {
		return nil
	}
	list, err := decodeList[MilestoneIn](*in.Milestones, "milestones")
	if err != nil {
		return err
	}
	pr := jigsaw.Problems{}
	p.Milestones = []jigsaw.Milestone{}
	for i, m := range list {
		p.Milestones = append(p.Milestones, m.milestone(pr, "milestones["+strconv.Itoa(i)+"]."))
	}
	return pr.Err()
}

// HandlePlanList answers GET /api/v1/plans, earliest anchor first.
func (a *API) HandlePlanList(w http.ResponseWriter, r *http.Request) {
	list[jigsaw.PlanFilter, *jigsaw.Plan, PlanOut]{name: "plans", cursor: "plans",
		parse: listparams.Plans, limit: func(f *jigsaw.PlanFilter) *int { return &f.Limit }, find: a.Store.FindPlans, out: a.planOut,
		at: func(p *jigsaw.Plan) jigsaw.After { return jigsaw.After{Key: p.AnchorDate, ID: p.ID} },
	}.handler(a)(w, r)
}

// HandlePlan answers GET /api/v1/plans/{id}, with the seats of its span.
func (a *API) HandlePlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Store.FindPlanByID(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.planOut(p))
}

func (a *API) plans() *record[*jigsaw.Plan, PlanIn] {
	return &record[*jigsaw.Plan, PlanIn]{
		path: "plans", blank: func() *jigsaw.Plan { return &jigsaw.Plan{} },
		find: byPathID(a.Edit.FindPlanByID), apply: (*PlanIn).apply,
		create: a.Edit.CreatePlan, update: a.Edit.UpdatePlan,
		answer: readBack(a.Edit.FindPlanByID, func(p *jigsaw.Plan) int64 { return p.ID }, a.planOut),
	}
}

// HandlePlanCreate answers POST /api/v1/plans with 201 and the new plan.
func (a *API) HandlePlanCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.plans(), w, r)
}

// HandlePlanUpdate answers PATCH /api/v1/plans/{id}.
func (a *API) HandlePlanUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.plans(), w, r)
}

// HandleMilestoneCreate answers POST /api/v1/plans/{id}/milestones with
// 201 and the plan as stored. A milestone outside any plan is refused
// naming plan_id.
func (a *API) HandleMilestoneCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in MilestoneIn
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.ID != 0 {
		a.fail(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "A new milestone has no id yet.", Fields: map[string]string{"id": "leave out"}})
		return
	}
	p := jigsaw.Problems{}
	m := in.milestone(p, "")
	if err := p.Err(); err != nil {
		a.fail(w, r, err)
		return
	}
	m.PlanID = id
	if err := a.Edit.AddMilestone(r.Context(), &m); err != nil {
		a.fail(w, r, err)
		return
	}
	plan, err := a.Edit.FindPlanByID(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/plans/"+strconv.FormatInt(id, 10))
	respond.JSON(w, http.StatusCreated, a.planOut(plan))
}

// SeatOut is a seat as the API shows it.
type SeatOut struct {
	ID                 int64      `json:"id"`
	Kind               string     `json:"kind"`
	Title              string     `json:"title,omitempty"`
	Body               OrgRefOut  `json:"body"`
	Holder             string     `json:"holder"`
	RepresentativeID   int64      `json:"representative_id,omitempty"`
	MemberOrganisation *OrgRefOut `json:"member_organisation,omitempty"`
	State              string     `json:"state"`
	Date               string     `json:"date,omitempty"`
	TermEnd            string     `json:"term_end,omitempty"`
	PlanID             int64      `json:"plan_id,omitempty"`
	Note               string     `json:"note,omitempty"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	Version
}

func seatOut(s *jigsaw.Seat) SeatOut {
	out := SeatOut{ID: s.ID, Kind: string(s.Kind), Title: s.Title, Body: OrgRefOut{s.BodyID, s.BodySlug, s.BodyName}, Holder: s.Holder,
		RepresentativeID: s.RepresentativeID, State: string(s.State), Date: s.Date, TermEnd: s.TermEnd, PlanID: s.PlanID, Note: s.Note,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, Version: versionOut(s.Version)}
	if s.MemberOrgID != 0 {
		out.MemberOrganisation = &OrgRefOut{s.MemberOrgID, s.MemberOrgSlug, s.MemberOrgName}
	}
	return out
}

// SeatIn is the body of POST and PATCH /api/v1/seats: every field is
// optional in a PATCH. Organisations, the person and the plan are given by
// number; 0 clears an optional one.
type SeatIn struct {
	Kind               *string `json:"kind"`
	Title              *string `json:"title"`
	Body               *int64  `json:"body"`
	Holder             *string `json:"holder"`
	RepresentativeID   *int64  `json:"representative_id"`
	MemberOrganisation *int64  `json:"member_organisation"`
	State              *string `json:"state"`
	Date               *string `json:"date"`
	TermEnd            *string `json:"term_end"`
	PlanID             *int64  `json:"plan_id"`
	Note               *string `json:"note"`
	Version
}

func (in *SeatIn) apply(s *jigsaw.Seat) error {
	in.Version.set(&s.Version)
	for _, f := range []struct {
		dst *string
		src *string
	}{{&s.Title, in.Title}, {&s.Holder, in.Holder}, {&s.Date, in.Date}, {&s.TermEnd, in.TermEnd}, {&s.Note, in.Note}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		dst *int64
		src *int64
	}{{&s.BodyID, in.Body}, {&s.RepresentativeID, in.RepresentativeID}, {&s.MemberOrgID, in.MemberOrganisation}, {&s.PlanID, in.PlanID}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if in.Kind != nil {
		s.Kind = jigsaw.SeatKind(*in.Kind)
	}
	if in.State != nil {
		s.State = jigsaw.SeatState(*in.State)
	}
	return nil
}

// HandleSeatList answers GET /api/v1/seats, latest date first.
func (a *API) HandleSeatList(w http.ResponseWriter, r *http.Request) {
	list[jigsaw.SeatFilter, *jigsaw.Seat, SeatOut]{name: "seats", cursor: "seats",
		parse: listparams.Seats, limit: func(f *jigsaw.SeatFilter) *int { return &f.Limit }, find: a.Store.FindSeats, out: seatOut,
		at: func(s *jigsaw.Seat) jigsaw.After { return jigsaw.After{Key: s.Date, ID: s.ID} },
	}.handler(a)(w, r)
}

// HandleSeat answers GET /api/v1/seats/{id}.
func (a *API) HandleSeat(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	s, err := a.Store.FindSeatByID(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, seatOut(s))
}

func (a *API) seats() *record[*jigsaw.Seat, SeatIn] {
	return &record[*jigsaw.Seat, SeatIn]{
		path: "seats", blank: func() *jigsaw.Seat { return &jigsaw.Seat{} },
		find: byPathID(a.Edit.FindSeatByID), apply: (*SeatIn).apply,
		create: a.Edit.CreateSeat, update: a.Edit.UpdateSeat,
		answer: readBack(a.Edit.FindSeatByID, func(s *jigsaw.Seat) int64 { return s.ID }, seatOut),
	}
}

// HandleSeatCreate answers POST /api/v1/seats with 201 and the new seat.
func (a *API) HandleSeatCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.seats(), w, r)
}

// HandleSeatUpdate answers PATCH /api/v1/seats/{id}.
func (a *API) HandleSeatUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.seats(), w, r)
}

// PlanJSON is a plan as the API lists it, for the exports of /plan.
func (a *API) PlanJSON(p *jigsaw.Plan) PlanOut { return a.planOut(p) }

// SeatJSON is a seat as the API gives it, for the exports of /seats.
func (a *API) SeatJSON(s *jigsaw.Seat) SeatOut { return seatOut(s) }
