package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/server/respond"
	"jigsaw/internal/submit"
)

// StoryFlow is what the teller's own pages need from the store: they write
// a story and act on it through signed links, but never read anyone's
// personal data back.
type StoryFlow interface {
	SubmitStory(ctx context.Context, s *jigsaw.Submission, limitKey string, limit jigsaw.Limit, mails func(storyID int64) []*jigsaw.Mail) (int64, bool, error)
	StoryStatus(ctx context.Context, id int64) (jigsaw.StoryStatus, string, error)
	ConfirmStory(ctx context.Context, id int64) error
	WithdrawStory(ctx context.Context, id int64, ip string) error
	RequestErasure(ctx context.Context, id int64, ip string) error
}

// SubmitView is the view of the story form.
type SubmitView struct {
	Page
	Form          SimpleForm
	Token         string
	Kinds         []jigsaw.Choice[jigsaw.StoryKind]
	KeyIssues     []jigsaw.KeyIssue
	Organisations []*jigsaw.Organisation
	PublishAs     []jigsaw.Choice[jigsaw.PublishAs]
	Wording       map[string]string
}

func newFormToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// HandleStoryNew serves the submission form.
func (p *Pages) HandleStoryNew(w http.ResponseWriter, r *http.Request) {
	p.renderSubmit(w, r, http.StatusOK, SimpleForm{Values: url.Values{"publish_as": {string(jigsaw.PublishWithoutName)}}}, newFormToken())
}

func (p *Pages) renderSubmit(w http.ResponseWriter, r *http.Request, status int, f SimpleForm, token string) {
	issues, err := p.Store.KeyIssues(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	orgs, _, err := p.Store.FindOrganisations(r.Context(), jigsaw.OrganisationFilter{Limit: 500})
	if err != nil {
		p.Error(w, r, err)
		return
	}
	// The form carries a one-time token: it must not be served from a cache.
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, status, "story_new", SubmitView{Page: p.page(r, "Tell your story"), Form: f, Token: token,
		Kinds: jigsaw.StoryKinds, KeyIssues: issues, Organisations: orgs, PublishAs: jigsaw.PublishAsChoices, Wording: jigsaw.ConsentWording})
}

// submissionFromForm reads the form fields; bad numbers become field errors.
func submissionFromForm(v url.Values) (*jigsaw.Submission, jigsaw.Problems) {
	p := jigsaw.Problems{}
	s := &jigsaw.Submission{
		Title: v.Get("title"), Body: v.Get("body"), Kind: jigsaw.StoryKind(v.Get("kind")), KeyIssues: v["key_issues"],
		District: v.Get("district"), Area: v.Get("area"), HappenedOn: v.Get("happened_on"),
		Name: v.Get("name"), Email: v.Get("email"), Phone: v.Get("phone"), Postcode: v.Get("postcode"),
		PublishAs: jigsaw.PublishAs(v.Get("publish_as")), ContactCoalition: v.Get("contact_coalition") == "yes",
		ContactMedia: v.Get("contact_media") == "yes", Agree: v.Get("agree") == "yes", Token: v.Get("token"),
	}
	for _, o := range v["organisations"] {
		id, err := strconv.ParseInt(o, 10, 64)
		if err != nil {
			p.Add("organisations", "Choose organisations from the list.")
			continue
		}
		s.OrgIDs = append(s.OrgIDs, id)
	}
	return s, p
}

// Submit validates and stores a submission, and queues its confirmation
// mail, all in one transaction; it returns once the story is durable. The
// story counts against SubmitLimit for the client r came from, in the same
// transaction: a form refused as invalid does not count, a story received
// does.
func (p *Pages) Submit(r *http.Request, s *jigsaw.Submission, formProblems jigsaw.Problems) (int64, error) {
	ctx := r.Context()
	issues, err := p.Store.KeyIssues(ctx)
	if err != nil {
		return 0, err
	}
	known := map[string]bool{}
	for _, k := range issues {
		known[k.Slug] = true
	}
	s.Normalize()
	err = s.Validate(func(k string) bool { return known[k] }, time.Now())
	if len(formProblems) > 0 {
		for k, v := range jigsaw.FieldErrors(err) {
			formProblems.Add(k, v)
		}
		err = formProblems.Err()
	}
	if err != nil {
		return 0, err
	}
	id, _, err := p.Flow.SubmitStory(ctx, s, "submit-ip:"+auth.ClientIP(r), p.SubmitLimit, func(id int64) []*jigsaw.Mail {
		return []*jigsaw.Mail{p.Links.ConfirmMail(s.Email, s.Name, s.Title, id, time.Now())}
	})
	if err != nil {
		return 0, err
	}
	if p.WakeMail != nil {
		p.WakeMail()
	}
	return id, nil
}

