package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// PledgeOut is a pledge as the API shows it: its wordings oldest first,
// the current one last and in text.
type PledgeOut struct {
	ID        int64        `json:"id"`
	URL       string       `json:"url"`
	Slug      string       `json:"slug"`
	Title     string       `json:"title"`
	Kind      string       `json:"kind"`
	Summary   string       `json:"summary"`
	Campaign  string       `json:"campaign,omitempty"`
	Keeper    *OrgRef      `json:"keeper"`
	Text      string       `json:"text"`
	Versions  []WordingOut `json:"versions"`
	Targets   int          `json:"targets"`
	Signed    int          `json:"signed"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
	Version
}

// OrgRef names an organisation (the document's OrgRef).
type OrgRef struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// WordingOut is one version of a pledge's text.
type WordingOut struct {
	ID        int64  `json:"id"`
	Number    int    `json:"number"`
	Text      string `json:"text"`
	AdoptedOn string `json:"adopted_on"`
	Note      string `json:"note,omitempty"`
}

// PledgeJSON is p as the API shows it, for the exports.
func (a *API) PledgeJSON(p *jigsaw.Pledge) PledgeOut { return a.pledgeOut(p) }

// TargetJSON is t as the API shows it, for the exports.
func TargetJSON(t *jigsaw.PledgeTarget) TargetOut { return targetOut(t) }

func (a *API) pledgeOut(p *jigsaw.Pledge) PledgeOut {
	out := PledgeOut{ID: p.ID, URL: a.url("pledges", p.ID), Slug: p.Slug, Title: p.Title, Kind: string(p.Kind), Summary: p.Summary,
		Campaign: p.CampaignSlug, Targets: p.Targets, Signed: p.Signed, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		Version: versionOut(p.Version), Versions: []WordingOut{}}
	if p.KeeperID != 0 {
		out.Keeper = &OrgRef{p.KeeperID, p.KeeperSlug, p.KeeperName}
	}
	if c := p.Current(); c != nil {
		out.Text = c.Text
	}
	for _, v := range p.Versions {
		out.Versions = append(out.Versions, WordingOut{v.ID, v.Number, v.Text, v.AdoptedOn, v.Note})
	}
	return out
}

// PledgeIn is the body of POST and PATCH /api/v1/pledges: every field is
// optional in a PATCH. A text that differs from the current one adds a
// version, adopted on adopted_on.
type PledgeIn struct {
	Title     *string `json:"title"`
	Slug      *string `json:"slug"`
	Kind      *string `json:"kind"`
	Summary   *string `json:"summary"`
	Campaign  *string `json:"campaign"`
	Keeper    *int64  `json:"keeper"`
	Text      *string `json:"text"`
	AdoptedOn *string `json:"adopted_on"`
	Note      *string `json:"note"`
	Version
}

func (in *PledgeIn) apply(p *jigsaw.Pledge) error {
	in.Version.set(&p.Version)
	for _, f := range []struct {
		dst *string
		src *string
	}{{&p.Title, in.Title}, {&p.Slug, in.Slug}, {&p.Summary, in.Summary}, {&p.CampaignSlug, in.Campaign}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if in.Kind != nil {
		p.Kind = jigsaw.PledgeKind(*in.Kind)
	}
	if in.Keeper != nil {
		p.KeeperID = *in.Keeper
	}
	if in.Campaign != nil && *in.Campaign == "" {
		p.CampaignID = 0
	}
	if in.Text != nil || in.AdoptedOn != nil || in.Note != nil {
		v := jigsaw.PledgeVersion{}
		if c := p.Current(); c != nil {
			v.Text, v.AdoptedOn = c.Text, c.AdoptedOn
		}
		for _, f := range []struct {
			dst *string
			src *string
		}{{&v.Text, in.Text}, {&v.AdoptedOn, in.AdoptedOn}, {&v.Note, in.Note}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		p.NewVersion = &v
	}
	return nil
}

// HandlePledgeList answers GET /api/v1/pledges, by title.
func (a *API) HandlePledgeList(w http.ResponseWriter, r *http.Request) {
	list[jigsaw.PledgeFilter, *jigsaw.Pledge, PledgeOut]{name: "pledges", cursor: "pledges",
		parse: listparams.Pledges, limit: func(f *jigsaw.PledgeFilter) *int { return &f.Limit }, find: a.Store.FindPledges, out: a.pledgeOut,
		at: func(p *jigsaw.Pledge) jigsaw.After { return jigsaw.After{Key: p.Title, ID: p.ID} },
	}.handler(a)(w, r)
}

// HandlePledge answers GET /api/v1/pledges/{id}.
func (a *API) HandlePledge(w http.ResponseWriter, r *http.Request) {
	p, err := byPathID(a.Store.FindPledgeByID)(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.pledgeOut(p))
}

func (a *API) pledges() *record[*jigsaw.Pledge, PledgeIn] {
	return &record[*jigsaw.Pledge, PledgeIn]{
		path: "pledges", blank: func() *jigsaw.Pledge { return &jigsaw.Pledge{} },
		find: byPathID(a.Edit.FindPledgeByID), apply: (*PledgeIn).apply,
		create: a.Edit.CreatePledge, update: a.Edit.UpdatePledge,
		answer: readBack(a.Edit.FindPledgeByID, func(p *jigsaw.Pledge) int64 { return p.ID }, a.pledgeOut),
	}
}

// HandlePledgeCreate answers POST /api/v1/pledges with 201 and the pledge.
func (a *API) HandlePledgeCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.pledges(), w, r)
}

// HandlePledgeUpdate answers PATCH /api/v1/pledges/{id}.
func (a *API) HandlePledgeUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.pledges(), w, r)
}

// TargetOut is a target of a pledge with the states it went through.
type TargetOut struct {
	ID             int64            `json:"id"`
	Pledge         int64            `json:"pledge"`
	Organisation   *OrgRef          `json:"organisation"`
	Representative *int64           `json:"representative"`
	Name           string           `json:"name"`
	Kind           string           `json:"kind"`
	State          string           `json:"state"`
	StateOn        string           `json:"state_on"`
	EvidenceURL    string           `json:"evidence_url,omitempty"`
	EvidenceNote   string           `json:"evidence_note,omitempty"`
	NeedsEvidence  bool             `json:"needs_evidence"`
	VersionSigned  int              `json:"version_signed,omitempty"`
	Area           string           `json:"area"`
	District       string           `json:"district,omitempty"`
	Party          *OrgRef          `json:"party"`
	History        []StateChangeOut `json:"history"`
	UpdatedAt      time.Time        `json:"updated_at"`
	Version
}

// StateChangeOut is one state a target reached.
type StateChangeOut struct {
	State        string `json:"state"`
	On           string `json:"on"`
	EvidenceURL  string `json:"evidence_url,omitempty"`
	EvidenceNote string `json:"evidence_note,omitempty"`
}

func targetOut(t *jigsaw.PledgeTarget) TargetOut {
	out := TargetOut{ID: t.ID, Pledge: t.PledgeID, Name: t.Name, Kind: string(t.Kind), State: string(t.State), StateOn: t.StateOn,
		EvidenceURL: t.EvidenceURL, EvidenceNote: t.EvidenceNote, NeedsEvidence: t.NeedsEvidence(), VersionSigned: t.VersionNumber,
		Area: t.Area, District: t.District, UpdatedAt: t.UpdatedAt, Version: versionOut(t.Version), History: []StateChangeOut{}}
	if t.OrgID != 0 {
		out.Organisation = &OrgRef{t.OrgID, t.Slug, t.Name}
	} else {
		out.Representative = &t.RepresentativeID
	}
	if t.PartyID != 0 {
		out.Party = &OrgRef{t.PartyID, t.PartySlug, t.PartyName}
	}
	for _, h := range t.History {
		out.History = append(out.History, StateChangeOut{string(h.State), h.On, h.EvidenceURL, h.EvidenceNote})
	}
	return out
}

// TargetIn is the body of POST and PATCH /api/v1/pledges/{id}/targets:
// every field is optional in a PATCH. A change of state needs state_on.
type TargetIn struct {
	Organisation   *int64  `json:"organisation"`
	Representative *int64  `json:"representative"`
	Kind           *string `json:"kind"`
	State          *string `json:"state"`
	StateOn        *string `json:"state_on"`
	EvidenceURL    *string `json:"evidence_url"`
	EvidenceNote   *string `json:"evidence_note"`
	VersionID      *int64  `json:"version_id"`
	Area           *string `json:"area"`
	District       *string `json:"district"`
	Party          *int64  `json:"party"`
	Version
}

func (in *TargetIn) apply(t *jigsaw.PledgeTarget) error {
	in.Version.set(&t.Version)
	for _, f := range []struct {
		dst *int64
		src *int64
	}{{&t.OrgID, in.Organisation}, {&t.RepresentativeID, in.Representative}, {&t.VersionID, in.VersionID}, {&t.PartyID, in.Party}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&t.EvidenceURL, in.EvidenceURL}, {&t.EvidenceNote, in.EvidenceNote}, {&t.Area, in.Area}, {&t.District, in.District}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if in.Kind != nil {
		t.Kind = jigsaw.TargetKind(*in.Kind)
	}
	if in.State != nil {
		t.State = jigsaw.PledgeState(*in.State)
	}
	// The stored day belongs to the stored state: a new state without
	// state_on is refused rather than dated with the old state's day.
	t.StateOn = ""
	if in.StateOn != nil {
		t.StateOn = *in.StateOn
	}
	return nil
}

// TargetList is the answer of GET /api/v1/pledges/{id}/targets.
type TargetList struct {
	Targets []TargetOut `json:"targets"`
	Shares  SharesOut   `json:"shares"`
}

// SharesOut is the share of a pledge's targets that signed, by area and by
// party; a group without an area or party has an empty label.
type SharesOut struct {
	ByArea  []ShareOut `json:"by_area"`
	ByParty []ShareOut `json:"by_party"`
}

// ShareOut is the share signed of one group of targets.
type ShareOut struct {
	Label   string `json:"label"`
	Slug    string `json:"slug,omitempty"`
	Targets int    `json:"targets"`
	Signed  int    `json:"signed"`
	Percent int    `json:"percent"`
}

func sharesOut(list []jigsaw.PledgeShare) []ShareOut {
	out := []ShareOut{}
	for _, s := range list {
		out = append(out, ShareOut{s.Label, s.Slug, s.Targets, s.Signed, s.Percent()})
	}
	return out
}

// HandlePledgeTargets answers GET /api/v1/pledges/{id}/targets: the whole
// table, filtered as the page's, and the shares signed by area and party.
func (a *API) HandlePledgeTargets(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := byPathID(a.Store.FindPledgeByID)(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, _, err := listparams.PledgeTargets(ctx, a.Store, r.URL.Query(), p.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	targets, err := a.Store.FindPledgeTargets(ctx, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := TargetList{Targets: []TargetOut{}}
	for _, t := range targets {
		out.Targets = append(out.Targets, targetOut(t))
	}
	shares, err := a.Store.FindPledgeShares(ctx, p.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out.Shares = SharesOut{sharesOut(shares.ByArea), sharesOut(shares.ByParty)}
	respond.JSON(w, http.StatusOK, out)
}

// targets is how the API keeps the targets of the pledge of the path.
func (a *API) targets(r *http.Request) (*record[*jigsaw.PledgeTarget, TargetIn], error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	find := func(ctx context.Context, targetID int64) (*jigsaw.PledgeTarget, error) {
		return a.Edit.FindPledgeTargetByID(ctx, id, targetID)
	}
	return &record[*jigsaw.PledgeTarget, TargetIn]{
		path: "pledges/" + strconv.FormatInt(id, 10) + "/targets", blank: func() *jigsaw.PledgeTarget { return &jigsaw.PledgeTarget{PledgeID: id} },
		find: func(r *http.Request) (*jigsaw.PledgeTarget, error) {
			targetID, err := pathID(r, "tid")
			if err != nil {
				return nil, err
			}
			return find(r.Context(), targetID)
		},
		apply: (*TargetIn).apply, create: a.Edit.AddPledgeTarget, update: a.Edit.UpdatePledgeTarget,
		answer: readBack(find, func(t *jigsaw.PledgeTarget) int64 { return t.ID }, targetOut),
	}, nil
}

// HandlePledgeTargetCreate answers POST /api/v1/pledges/{id}/targets with
// 201 and the target.
func (a *API) HandlePledgeTargetCreate(w http.ResponseWriter, r *http.Request) {
	k, err := a.targets(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeCreate(a, k, w, r)
}

// HandlePledgeTargetUpdate answers PATCH /api/v1/pledges/{id}/targets/{tid}.
func (a *API) HandlePledgeTargetUpdate(w http.ResponseWriter, r *http.Request) {
	k, err := a.targets(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeUpdate(a, k, w, r)
}
