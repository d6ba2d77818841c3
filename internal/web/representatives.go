package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
)

const representativesPerPage = 50

// RepresentativeListView is the view of /representatives.
type RepresentativeListView struct {
	Page
	People       []*jigsaw.Representative
	Pager        Pager
	Filter       jigsaw.RepresentativeFilter
	Organisation *jigsaw.Organisation
	Query        url.Values
	Roles        []jigsaw.Choice[jigsaw.OfficeRole]
	Form         *Form // the filters typed, with a message for each refused one
}

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v RepresentativeListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// representativeFilterLabels names the fields of the list's filter form.
var representativeFilterLabels = map[string]string{"role": "Role", "party": "Party", "district": "Postcode district", "area": "Area"}

// HandleRepresentativeList serves /representatives with its filters.
func (p *Pages) HandleRepresentativeList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, list, err := listparams.Representatives(ctx, p.Store, r.URL.Query(), representativesPerPage)
	view := RepresentativeListView{Page: p.page(r, tr(r).Sprintf("People in public roles")), Query: r.URL.Query(),
		Roles: jigsaw.OfficeRoles, Organisation: list.Organisation, Form: newForm(r.URL.Query())}
	if err != nil {
		// A refused filter shows on the form, over no one (see
		// HandleStoryList).
		form, ok := filterForm(r.URL.Query(), err, representativeFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Filter, view.Form = f, form
		p.Render(w, r, http.StatusBadRequest, "representatives", view)
		return
	}
	people, total, err := p.Store.FindRepresentatives(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.People, view.Filter = people, f
	view.Pager = newPager(list, total, r.URL.Query())
	p.Render(w, r, http.StatusOK, "representatives", view)
}

// HandleRepresentative serves /representatives/{id}: the person, their
// public office contact and declared interests, with the edit history for
// editors.
func (p *Pages) HandleRepresentative(w http.ResponseWriter, r *http.Request) {
	showRecord(p, w, r, "representative", jigsaw.ObjectRepresentative,
		func(ctx context.Context, id int64, _ bool) (*jigsaw.Representative, error) {
			rep, err := p.Store.FindRepresentativeByID(ctx, id)
			if err == nil {
				rep.Pledges, err = p.Store.PledgeTargetsOfRepresentative(ctx, id)
			}
			if err == nil {
				rep.Seats, _, err = p.Store.FindSeats(ctx, jigsaw.SeatFilter{RepresentativeID: id, Limit: 100})
			}
			return rep, err
		},
		func(rep *jigsaw.Representative) string { return rep.Name })
}

// RepresentativeFormView is the view of the form that adds or edits a
// person in a public role.
type RepresentativeFormView struct {
	EditForm
	Person *jigsaw.Representative // nil for a new one
	Roles  []jigsaw.Choice[jigsaw.OfficeRole]
}

// RepresentativeForms are the forms that add and edit people in public
// roles; their interests have a form of their own.
func (p *Pages) RepresentativeForms() FormRoutes { return formRoutes(p, p.representatives) }

func representativePath(id int64) string { return "/representatives/" + strconv.FormatInt(id, 10) }

// representatives is the edit flow of people in public roles.
func (p *Pages) representatives() *recordKind[*jigsaw.Representative] {
	return &recordKind[*jigsaw.Representative]{
		template: "representative_form", noun: "person in a public role",
		blank: func() *Form { return newForm(url.Values{"role": {string(jigsaw.OfficeCouncillor)}}) },
		find:  p.editedRepresentative,
		values: func(_ context.Context, rep *jigsaw.Representative) (url.Values, error) {
			v := url.Values{}
			set := formValues(v).set
			set("name", rep.Name)
			set("role", string(rep.Role))
			set("party", rep.Party)
			set("organisation", rep.OrgName)
			set("area", rep.Area)
			set("district", rep.District)
			set("from_on", rep.FromOn)
			set("to_on", rep.ToOn)
			set("office_email", rep.OfficeEmail)
			set("office_phone", rep.OfficePhone)
			set("office_address", rep.OfficeAddress)
			set("website", rep.Website)
			v.Set(versionField, strconv.FormatInt(rep.Version, 10))
			return v, nil
		},
		read: func(ctx context.Context, v url.Values, old *jigsaw.Representative) (*jigsaw.Representative, *Form) {
			form := newForm(v)
			rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
			rep := &jigsaw.Representative{
				Name:          rd.text("name"),
				Role:          jigsaw.OfficeRole(rd.text("role")),
				Party:         rd.text("party"),
				OrgID:         rd.organisation(ctx, p.Store, "organisation"),
				Area:          rd.text("area"),
				District:      rd.text("district"),
				FromOn:        rd.date("from_on"),
				ToOn:          rd.date("to_on"),
				OfficeEmail:   rd.text("office_email"),
				OfficePhone:   rd.text("office_phone"),
				OfficeAddress: v.Get("office_address"),
				Website:       rd.text("website"),
				Version:       formVersion(v),
			}
			if old != nil {
				rep.ID = old.ID
			}
			addChecks(form, rd.p, rep)
			return rep, form
		},
		create:  p.Edit.CreateRepresentative,
		update:  p.Edit.UpdateRepresentative,
		address: func(rep *jigsaw.Representative) string { return representativePath(rep.ID) },
		formAddress: func(rep *jigsaw.Representative) string {
			if rep == nil {
				return "/representatives/new"
			}
			return representativePath(rep.ID) + "/edit"
		},
		title: func(rep *jigsaw.Representative) string { return rep.Name },
		view: func(_ context.Context, ef EditForm, rep *jigsaw.Representative) (any, error) {
			return RepresentativeFormView{EditForm: ef, Person: rep, Roles: jigsaw.OfficeRoles}, nil
		},
	}
}

// editedRepresentative returns the person of the path.
func (p *Pages) editedRepresentative(r *http.Request) (*jigsaw.Representative, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
	}
	return p.Edit.FindRepresentativeByID(r.Context(), id)
}

