package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/api"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

const pledgesPerPage = 30

// PledgeLabels are the choices of a pledge's enums in the reader's
// language, for the forms and filters that offer them. Pages show a
// value's label with {{t .State.Label}}.
type PledgeLabels struct {
	Kinds       []jigsaw.Choice[jigsaw.PledgeKind]
	States      []jigsaw.Choice[jigsaw.PledgeState]
	TargetKinds []jigsaw.Choice[jigsaw.TargetKind]
}

func pledgeLabels(pr *i18n.Printer) PledgeLabels {
	return PledgeLabels{Kinds: translateChoices(pr, jigsaw.PledgeKinds), States: translateChoices(pr, jigsaw.PledgeStates),
		TargetKinds: translateChoices(pr, jigsaw.TargetKinds)}
}

// PledgeListView is the view of /pledges.
type PledgeListView struct {
	Page
	Pledges []*jigsaw.Pledge
	Pager   Pager
	Filter  jigsaw.PledgeFilter
	Labels  PledgeLabels
	Form    *Form
	Query   url.Values
}

// HandlePledgeList serves /pledges.
func (p *Pages) HandlePledgeList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, list, err := listparams.Pledges(ctx, p.Store, r.URL.Query(), pledgesPerPage)
	view := PledgeListView{Page: p.page(r, tr(r).Sprintf("Pledges")), Labels: pledgeLabels(tr(r)), Form: newForm(r.URL.Query()),
		Query: r.URL.Query()}
	if err != nil {
		form, ok := filterForm(r.URL.Query(), err, map[string]string{"kind": "Kind"})
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Form = form
		p.Render(w, r, http.StatusBadRequest, "pledges", view)
		return
	}
	pledges, total, err := p.Store.FindPledges(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Pledges, view.Filter, view.Pager = pledges, f, newPager(list, total, r.URL.Query())
	p.Render(w, r, http.StatusOK, "pledges", view)
}

// PledgeView is the view of /pledges/{id}: the pledge, the table of its
// targets with its filters, and the shares signed.
type PledgeView struct {
	RecordView[*jigsaw.Pledge]
	Targets  []*jigsaw.PledgeTarget
	Filter   jigsaw.PledgeTargetFilter
	Party    *jigsaw.Organisation // the party filtered by
	Filtered bool
	Shares   *jigsaw.PledgeShares
	Labels   PledgeLabels
	Form     *Form // the filters typed, with a message for each refused one
	Query    url.Values
}

