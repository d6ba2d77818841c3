package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
)

const disputesPerPage = 30

// DisputeListView is the view of /disputes.
type DisputeListView struct {
	Page
	Disputes     []*jigsaw.Dispute
	Pager        Pager
	Filter       jigsaw.DisputeFilter
	Organisation *jigsaw.Organisation
	Query        url.Values
	Statuses     []jigsaw.Choice[jigsaw.DisputeStatus]
	KeyIssues    []jigsaw.KeyIssue
	Form         *Form // the filters typed, with a message for each refused one
}

// disputeFilterLabels names the fields of the disputes' filter form.
var disputeFilterLabels = map[string]string{"status": "Status", "issue": "Key issue", "district": "Postcode district", "live": "Live only:"}

// HandleDisputeList serves /disputes with its filters.
func (p *Pages) HandleDisputeList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	issues, err := p.Store.KeyIssues(ctx)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	f, list, err := listparams.Disputes(ctx, p.Store, r.URL.Query(), disputesPerPage)
	view := DisputeListView{Page: p.page(r, tr(r).Sprintf("Disputes")), Query: r.URL.Query(), Statuses: jigsaw.DisputeStatuses, KeyIssues: issues,
		Organisation: list.Organisation, Form: newForm(r.URL.Query())}
	if err != nil {
		// A refused filter shows on the form, over no disputes (see
		// HandleStoryList).
		form, ok := filterForm(r.URL.Query(), err, disputeFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Filter, view.Form = f, form
		p.Render(w, r, http.StatusBadRequest, "disputes", view)
		return
	}
	disputes, total, err := p.Store.FindDisputes(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Disputes, view.Filter = disputes, f
	view.Pager = newPager(list, total, r.URL.Query())
	p.Render(w, r, http.StatusOK, "disputes", view)
}

// HandleDispute serves /disputes/{id}, with the edit history for editors.
func (p *Pages) HandleDispute(w http.ResponseWriter, r *http.Request) {
	showRecord(p, w, r, "dispute", jigsaw.ObjectDispute,
		func(ctx context.Context, id int64, _ bool) (*jigsaw.Dispute, error) {
			return p.Store.FindDisputeByID(ctx, id)
		},
		func(d *jigsaw.Dispute) string { return d.Title })
}

// DisputeFormView is the view of the form that creates or edits a dispute.
type DisputeFormView struct {
	EditForm
	Dispute    *jigsaw.Dispute // nil for a new one
	Statuses   []jigsaw.Choice[jigsaw.DisputeStatus]
	Sides      []jigsaw.Choice[jigsaw.PartyRole]
	KeyIssues  []jigsaw.KeyIssue
	Workforces []string
}

// disputes is the edit flow of disputes. Their steps are edited on a page
// of their own, so saving the form keeps them.
func (p *Pages) disputes() *recordKind[*jigsaw.Dispute] {
	return &recordKind[*jigsaw.Dispute]{
		template: "dispute_form", noun: "dispute", more: 4,
		blank: func() *Form {
			f := newForm(url.Values{"status": {string(jigsaw.DisputeBalloting)},
				"parties[0].role": {string(jigsaw.PartyEmployer)}, "parties[1].role": {string(jigsaw.PartyUnion)}})
			f.Extra = 1
			return f
		},
		find:   p.editedDispute,
		values: func(_ context.Context, d *jigsaw.Dispute) (url.Values, error) { return disputeValues(d), nil },
		read: func(ctx context.Context, v url.Values, old *jigsaw.Dispute) (*jigsaw.Dispute, *Form) {
			d, form := p.disputeFromForm(ctx, v)
			if old != nil {
				d.ID = old.ID
			}
			return d, form
		},
		create:  p.Edit.CreateDispute,
		update:  p.Edit.UpdateDispute,
		address: func(d *jigsaw.Dispute) string { return "/disputes/" + strconv.FormatInt(d.ID, 10) },
		formAddress: func(d *jigsaw.Dispute) string {
			if d == nil {
				return "/disputes/new"
			}
			return "/disputes/" + strconv.FormatInt(d.ID, 10) + "/edit"
		},
		fixErrors: func(fields map[string]string) { foldErrors(fields, "demands") },
		title:     func(d *jigsaw.Dispute) string { return d.Title },
		view: func(ctx context.Context, ef EditForm, d *jigsaw.Dispute) (any, error) {
			issues, err := p.formChoices(ctx)
			if err != nil {
				return nil, err
			}
			return DisputeFormView{EditForm: ef, Dispute: d, Statuses: jigsaw.DisputeStatuses, Sides: jigsaw.PartyRoles,
				KeyIssues: issues, Workforces: jigsaw.WorkforceRoles}, nil
		},
	}
}

// editedDispute returns the dispute of the path, drafts included.
func (p *Pages) editedDispute(r *http.Request) (*jigsaw.Dispute, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
	}
	return p.Edit.FindDisputeByID(r.Context(), id)
}

