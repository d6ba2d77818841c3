package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/auth"
)

// SourcesView is the admin's page of watched sources: the list with each
// source's last result, the form to add one, and — on a source's own page
// — the source and its recent runs.
type SourcesView struct {
	Page
	Sources []*jigsaw.WatchedSource
	Form    *Form
	// Source and Runs fill a source's own page.
	Source *jigsaw.WatchedSource
	Runs   []*jigsaw.WatchRun
	Done   string // what the last action did, as a sentence
	// Where the form posts, the id of its heading and its button's words:
	// adding a source on the list, changing one on its page.
	FormAction, FormTitleID, FormButton string
	Kinds                               []jigsaw.Choice[string]
	Schedules                           []jigsaw.Choice[jigsaw.WatchSchedule]
	Encodings                           []jigsaw.Choice[string]
	ODSKinds                            []jigsaw.Choice[string]
}

// sourceDone are the sentences shown after an action, by the key the
// redirect carries.
var sourceDone = map[string]string{
	"added":   "Source added. Its first run starts within a minute.",
	"run":     "The source runs within a minute; its result appears below.",
	"paused":  "Source paused: it is not fetched until you resume it.",
	"resumed": "Source resumed.",
	"deleted": "Source deleted. What it imported stays.",
	"changed": "Source changed. It is fetched whole within a minute.",
}

// HandleSources lists the watched sources and offers the form to add one.
func (p *Pages) HandleSources(w http.ResponseWriter, r *http.Request) {
	f := newForm(url.Values{"kind": {jigsaw.ImportOCDS}, "schedule": {string(jigsaw.WatchDaily)}, "nhs_only": {"1"}})
	p.renderSources(w, r, http.StatusOK, f, sourceDone[r.URL.Query().Get("done")])
}

func (p *Pages) renderSources(w http.ResponseWriter, r *http.Request, status int, f *Form, done string) {
	if p.Watch == nil {
		p.NotFound(w, r)
		return
	}
	sources, err := p.Watch.FindWatchedSources(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, status, "admin_sources", p.sourcesView(r, "Watched sources", SourcesView{Sources: sources, Form: f, Done: done}))
}

func (p *Pages) sourcesView(r *http.Request, title string, v SourcesView) SourcesView {
	v.Page = p.page(r, title)
	v.FormAction, v.FormTitleID, v.FormButton = "/admin/imports/sources", "add-source", "Add source"
	if v.Source != nil {
		v.FormAction, v.FormTitleID, v.FormButton = "/admin/imports/sources/"+strconv.FormatInt(v.Source.ID, 10)+"/edit", "change-source", "Save changes"
		if v.Form == nil {
			v.Form = newForm(sourceValues(v.Source))
		}
	}
	v.Kinds, v.Schedules, v.Encodings, v.ODSKinds = jigsaw.WatchKinds, jigsaw.WatchSchedules, jigsaw.WatchEncodings, jigsaw.WatchODSKinds
	return v
}

// HandleSourceCreate adds a watched source; a mistake shows the form again
// with a message by each wrong field.
func (p *Pages) HandleSourceCreate(w http.ResponseWriter, r *http.Request) {
	if p.Watch == nil {
		p.NotFound(w, r)
		return
	}
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	v := r.PostForm
	s := sourceFromForm(v)
	if err := p.Watch.CreateWatchedSource(r.Context(), s); err != nil {
		if jigsaw.ErrorCode(err) != jigsaw.EINVALID {
			p.Error(w, r, err)
			return
		}
		p.renderSources(w, r, http.StatusBadRequest, refusedForm(v, err), "")
		return
	}
	p.auditSource(r, "watch-create", s, s.Name+" <"+s.URL+">")
	p.wakeWatch()
	http.Redirect(w, r, "/admin/imports/sources/"+strconv.FormatInt(s.ID, 10)+"?done=added", http.StatusSeeOther)
}

// sourceFromForm reads the source form's fields.
func sourceFromForm(v url.Values) *jigsaw.WatchedSource {
	return &jigsaw.WatchedSource{Name: v.Get("name"), Kind: v.Get("kind"), URL: v.Get("url"), Schedule: jigsaw.WatchSchedule(v.Get("schedule")),
		NHSOnly: v.Get("nhs_only") != "", Buyers: []string{v.Get("buyers")}, CPV: []string{v.Get("cpv")}, Regions: []string{v.Get("regions")},
		Since:   v.Get("since"),
		ODSKind: v.Get("ods_kind"), Encoding: v.Get("encoding")}
}