// InterestFormView is the view of the form that adds or edits one of a
// person's declared interests.
type InterestFormView struct {
	Page
	Person  *jigsaw.Representative
	Form    *Form
	Editing *jigsaw.Interest // nil when adding
	Action  string
	Kinds   []jigsaw.Choice[jigsaw.InterestKind]
}

func interestsPath(id int64) string { return representativePath(id) + "/interests" }

// HandleInterestNew shows the form that adds a declared interest.
func (p *Pages) HandleInterestNew(w http.ResponseWriter, r *http.Request) {
	rep, err := p.editedRepresentative(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderInterest(w, r, http.StatusOK, rep, newForm(url.Values{"kind": {string(jigsaw.InterestDirectorship)}}), nil)
}

// HandleInterestCreate adds a declared interest from the form.
func (p *Pages) HandleInterestCreate(w http.ResponseWriter, r *http.Request) {
	rep, err := p.editedRepresentative(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.saveInterest(w, r, rep, nil)
}

// HandleInterestEdit shows the form of one declared interest.
func (p *Pages) HandleInterestEdit(w http.ResponseWriter, r *http.Request) {
	rep, in, ok := p.editedInterest(w, r)
	if !ok {
		return
	}
	v := url.Values{"kind": {string(in.Kind)}, "description": {in.Description}, "declared_on": {in.DeclaredOn},
		"source_url": {in.SourceURL}, "organisation": {in.OrgName}}
	if in.TrackerID != 0 {
		v.Set("tracker", linkLines([]jigsaw.LinkRef{{ID: in.TrackerID, Title: in.TrackerTitle}}))
	}
	p.renderInterest(w, r, http.StatusOK, rep, newForm(v), in)
}

// HandleInterestUpdate saves the form of one declared interest.
func (p *Pages) HandleInterestUpdate(w http.ResponseWriter, r *http.Request) {
	rep, in, ok := p.editedInterest(w, r)
	if !ok {
		return
	}
	p.saveInterest(w, r, rep, in)
}

// HandleInterestDelete removes a declared interest.
func (p *Pages) HandleInterestDelete(w http.ResponseWriter, r *http.Request) {
	rep, in, ok := p.editedInterest(w, r)
	if !ok {
		return
	}
	if err := p.Edit.DeleteInterest(r.Context(), rep.ID, in.ID); err != nil {
		p.Error(w, r, err)
		return
	}
	http.Redirect(w, r, representativePath(rep.ID), http.StatusSeeOther)
}

func (p *Pages) editedInterest(w http.ResponseWriter, r *http.Request) (*jigsaw.Representative, *jigsaw.Interest, bool) {
	rep, err := p.editedRepresentative(r)
	if err != nil {
		p.Error(w, r, err)
		return nil, nil, false
	}
	if id, ok := positiveID(r.PathValue("interest")); ok {
		for i := range rep.Interests {
			if rep.Interests[i].ID == id {
				return rep, &rep.Interests[i], true
			}
		}
	}
	p.Error(w, r, jigsaw.Errorf(jigsaw.ENOTFOUND, "%s has no such declared interest.", rep.Name))
	return nil, nil, false
}

func (p *Pages) saveInterest(w http.ResponseWriter, r *http.Request, rep *jigsaw.Representative, old *jigsaw.Interest) {
	ctx := r.Context()
	v, err := parseForm(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: tr(r)}
	in := &jigsaw.Interest{
		RepresentativeID: rep.ID,
		Kind:             jigsaw.InterestKind(rd.text("kind")),
		Description:      rd.text("description"),
		DeclaredOn:       rd.date("declared_on"),
		SourceURL:        rd.text("source_url"),
		OrgID:            rd.organisation(ctx, p.Store, "organisation"),
		TrackerID:        rd.danger(ctx, p.Store, "tracker"),
	}
	addChecks(form, rd.p, in)
	status, done := p.saveForm(w, r, form, func() (string, error) {
		if old == nil {
			return representativePath(rep.ID), p.Edit.AddInterest(ctx, in)
		}
		in.ID = old.ID
		return representativePath(rep.ID), p.Edit.UpdateInterest(ctx, in)
	})
	if !done {
		p.renderInterest(w, r, status, rep, form, old)
	}
}

// danger reads the danger an editor named: by number, address, or the
// title of a published danger, as the danger form's links are read.
func (rd *reader) danger(ctx context.Context, st PickerStore, name string) int64 {
	s := strings.Join(strings.Fields(rd.v.Get(name)), " ")
	if s == "" {
		return 0
	}
	if id, ok := linkID("tracker", s); ok {
		return id
	}
	l, msg := rd.linkByTitle(ctx, st, "tracker", s)
	if msg != "" {
		rd.p.Add(name, msg)
	}
	return l.ID
}

func (p *Pages) renderInterest(w http.ResponseWriter, r *http.Request, status int, rep *jigsaw.Representative, form *Form, editing *jigsaw.Interest) {
	view := InterestFormView{Page: p.page(r, tr(r).Sprintf("Declared interest: %s", rep.Name)), Person: rep, Form: form, Editing: editing,
		Action: interestsPath(rep.ID) + "/new", Kinds: jigsaw.InterestKinds}
	if editing != nil {
		view.Action = interestsPath(rep.ID) + "/" + strconv.FormatInt(editing.ID, 10) + "/edit"
	}
	p.Render(w, r, status, "interest_form", view)
}

// representativeColumns are the columns of /representatives.csv: public
// office contact only, as the type holds nothing else.
func representativeColumns(base string) []column[*jigsaw.Representative] {
	return []column[*jigsaw.Representative]{
		{"id", func(r *jigsaw.Representative) string { return id(r.ID) }},
		{"url", func(r *jigsaw.Representative) string { return base + "/representatives/" + id(r.ID) }},
		{"name", func(r *jigsaw.Representative) string { return r.Name }},
		{"role", func(r *jigsaw.Representative) string { return string(r.Role) }},
		{"party", func(r *jigsaw.Representative) string { return r.Party }},
		{"organisation", func(r *jigsaw.Representative) string { return r.OrgSlug }},
		{"area", func(r *jigsaw.Representative) string { return r.Area }},
		{"district", func(r *jigsaw.Representative) string { return r.District }},
		{"from_on", func(r *jigsaw.Representative) string { return r.FromOn }},
		{"to_on", func(r *jigsaw.Representative) string { return r.ToOn }},
		{"office_email", func(r *jigsaw.Representative) string { return r.OfficeEmail }},
		{"office_phone", func(r *jigsaw.Representative) string { return r.OfficePhone }},
		{"office_address", func(r *jigsaw.Representative) string { return r.OfficeAddress }},
		{"website", func(r *jigsaw.Representative) string { return r.Website }},
		{"created_at", func(r *jigsaw.Representative) string { return timestamp(r.CreatedAt) }},
		{"updated_at", func(r *jigsaw.Representative) string { return timestamp(r.UpdatedAt) }},
	}
}