// disputeFromForm reads a dispute, without its steps, from a posted form.
func (p *Pages) disputeFromForm(ctx context.Context, v url.Values) (*jigsaw.Dispute, *Form) {
	compactRows(v, "parties", []string{"organisation"}, []string{"role"})
	compactRows(v, "workforce", []string{"role", "headcount"}, nil)
	compactRows(v, "outcome_figures", []string{"label", "people", "pence"}, nil)
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
	d := &jigsaw.Dispute{
		Title:     rd.text("title"),
		Summary:   v.Get("summary"),
		Status:    jigsaw.DisputeStatus(rd.text("status")),
		Demands:   rd.lines("demands"),
		District:  rd.text("district"),
		Area:      rd.text("area"),
		KeyIssues: v["key_issues"],
		Outcome:   v.Get("outcome"),
		Version:   formVersion(v),
	}
	for i := 0; i < rowCount(v, "parties"); i++ {
		d.Parties = append(d.Parties, jigsaw.DisputeParty{
			OrgID: rd.organisation(ctx, p.Store, rowName("parties", i, "organisation")),
			Role:  jigsaw.PartyRole(rd.text(rowName("parties", i, "role"))),
		})
	}
	for i := 0; i < rowCount(v, "workforce"); i++ {
		d.Workforce = append(d.Workforce, jigsaw.Workforce{
			Role:      rd.text(rowName("workforce", i, "role")),
			Headcount: rd.int(rowName("workforce", i, "headcount"), "The headcount"),
		})
	}
	for i := 0; i < rowCount(v, "outcome_figures"); i++ {
		d.OutcomeFigures = append(d.OutcomeFigures, jigsaw.OutcomeFigure{
			Label:  rd.text(rowName("outcome_figures", i, "label")),
			People: rd.int(rowName("outcome_figures", i, "people"), "The number of people"),
			Pence:  rd.pence(rowName("outcome_figures", i, "pence"), "The sum"),
		})
	}
	addChecks(form, rd.p, d)
	return d, form
}

// disputeValues fills a form with a stored dispute.
func disputeValues(d *jigsaw.Dispute) url.Values {
	v := url.Values{}
	set := formValues(v).set
	set("title", d.Title)
	set("summary", d.Summary)
	set("status", string(d.Status))
	set("demands", strings.Join(d.Demands, "\n"))
	set("district", d.District)
	set("area", d.Area)
	set("outcome", d.Outcome)
	v["key_issues"] = append([]string(nil), d.KeyIssues...)
	for i, o := range d.Parties {
		v.Set(rowName("parties", i, "organisation"), o.Name)
		v.Set(rowName("parties", i, "role"), string(o.Role))
	}
	for i, w := range d.Workforce {
		v.Set(rowName("workforce", i, "role"), w.Role)
		v.Set(rowName("workforce", i, "headcount"), strconv.Itoa(w.Headcount))
	}
	for i, f := range d.OutcomeFigures {
		v.Set(rowName("outcome_figures", i, "label"), f.Label)
		if f.People != 0 {
			v.Set(rowName("outcome_figures", i, "people"), strconv.Itoa(f.People))
		}
		v.Set(rowName("outcome_figures", i, "pence"), jigsaw.PenceText(f.Pence))
	}
	v.Set(versionField, strconv.FormatInt(d.Version, 10))
	return v
}

// DisputeStepsView is the view of /disputes/{id}/steps: the timeline with
// a form to add a step, or the form to edit one.
type DisputeStepsView struct {
	Page
	Dispute *jigsaw.Dispute
	Form    *Form
	Editing *jigsaw.DisputeStep // the step being edited; nil when adding
	Action  string
	Kinds   []jigsaw.Choice[jigsaw.StepKind]
}

