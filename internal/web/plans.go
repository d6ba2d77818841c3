package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
)

const plansPerPage = 30

// PlanListView is the view of /plan.
type PlanListView struct {
	Page
	Plans []*jigsaw.Plan
	Pager Pager
	Query url.Values
}

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v PlanListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// HandlePlanList serves /plan: every plan, earliest anchor first.
func (p *Pages) HandlePlanList(w http.ResponseWriter, r *http.Request) {
	followsClock(w)
	ctx := r.Context()
	f, list, err := listparams.Plans(ctx, p.Store, r.URL.Query(), plansPerPage)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	plans, total, err := p.Store.FindPlans(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, http.StatusOK, "plans", PlanListView{Page: p.page(r, tr(r).Sprintf("Plans")), Plans: plans,
		Pager: newPager(list, total, r.URL.Query()), Query: r.URL.Query()})
}

// PlanEntry is one line of a plan's timeline: a milestone, or a seat
// whose election or appointment falls in the plan's span.
type PlanEntry struct {
	Date   string // YYYY-MM-DD
	Offset int    // days from the anchor
	Title  string
	Note   string
	Kind   jigsaw.MilestoneKind // "" for a seat, or a milestone of no kind
	Seat   *jigsaw.Seat         // nil for a milestone
	// MilestoneID is the milestone's, 0 for a seat.
	MilestoneID int64
	Past        bool
	// Weeks and Days are how long until the entry, from Today, when it
	// is still to come.
	Weeks, Days int
}

// PlanView is the view of /plan/{id}: the plan as a timeline.
type PlanView struct {
	Page
	Plan      *jigsaw.Plan
	Entries   []PlanEntry
	Today     string // the day "past" and "weeks to go" are counted from
	Revisions []*jigsaw.Revision
}

// HandlePlan serves /plan/{id} as a timeline, and /plan/{id}.ics as the
// plan's calendar (the path's last segment is one wildcard).
func (p *Pages) HandlePlan(w http.ResponseWriter, r *http.Request) {
	followsClock(w)
	ctx := r.Context()
	idText, ics := strings.CutSuffix(r.PathValue("id"), ".ics")
	id, ok := positiveID(idText)
	if !ok {
		p.NotFound(w, r)
		return
	}
	plan, err := p.Store.FindPlanByID(ctx, id)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	if ics {
		p.servePlanICS(w, r, plan)
		return
	}
	today := londonToday()
	view := PlanView{Page: p.page(r, plan.Name), Plan: plan, Entries: planEntries(plan, today), Today: today}
	if canEdit(jigsaw.UserFromContext(ctx)) {
		if view.Revisions, err = p.Edit.FindRevisions(ctx, jigsaw.ObjectPlan, id); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	p.Render(w, r, http.StatusOK, "plan", view)
}

// planEntries puts a plan's milestones and seats in date order, each
// marked past or counted down from today.
func planEntries(plan *jigsaw.Plan, today string) []PlanEntry {
	var out []PlanEntry
	for _, m := range plan.Milestones {
		out = append(out, PlanEntry{Date: plan.DayAt(m.OffsetDays), Offset: m.OffsetDays, Title: m.Title, Note: m.Note, Kind: m.Kind, MilestoneID: m.ID})
	}
	anchor, _ := time.Parse("2006-01-02", plan.AnchorDate)
	for _, s := range plan.Seats {
		if s.Date == "" {
			continue // a seat that names the plan but has no date yet
		}
		t, _ := time.Parse("2006-01-02", s.Date)
		out = append(out, PlanEntry{Date: s.Date, Offset: int(t.Sub(anchor).Hours() / 24), Title: s.Label(), Seat: s})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	now, _ := time.Parse("2006-01-02", today)
	for i := range out {
		e := &out[i]
		t, _ := time.Parse("2006-01-02", e.Date)
		days := int(t.Sub(now).Hours() / 24)
		e.Past = days < 0
		if days >= 0 {
			e.Weeks, e.Days = days/7, days
		}
	}
	return out
}

var london = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Europe/London"); err == nil {
		return loc
	}
	return time.UTC
})

// londonToday is today's date in Britain, where the coalition works.
func londonToday() string { return time.Now().In(london()).Format("2006-01-02") }

// PlanFormView is the view of the form that creates or edits a plan.
type PlanFormView struct {
	EditForm
	Plan  *jigsaw.Plan // nil for a new one
	Kinds []jigsaw.Choice[jigsaw.MilestoneKind]
}