// HandleStoryCreate takes a submitted story. The thank-you page is sent only
// after the story is committed; a second submit of the same form lands on
// the same thank-you page without a second story.
func (p *Pages) HandleStoryCreate(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	token := r.PostForm.Get("token")
	if token == "" {
		token = newFormToken()
	}
	s, problems := submissionFromForm(r.PostForm)
	s.Token = token
	if _, err := p.Submit(r, s, problems); err != nil {
		respond.SetErrorHeaders(w, err)
		p.renderSubmit(w, r, refusalStatus(err), formFromError(r.PostForm, err), token)
		return
	}
	http.Redirect(w, r, "/stories/thanks", http.StatusSeeOther)
}

// HandleStoryThanks acknowledges a submission.
func (p *Pages) HandleStoryThanks(w http.ResponseWriter, r *http.Request) {
	p.Render(w, r, http.StatusOK, "story_thanks", struct{ Page }{p.page(r, "Thank you")})
}

// LinkView is the view of the pages reached from links in mails.
type LinkView struct {
	Page
	Token  string
	Title  string
	Status jigsaw.StoryStatus
	Done   string
}

// storyFromLink checks the signed token in the request for purpose.
func (p *Pages) storyFromLink(r *http.Request, token, purpose string) (int64, jigsaw.StoryStatus, string, error) {
	id, err := p.Links.Check(token, purpose, time.Now())
	if err != nil {
		return 0, "", "", err
	}
	st, title, err := p.Flow.StoryStatus(r.Context(), id)
	return id, st, title, err
}

// HandleConfirmPage shows a button to confirm. Confirming needs a POST:
// mail scanners open links, and must not confirm on the teller's behalf.
func (p *Pages) HandleConfirmPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("t")
	_, st, title, err := p.storyFromLink(r, token, submit.Confirm)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p.Render(w, r, http.StatusOK, "story_confirm", LinkView{Page: p.page(r, "Confirm your story"), Token: token, Title: title, Status: st})
}

// HandleConfirm confirms the teller's address.
func (p *Pages) HandleConfirm(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	token := r.PostForm.Get("t")
	id, _, title, err := p.storyFromLink(r, token, submit.Confirm)
	if err == nil {
		err = p.Flow.ConfirmStory(r.Context(), id)
	}
	if err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, http.StatusOK, "story_confirm", LinkView{Page: p.page(r, "Confirmed"), Title: title, Status: jigsaw.StoryAwaitingReview, Done: "confirmed"})
}

// HandleWithdrawPage offers withdrawal and erasure.
func (p *Pages) HandleWithdrawPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("t")
	_, st, title, err := p.storyFromLink(r, token, submit.Withdraw)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p.Render(w, r, http.StatusOK, "story_withdraw", LinkView{Page: p.page(r, "Withdraw your story"), Token: token, Title: title, Status: st})
}

// HandleWithdraw withdraws the story, or records a request for erasure.
func (p *Pages) HandleWithdraw(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	token := r.PostForm.Get("t")
	id, _, title, err := p.storyFromLink(r, token, submit.Withdraw)
	done := "withdrawn"
	if err == nil {
		err = p.Flow.WithdrawStory(r.Context(), id, auth.ClientIP(r))
		if err == nil && r.PostForm.Get("erase") == "yes" {
			err = p.Flow.RequestErasure(r.Context(), id, auth.ClientIP(r))
			done = "erasure"
		}
	}
	if err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, http.StatusOK, "story_withdraw", LinkView{Page: p.page(r, "Withdrawn"), Title: title, Status: jigsaw.StoryWithdrawn, Done: done})
}