// sourceValues is s as the form shows it.
func sourceValues(s *jigsaw.WatchedSource) url.Values {
	v := url.Values{"name": {s.Name}, "url": {s.URL}, "kind": {s.Kind}, "schedule": {string(s.Schedule)},
		"buyers": {strings.Join(s.Buyers, ", ")}, "cpv": {strings.Join(s.CPV, ", ")},
		"regions": {strings.Join(s.Regions, ", ")}, "since": {s.Since},
		"ods_kind": {s.ODSKind}, "encoding": {s.Encoding}}
	if s.NHSOnly {
		v.Set("nhs_only", "1")
	}
	return v
}

// refusedForm is the form as typed, with the store's message by each field.
func refusedForm(v url.Values, err error) *Form {
	f := newForm(v)
	f.Errors = jigsaw.FieldErrors(err)
	if len(f.Errors) == 0 {
		f.Errors = map[string]string{"name": jigsaw.ErrorMessage(err)}
	}
	return f
}

// HandleSource shows a watched source, its recent runs and the form to
// change it.
func (p *Pages) HandleSource(w http.ResponseWriter, r *http.Request) {
	p.renderSource(w, r, http.StatusOK, nil)
}

// pathSource finds the source of the path's id, or answers for its absence.
func (p *Pages) pathSource(w http.ResponseWriter, r *http.Request) (*jigsaw.WatchedSource, bool) {
	if p.Watch == nil {
		p.NotFound(w, r)
		return nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		p.NotFound(w, r)
		return nil, false
	}
	s, err := p.Watch.FindWatchedSource(r.Context(), id)
	if err != nil {
		p.Error(w, r, err)
		return nil, false
	}
	return s, true
}

// renderSource shows the source of the path's id; f, when not nil, is its
// form as refused.
func (p *Pages) renderSource(w http.ResponseWriter, r *http.Request, status int, f *Form) {
	s, ok := p.pathSource(w, r)
	if !ok {
		return
	}
	runs, err := p.Watch.FindWatchRuns(r.Context(), s.ID, 20)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, status, "admin_sources", p.sourcesView(r, s.Name, SourcesView{Source: s, Runs: runs, Form: f, Done: sourceDone[r.URL.Query().Get("done")]}))
}

// HandleSourceAction runs a source now, pauses, resumes or deletes it.
func (p *Pages) HandleSourceAction(w http.ResponseWriter, r *http.Request) {
	s, ok := p.pathSource(w, r)
	if !ok {
		return
	}
	id := s.ID
	var err error
	ctx := r.Context()
	action := r.PathValue("action")
	switch action {
	case "run":
		err = p.Watch.RunWatchedSourceNow(ctx, id)
		p.wakeWatch()
	case "pause":
		err = p.Watch.SetWatchedSourceEnabled(ctx, id, false)
	case "resume":
		err = p.Watch.SetWatchedSourceEnabled(ctx, id, true)
		p.wakeWatch()
	case "delete":
		err = p.Watch.DeleteWatchedSource(ctx, id)
	case "edit":
		if err := readForm(r); err != nil {
			p.Error(w, r, err)
			return
		}
		changed := sourceFromForm(r.PostForm)
		changed.ID = id
		if err = p.Watch.UpdateWatchedSource(ctx, changed); jigsaw.ErrorCode(err) == jigsaw.EINVALID {
			p.renderSource(w, r, http.StatusBadRequest, refusedForm(r.PostForm, err))
			return
		}
		p.wakeWatch()
	default:
		p.NotFound(w, r)
		return
	}
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.auditSource(r, "watch-"+action, s, s.Name)
	done := map[string]string{"run": "run", "pause": "paused", "resume": "resumed", "delete": "deleted", "edit": "changed"}[action]
	if action == "delete" {
		http.Redirect(w, r, "/admin/imports/sources?done="+done, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/admin/imports/sources/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}

func (p *Pages) auditSource(r *http.Request, action string, s *jigsaw.WatchedSource, detail string) {
	u := jigsaw.UserFromContext(r.Context())
	p.Private.RecordAudit(r.Context(), &jigsaw.AuditEntry{UserID: u.ID, Actor: u.Email, Action: action, ObjectType: "watched-source",
		ObjectID: s.ID, Detail: detail, IP: auth.ClientIP(r)})
}

func (p *Pages) wakeWatch() {
	if p.WakeWatch != nil {
		p.WakeWatch()
	}
}
