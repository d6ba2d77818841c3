package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
)

const trackerPerPage = 30

// TrackerListView is the view of /tracker.
type TrackerListView struct {
	Page
	Items        []*jigsaw.TrackerItem
	Pager        Pager
	Filter       jigsaw.TrackerFilter
	Organisation *jigsaw.Organisation // the organisation filtered by, if any
	Query        url.Values
	Kinds        []jigsaw.Choice[jigsaw.TrackerKind]
	Statuses     []jigsaw.Choice[jigsaw.TrackerStatus]
	KeyIssues    []jigsaw.KeyIssue
	DraftCount   int   // for editors: drafts waiting for review
	Form         *Form // the filters typed, with a message for each refused one
}

// trackerFilterLabels names the fields of the dangers' filter form.
var trackerFilterLabels = map[string]string{"kind": "Kind", "status": "Status", "issue": "Key issue", "district": "Postcode district"}

// HandleTrackerList serves /tracker with its filters. Editors may add
// drafts=1 to list the drafts waiting for review.
func (p *Pages) HandleTrackerList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	issues, err := p.Store.KeyIssues(ctx)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	f, list, err := listparams.Tracker(ctx, p.Store, r.URL.Query(), trackerPerPage)
	view := TrackerListView{Page: p.page(r, tr(r).Sprintf("Dangers")), Query: r.URL.Query(), Kinds: jigsaw.TrackerKinds,
		Statuses: jigsaw.TrackerStatuses, KeyIssues: issues, Organisation: list.Organisation, Form: newForm(r.URL.Query())}
	if err != nil {
		// A refused filter shows on the form, over no dangers (see
		// HandleStoryList).
		form, ok := filterForm(r.URL.Query(), err, trackerFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Filter, view.Form = f, form
		p.Render(w, r, http.StatusBadRequest, "tracker", view)
		return
	}
	editor := canEdit(view.User)
	if f.Drafts && !editor {
		p.Error(w, r, jigsaw.Errorf(jigsaw.EUNAUTHORIZED, "Sign in as an editor to see drafts."))
		return
	}
	find := p.Store.FindPublicTrackerItems
	if f.Drafts {
		find = p.Edit.FindTrackerItems
		view.Title = "Draft dangers"
	}
	items, total, err := find(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	if editor {
		if _, view.DraftCount, err = p.Edit.FindTrackerItems(ctx, jigsaw.TrackerFilter{Drafts: true, Limit: 1}); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	view.Items, view.Filter = items, f
	view.Pager = newPager(list, total, r.URL.Query())
	p.Render(w, r, http.StatusOK, "tracker", view)
}

// HandleTrackerItem serves /tracker/{id}: published items to everyone,
// drafts and the edit history to editors.
func (p *Pages) HandleTrackerItem(w http.ResponseWriter, r *http.Request) {
	showRecord(p, w, r, "tracker_item", jigsaw.ObjectTrackerItem,
		func(ctx context.Context, id int64, editor bool) (TrackerItemPage, error) {
			var t *jigsaw.TrackerItem
			var err error
			if editor {
				t, err = p.Edit.FindTrackerItemByID(ctx, id)
			} else {
				t, err = p.Store.FindPublicTrackerItemByID(ctx, id)
			}
			if err != nil {
				return TrackerItemPage{}, err
			}
			interests, err := p.Store.FindInterestsByTracker(ctx, id)
			return TrackerItemPage{TrackerItem: t, Interests: interests}, err
		}, func(t TrackerItemPage) string { return t.Title })
}

// TrackerItemPage is a danger as its page shows it: with the interests
// people in public roles declared that touch it.
type TrackerItemPage struct {
	*jigsaw.TrackerItem
	Interests []jigsaw.Interest
}

// pathID reads the {id} of the path as a positive number.
func pathID(r *http.Request) (int64, bool) {
	return positiveID(r.PathValue("id"))
}

func positiveID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// TrackerFormView is the view of the form that creates or edits a danger.
type TrackerFormView struct {
	EditForm
	Item      *jigsaw.TrackerItem // nil for a new one
	Kinds     []jigsaw.Choice[jigsaw.TrackerKind]
	Statuses  []jigsaw.Choice[jigsaw.TrackerStatus]
	Roles     []jigsaw.Choice[jigsaw.OrgRole]
	KeyIssues []jigsaw.KeyIssue
}

// dangers is the edit flow of dangers.
func (p *Pages) dangers() *recordKind[*jigsaw.TrackerItem] {
	return &recordKind[*jigsaw.TrackerItem]{
		template: "tracker_form", noun: "danger", more: 5,
		blank: func() *Form { return newForm(url.Values{"status_history[0].status": {string(jigsaw.TrackerProposed)}}) },
		find: func(r *http.Request) (*jigsaw.TrackerItem, error) {
			id, ok := pathID(r)
			if !ok {
				return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
			}
			return p.Edit.FindTrackerItemByID(r.Context(), id)
		},
		values: func(_ context.Context, t *jigsaw.TrackerItem) (url.Values, error) { return trackerValues(t), nil },
		read: func(ctx context.Context, v url.Values, old *jigsaw.TrackerItem) (*jigsaw.TrackerItem, *Form) {
			t, form := p.trackerFromForm(ctx, v)
			if old != nil {
				t.ID, t.SourceKey = old.ID, old.SourceKey
			}
			return t, form
		},
		create:  p.Edit.CreateTrackerItem,
		update:  p.Edit.UpdateTrackerItem,
		address: func(t *jigsaw.TrackerItem) string { return "/tracker/" + strconv.FormatInt(t.ID, 10) },
		formAddress: func(t *jigsaw.TrackerItem) string {
			if t == nil {
				return "/tracker/new"
			}
			return "/tracker/" + strconv.FormatInt(t.ID, 10) + "/edit"
		},
		fixErrors: func(fields map[string]string) {
			foldErrors(fields, "stories")
			foldErrors(fields, "disputes")
		},
		title: func(t *jigsaw.TrackerItem) string { return t.Title },
		view: func(ctx context.Context, ef EditForm, t *jigsaw.TrackerItem) (any, error) {
			issues, err := p.formChoices(ctx)
			if err != nil {
				return nil, err
			}
			return TrackerFormView{EditForm: ef, Item: t, Kinds: jigsaw.TrackerKinds, Statuses: jigsaw.TrackerStatuses,
				Roles: jigsaw.OrgRoles, KeyIssues: issues}, nil
		},
	}
}

// trackerFromForm reads a danger from a posted form. The form's errors are
// those of reading it; when there are any, the danger's own checks run too,
// so that every mistake shows at once.
func (p *Pages) trackerFromForm(ctx context.Context, v url.Values) (*jigsaw.TrackerItem, *Form) {
	compactRows(v, "status_history", []string{"on", "note"}, []string{"status"})
	compactRows(v, "organisations", []string{"organisation"}, []string{"role"})
	compactRows(v, "sources", []string{"url", "publisher", "published_on", "quote"}, nil)
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
	t := &jigsaw.TrackerItem{
		Kind:          jigsaw.TrackerKind(rd.text("kind")),
		Title:         rd.text("title"),
		Summary:       v.Get("summary"),
		ReportedOn:    rd.date("reported_on"),
		DecidedOn:     rd.date("decided_on"),
		EffectiveOn:   rd.date("effective_on"),
		EndsOn:        rd.date("ends_on"),
		ValuePence:    rd.pence("value_pence", "The value"),
		StaffAffected: rd.int("staff_affected", "Staff affected"),
		District:      rd.text("district"),
		Area:          rd.text("area"),
		KeyIssues:     v["key_issues"],
		Stories:       rd.links(ctx, p.Store, "stories"),
		Disputes:      rd.links(ctx, p.Store, "disputes"),
		Published:     v.Get("published") != "",
		Version:       formVersion(v),
	}
	for i := 0; i < rowCount(v, "status_history"); i++ {
		t.History = append(t.History, jigsaw.StatusChange{
			Status: jigsaw.TrackerStatus(rd.text(rowName("status_history", i, "status"))),
			On:     rd.date(rowName("status_history", i, "on")),
			Note:   rd.text(rowName("status_history", i, "note")),
		})
	}
	for i := 0; i < rowCount(v, "organisations"); i++ {
		t.Organisations = append(t.Organisations, jigsaw.TrackerOrg{
			OrgID: rd.organisation(ctx, p.Store, rowName("organisations", i, "organisation")),
			Role:  jigsaw.OrgRole(rd.text(rowName("organisations", i, "role"))),
		})
	}
	for i := 0; i < rowCount(v, "sources"); i++ {
		t.Sources = append(t.Sources, jigsaw.Source{
			URL:         rd.text(rowName("sources", i, "url")),
			Publisher:   rd.text(rowName("sources", i, "publisher")),
			PublishedOn: rd.date(rowName("sources", i, "published_on")),
			Quote:       rd.text(rowName("sources", i, "quote")),
		})
	}
	addChecks(form, rd.p, t)
	return t, form
}

// date reads a date field, typed day first (24/11/2025, or 11/2025 for a
// month) or as kept (2025-11-24), in the kept form; the form keeps what
// was typed, to show again if the record is refused.
func (rd *reader) date(name string) string { return jigsaw.NormalizeDate(rd.v.Get(name)) }

// trackerValues fills a form with a stored danger.
func trackerValues(t *jigsaw.TrackerItem) url.Values {
	v := url.Values{}
	set := formValues(v).set
	set("kind", string(t.Kind))
	set("title", t.Title)
	set("summary", t.Summary)
	set("reported_on", t.ReportedOn)
	set("decided_on", t.DecidedOn)
	set("effective_on", t.EffectiveOn)
	set("ends_on", t.EndsOn)
	set("value_pence", jigsaw.PenceText(t.ValuePence))
	if t.StaffAffected != 0 {
		set("staff_affected", strconv.Itoa(t.StaffAffected))
	}
	set("district", t.District)
	set("area", t.Area)
	v["key_issues"] = append([]string(nil), t.KeyIssues...)
	for i, h := range t.History {
		v.Set(rowName("status_history", i, "status"), string(h.Status))
		v.Set(rowName("status_history", i, "on"), h.On)
		v.Set(rowName("status_history", i, "note"), h.Note)
	}
	for i, o := range t.Organisations {
		v.Set(rowName("organisations", i, "organisation"), o.Name)
		v.Set(rowName("organisations", i, "role"), string(o.Role))
	}
	for i, s := range t.Sources {
		v.Set(rowName("sources", i, "url"), s.URL)
		v.Set(rowName("sources", i, "publisher"), s.Publisher)
		v.Set(rowName("sources", i, "published_on"), s.PublishedOn)
		v.Set(rowName("sources", i, "quote"), s.Quote)
	}
	set("stories", linkLines(t.Stories))
	set("disputes", linkLines(t.Disputes))
	if t.Published {
		v.Set("published", "1")
	}
	v.Set(versionField, strconv.FormatInt(t.Version, 10))
	return v
}
