package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/i18n"
	"jigsaw/internal/server/respond"
)

// SubmitView is the view of the story form.
type SubmitView struct {
	Page
	Form          SimpleForm
	Token         string
	Kinds         []jigsaw.Choice[jigsaw.StoryKind]
	KeyIssues     []jigsaw.KeyIssue
	Organisations *OrgPicker
	PublishAs     []jigsaw.Choice[jigsaw.PublishAs]
	Wording       map[string]string
	MailIn        string // the address stories may be emailed to
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
	orgs, err := p.orgPicker(r.Context(), f.Values, findPressed(f.Values), f.Errors[orgField])
	if err != nil {
		p.Error(w, r, err)
		return
	}
	// The form carries a one-time token: it must not be served from a cache.
	w.Header().Set("Cache-Control", "no-store")
	pr := tr(r)
	p.Render(w, r, status, "story_new", SubmitView{Page: p.page(r, pr.Sprintf("Tell your story")), Form: f, Token: token,
		Kinds: translateChoices(pr, jigsaw.StoryKinds), KeyIssues: issues, Organisations: orgs,
		PublishAs: translateChoices(pr, jigsaw.PublishAsChoices), Wording: translateWording(pr, jigsaw.ConsentWording), MailIn: p.MailInAddress})
}

// submissionFromForm reads the form fields; bad numbers become field errors.
func submissionFromForm(v url.Values) (*jigsaw.Submission, jigsaw.Problems) {
	p := jigsaw.Problems{}
	s := &jigsaw.Submission{
		Title: v.Get("title"), Body: v.Get("body"), Kind: jigsaw.StoryKind(v.Get("kind")), KeyIssues: v["key_issues"],
		District: v.Get("district"), Area: v.Get("area"), HappenedOn: v.Get("happened_on"),
		Name: v.Get("name"), Email: v.Get("email"), Phone: v.Get("phone"), Postcode: v.Get("postcode"),
		PublishAs: jigsaw.PublishAs(v.Get("publish_as")), PublishName: v.Get("publish_name"), ContactCoalition: v.Get("contact_coalition") == "yes",
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
	if findPressed(r.PostForm) {
		// The organisation picker's Find: the form again, as typed, with
		// the matches; nothing is submitted.
		p.renderSubmit(w, r, http.StatusOK, SimpleForm{Values: r.PostForm}, token)
		return
	}
	s, problems := submissionFromForm(r.PostForm)
	if pr := tr(r); pr.Lang() != i18n.English {
		s.Wording = translateWording(pr, jigsaw.ConsentWording) // stored as the teller read it
	}
	s.Token = token
	if _, err := p.Stories.Submit(r.Context(), s, auth.ClientIP(r), problems); err != nil {
		if jigsaw.ErrorCode(err) == jigsaw.EUNPROCESSABLE {
			token = newFormToken() // the form shown again is a new one
		}
		respond.SetErrorHeaders(w, err)
		p.renderSubmit(w, r, refusalStatus(err), formFromError(r, r.PostForm, err), token)
		return
	}
	http.Redirect(w, r, "/stories/thanks", http.StatusSeeOther)
}

// HandleStoryThanks acknowledges a submission.
func (p *Pages) HandleStoryThanks(w http.ResponseWriter, r *http.Request) {
	p.Render(w, r, http.StatusOK, "story_thanks", struct{ Page }{p.page(r, tr(r).Sprintf("Thank you"))})
}

// LinkView is the view of the pages reached from links in mails.
type LinkView struct {
	Page
	Token  string
	Title  string
	Status jigsaw.StoryStatus
	Done   string
	// A story that came by email is confirmed with its consents: the
	// form asks for them.
	ByEmail   bool
	Form      SimpleForm
	Kinds     []jigsaw.Choice[jigsaw.StoryKind]
	PublishAs []jigsaw.Choice[jigsaw.PublishAs]
	Wording   map[string]string
}

// consentForm fills v with the choices of the form that completes a story
// sent by email.
func consentForm(r *http.Request, v *LinkView, f SimpleForm) {
	pr := tr(r)
	v.ByEmail, v.Form = true, f
	v.Kinds = translateChoices(pr, jigsaw.StoryKinds)
	v.PublishAs = translateChoices(pr, jigsaw.PublishAsChoices)
	v.Wording = translateWording(pr, jigsaw.ConsentWording)
}

// HandleConfirmPage shows a button to confirm. Confirming needs a POST:
// mail scanners open links, and must not confirm on the teller's behalf.
func (p *Pages) HandleConfirmPage(w http.ResponseWriter, r *http.Request) {
	p.renderLinkPage(w, r, jigsaw.LinkConfirm, tr(r).Sprintf("Confirm your story"))
}

// HandleWithdrawPage offers withdrawal and erasure.
func (p *Pages) HandleWithdrawPage(w http.ResponseWriter, r *http.Request) {
	p.renderLinkPage(w, r, jigsaw.LinkWithdraw, tr(r).Sprintf("Withdraw your story"))
}

func (p *Pages) renderLinkPage(w http.ResponseWriter, r *http.Request, purpose, title string) {
	token := r.URL.Query().Get("t")
	ls, err := p.Stories.LinkedStory(r.Context(), token, purpose)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	v := LinkView{Page: p.page(r, title), Token: token, Title: ls.Title, Status: ls.Status}
	if ls.ByEmail {
		consentForm(r, &v, SimpleForm{Values: url.Values{"publish_as": {string(jigsaw.PublishWithoutName)}}})
	}
	p.Render(w, r, http.StatusOK, "story_"+purpose, v)
}

// HandleConfirm confirms the teller's address.
func (p *Pages) HandleConfirm(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	token := r.PostForm.Get("t")
	if r.PostForm.Get("consents") == "yes" {
		p.confirmWithConsents(w, r, token)
		return
	}
	ls, err := p.Stories.Confirm(r.Context(), token)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, http.StatusOK, "story_confirm", LinkView{Page: p.page(r, tr(r).Sprintf("Confirmed")), Title: ls.Title, Status: ls.Status, Done: "confirmed"})
}

