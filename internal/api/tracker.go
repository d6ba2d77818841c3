package api

import (
	"encoding/json"
	"net/http"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// TrackerOut is a danger as the API shows it.
type TrackerOut struct {
	ID            int64       `json:"id"`
	URL           string      `json:"url"`
	Kind          string      `json:"kind"`
	Title         string      `json:"title"`
	Summary       string      `json:"summary"`
	Status        string      `json:"status"`
	StatusOn      string      `json:"status_on"`
	StatusHistory []StatusOut `json:"status_history"`
	ReportedOn    string      `json:"reported_on,omitempty"`
	DecidedOn     string      `json:"decided_on,omitempty"`
	EffectiveOn   string      `json:"effective_on,omitempty"`
	EndsOn        string      `json:"ends_on,omitempty"`
	ValuePence    int64       `json:"value_pence,omitempty"`
	Value         string      `json:"value,omitempty"` // the same sum for people: "£1,234.56"
	StaffAffected int         `json:"staff_affected,omitempty"`
	District      string      `json:"district,omitempty"`
	Area          string      `json:"area,omitempty"`
	KeyIssues     []string    `json:"key_issues"`
	Organisations []OrgRole   `json:"organisations"`
	Sources       []Source    `json:"sources"`
	Stories       []LinkOut   `json:"stories"`
	Disputes      []LinkOut   `json:"disputes"`
	SourceKey     string      `json:"source_key,omitempty"`
	Published     bool        `json:"published"`
	PublishedAt   *time.Time  `json:"published_at,omitempty"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
	Version
}

// StatusOut is one entry of a danger's status history.
type StatusOut struct {
	Status string `json:"status"`
	On     string `json:"on"`
	Note   string `json:"note,omitempty"`
}

// OrgRole is an organisation in a role; in a body only organisation (its
// number) and role are read.
type OrgRole struct {
	Organisation int64  `json:"organisation"`
	Slug         string `json:"slug,omitempty"`
	Name         string `json:"name,omitempty"`
	Role         string `json:"role"`
}

// Source is a danger's source.
type Source struct {
	URL         string `json:"url"`
	Publisher   string `json:"publisher,omitempty"`
	PublishedOn string `json:"published_on,omitempty"`
	Quote       string `json:"quote,omitempty"`
}

func (a *API) trackerOut(t *jigsaw.TrackerItem) TrackerOut {
	out := TrackerOut{ID: t.ID, URL: a.url("tracker", t.ID), Kind: string(t.Kind), Title: t.Title, Summary: t.Summary,
		Status: string(t.Status), StatusOn: t.StatusOn, ReportedOn: t.ReportedOn, DecidedOn: t.DecidedOn,
		EffectiveOn: t.EffectiveOn, EndsOn: t.EndsOn, ValuePence: t.ValuePence, Value: t.Value(), StaffAffected: t.StaffAffected,
		District: t.District, Area: t.Area, KeyIssues: strs(t.KeyIssues), Stories: links(t.Stories), Disputes: links(t.Disputes),
		SourceKey: t.SourceKey, Published: t.Published, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, Version: versionOut(t.Version),
		StatusHistory: []StatusOut{}, Organisations: []OrgRole{}, Sources: []Source{}}
	if t.Published {
		at := t.PublishedAt
		out.PublishedAt = &at
	}
	for _, h := range t.History {
		out.StatusHistory = append(out.StatusHistory, StatusOut{string(h.Status), h.On, h.Note})
	}
	for _, o := range t.Organisations {
		out.Organisations = append(out.Organisations, OrgRole{o.OrgID, o.Slug, o.Name, string(o.Role)})
	}
	for _, s := range t.Sources {
		out.Sources = append(out.Sources, Source(s))
	}
	return out
}

// TrackerIn is the body of POST and PATCH /api/v1/tracker: every field is
// optional in a PATCH, and a list given replaces the stored one.
type TrackerIn struct {
	Kind          *string            `json:"kind"`
	Title         *string            `json:"title"`
	Summary       *string            `json:"summary"`
	StatusHistory *[]json.RawMessage `json:"status_history"`
	ReportedOn    *string            `json:"reported_on"`
	DecidedOn     *string            `json:"decided_on"`
	EffectiveOn   *string            `json:"effective_on"`
	EndsOn        *string            `json:"ends_on"`
	ValuePence    *int64             `json:"value_pence"`
	StaffAffected *int               `json:"staff_affected"`
	District      *string            `json:"district"`
	Area          *string            `json:"area"`
	KeyIssues     *[]string          `json:"key_issues"`
	Organisations *[]json.RawMessage `json:"organisations"`
	Sources       *[]json.RawMessage `json:"sources"`
	Stories       *[]int64           `json:"stories"`
	Disputes      *[]int64           `json:"disputes"`
	SourceKey     *string            `json:"source_key"`
	Published     *bool              `json:"published"`
	Version
}

// statusIn and orgRoleIn are list elements of TrackerIn, decoded one by
// one so errors name their index.
type statusIn struct {
	Status string `json:"status"`
	On     string `json:"on"`
	Note   string `json:"note"`
}

type orgRoleIn struct {
	Organisation int64  `json:"organisation"`
	Role         string `json:"role"`
}

// apply copies the fields present in in onto t.
func (in *TrackerIn) apply(t *jigsaw.TrackerItem) error {
	in.Version.set(&t.Version)
	setStr := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	if in.Kind != nil {
		t.Kind = jigsaw.TrackerKind(*in.Kind)
	}
	setStr(&t.Title, in.Title)
	setStr(&t.Summary, in.Summary)
	setStr(&t.ReportedOn, in.ReportedOn)
	setStr(&t.DecidedOn, in.DecidedOn)
	setStr(&t.EffectiveOn, in.EffectiveOn)
	setStr(&t.EndsOn, in.EndsOn)
	setStr(&t.District, in.District)
	setStr(&t.Area, in.Area)
	setStr(&t.SourceKey, in.SourceKey)
	if in.ValuePence != nil {
		t.ValuePence = *in.ValuePence
	}
	if in.StaffAffected != nil {
		t.StaffAffected = *in.StaffAffected
	}
	if in.KeyIssues != nil {
		t.KeyIssues = *in.KeyIssues
	}
	if in.Published != nil {
		t.Published = *in.Published
	}
	if in.Stories != nil {
		t.Stories = linkRefs(*in.Stories)
	}
	if in.Disputes != nil {
		t.Disputes = linkRefs(*in.Disputes)
	}
	if in.StatusHistory != nil {
		list, err := decodeList[statusIn](*in.StatusHistory, "status_history")
		if err != nil {
			return err
		}
		t.History = nil
		for _, h := range list {
			t.History = append(t.History, jigsaw.StatusChange{Status: jigsaw.TrackerStatus(h.Status), On: h.On, Note: h.Note})
		}
	}
	if in.Organisations != nil {
		list, err := decodeList[orgRoleIn](*in.Organisations, "organisations")
		if err != nil {
			return err
		}
		t.Organisations = nil
		for _, o := range list {
			t.Organisations = append(t.Organisations, jigsaw.TrackerOrg{OrgID: o.Organisation, Role: jigsaw.OrgRole(o.Role)})
		}
	}
	if in.Sources != nil {
		list, err := decodeList[Source](*in.Sources, "sources")
		if err != nil {
			return err
		}
		t.Sources = nil
		for _, s := range list {
			t.Sources = append(t.Sources, jigsaw.Source(s))
		}
	}
	return nil
}

// HandleTrackerList answers GET /api/v1/tracker: published dangers, most
// recently reported first. Editors may ask for drafts=1.
func (a *API) HandleTrackerList(w http.ResponseWriter, r *http.Request) {
	find := a.Store.FindPublicTrackerItems
	if r.URL.Query().Get("drafts") != "" {
		if !editor(r) {
			a.fail(w, r, jigsaw.Errorf(jigsaw.EUNAUTHORIZED, "Only editors may list drafts."))
			return
		}
		find = a.Edit.FindTrackerItems
	}
	list[jigsaw.TrackerFilter, *jigsaw.TrackerItem, TrackerOut]{name: "tracker_items", cursor: "tracker",
		parse: listparams.Tracker, limit: func(f *jigsaw.TrackerFilter) *int { return &f.Limit }, find: find, out: a.trackerOut,
		at: func(t *jigsaw.TrackerItem) jigsaw.After { return jigsaw.After{Key: t.ReportedOn, ID: t.ID} },
	}.handler(a)(w, r)
}

// HandleTrackerItem answers GET /api/v1/tracker/{id}: a published danger,
// or for editors any.
func (a *API) HandleTrackerItem(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var t *jigsaw.TrackerItem
	if editor(r) {
		t, err = a.Edit.FindTrackerItemByID(r.Context(), id)
	} else {
		t, err = a.Store.FindPublicTrackerItemByID(r.Context(), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.trackerOut(t))
}

// dangers is how the API keeps dangers.
func (a *API) dangers() *record[*jigsaw.TrackerItem, TrackerIn] {
	return &record[*jigsaw.TrackerItem, TrackerIn]{
		path: "tracker", blank: func() *jigsaw.TrackerItem { return &jigsaw.TrackerItem{} },
		find: byPathID(a.Edit.FindTrackerItemByID), apply: (*TrackerIn).apply,
		create: a.Edit.CreateTrackerItem, update: a.Edit.UpdateTrackerItem,
		answer: readBack(a.Edit.FindTrackerItemByID, func(t *jigsaw.TrackerItem) int64 { return t.ID }, a.trackerOut),
	}
}

// HandleTrackerCreate answers POST /api/v1/tracker with 201 and the new
// danger.
func (a *API) HandleTrackerCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.dangers(), w, r)
}

// HandleTrackerUpdate answers PATCH /api/v1/tracker/{id}: the fields sent
// change, the others stay.
func (a *API) HandleTrackerUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.dangers(), w, r)
}