// FeedQuery is the table's filters as a query for its exports.
func (v PledgeView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// pledgeFilterLabels names the fields of the table's filter form.
var pledgeFilterLabels = map[string]string{"state": "State", "kind": "Kind of target", "area": "Area",
	"district": "Postcode district", "party": "Party"}

// HandlePledge serves /pledges/{id}: a refused filter shows on the form,
// over no targets, with status 400.
func (p *Pages) HandlePledge(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r)
	if !ok {
		p.NotFound(w, r)
		return
	}
	pledge, err := p.Store.FindPledgeByID(ctx, id)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	view := PledgeView{RecordView: RecordView[*jigsaw.Pledge]{Page: p.page(r, pledge.Title), Record: pledge},
		Labels: pledgeLabels(tr(r)), Form: newForm(q), Query: q}
	if canEdit(view.User) {
		if view.Revisions, err = p.Edit.FindRevisions(ctx, jigsaw.ObjectPledge, id); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	if view.Shares, err = p.Store.FindPledgeShares(ctx, id); err != nil {
		p.Error(w, r, err)
		return
	}
	f, list, err := listparams.PledgeTargets(ctx, p.Store, q, id)
	if err != nil {
		form, ok := filterForm(q, err, pledgeFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Form, view.Filtered = form, true
		p.Render(w, r, http.StatusBadRequest, "pledge", view)
		return
	}
	view.Filter, view.Party = f, list.Organisation
	view.Filtered = f != jigsaw.PledgeTargetFilter{PledgeID: id}
	if view.Targets, err = p.Store.FindPledgeTargets(ctx, f); err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, http.StatusOK, "pledge", view)
}

// PledgeForms are the forms that record and edit pledges.
func (p *Pages) PledgeForms() FormRoutes { return formRoutes(p, p.pledges) }

// PledgeFormView is the view of the form of a pledge.
type PledgeFormView struct {
	EditForm
	Pledge *jigsaw.Pledge // nil for a new one
	Labels PledgeLabels
}

func pledgePath(id int64) string { return "/pledges/" + strconv.FormatInt(id, 10) }

// pledges is the edit flow of pledges. The form carries the current
// wording: changing its text adds a version, and the older ones are kept.
func (p *Pages) pledges() *recordKind[*jigsaw.Pledge] {
	return &recordKind[*jigsaw.Pledge]{
		template: "pledge_form", noun: "pledge",
		blank: func() *Form { return newForm(url.Values{"kind": {string(jigsaw.PledgeAsk)}}) },
		find: func(r *http.Request) (*jigsaw.Pledge, error) {
			id, ok := pathID(r)
			if !ok {
				return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
			}
			return p.Edit.FindPledgeByID(r.Context(), id)
		},
		values: func(_ context.Context, pl *jigsaw.Pledge) (url.Values, error) {
			v := url.Values{}
			set := formValues(v).set
			set("title", pl.Title)
			set("slug", pl.Slug)
			set("kind", string(pl.Kind))
			set("summary", pl.Summary)
			set("campaign", pl.CampaignSlug)
			set("keeper", pl.KeeperName)
			if c := pl.Current(); c != nil {
				set("text", c.Text)
				set("adopted_on", c.AdoptedOn)
			}
			v.Set(versionField, strconv.FormatInt(pl.Version, 10))
			return v, nil
		},
		read: func(ctx context.Context, v url.Values, old *jigsaw.Pledge) (*jigsaw.Pledge, *Form) {
			form := newForm(v)
			rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
			pl := &jigsaw.Pledge{
				Title:        rd.text("title"),
				Slug:         rd.text("slug"),
				Kind:         jigsaw.PledgeKind(rd.text("kind")),
				Summary:      v.Get("summary"),
				CampaignSlug: rd.text("campaign"),
				KeeperID:     rd.organisation(ctx, p.Store, "keeper"),
				Version:      formVersion(v),
			}
			if old != nil {
				pl.ID = old.ID
			}
			if text := rd.text("text"); text != "" || old == nil {
				pl.NewVersion = &jigsaw.PledgeVersion{Text: text, AdoptedOn: rd.date("adopted_on"), Note: rd.text("note")}
			}
			addChecks(form, rd.p, pl)
			return pl, form
		},
		create:  p.Edit.CreatePledge,
		update:  p.Edit.UpdatePledge,
		address: func(pl *jigsaw.Pledge) string { return pledgePath(pl.ID) },
		formAddress: func(pl *jigsaw.Pledge) string {
			if pl == nil {
				return "/pledges/new"
			}
			return pledgePath(pl.ID) + "/edit"
		},
		title: func(pl *jigsaw.Pledge) string { return pl.Title },
		view: func(ctx context.Context, ef EditForm, pl *jigsaw.Pledge) (any, error) {
			return PledgeFormView{EditForm: ef, Pledge: pl, Labels: pledgeLabels(i18n.FromContext(ctx).Printer())}, nil
		},
	}
}

// PledgeTargetForms are the forms that add a target to a pledge and change
// a target's state. Their kind is made per request: a new target's form
// belongs to the pledge of the path.
func (p *Pages) PledgeTargetForms() FormRoutes {
	with := func(run func(k *recordKind[*jigsaw.PledgeTarget], w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			pledge, err := p.editedPledge(r)
			if err != nil {
				p.Error(w, r, err)
				return
			}
			run(p.pledgeTargets(pledge), w, r)
		}
	}
	return FormRoutes{
		New: with(func(k *recordKind[*jigsaw.PledgeTarget], w http.ResponseWriter, r *http.Request) { editNew(p, k, w, r) }),
		Create: with(func(k *recordKind[*jigsaw.PledgeTarget], w http.ResponseWriter, r *http.Request) {
			editSave(p, k, w, r, false)
		}),
		Edit: with(func(k *recordKind[*jigsaw.PledgeTarget], w http.ResponseWriter, r *http.Request) {
			editOpen(p, k, w, r)
		}),
		Update: with(func(k *recordKind[*jigsaw.PledgeTarget], w http.ResponseWriter, r *http.Request) {
			editSave(p, k, w, r, true)
		}),
	}
}

func (p *Pages) editedPledge(r *http.Request) (*jigsaw.Pledge, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
	}
	return p.Edit.FindPledgeByID(r.Context(), id)
}

