package api

import (
	"net/http"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// RepresentativeOut is a person in a public role as the API shows them:
// public office contact only, as the type holds nothing else.
type RepresentativeOut struct {
	ID            int64         `json:"id"`
	URL           string        `json:"url"`
	Name          string        `json:"name"`
	Role          string        `json:"role"`
	Party         string        `json:"party,omitempty"`
	Organisation  *OrgRefOut    `json:"organisation,omitempty"`
	Area          string        `json:"area,omitempty"`
	District      string        `json:"district,omitempty"`
	FromOn        string        `json:"from_on,omitempty"`
	ToOn          string        `json:"to_on,omitempty"`
	OfficeEmail   string        `json:"office_email,omitempty"`
	OfficePhone   string        `json:"office_phone,omitempty"`
	OfficeAddress string        `json:"office_address,omitempty"`
	Website       string        `json:"website,omitempty"`
	Interests     []InterestOut `json:"interests"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
	Version
}

// OrgRefOut names an organisation.
type OrgRefOut struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// InterestOut is a declared interest. The danger it touches is named when
// it is published; a draft's number alone is given.
type InterestOut struct {
	ID           int64      `json:"id"`
	Kind         string     `json:"kind"`
	Description  string     `json:"description"`
	DeclaredOn   string     `json:"declared_on,omitempty"`
	SourceURL    string     `json:"source_url,omitempty"`
	Organisation *OrgRefOut `json:"organisation,omitempty"`
	TrackerItem  *LinkOut   `json:"tracker_item,omitempty"`
}

func orgRef(id int64, slug, name string) *OrgRefOut {
	if id == 0 {
		return nil
	}
	return &OrgRefOut{id, slug, name}
}

func interestOut(i jigsaw.Interest) InterestOut {
	out := InterestOut{ID: i.ID, Kind: string(i.Kind), Description: i.Description, DeclaredOn: i.DeclaredOn, SourceURL: i.SourceURL,
		Organisation: orgRef(i.OrgID, i.OrgSlug, i.OrgName)}
	if i.TrackerID != 0 {
		out.TrackerItem = &LinkOut{i.TrackerID, i.TrackerTitle}
	}
	return out
}

// RepresentativeJSON returns a person as the API and the JSON export show
// them. Lists read no interests: they are on the person's own answer.
func (a *API) RepresentativeJSON(r *jigsaw.Representative) RepresentativeOut {
	out := RepresentativeOut{ID: r.ID, URL: a.url("representatives", r.ID), Name: r.Name, Role: string(r.Role), Party: r.Party,
		Organisation: orgRef(r.OrgID, r.OrgSlug, r.OrgName), Area: r.Area, District: r.District, FromOn: r.FromOn, ToOn: r.ToOn,
		OfficeEmail: r.OfficeEmail, OfficePhone: r.OfficePhone, OfficeAddress: r.OfficeAddress, Website: r.Website,
		Interests: []InterestOut{}, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: versionOut(r.Version)}
	for _, i := range r.Interests {
		out.Interests = append(out.Interests, interestOut(i))
	}
	return out
}

// RepresentativeIn is the body of POST and PATCH /api/v1/representatives:
// every field is optional in a PATCH. There is no field for private
// contact details; an unknown field is refused.
type RepresentativeIn struct {
	Name          *string `json:"name"`
	Role          *string `json:"role"`
	Party         *string `json:"party"`
	Organisation  *int64  `json:"organisation"` // 0 for none
	Area          *string `json:"area"`
	District      *string `json:"district"`
	FromOn        *string `json:"from_on"`
	ToOn          *string `json:"to_on"`
	OfficeEmail   *string `json:"office_email"`
	OfficePhone   *string `json:"office_phone"`
	OfficeAddress *string `json:"office_address"`
	Website       *string `json:"website"`
	Version
}

func (in *RepresentativeIn) apply(r *jigsaw.Representative) error {
	in.Version.set(&r.Version)
	for _, f := range []struct {
		dst *string
		src *string
	}{{&r.Name, in.Name}, {&r.Party, in.Party}, {&r.Area, in.Area}, {&r.District, in.District}, {&r.FromOn, in.FromOn},
		{&r.ToOn, in.ToOn}, {&r.OfficeEmail, in.OfficeEmail}, {&r.OfficePhone, in.OfficePhone},
		{&r.OfficeAddress, in.OfficeAddress}, {&r.Website, in.Website}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if in.Role != nil {
		r.Role = jigsaw.OfficeRole(*in.Role)
	}
	if in.Organisation != nil {
		r.OrgID = *in.Organisation
	}
	return nil
}

// InterestIn is the body of POST and PATCH of a declared interest: the
// interest becomes what is sent.
type InterestIn struct {
	Kind         string `json:"kind"`
	Description  string `json:"description"`
	DeclaredOn   string `json:"declared_on"`
	SourceURL    string `json:"source_url"`
	Organisation int64  `json:"organisation"`
	TrackerItem  int64  `json:"tracker_item"`
}

// HandleRepresentativeList answers GET /api/v1/representatives, by name.
func (a *API) HandleRepresentativeList(w http.ResponseWriter, r *http.Request) {
	list[jigsaw.RepresentativeFilter, *jigsaw.Representative, RepresentativeOut]{name: "representatives", cursor: "representatives",
		parse: listparams.Representatives, limit: func(f *jigsaw.RepresentativeFilter) *int { return &f.Limit },
		find: a.Store.FindRepresentatives, out: a.RepresentativeJSON,
		at: func(p *jigsaw.Representative) jigsaw.After { return jigsaw.After{Key: p.Name, ID: p.ID} },
	}.handler(a)(w, r)
}

// HandleRepresentative answers GET /api/v1/representatives/{id}, with the
// person's declared interests.
func (a *API) HandleRepresentative(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.Store.FindRepresentativeByID(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.RepresentativeJSON(p))
}

func (a *API) representatives() *record[*jigsaw.Representative, RepresentativeIn] {
	return &record[*jigsaw.Representative, RepresentativeIn]{
		path: "representatives", blank: func() *jigsaw.Representative { return &jigsaw.Representative{} },
		find: byPathID(a.Edit.FindRepresentativeByID), apply: (*RepresentativeIn).apply,
		create: a.Edit.CreateRepresentative, update: a.Edit.UpdateRepresentative,
		answer: readBack(a.Edit.FindRepresentativeByID, func(p *jigsaw.Representative) int64 { return p.ID }, a.RepresentativeJSON),
	}
}

// HandleRepresentativeCreate answers POST /api/v1/representatives with
// 201 and the new person.
func (a *API) HandleRepresentativeCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.representatives(), w, r)
}

// HandleRepresentativeUpdate answers PATCH /api/v1/representatives/{id}.
func (a *API) HandleRepresentativeUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.representatives(), w, r)
}

// HandleInterestCreate answers POST /api/v1/representatives/{id}/interests
// with 201 and the interest as stored.
func (a *API) HandleInterestCreate(w http.ResponseWriter, r *http.Request) {
	a.saveInterest(w, r, false)
}

// HandleInterestUpdate answers PATCH
// /api/v1/representatives/{id}/interests/{interest}.
func (a *API) HandleInterestUpdate(w http.ResponseWriter, r *http.Request) {
	a.saveInterest(w, r, true)
}

func (a *API) saveInterest(w http.ResponseWriter, r *http.Request, update bool) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var interestID int64
	if update {
		if interestID, err = pathID(r, "interest"); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	var in InterestIn
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	i := &jigsaw.Interest{ID: interestID, RepresentativeID: id, Kind: jigsaw.InterestKind(in.Kind), Description: in.Description,
		DeclaredOn: in.DeclaredOn, SourceURL: in.SourceURL, OrgID: in.Organisation, TrackerID: in.TrackerItem}
	if update {
		err = a.Edit.UpdateInterest(ctx, i)
	} else {
		err = a.Edit.AddInterest(ctx, i)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Read back for the names of the organisation and the danger.
	p, err := a.Edit.FindRepresentativeByID(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, stored := range p.Interests {
		if stored.ID == i.ID {
			i = &stored
			break
		}
	}
	status := http.StatusOK
	if !update {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/representatives/"+strconv.FormatInt(id, 10)+"/interests/"+strconv.FormatInt(i.ID, 10))
	}
	respond.JSON(w, status, interestOut(*i))
}

// HandleInterestDelete answers DELETE
// /api/v1/representatives/{id}/interests/{interest} with 204.
func (a *API) HandleInterestDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	interestID, err := pathID(r, "interest")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Edit.DeleteInterest(r.Context(), id, interestID); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
