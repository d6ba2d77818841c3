package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/auth"
)

// ModerationStore is what moderators' pages read and change. Only routes
// with Moderator access reach it; reading a story here records a view of
// personal data in the audit log.
type ModerationStore interface {
	ModerationQueue(ctx context.Context, status jigsaw.StoryStatus, limit, offset int) ([]jigsaw.QueueItem, int, error)
	ModerationView(ctx context.Context, id int64, viewer *jigsaw.User, ip string) (*jigsaw.ModerationView, error)
	PublishStory(ctx context.Context, id int64, by *jigsaw.User, ip string) error
	RejectStory(ctx context.Context, id int64, reason string, by *jigsaw.User, ip string, mail func(email, title string) *jigsaw.Mail) error
	RedactStory(ctx context.Context, id int64, passage string, by *jigsaw.User, ip string) error
	EditStory(ctx context.Context, id int64, title, publicBody string, by *jigsaw.User, ip string) error
	AddNote(ctx context.Context, id int64, body string, by *jigsaw.User, ip string) error
	VerifyPerson(ctx context.Context, id int64, note string, by *jigsaw.User, ip string) error
	ErasePerson(ctx context.Context, id int64, by *jigsaw.User, ip string) error
	AddReply(ctx context.Context, storyID, orgID int64, body string, by *jigsaw.User, ip string) error
}

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
	q := newQuery(r.URL.Query())
	status := choice(q, "status", jigsaw.StoryStatuses)
	if r.URL.Query().Get("status") == "" {
		status = jigsaw.StoryAwaitingReview
	}
	if r.URL.Query().Get("status") == "all" {
		status, q.p = "", jigsaw.Problems{}
	}
	page, offset := q.page(queuePerPage)
	if err := q.err(); err != nil {
		p.Error(w, r, err)
		return
	}
	items, total, err := p.Mod.ModerationQueue(r.Context(), status, queuePerPage, offset)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, http.StatusOK, "moderation", QueueView{Page: p.page(r, "Moderation"), Items: items, Status: status, Statuses: jigsaw.StoryStatuses,
		Pager: Pager{Page: page, PerPage: queuePerPage, Total: total, Query: r.URL.Query()}})
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
	v, err := p.Mod.ModerationView(r.Context(), id, jigsaw.UserFromContext(r.Context()), auth.ClientIP(r))
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
	u := jigsaw.UserFromContext(r.Context())
	ip := auth.ClientIP(r)
	f := r.PostForm
	action := r.PathValue("action")
	var err error
	switch action {
	case "publish":
		err = p.Mod.PublishStory(r.Context(), id, u, ip)
	case "reject":
		err = p.Mod.RejectStory(r.Context(), id, f.Get("reason"), u, ip, func(email, title string) *jigsaw.Mail {
			return p.Links.RejectMail(email, title, f.Get("reason"), id, time.Now())
		})
	case "redact":
		err = p.Mod.RedactStory(r.Context(), id, f.Get("passage"), u, ip)
	case "edit":
		err = p.Mod.EditStory(r.Context(), id, f.Get("title"), f.Get("public_body"), u, ip)
	case "notes":
		err = p.Mod.AddNote(r.Context(), id, f.Get("note"), u, ip)
	case "verify":
		err = p.Mod.VerifyPerson(r.Context(), id, f.Get("verified_note"), u, ip)
	case "erase":
		err = p.Mod.ErasePerson(r.Context(), id, u, ip)
	default:
		p.NotFound(w, r)
		return
	}
	if err != nil {
		if jigsaw.ErrorCode(err) == jigsaw.EINVALID || jigsaw.ErrorCode(err) == jigsaw.ECONFLICT {
			p.renderModerate(w, r, refusalStatus(err), formFromError(f, err), "")
			return
		}
		p.Error(w, r, err)
		return
	}
	if p.WakeMail != nil {
		p.WakeMail()
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
	if err := p.Mod.AddReply(r.Context(), id, org, r.PostForm.Get("body"), jigsaw.UserFromContext(r.Context()), auth.ClientIP(r)); err != nil {
		p.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/stories/"+strconv.FormatInt(id, 10)+"#replies", http.StatusSeeOther)
}