// PledgeTargetFormView is the view of the form of a pledge's target.
type PledgeTargetFormView struct {
	EditForm
	Pledge *jigsaw.Pledge
	Target *jigsaw.PledgeTarget // nil for a new one
	Labels PledgeLabels
	// Wordings are the pledge's versions to choose the one signed from.
	Wordings []jigsaw.Choice[string]
}

func (p *Pages) pledgeTargets(pledge *jigsaw.Pledge) *recordKind[*jigsaw.PledgeTarget] {
	return &recordKind[*jigsaw.PledgeTarget]{
		template: "pledge_target_form", noun: "target",
		blank: func() *Form { return newForm(url.Values{"state": {string(jigsaw.PledgeAsked)}}) },
		find: func(r *http.Request) (*jigsaw.PledgeTarget, error) {
			id, ok := positiveID(r.PathValue("target"))
			if !ok {
				return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Pledge %d has no such target.", pledge.ID)
			}
			return p.Edit.FindPledgeTargetByID(r.Context(), pledge.ID, id)
		},
		values: func(_ context.Context, t *jigsaw.PledgeTarget) (url.Values, error) {
			v := url.Values{}
			set := formValues(v).set
			if t.OrgID != 0 {
				set("organisation", t.Name)
			} else {
				set("representative", strconv.FormatInt(t.RepresentativeID, 10))
			}
			set("kind", string(t.Kind))
			set("state", string(t.State))
			// The date is left empty: a new state needs a new date,
			// and an unchanged state keeps its own.
			set("evidence_url", t.EvidenceURL)
			set("evidence_note", t.EvidenceNote)
			if t.VersionID != 0 {
				set("version_id", strconv.FormatInt(t.VersionID, 10))
			}
			set("area", t.Area)
			set("district", t.District)
			set("party", t.PartyName)
			v.Set(versionField, strconv.FormatInt(t.Version, 10))
			return v, nil
		},
		read: func(ctx context.Context, v url.Values, old *jigsaw.PledgeTarget) (*jigsaw.PledgeTarget, *Form) {
			form := newForm(v)
			rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
			t := &jigsaw.PledgeTarget{
				PledgeID:         pledge.ID,
				OrgID:            rd.organisation(ctx, p.Store, "organisation"),
				RepresentativeID: int64(rd.int("representative", "The person's number")),
				Kind:             jigsaw.TargetKind(rd.text("kind")),
				State:            jigsaw.PledgeState(rd.text("state")),
				StateOn:          rd.date("state_on"),
				EvidenceURL:      rd.text("evidence_url"),
				EvidenceNote:     rd.text("evidence_note"),
				VersionID:        int64(rd.int("version_id", "The wording")),
				Area:             rd.text("area"),
				District:         rd.text("district"),
				PartyID:          rd.organisation(ctx, p.Store, "party"),
				Version:          formVersion(v),
			}
			if old != nil {
				t.ID = old.ID
			}
			addChecks(form, rd.p, t)
			return t, form
		},
		create:  p.Edit.AddPledgeTarget,
		update:  p.Edit.UpdatePledgeTarget,
		address: func(*jigsaw.PledgeTarget) string { return pledgePath(pledge.ID) + "#targets" },
		formAddress: func(t *jigsaw.PledgeTarget) string {
			if t == nil {
				return pledgePath(pledge.ID) + "/targets/new"
			}
			return pledgePath(pledge.ID) + "/targets/" + strconv.FormatInt(t.ID, 10) + "/edit"
		},
		title: func(t *jigsaw.PledgeTarget) string { return t.Name },
		view: func(ctx context.Context, ef EditForm, t *jigsaw.PledgeTarget) (any, error) {
			pr := i18n.FromContext(ctx).Printer()
			view := PledgeTargetFormView{EditForm: ef, Pledge: pledge, Target: t, Labels: pledgeLabels(pr)}
			for _, v := range pledge.Versions {
				view.Wordings = append(view.Wordings, jigsaw.Choice[string]{Value: strconv.FormatInt(v.ID, 10),
					Label: pr.Sprintf("Version %d, adopted %s", v.Number, v.AdoptedOn)})
			}
			if t == nil {
				view.Title = pr.Sprintf("Add a target to “%s”", pledge.Title)
			}
			return view, nil
		},
	}
}

