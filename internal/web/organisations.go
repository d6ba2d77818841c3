package web

import (
	"net/http"
	"net/url"
	"strconv"

	"jigsaw"
	"jigsaw/internal/listparams"
)

const organisationsPerPage = 50

// OrganisationListView is the view of /organisations.
type OrganisationListView struct {
	Page
	Organisations []*jigsaw.Organisation
	Pager         Pager
	Filter        jigsaw.OrganisationFilter
	Query         url.Values
	Kinds         []jigsaw.Choice[jigsaw.OrgKind]
	Form          *Form // the filters typed, with a message for each refused one
}

// organisationFilterLabels names the fields of the organisations' filter
// form.
var organisationFilterLabels = map[string]string{"q": "Name", "kind": "Kind", "region": "Region", "members": "Coalition members only:"}

// HandleOrganisationList serves /organisations.
func (p *Pages) HandleOrganisationList(w http.ResponseWriter, r *http.Request) {
	f, list, err := listparams.Organisations(r.Context(), p.Store, r.URL.Query(), organisationsPerPage)
	if err != nil {
		// A refused filter shows on the form, over no organisations (see
		// HandleStoryList).
		form, ok := filterForm(r.URL.Query(), err, organisationFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		p.Render(w, r, http.StatusBadRequest, "organisations", OrganisationListView{Page: p.page(r, tr(r).Sprintf("Organisations")),
			Filter: f, Query: r.URL.Query(), Kinds: jigsaw.OrgKinds, Form: form})
		return
	}
	orgs, total, err := p.Store.FindOrganisations(r.Context(), f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, http.StatusOK, "organisations", OrganisationListView{
		Page:          p.page(r, tr(r).Sprintf("Organisations")),
		Organisations: orgs, Filter: f, Query: r.URL.Query(), Kinds: jigsaw.OrgKinds,
		Pager: newPager(list, total, r.URL.Query()), Form: newForm(r.URL.Query()),
	})
}

// OrganisationView is the view of /organisations/{id}.
type OrganisationView struct {
	Page
	Organisation *jigsaw.Organisation
	Parent       *jigsaw.Organisation
	Children     []*jigsaw.Organisation
	Timeline     []*jigsaw.TimelineEntry
	Coordination OrganisationCoordination
	// People are the people in public roles at the organisation: its
	// board, its councillors.
	People    []*jigsaw.Representative
	Events    []*jigsaw.Event        // upcoming, that it organises
	Revisions []*jigsaw.Revision     // for editors only
	Pledges   []*jigsaw.PledgeTarget // the pledges it was asked to sign
}

const timelineLength = 200

// HandleOrganisation serves /organisations/{id}, where id is the number or
// the slug, with the organisation's timeline. The old number or slug of an
// organisation merged into another redirects to it.
func (p *Pages) HandleOrganisation(w http.ResponseWriter, r *http.Request) {
	followsClock(w)
	ctx := r.Context()
	key := r.PathValue("id")
	o, err := p.findOrganisation(r, key)
	if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
		if to, merr := p.Store.FindMergedOrganisation(ctx, key); merr == nil {
			http.Redirect(w, r, "/organisations/"+to.Slug, http.StatusMovedPermanently)
			return
		}
	}
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view := OrganisationView{Page: p.page(r, o.Name), Organisation: o}
	if o.ParentID != 0 {
		if view.Parent, err = p.Store.FindOrganisationByID(ctx, o.ParentID); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	if view.Children, _, err = p.Store.FindOrganisations(ctx, jigsaw.OrganisationFilter{ParentID: o.ID, Limit: 500}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Timeline, err = p.Store.OrganisationTimeline(ctx, o.ID, timelineLength); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Coordination, err = p.organisationCoordination(ctx, o.ID); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.People, _, err = p.Store.FindRepresentatives(ctx, jigsaw.RepresentativeFilter{OrgID: o.ID, Limit: 100}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Events, _, err = p.findEvents(ctx, jigsaw.EventFilter{OrgID: o.ID, Limit: upcomingEventsShown}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Pledges, err = p.Store.PledgeTargetsOfOrganisation(ctx, o.ID); err != nil {
		p.Error(w, r, err)
		return
	}
	if canEdit(view.User) {
		if view.Revisions, err = p.Edit.FindRevisions(ctx, jigsaw.ObjectOrganisation, o.ID); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	p.Render(w, r, http.StatusOK, "organisation", view)
}

func (p *Pages) findOrganisation(r *http.Request, key string) (*jigsaw.Organisation, error) {
	if id, err := strconv.ParseInt(key, 10, 64); err == nil {
		return p.Store.FindOrganisationByID(r.Context(), id)
	}
	return p.Store.FindOrganisationBySlug(r.Context(), key)
}
