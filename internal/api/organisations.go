package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// OrganisationOut is an organisation as the API shows it.
type OrganisationOut struct {
	ID              int64     `json:"id"`
	URL             string    `json:"url"`
	Slug            string    `json:"slug"`
	Name            string    `json:"name"`
	Kind            string    `json:"kind"`
	ODSCode         string    `json:"ods_code,omitempty"`
	CompanyNumber   string    `json:"company_number,omitempty"`
	ParentID        int64     `json:"parent_id,omitempty"`
	Region          string    `json:"region,omitempty"`
	Website         string    `json:"website,omitempty"`
	CoalitionMember bool      `json:"coalition_member"`
	OpenedOn        string    `json:"opened_on,omitempty"`
	ClosedOn        string    `json:"closed_on,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Version
}

func (a *API) organisationOut(o *jigsaw.Organisation) OrganisationOut {
	return OrganisationOut{ID: o.ID, URL: a.url("organisations", o.Slug), Slug: o.Slug, Name: o.Name, Kind: string(o.Kind),
		ODSCode: o.ODSCode, CompanyNumber: o.CompanyNumber, ParentID: o.ParentID, Region: o.Region, Website: o.Website,
		CoalitionMember: o.CoalitionMember, OpenedOn: o.OpenedOn, ClosedOn: o.ClosedOn, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Version: versionOut(o.Version)}
}

// OrganisationIn is the body of POST and PATCH /api/v1/organisations; in a
// PATCH every field is optional, and parent_id 0 removes the parent. The
// slug is made from the name once and then kept, so links keep working.
type OrganisationIn struct {
	Name            *string `json:"name"`
	Kind            *string `json:"kind"`
	ODSCode         *string `json:"ods_code"`
	CompanyNumber   *string `json:"company_number"`
	ParentID        *int64  `json:"parent_id"`
	Region          *string `json:"region"`
	Website         *string `json:"website"`
	CoalitionMember *bool   `json:"coalition_member"`
	OpenedOn        *string `json:"opened_on"`
	ClosedOn        *string `json:"closed_on"`
	Version
}

func (in *OrganisationIn) apply(o *jigsaw.Organisation) error {
	in.Version.set(&o.Version)
	for _, f := range []struct {
		dst *string
		src *string
	}{{&o.Name, in.Name}, {&o.ODSCode, in.ODSCode}, {&o.CompanyNumber, in.CompanyNumber}, {&o.Region, in.Region}, {&o.Website, in.Website},
		{&o.OpenedOn, in.OpenedOn}, {&o.ClosedOn, in.ClosedOn}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if in.Kind != nil {
		o.Kind = jigsaw.OrgKind(*in.Kind)
	}
	if in.ParentID != nil {
		o.ParentID = *in.ParentID
	}
	if in.CoalitionMember != nil {
		o.CoalitionMember = *in.CoalitionMember
	}
	return nil
}

// HandleOrganisationList answers GET /api/v1/organisations, by name.
func (a *API) HandleOrganisationList(w http.ResponseWriter, r *http.Request) {
	list[jigsaw.OrganisationFilter, *jigsaw.Organisation, OrganisationOut]{name: "organisations", cursor: "organisations",
		parse: listparams.Organisations, limit: func(f *jigsaw.OrganisationFilter) *int { return &f.Limit }, find: a.Store.FindOrganisations, out: a.organisationOut,
		at: func(o *jigsaw.Organisation) jigsaw.After { return jigsaw.After{Key: o.Name, ID: o.ID} },
	}.handler(a)(w, r)
}

// findOrganisation finds {id}, a number or a slug.
func (a *API) findOrganisation(r *http.Request) (*jigsaw.Organisation, error) {
	key := r.PathValue("id")
	if id, err := strconv.ParseInt(key, 10, 64); err == nil {
		return a.Store.FindOrganisationByID(r.Context(), id)
	}
	return a.Store.FindOrganisationBySlug(r.Context(), key)
}

// HandleOrganisation answers GET /api/v1/organisations/{id}; the number or
// slug of an organisation merged away answers with the one that absorbed it.
func (a *API) HandleOrganisation(w http.ResponseWriter, r *http.Request) {
	o, err := a.findOrganisation(r)
	if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
		if merged, merr := a.Store.FindMergedOrganisation(r.Context(), r.PathValue("id")); merr == nil {
			o, err = merged, nil
		}
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.organisationOut(o))
}

// TimelineEntryOut is an entry of an organisation's timeline.
type TimelineEntryOut struct {
	Kind          string          `json:"kind"`
	Date          string          `json:"date"`
	EndDate       string          `json:"end_date,omitempty"`
	ID            int64           `json:"id"`
	URL           string          `json:"url"`
	Title         string          `json:"title"`
	Status        string          `json:"status,omitempty"`
	Step          string          `json:"step,omitempty"`
	Note          string          `json:"note,omitempty"`
	Turnout       json.RawMessage `json:"turnout,omitempty"`
	YesShare      json.RawMessage `json:"yes_share,omitempty"`
	Organisations []OrgRole       `json:"organisations"`
}

// HandleOrganisationTimeline answers GET /api/v1/organisations/{id}/timeline:
// every published danger status, dispute step and story about the
// organisation and its subsidiaries, newest first.
func (a *API) HandleOrganisationTimeline(w http.ResponseWriter, r *http.Request) {
	limit, err := listparams.Timeline(r.Context(), r.URL.Query(), 100)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	o, err := a.findOrganisation(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	entries, err := a.Store.OrganisationTimeline(r.Context(), o.ID, limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	paths := map[jigsaw.TimelineKind]string{jigsaw.TimelineDanger: "tracker", jigsaw.TimelineDisputeStep: "disputes", jigsaw.TimelineStory: "stories"}
	out := make([]TimelineEntryOut, 0, len(entries))
	for _, e := range entries {
		url := a.url(paths[e.Kind], e.ObjectID)
		if e.Kind == jigsaw.TimelineOpened || e.Kind == jigsaw.TimelineClosed {
			url = a.url("organisations", e.Organisations[0].Slug)
		}
		eo := TimelineEntryOut{Kind: string(e.Kind), Date: e.Date, EndDate: e.EndDate, ID: e.ObjectID, URL: url,
			Title: e.Title, Status: string(e.Status), Step: string(e.Step), Note: e.Note,
			Turnout: percentOut(e.TurnoutBP), YesShare: percentOut(e.YesBP), Organisations: []OrgRole{}}
		for _, org := range e.Organisations {
			eo.Organisations = append(eo.Organisations, OrgRole{Organisation: org.ID, Slug: org.Slug, Name: org.Name})
		}
		out = append(out, eo)
	}
	respond.JSON(w, http.StatusOK, struct {
		Organisation OrganisationOut    `json:"organisation"`
		Entries      []TimelineEntryOut `json:"entries"`
	}{a.organisationOut(o), out})
}

// organisations is how the API keeps organisations.
func (a *API) organisations() *record[*jigsaw.Organisation, OrganisationIn] {
	return &record[*jigsaw.Organisation, OrganisationIn]{
		path:   "organisations",
		blank:  func() *jigsaw.Organisation { return &jigsaw.Organisation{} },
		find:   a.findOrganisation,
		apply:  (*OrganisationIn).apply,
		create: a.Edit.CreateOrganisation,
		update: a.Edit.UpdateOrganisation,
		answer: func(_ context.Context, o *jigsaw.Organisation) (any, string, error) {
			return a.organisationOut(o), strconv.FormatInt(o.ID, 10), nil
		},
	}
}

// HandleOrganisationCreate answers POST /api/v1/organisations with 201.
func (a *API) HandleOrganisationCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.organisations(), w, r)
}

// HandleOrganisationUpdate answers PATCH /api/v1/organisations/{id}.
func (a *API) HandleOrganisationUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.organisations(), w, r)
}

// MergeIn is the body of POST /api/v1/organisations/{id}/merge: the
// organisation of the address is the duplicate, into the one to keep.
type MergeIn struct {
	Into int64 `json:"into"`
}

// HandleOrganisationMerge answers POST /api/v1/organisations/{id}/merge
// with the organisation kept.
func (a *API) HandleOrganisationMerge(w http.ResponseWriter, r *http.Request) {
	var in MergeIn
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	dup, err := a.findOrganisation(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Edit.MergeOrganisations(r.Context(), in.Into, dup.ID); err != nil {
		a.fail(w, r, err)
		return
	}
	o, err := a.Store.FindOrganisationByID(r.Context(), in.Into)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.organisationOut(o))
}