// pledgeFeedEntries are the entries of /pledges.atom and /pledges.rss:
// the pledges, most recently changed first, as the list's filter selects.
func (p *Pages) pledgeFeedEntries(r *http.Request, q url.Values) ([]feedEntry, error) {
	ctx := r.Context()
	f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.PledgeFilter, listparams.List, error) {
		return listparams.Pledges(ctx, p.Store, v, feedLength)
	})
	if err != nil {
		return nil, err
	}
	var entries []feedEntry
	err = p.eachPledge(ctx, f, func(pl *jigsaw.Pledge) error {
		summary := pl.Summary
		if c := pl.Current(); summary == "" && c != nil {
			summary = c.Text
		}
		entries = append(entries, feedEntry{Path: pledgePath(pl.ID), Title: pl.Title, Summary: excerpt(summary, 600),
			Published: pl.CreatedAt, Updated: pl.UpdatedAt})
		return nil
	})
	slices.SortStableFunc(entries, func(a, b feedEntry) int { return b.Updated.Compare(a.Updated) })
	if len(entries) > f.Limit {
		entries = entries[:f.Limit]
	}
	return entries, err
}

// eachPledge hands fn every pledge f selects, its paging aside, a page at
// a time: pledges are few, and FindPledges reads them with their counts.
func (p *Pages) eachPledge(ctx context.Context, f jigsaw.PledgeFilter, fn func(*jigsaw.Pledge) error) error {
	f.Limit, f.Offset, f.After = listparams.MaxLimit, 0, nil
	for {
		list, _, err := p.Store.FindPledges(ctx, f)
		if err != nil {
			return err
		}
		for _, pl := range list {
			if err := fn(pl); err != nil {
				return err
			}
		}
		if len(list) < f.Limit {
			return nil
		}
		last := list[len(list)-1]
		f.After = &jigsaw.After{Key: last.Title, ID: last.ID}
	}
}

// pledgeColumns are the columns of /pledges.csv.
func pledgeColumns(base string) []column[*jigsaw.Pledge] {
	current := func(pl *jigsaw.Pledge) *jigsaw.PledgeVersion {
		if c := pl.Current(); c != nil {
			return c
		}
		return &jigsaw.PledgeVersion{}
	}
	return []column[*jigsaw.Pledge]{
		{"id", func(pl *jigsaw.Pledge) string { return id(pl.ID) }},
		{"url", func(pl *jigsaw.Pledge) string { return base + pledgePath(pl.ID) }},
		{"slug", func(pl *jigsaw.Pledge) string { return pl.Slug }},
		{"title", func(pl *jigsaw.Pledge) string { return pl.Title }},
		{"kind", func(pl *jigsaw.Pledge) string { return string(pl.Kind) }},
		{"keeper", func(pl *jigsaw.Pledge) string { return pl.KeeperSlug }},
		{"campaign", func(pl *jigsaw.Pledge) string { return pl.CampaignSlug }},
		{"version", func(pl *jigsaw.Pledge) string { return strconv.Itoa(current(pl).Number) }},
		{"adopted_on", func(pl *jigsaw.Pledge) string { return current(pl).AdoptedOn }},
		{"targets", func(pl *jigsaw.Pledge) string { return strconv.Itoa(pl.Targets) }},
		{"signed", func(pl *jigsaw.Pledge) string { return strconv.Itoa(pl.Signed) }},
		{"created_at", func(pl *jigsaw.Pledge) string { return timestamp(pl.CreatedAt) }},
		{"updated_at", func(pl *jigsaw.Pledge) string { return timestamp(pl.UpdatedAt) }},
		{"text", func(pl *jigsaw.Pledge) string { return current(pl).Text }},
	}
}

