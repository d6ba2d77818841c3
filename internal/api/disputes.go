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

// DisputeOut is a dispute as the API shows it.
type DisputeOut struct {
	ID             int64       `json:"id"`
	URL            string      `json:"url"`
	Title          string      `json:"title"`
	Summary        string      `json:"summary"`
	Status         string      `json:"status"`
	Live           bool        `json:"live"`
	Parties        []PartyOut  `json:"parties"`
	Workforce      []Workforce `json:"workforce"`
	Headcount      int         `json:"headcount"`
	Demands        []string    `json:"demands"`
	District       string      `json:"district,omitempty"`
	Area           string      `json:"area,omitempty"`
	KeyIssues      []string    `json:"key_issues"`
	Steps          []StepOut   `json:"steps"`
	Outcome        string      `json:"outcome,omitempty"`
	OutcomeFigures []FigureOut `json:"outcome_figures"`
	TrackerItems   []LinkOut   `json:"tracker_items"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
	Version
}

// PartyOut is an employer or union of a dispute.
type PartyOut struct {
	Organisation int64  `json:"organisation"`
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	Role         string `json:"role"`
}

// Workforce is a group of workers in a dispute.
type Workforce struct {
	Role      string `json:"role"`
	Headcount int    `json:"headcount"`
}

// StepOut is a step of a dispute. Turnout and yes share are percentages,
// exact to two decimals (47.35).
type StepOut struct {
	ID       int64           `json:"id"`
	Kind     string          `json:"kind"`
	Date     string          `json:"date"`
	EndDate  string          `json:"end_date,omitempty"`
	Days     int             `json:"days"`
	Note     string          `json:"note,omitempty"`
	Turnout  json.RawMessage `json:"turnout,omitempty"`
	YesShare json.RawMessage `json:"yes_share,omitempty"`
}

// FigureOut is a figure of a dispute's outcome; amount writes pence for
// people.
type FigureOut struct {
	Label  string `json:"label"`
	People int    `json:"people,omitempty"`
	Pence  int64  `json:"pence,omitempty"`
	Amount string `json:"amount,omitempty"`
}

func stepOut(s jigsaw.DisputeStep) StepOut {
	return StepOut{ID: s.ID, Kind: string(s.Kind), Date: s.Date, EndDate: s.EndDate, Days: s.Days(), Note: s.Note,
		Turnout: percentOut(s.TurnoutBP), YesShare: percentOut(s.YesBP)}
}

func (a *API) disputeOut(d *jigsaw.Dispute) DisputeOut {
	out := DisputeOut{ID: d.ID, URL: a.url("disputes", d.ID), Title: d.Title, Summary: d.Summary, Status: string(d.Status),
		Live: d.Status.Live(), Headcount: d.Headcount(), Demands: strs(d.Demands), District: d.District, Area: d.Area,
		KeyIssues: strs(d.KeyIssues), Outcome: d.Outcome, TrackerItems: links(d.TrackerItems), CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: versionOut(d.Version),
		Parties: []PartyOut{}, Workforce: []Workforce{}, Steps: []StepOut{}, OutcomeFigures: []FigureOut{}}
	for _, p := range d.Parties {
		out.Parties = append(out.Parties, PartyOut{p.OrgID, p.Slug, p.Name, string(p.Role)})
	}
	for _, w := range d.Workforce {
		out.Workforce = append(out.Workforce, Workforce(w))
	}
	for _, s := range d.Steps {
		out.Steps = append(out.Steps, stepOut(s))
	}
	for _, f := range d.OutcomeFigures {
		fo := FigureOut{Label: f.Label, People: f.People, Pence: f.Pence}
		if f.Pence != 0 {
			fo.Amount = jigsaw.FormatPence(f.Pence)
		}
		out.OutcomeFigures = append(out.OutcomeFigures, fo)
	}
	return out
}

// DisputeIn is the body of POST and PATCH /api/v1/disputes: every field is
// optional in a PATCH, and a list given replaces the stored one. Steps
// given in a PATCH become the dispute's steps: one with an id changes
// that step, one without is added, and those left out are removed.
type DisputeIn struct {
	Title          *string            `json:"title"`
	Summary        *string            `json:"summary"`
	Status         *string            `json:"status"`
	Parties        *[]json.RawMessage `json:"parties"`
	Workforce      *[]json.RawMessage `json:"workforce"`
	Demands        *[]string          `json:"demands"`
	District       *string            `json:"district"`
	Area           *string            `json:"area"`
	KeyIssues      *[]string          `json:"key_issues"`
	Steps          *[]json.RawMessage `json:"steps"`
	Outcome        *string            `json:"outcome"`
	OutcomeFigures *[]json.RawMessage `json:"outcome_figures"`
	Version
}

// StepIn is a step in a body: turnout and yes_share are percentages.
type StepIn struct {
	ID       int64           `json:"id"`
	Kind     string          `json:"kind"`
	Date     string          `json:"date"`
	EndDate  string          `json:"end_date"`
	Note     string          `json:"note"`
	Turnout  json.RawMessage `json:"turnout"`
	YesShare json.RawMessage `json:"yes_share"`
}

type figureIn struct {
	Label  string `json:"label"`
	People int    `json:"people"`
	Pence  int64  `json:"pence"`
}

// step converts s, naming its fields under prefix ("steps[2].").
func (s StepIn) step(p jigsaw.Problems, prefix string) jigsaw.DisputeStep {
	return jigsaw.DisputeStep{ID: s.ID, Kind: jigsaw.StepKind(s.Kind), Date: s.Date, EndDate: s.EndDate, Note: s.Note,
		TurnoutBP: percent(p, prefix+"turnout", "Turnout", s.Turnout),
		YesBP:     percent(p, prefix+"yes_share", "The yes share", s.YesShare)}
}

// apply copies the fields present in in onto d. Without steps in the body
// d.Steps is nil, which leaves the stored steps alone.
func (in *DisputeIn) apply(d *jigsaw.Dispute) error {
	in.Version.set(&d.Version)
	setStr := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setStr(&d.Title, in.Title)
	setStr(&d.Summary, in.Summary)
	setStr(&d.District, in.District)
	setStr(&d.Area, in.Area)
	setStr(&d.Outcome, in.Outcome)
	if in.Status != nil {
		d.Status = jigsaw.DisputeStatus(*in.Status)
	}
	if in.Demands != nil {
		d.Demands = *in.Demands
	}
	if in.KeyIssues != nil {
		d.KeyIssues = *in.KeyIssues
	}
	if in.Parties != nil {
		list, err := decodeList[orgRoleIn](*in.Parties, "parties")
		if err != nil {
			return err
		}
		d.Parties = nil
		for _, o := range list {
			d.Parties = append(d.Parties, jigsaw.DisputeParty{OrgID: o.Organisation, Role: jigsaw.PartyRole(o.Role)})
		}
	}
	if in.Workforce != nil {
		list, err := decodeList[Workforce](*in.Workforce, "workforce")
		if err != nil {
			return err
		}
		d.Workforce = nil
		for _, w := range list {
			d.Workforce = append(d.Workforce, jigsaw.Workforce(w))
		}
	}
	if in.OutcomeFigures != nil {
		list, err := decodeList[figureIn](*in.OutcomeFigures, "outcome_figures")
		if err != nil {
			return err
		}
		d.OutcomeFigures = nil
		for _, f := range list {
			d.OutcomeFigures = append(d.OutcomeFigures, jigsaw.OutcomeFigure(f))
		}
	}
	d.Steps = nil
	if in.Steps != nil {
		list, err := decodeList[StepIn](*in.Steps, "steps")
		if err != nil {
			return err
		}
		p := jigsaw.Problems{}
		d.Steps = []jigsaw.DisputeStep{}
		for i, s := range list {
			d.Steps = append(d.Steps, s.step(p, "steps["+strconv.Itoa(i)+"]."))
		}
		if err := p.Err(); err != nil {
			return err
		}
	}
	return nil
}

// HandleDisputeList answers GET /api/v1/disputes, most recent step first.
func (a *API) HandleDisputeList(w http.ResponseWriter, r *http.Request) {
	list[jigsaw.DisputeFilter, *jigsaw.Dispute, DisputeOut]{name: "disputes", cursor: "disputes",
		parse: listparams.Disputes, limit: func(f *jigsaw.DisputeFilter) *int { return &f.Limit }, find: a.Store.FindDisputes, out: a.disputeOut,
		at: func(d *jigsaw.Dispute) jigsaw.After { return jigsaw.After{Key: d.LastStepOn, ID: d.ID} },
	}.handler(a)(w, r)
}

// HandleDispute answers GET /api/v1/disputes/{id}.
func (a *API) HandleDispute(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.Store.FindDisputeByID(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.disputeOut(d))
}

// disputes is how the API keeps disputes.
func (a *API) disputes() *record[*jigsaw.Dispute, DisputeIn] {
	return &record[*jigsaw.Dispute, DisputeIn]{
		path: "disputes", blank: func() *jigsaw.Dispute { return &jigsaw.Dispute{} },
		find: byPathID(a.Edit.FindDisputeByID), apply: (*DisputeIn).apply,
		create: a.Edit.CreateDispute, update: a.Edit.UpdateDispute,
		answer: readBack(a.Edit.FindDisputeByID, func(d *jigsaw.Dispute) int64 { return d.ID }, a.disputeOut),
	}
}

// HandleDisputeCreate answers POST /api/v1/disputes with 201 and the new
// dispute, steps included.
func (a *API) HandleDisputeCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.disputes(), w, r)
}

// HandleDisputeUpdate answers PATCH /api/v1/disputes/{id}.
func (a *API) HandleDisputeUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.disputes(), w, r)
}

// HandleStepCreate answers POST /api/v1/disputes/{id}/steps with 201 and
// the new step.
func (a *API) HandleStepCreate(w http.ResponseWriter, r *http.Request) {
	a.saveStep(w, r, false)
}

// HandleStepUpdate answers PATCH /api/v1/disputes/{id}/steps/{step}: the
// step becomes what is sent (a step has no optional parts worth keeping).
func (a *API) HandleStepUpdate(w http.ResponseWriter, r *http.Request) {
	a.saveStep(w, r, true)
}

func (a *API) saveStep(w http.ResponseWriter, r *http.Request, update bool) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var stepID int64
	if update {
		if stepID, err = pathID(r, "step"); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	var in StepIn
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.ID != 0 && in.ID != stepID {
		a.fail(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "The step's id is given by the address.", Fields: map[string]string{"id": "leave out"}})
		return
	}
	p := jigsaw.Problems{}
	s := in.step(p, "")
	if err := p.Err(); err != nil {
		a.fail(w, r, err)
		return
	}
	s.ID, s.DisputeID = stepID, id
	if update {
		err = a.Edit.UpdateDisputeStep(r.Context(), &s)
	} else {
		err = a.Edit.AddDisputeStep(r.Context(), &s)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if !update {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/disputes/"+strconv.FormatInt(id, 10)+"/steps/"+strconv.FormatInt(s.ID, 10))
	}
	respond.JSON(w, status, stepOut(s))
}

// HandleStepDelete answers DELETE /api/v1/disputes/{id}/steps/{step} with
// 204.
func (a *API) HandleStepDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	stepID, err := pathID(r, "step")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Edit.DeleteDisputeStep(r.Context(), id, stepID); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