// HandleWithdraw withdraws the story, or records a request for erasure.
func (p *Pages) HandleWithdraw(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	erase := r.PostForm.Get("erase") == "yes"
	ls, err := p.Stories.Withdraw(r.Context(), r.PostForm.Get("t"), erase, auth.ClientIP(r))
	if err != nil {
		p.Error(w, r, err)
		return
	}
	done := "withdrawn"
	if erase {
		done = "erasure"
	}
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, http.StatusOK, "story_withdraw", LinkView{Page: p.page(r, tr(r).Sprintf("Withdrawn")), Title: ls.Title, Status: ls.Status, Done: done})
}

// confirmWithConsents confirms a story that came by email with the
// consents its teller gives on the confirmation page; a mistake shows the
// page again with what was chosen.
func (p *Pages) confirmWithConsents(w http.ResponseWriter, r *http.Request, token string) {
	c, _ := submissionFromForm(r.PostForm)
	if pr := tr(r); pr.Lang() != i18n.English {
		c.Wording = translateWording(pr, jigsaw.ConsentWording) // stored as the teller read it
	}
	ls, err := p.Stories.ConfirmWithConsents(r.Context(), token, c)
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		if ls == nil || jigsaw.ErrorCode(err) != jigsaw.EINVALID {
			p.Error(w, r, err)
			return
		}
		respond.SetErrorHeaders(w, err)
		w.Header().Set("Referrer-Policy", "no-referrer")
		v := LinkView{Page: p.page(r, tr(r).Sprintf("Confirm your story")), Token: token, Title: ls.Title, Status: ls.Status}
		consentForm(r, &v, formFromError(r, r.PostForm, err))
		p.Render(w, r, refusalStatus(err), "story_confirm", v)
		return
	}
	p.Render(w, r, http.StatusOK, "story_confirm", LinkView{Page: p.page(r, tr(r).Sprintf("Confirmed")), Title: ls.Title, Status: ls.Status, Done: "confirmed"})
}
