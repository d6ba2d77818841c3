package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jigsaw"
	"jigsaw/internal/i18n"
)

// OrganisationFormView is the view of the form that creates or edits an
// organisation.
type OrganisationFormView struct {
	EditForm
	Organisation *jigsaw.Organisation // nil for a new one
	Kinds        []jigsaw.Choice[jigsaw.OrgKind]
}

// organisations is the edit flow of organisations.
func (p *Pages) organisations() *recordKind[*jigsaw.Organisation] {
	return &recordKind[*jigsaw.Organisation]{
		template: "organisation_form", noun: "organisation",
		blank:   func() *Form { return newForm(nil) },
		find:    p.editedOrganisation,
		values:  p.organisationValues,
		read:    p.organisationFromForm,
		create:  p.Edit.CreateOrganisation,
		update:  p.Edit.UpdateOrganisation,
		address: func(o *jigsaw.Organisation) string { return "/organisations/" + o.Slug },
		formAddress: func(o *jigsaw.Organisation) string {
			if o == nil {
				return "/organisations/new"
			}
			return "/organisations/" + o.Slug + "/edit"
		},
		// The store names the parent by its ID and a clash of names by
		// the slug; the form has one input for each.
		fixErrors: func(fields map[string]string) {
			if msg, ok := fields["parent_id"]; ok {
				delete(fields, "parent_id")
				if _, ok := fields["parent"]; !ok {
					fields["parent"] = msg
				}
			}
			if _, ok := fields["slug"]; ok {
				delete(fields, "slug")
				if _, ok := fields["name"]; !ok {
					fields["name"] = "An organisation with this name already exists."
				}
			}
		},
		title: func(o *jigsaw.Organisation) string { return o.Name },
		view: func(ctx context.Context, ef EditForm, o *jigsaw.Organisation) (any, error) {
			return OrganisationFormView{EditForm: ef, Organisation: o, Kinds: jigsaw.OrgKinds}, nil
		},
	}
}

// editedOrganisation returns the organisation of the path, by number or slug.
func (p *Pages) editedOrganisation(r *http.Request) (*jigsaw.Organisation, error) {
	return p.findOrganisation(r, r.PathValue("id"))
}

// organisationValues fills a form with a stored organisation, its parent
// named.
func (p *Pages) organisationValues(ctx context.Context, o *jigsaw.Organisation) (url.Values, error) {
	v := url.Values{"name": {o.Name}, "kind": {string(o.Kind)}, "ods_code": {o.ODSCode}, "company_number": {o.CompanyNumber},
		"region": {o.Region}, "website": {o.Website}, "opened_on": {o.OpenedOn}, "closed_on": {o.ClosedOn}, versionField: {strconv.FormatInt(o.Version, 10)}}
	if o.CoalitionMember {
		v.Set("coalition_member", "1")
	}
	if o.ParentID != 0 {
		parent, err := p.Store.FindOrganisationByID(ctx, o.ParentID)
		if err != nil {
			return nil, err
		}
		v.Set("parent", parent.Name)
	}
	return v, nil
}

// organisationFromForm reads an organisation from a posted form. The slug
// of a stored one stays as it was, so that links to the organisation keep
// working when its name is corrected.
func (p *Pages) organisationFromForm(ctx context.Context, v url.Values, old *jigsaw.Organisation) (*jigsaw.Organisation, *Form) {
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
	o := &jigsaw.Organisation{
		Name:            rd.text("name"),
		Kind:            jigsaw.OrgKind(rd.text("kind")),
		ODSCode:         rd.text("ods_code"),
		CompanyNumber:   rd.text("company_number"),
		ParentID:        rd.organisation(ctx, p.Store, "parent"),
		Region:          rd.text("region"),
		Website:         rd.text("website"),
		OpenedOn:        rd.text("opened_on"),
		ClosedOn:        rd.text("closed_on"),
		CoalitionMember: v.Get("coalition_member") != "",
		Version:         formVersion(v),
	}
	if old != nil {
		o.ID, o.Slug = old.ID, old.Slug
	}
	addChecks(form, rd.p, o)
	return o, form
}

// OrganisationMergeView is the view of /organisations/{id}/merge.
type OrganisationMergeView struct {
	Page
	Organisation *jigsaw.Organisation
	Form         *Form
}

// HandleOrganisationMerge shows the form that merges a duplicate
// organisation into another.
func (p *Pages) HandleOrganisationMerge(w http.ResponseWriter, r *http.Request) {
	o, err := p.editedOrganisation(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderMergeForm(w, r, http.StatusOK, newForm(nil), o)
}

// HandleOrganisationMergePost merges the organisation into the one named
// in the form, and shows the one that remains.
func (p *Pages) HandleOrganisationMergePost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	dup, err := p.editedOrganisation(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	v, err := parseForm(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: tr(r)}
	into := rd.organisation(ctx, p.Store, "into")
	if into == 0 {
		rd.p.Add("into", "Name the organisation to keep.")
	}
	form.addErrors(rd.p)
	status, done := p.saveForm(w, r, form, func() (string, error) {
		if err := p.Edit.MergeOrganisations(ctx, into, dup.ID); err != nil {
			return "", err
		}
		survivor, err := p.Store.FindOrganisationByID(ctx, into)
		if err != nil {
			return "", err
		}
		return "/organisations/" + survivor.Slug, nil
	})
	if !done {
		p.renderMergeForm(w, r, status, form, dup)
	}
}

func (p *Pages) renderMergeForm(w http.ResponseWriter, r *http.Request, status int, form *Form, o *jigsaw.Organisation) {
	p.Render(w, r, status, "organisation_merge", OrganisationMergeView{Page: p.page(r, "Merge: "+o.Name), Organisation: o, Form: form})
}
