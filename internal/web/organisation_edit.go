package web

import (
	"net/http"
	"net/url"

	"jigsaw"
)

// OrganisationFormView is the view of the form that creates or edits an
// organisation.
type OrganisationFormView struct {
	Page
	Form         *Form
	Organisation *jigsaw.Organisation // nil for a new one
	Action       string
	Kinds        []jigsaw.Choice[jigsaw.OrgKind]
	OrgNames     []string
}

// HandleOrganisationNew shows the form for a new organisation.
func (p *Pages) HandleOrganisationNew(w http.ResponseWriter, r *http.Request) {
	p.renderOrganisationForm(w, r, http.StatusOK, newForm(nil), nil)
}

// HandleOrganisationCreate stores a new organisation from the form.
func (p *Pages) HandleOrganisationCreate(w http.ResponseWriter, r *http.Request) {
	p.saveOrganisation(w, r, nil)
}

// HandleOrganisationEdit shows the form for an existing organisation.
func (p *Pages) HandleOrganisationEdit(w http.ResponseWriter, r *http.Request) {
	o, ok := p.editedOrganisation(w, r)
	if !ok {
		return
	}
	v := url.Values{"name": {o.Name}, "kind": {string(o.Kind)}, "ods_code": {o.ODSCode}, "company_number": {o.CompanyNumber},
		"region": {o.Region}, "website": {o.Website}}
	if o.CoalitionMember {
		v.Set("coalition_member", "1")
	}
	if o.ParentID != 0 {
		parent, err := p.Store.FindOrganisationByID(r.Context(), o.ParentID)
		if err != nil {
			p.Error(w, r, err)
			return
		}
		v.Set("parent", parent.Name)
	}
	p.renderOrganisationForm(w, r, http.StatusOK, newForm(v), o)
}

// HandleOrganisationUpdate saves the form for an existing organisation.
func (p *Pages) HandleOrganisationUpdate(w http.ResponseWriter, r *http.Request) {
	o, ok := p.editedOrganisation(w, r)
	if !ok {
		return
	}
	p.saveOrganisation(w, r, o)
}

func (p *Pages) editedOrganisation(w http.ResponseWriter, r *http.Request) (*jigsaw.Organisation, bool) {
	o, err := p.findOrganisation(r, r.PathValue("id"))
	if err != nil {
		p.Error(w, r, err)
		return nil, false
	}
	return o, true
}

func (p *Pages) saveOrganisation(w http.ResponseWriter, r *http.Request, old *jigsaw.Organisation) {
	ctx := r.Context()
	v, err := parseForm(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}}
	o := &jigsaw.Organisation{
		Name:            rd.text("name"),
		Kind:            jigsaw.OrgKind(rd.text("kind")),
		ODSCode:         rd.text("ods_code"),
		CompanyNumber:   rd.text("company_number"),
		ParentID:        rd.organisation(ctx, p.Store, "parent"),
		Region:          rd.text("region"),
		Website:         rd.text("website"),
		CoalitionMember: v.Get("coalition_member") != "",
	}
	if old != nil {
		// The slug stays as it was, so that links to the organisation
		// keep working when its name is corrected.
		o.ID, o.Slug = old.ID, old.Slug
	}
	form.addErrors(rd.p)
	if len(form.Errors) > 0 {
		check := *o
		check.Normalize()
		form.addErrors(jigsaw.FieldErrors(check.Validate()))
	} else {
		if old == nil {
			err = p.Edit.CreateOrganisation(ctx, o)
		} else {
			err = p.Edit.UpdateOrganisation(ctx, o)
		}
		if err == nil {
			http.Redirect(w, r, "/organisations/"+o.Slug, http.StatusSeeOther)
			return
		}
		if !formError(err) {
			p.Error(w, r, err)
			return
		}
		form.addErrors(jigsaw.FieldErrors(err))
		if len(form.Errors) == 0 {
			form.Errors["form"] = jigsaw.ErrorMessage(err)
		}
	}
	// The store names the parent by its ID and a clash of names by the
	// slug; the form has one input for each.
	for from, to := range map[string]string{"parent_id": "parent", "slug": "name"} {
		if msg, ok := form.Errors[from]; ok {
			delete(form.Errors, from)
			if from == "slug" {
				msg = "An organisation with this name already exists."
			}
			form.addErrors(map[string]string{to: msg})
		}
	}
	p.renderOrganisationForm(w, r, formStatus(err), form, old)
}

func (p *Pages) renderOrganisationForm(w http.ResponseWriter, r *http.Request, status int, form *Form, o *jigsaw.Organisation) {
	names, err := p.orgNames(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view := OrganisationFormView{Page: p.page(r, "New organisation"), Form: form, Organisation: o,
		Action: "/organisations/new", Kinds: jigsaw.OrgKinds, OrgNames: names}
	if o != nil {
		view.Title = "Edit: " + o.Name
		view.Action = "/organisations/" + o.Slug + "/edit"
	}
	p.Render(w, r, status, "organisation_form", view)
}

// OrganisationMergeView is the view of /organisations/{id}/merge.
type OrganisationMergeView struct {
	Page
	Organisation *jigsaw.Organisation
	Form         *Form
	OrgNames     []string
}

// HandleOrganisationMerge shows the form that merges a duplicate
// organisation into another.
func (p *Pages) HandleOrganisationMerge(w http.ResponseWriter, r *http.Request) {
	o, ok := p.editedOrganisation(w, r)
	if !ok {
		return
	}
	p.renderMergeForm(w, r, http.StatusOK, newForm(nil), o)
}

// HandleOrganisationMergePost merges the organisation into the one named
// in the form, and shows the one that remains.
func (p *Pages) HandleOrganisationMergePost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	dup, ok := p.editedOrganisation(w, r)
	if !ok {
		return
	}
	v, err := parseForm(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}}
	into := rd.organisation(ctx, p.Store, "into")
	if into == 0 {
		rd.p.Add("into", "Name the organisation to keep.")
	}
	form.addErrors(rd.p)
	if len(form.Errors) == 0 {
		err = p.Edit.MergeOrganisations(ctx, into, dup.ID)
		if err == nil {
			survivor, err := p.Store.FindOrganisationByID(ctx, into)
			if err != nil {
				p.Error(w, r, err)
				return
			}
			http.Redirect(w, r, "/organisations/"+survivor.Slug, http.StatusSeeOther)
			return
		}
		if !formError(err) {
			p.Error(w, r, err)
			return
		}
		form.addErrors(jigsaw.FieldErrors(err))
		if len(form.Errors) == 0 {
			form.Errors["form"] = jigsaw.ErrorMessage(err)
		}
	}
	p.renderMergeForm(w, r, formStatus(err), form, dup)
}

func (p *Pages) renderMergeForm(w http.ResponseWriter, r *http.Request, status int, form *Form, o *jigsaw.Organisation) {
	names, err := p.orgNames(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, status, "organisation_merge", OrganisationMergeView{Page: p.page(r, "Merge: "+o.Name), Organisation: o, Form: form, OrgNames: names})
}