// exportPledges writes /pledges.csv and /pledges.json.
func (p *Pages) exportPledges(w http.ResponseWriter, r *http.Request, q url.Values, whole error) error {
	ctx := r.Context()
	f, err := readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.PledgeFilter, listparams.List, error) {
		return listparams.Pledges(ctx, p.Store, v, 1)
	})
	if err != nil {
		return err
	}
	shapes := &api.API{BaseURL: p.Site.BaseURL}
	return writeExport(p, w, r, "pledges", pledgeColumns(p.Site.BaseURL), shapes.PledgeJSON, func(fn func(*jigsaw.Pledge) error) error {
		return p.eachPledge(ctx, f, fn)
	})
}

// targetColumns are the columns of /pledges/{id}/targets.csv.
func targetColumns() []column[*jigsaw.PledgeTarget] {
	return []column[*jigsaw.PledgeTarget]{
		{"id", func(t *jigsaw.PledgeTarget) string { return id(t.ID) }},
		{"pledge", func(t *jigsaw.PledgeTarget) string { return id(t.PledgeID) }},
		{"name", func(t *jigsaw.PledgeTarget) string { return t.Name }},
		{"organisation", func(t *jigsaw.PledgeTarget) string { return t.Slug }},
		{"representative", func(t *jigsaw.PledgeTarget) string {
			if t.RepresentativeID == 0 {
				return ""
			}
			return id(t.RepresentativeID)
		}},
		{"kind", func(t *jigsaw.PledgeTarget) string { return string(t.Kind) }},
		{"state", func(t *jigsaw.PledgeTarget) string { return string(t.State) }},
		{"state_on", func(t *jigsaw.PledgeTarget) string { return t.StateOn }},
		{"version_signed", func(t *jigsaw.PledgeTarget) string {
			if t.VersionNumber == 0 {
				return ""
			}
			return strconv.Itoa(t.VersionNumber)
		}},
		{"evidence_url", func(t *jigsaw.PledgeTarget) string { return t.EvidenceURL }},
		{"evidence_note", func(t *jigsaw.PledgeTarget) string { return t.EvidenceNote }},
		{"area", func(t *jigsaw.PledgeTarget) string { return t.Area }},
		{"district", func(t *jigsaw.PledgeTarget) string { return t.District }},
		{"party", func(t *jigsaw.PledgeTarget) string { return t.PartySlug }},
	}
}

// HandlePledgeTargetsExport serves /pledges/{id}/targets.csv and .json:
// the pledge's table with the page's filters.
func (p *Pages) HandlePledgeTargetsExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := func() error {
		id, ok := pathID(r)
		if !ok {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
		}
		pledge, err := p.Store.FindPledgeByID(ctx, id)
		if err != nil {
			return err
		}
		f, _, err := listparams.PledgeTargets(ctx, p.Store, r.URL.Query(), pledge.ID)
		if err != nil {
			return err
		}
		targets, err := p.Store.FindPledgeTargets(ctx, f)
		if err != nil {
			return err
		}
		return writeExport(p, w, r, "pledge-"+strconv.FormatInt(id, 10)+"-targets", targetColumns(), api.TargetJSON,
			func(fn func(*jigsaw.PledgeTarget) error) error {
				for _, t := range targets {
					if err := fn(t); err != nil {
						return err
					}
				}
				return nil
			})
	}()
	if err == nil {
		return
	}
	w.Header().Del("Content-Disposition")
	if strings.HasSuffix(r.URL.Path, ".json") {
		respond.JSONError(w, r, p.Log, err)
		return
	}
	p.Error(w, r, err)
}