// PlanForms are the forms that make and edit plans with their milestones.
func (p *Pages) PlanForms() FormRoutes { return formRoutes(p, p.plans) }

// plans is the edit flow of plans. Milestones are rows of the plan's form;
// each row keeps its milestone's ID in a hidden input, so that calendars
// that imported the plan see the same events move rather than new ones.
func (p *Pages) plans() *recordKind[*jigsaw.Plan] {
	return &recordKind[*jigsaw.Plan]{
		template: "plan_form", noun: "plan", more: 5,
		blank: func() *Form {
			f := newForm(url.Values{"anchor_label": {"Election day"}})
			f.Extra = 5
			return f
		},
		find: func(r *http.Request) (*jigsaw.Plan, error) {
			id, ok := pathID(r)
			if !ok {
				return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
			}
			return p.Edit.FindPlanByID(r.Context(), id)
		},
		values: func(_ context.Context, pl *jigsaw.Plan) (url.Values, error) { return planValues(pl), nil },
		read: func(ctx context.Context, v url.Values, old *jigsaw.Plan) (*jigsaw.Plan, *Form) {
			pl, form := planFromForm(ctx, v)
			if old != nil {
				pl.ID = old.ID
			}
			return pl, form
		},
		create:  p.Edit.CreatePlan,
		update:  p.Edit.UpdatePlan,
		address: func(pl *jigsaw.Plan) string { return "/plan/" + strconv.FormatInt(pl.ID, 10) },
		formAddress: func(pl *jigsaw.Plan) string {
			if pl == nil {
				return "/plan/new"
			}
			return "/plan/" + strconv.FormatInt(pl.ID, 10) + "/edit"
		},
		title: func(pl *jigsaw.Plan) string { return pl.Name },
		view: func(_ context.Context, ef EditForm, pl *jigsaw.Plan) (any, error) {
			return PlanFormView{EditForm: ef, Plan: pl, Kinds: jigsaw.MilestoneKinds}, nil
		},
	}
}

// planFromForm reads a plan with its milestones from a posted form. An
// offset is typed as "-90", "90 days before" or a date.
func planFromForm(ctx context.Context, v url.Values) (*jigsaw.Plan, *Form) {
	compactRows(v, "milestones", []string{"title", "offset", "note"}, []string{"id", "kind"})
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
	pl := &jigsaw.Plan{
		Name:         rd.text("name"),
		Description:  v.Get("description"),
		AnchorLabel:  rd.text("anchor_label"),
		AnchorDate:   rd.date("anchor_date"),
		CampaignSlug: rd.text("campaign"),
		Milestones:   []jigsaw.Milestone{},
		Version:      formVersion(v),
	}
	for i := 0; i < rowCount(v, "milestones"); i++ {
		field := rowName("milestones", i, "offset")
		offset, err := jigsaw.ParseOffset(rd.text(field), pl.AnchorDate)
		if err != nil {
			rd.p.Add(field, rd.msg(jigsaw.ErrorMessage(err)))
		}
		id, _ := positiveID(rd.text(rowName("milestones", i, "id")))
		pl.Milestones = append(pl.Milestones, jigsaw.Milestone{
			ID:         id,
			Title:      rd.text(rowName("milestones", i, "title")),
			OffsetDays: offset,
			Kind:       jigsaw.MilestoneKind(rd.text(rowName("milestones", i, "kind"))),
			Note:       rd.text(rowName("milestones", i, "note")),
		})
	}
	addChecks(form, rd.p, pl)
	return pl, form
}

// planValues fills a form with a stored plan.
func planValues(pl *jigsaw.Plan) url.Values {
	v := url.Values{}
	set := formValues(v).set
	set("name", pl.Name)
	set("description", pl.Description)
	set("anchor_label", pl.AnchorLabel)
	set("anchor_date", pl.AnchorDate)
	set("campaign", pl.CampaignSlug)
	for i, m := range pl.Milestones {
		v.Set(rowName("milestones", i, "id"), strconv.FormatInt(m.ID, 10))
		v.Set(rowName("milestones", i, "title"), m.Title)
		v.Set(rowName("milestones", i, "offset"), strconv.Itoa(m.OffsetDays))
		v.Set(rowName("milestones", i, "kind"), string(m.Kind))
		v.Set(rowName("milestones", i, "note"), m.Note)
	}
	v.Set(versionField, strconv.FormatInt(pl.Version, 10))
	return v
}

// When says how far the entry is from the plan's anchor.
func (e PlanEntry) When() string { return jigsaw.DescribeOffset(e.Offset) }
