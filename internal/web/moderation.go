package web

import (
	"net/http"
	"strconv"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/listparams"
)

// QueueView is the view of the moderation queue.
type QueueView struct {
	Page
	Items    []jigsaw.QueueItem
	Status   jigsaw.StoryStatus
	Statuses []jigsaw.Choice[jigsaw.StoryStatus]
	Pager    Pager
}

const queuePerPage = 50

// HandleQueue lists stories for moderators, awaiting review by default.
func (p *Pages) HandleQueue(w http.ResponseWriter, r *http.Request) {
	status, list, err := listparams.Queue(r.Context(), r.URL.Query(), queuePerPage)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	items, total, err := p.Stories.ModerationQueue(r.Context(), status, list.Limit, list.Offset)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, http.StatusOK, "moderation", QueueView{Page: p.page(r, tr(r).Sprintf("Moderation")), Items: items, Status: status, Statuses: jigsaw.StoryStatuses,
		Pager: newPager(list, total, r.URL.Query())})
}

// ModerateView is the view of one story in moderation.
type ModerateView struct {
	Page
	V         *jigsaw.ModerationView
	Form      SimpleForm
	KeyIssues map[string]string
	Done      string
}

func storyID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// HandleModerate shows a story with its teller's details, consents,
// revisions and notes. The view of personal data is audited.
func (p *Pages) HandleModerate(w http.ResponseWriter, r *http.Request) {
	p.renderModerate(w, r, http.StatusOK, SimpleForm{}, r.URL.Query().Get("done"))
}

func (p *Pages) renderModerate(w http.ResponseWriter, r *http.Request, status int, f SimpleForm, done string) {
	id, ok := storyID(r)
	if !ok {
		p.NotFound(w, r)
		return
	}
	v, err := p.Stories.ModerationView(r.Context(), id, jigsaw.UserFromContext(r.Context()), auth.ClientIP(r))
	if err != nil {
		p.Error(w, r, err)
		return
	}
	names, err := p.keyIssueNames(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	// Personal data: never kept by browsers or proxies.
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, status, "moderate", ModerateView{Page: p.page(r, "Moderate: "+v.Story.Title), V: v, Form: f, KeyIssues: names, Done: done})
}

// HandleModerationAction performs one moderation action on a story, named
// by the last part of the path, and returns to the story.
func (p *Pages) HandleModerationAction(w http.ResponseWriter, r *http.Request) {
	id, ok := storyID(r)
	if !ok {
		p.NotFound(w, r)
		return
	}
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	f := r.PostForm
	action := r.PathValue("action")
	m := jigsaw.Moderation{Action: action, Reason: f.Get("reason"), Passage: f.Get("passage"), Title: f.Get("title"), PublicBody: f.Get("public_body")}
	switch action {
	case jigsaw.ModNote:
		m.Note = f.Get("note")
	case jigsaw.ModVerify:
		m.Note = f.Get("verified_note")
	}
	err := p.Stories.Moderate(r.Context(), id, m, jigsaw.UserFromContext(r.Context()), auth.ClientIP(r))
	if err != nil {
		if jigsaw.ErrorCode(err) == jigsaw.EINVALID || jigsaw.ErrorCode(err) == jigsaw.ECONFLICT {
			p.renderModerate(w, r, refusalStatus(err), formFromError(r, f, err), "")
			return
		}
		p.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/moderation/stories/"+strconv.FormatInt(id, 10)+"?done="+action, http.StatusSeeOther)
}

// HandleReply adds an organisation's reply under a published story.
func (p *Pages) HandleReply(w http.ResponseWriter, r *http.Request) {
	id, ok := storyID(r)
	if !ok {
		p.NotFound(w, r)
		return
	}
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	org, err := strconv.ParseInt(r.PostForm.Get("organisation_id"), 10, 64)
	if err != nil {
		p.Error(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Choose the organisation that replies.", Fields: map[string]string{"organisation_id": "Required."}})
		return
	}
	if err := p.Stories.Reply(r.Context(), id, org, r.PostForm.Get("body"), jigsaw.UserFromContext(r.Context()), auth.ClientIP(r)); err != nil {
		p.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/stories/"+strconv.FormatInt(id, 10)+"#replies", http.StatusSeeOther)
}