// HandleDisputeSteps shows a dispute's steps and the form to add one.
func (p *Pages) HandleDisputeSteps(w http.ResponseWriter, r *http.Request) {
	d, err := p.editedDispute(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderSteps(w, r, http.StatusOK, d, newForm(nil), nil)
}

// HandleDisputeStepAdd adds a step from the form.
func (p *Pages) HandleDisputeStepAdd(w http.ResponseWriter, r *http.Request) {
	d, err := p.editedDispute(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.saveStep(w, r, d, nil)
}

// HandleDisputeStepEdit shows the form for one step.
func (p *Pages) HandleDisputeStepEdit(w http.ResponseWriter, r *http.Request) {
	d, st, ok := p.editedStep(w, r)
	if !ok {
		return
	}
	p.renderSteps(w, r, http.StatusOK, d, newForm(stepValues(st)), st)
}

// HandleDisputeStepUpdate saves the form for one step.
func (p *Pages) HandleDisputeStepUpdate(w http.ResponseWriter, r *http.Request) {
	d, st, ok := p.editedStep(w, r)
	if !ok {
		return
	}
	p.saveStep(w, r, d, st)
}

// HandleDisputeStepDelete removes a step.
func (p *Pages) HandleDisputeStepDelete(w http.ResponseWriter, r *http.Request) {
	d, st, ok := p.editedStep(w, r)
	if !ok {
		return
	}
	if err := p.Edit.DeleteDisputeStep(r.Context(), d.ID, st.ID); err != nil {
		p.Error(w, r, err)
		return
	}
	http.Redirect(w, r, stepsPath(d.ID), http.StatusSeeOther)
}

func (p *Pages) editedStep(w http.ResponseWriter, r *http.Request) (*jigsaw.Dispute, *jigsaw.DisputeStep, bool) {
	d, err := p.editedDispute(r)
	if err != nil {
		p.Error(w, r, err)
		return nil, nil, false
	}
	if stepID, ok := positiveID(r.PathValue("step")); ok {
		for i := range d.Steps {
			if d.Steps[i].ID == stepID {
				return d, &d.Steps[i], true
			}
		}
	}
	p.Error(w, r, jigsaw.Errorf(jigsaw.ENOTFOUND, "Dispute %d has no such step.", d.ID))
	return nil, nil, false
}

func stepsPath(id int64) string { return "/disputes/" + strconv.FormatInt(id, 10) + "/steps" }

func (p *Pages) saveStep(w http.ResponseWriter, r *http.Request, d *jigsaw.Dispute, old *jigsaw.DisputeStep) {
	v, err := parseForm(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: tr(r)}
	st := &jigsaw.DisputeStep{
		DisputeID: d.ID,
		Kind:      jigsaw.StepKind(rd.text("kind")),
		Date:      rd.date("date"),
		EndDate:   rd.date("end_date"),
		Note:      rd.text("note"),
		TurnoutBP: rd.percent("turnout", "Turnout"),
		YesBP:     rd.percent("yes_share", "The yes share"),
	}
	addChecks(form, rd.p, st)
	status, done := p.saveForm(w, r, form, func() (string, error) {
		if old == nil {
			return stepsPath(d.ID), p.Edit.AddDisputeStep(r.Context(), st)
		}
		st.ID = old.ID
		return stepsPath(d.ID), p.Edit.UpdateDisputeStep(r.Context(), st)
	})
	if !done {
		p.renderSteps(w, r, status, d, form, old)
	}
}

func stepValues(s *jigsaw.DisputeStep) url.Values {
	v := url.Values{"kind": {string(s.Kind)}, "date": {s.Date}, "end_date": {s.EndDate}, "note": {s.Note}}
	if s.TurnoutBP != 0 {
		v.Set("turnout", jigsaw.FormatBasisPoints(s.TurnoutBP))
	}
	if s.YesBP != 0 {
		v.Set("yes_share", jigsaw.FormatBasisPoints(s.YesBP))
	}
	return v
}

func (p *Pages) renderSteps(w http.ResponseWriter, r *http.Request, status int, d *jigsaw.Dispute, form *Form, editing *jigsaw.DisputeStep) {
	view := DisputeStepsView{Page: p.page(r, "Steps: "+d.Title), Dispute: d, Form: form, Editing: editing,
		Action: stepsPath(d.ID), Kinds: jigsaw.StepKinds}
	if editing != nil {
		view.Action = stepsPath(d.ID) + "/" + strconv.FormatInt(editing.ID, 10) + "/edit"
	}
	p.Render(w, r, status, "dispute_steps", view)
}
