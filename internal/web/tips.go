package web

import (
	"net/http"
	"net/url"
	"strings"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// Tips: anyone may tell the editors of a danger or a dispute they know of.
// A tip is queued for editors once its sender confirms their address, and
// is never public: its sender's name and email are seen by editors alone,
// each view audited.

// TipFormView is the view of the tip form, and of the pages after it: sent,
// confirm (a button, reached from the mail), confirmed.
type TipFormView struct {
	Page
	Form    *Form
	Message string // a refusal that is not a field's (a rate limit)
	Token   string
	Kinds   []jigsaw.Choice[jigsaw.TipKind]
	Done    string // "", "sent", "confirm", "confirmed"
	Link    string // the signed token of the confirmation link
}

// tipFormTitle is the title of the tip pages.
const tipFormTitle = "Report a danger or dispute"

// HandleTipNew serves the tip form.
func (p *Pages) HandleTipNew(w http.ResponseWriter, r *http.Request) {
	v := url.Values{}
	if k := r.URL.Query().Get("kind"); jigsaw.Valid(jigsaw.TipKinds, jigsaw.TipKind(k)) {
		v.Set("kind", k) // from the link on the list of dangers or disputes
	}
	p.renderTip(w, r, http.StatusOK, TipFormView{Form: newForm(v), Token: newFormToken()})
}

func (p *Pages) renderTip(w http.ResponseWriter, r *http.Request, status int, view TipFormView) {
	pr := tr(r)
	view.Page = p.page(r, pr.Sprintf(tipFormTitle))
	view.Kinds = translateChoices(pr, jigsaw.TipKinds)
	if view.Form == nil {
		view.Form = newForm(nil)
	}
	// The form carries a one-time token, the pages after it a signed
	// link: never from a cache.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p.Render(w, r, status, "tip_form", view)
}

// HandleTipCreate takes a tip. A second submit of the same form lands on
// the same page without a second tip.
func (p *Pages) HandleTipCreate(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	v := r.PostForm
	token := v.Get("token")
	if token == "" {
		token = newFormToken()
	}
	t := &jigsaw.TipSubmission{Kind: jigsaw.TipKind(v.Get("kind")), What: v.Get("what"), District: v.Get("district"), Area: v.Get("area"),
		Organisation: v.Get("organisation"), SourceURL: v.Get("source_url"), Name: v.Get("name"), Email: v.Get("email"),
		Contact: v.Get("contact") != "", Token: token}
	if _, err := p.Tips.SubmitTip(r.Context(), t, auth.ClientIP(r), nil); err != nil {
		if !formError(err) && jigsaw.ErrorCode(err) != jigsaw.ETOOMANY {
			p.Error(w, r, err)
			return
		}
		respond.SetErrorHeaders(w, err)
		form := newForm(v)
		form.addErrors(translateErrors(tr(r), jigsaw.FieldErrors(err)))
		view := TipFormView{Form: form, Token: token}
		if len(form.Errors) == 0 {
			view.Message = tr(r).Text(respond.Message(err))
		}
		p.renderTip(w, r, refusalStatus(err), view)
		return
	}
	http.Redirect(w, r, "/tips/thanks", http.StatusSeeOther)
}

// HandleTipThanks acknowledges a tip.
func (p *Pages) HandleTipThanks(w http.ResponseWriter, r *http.Request) {
	p.renderTip(w, r, http.StatusOK, TipFormView{Done: "sent"})
}

// HandleTipConfirmPage shows a button to confirm a tip. Confirming needs a
// POST: mail scanners open links, and must not confirm for the sender.
func (p *Pages) HandleTipConfirmPage(w http.ResponseWriter, r *http.Request) {
	p.renderTip(w, r, http.StatusOK, TipFormView{Done: "confirm", Link: r.URL.Query().Get("t")})
}

// HandleTipConfirm confirms a tip through the link of its mail.
func (p *Pages) HandleTipConfirm(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	if err := p.Tips.ConfirmTip(r.Context(), r.PostForm.Get("t")); err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderTip(w, r, http.StatusOK, TipFormView{Done: "confirmed"})
}

// TipQueueView is the view of the editors' queue of tips.
type TipQueueView struct {
	Page
	Items    []jigsaw.TipQueueItem
	Status   jigsaw.TipStatus
	Statuses []jigsaw.Choice[jigsaw.TipStatus]
	Pager    Pager
}

// HandleTips lists tips for editors: confirmed ones not yet handled by
// default.
func (p *Pages) HandleTips(w http.ResponseWriter, r *http.Request) {
	status, list, err := listparams.TipQueue(r.Context(), r.URL.Query(), queuePerPage)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	items, total, err := p.Tips.TipQueue(r.Context(), status, list.Limit, list.Offset)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	pr := tr(r)
	p.Render(w, r, http.StatusOK, "tips", TipQueueView{Page: p.page(r, pr.Sprintf("Tips")), Items: items, Status: status,
		Statuses: translateChoices(pr, jigsaw.TipStatuses), Pager: newPager(list, total, r.URL.Query())})
}

// TipView is the view of one tip for editors: private.
type TipView struct {
	Page
	Tip  *jigsaw.Tip
	Done string
}

// HandleTip shows a tip with its sender's details; the view is audited.
func (p *Pages) HandleTip(w http.ResponseWriter, r *http.Request) {
	t, ok := p.viewTip(w, r)
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, http.StatusOK, "tip", TipView{Page: p.page(r, tr(r).Sprintf("Tip %d", t.ID)), Tip: t, Done: r.URL.Query().Get("done")})
}

func (p *Pages) viewTip(w http.ResponseWriter, r *http.Request) (*jigsaw.Tip, bool) {
	id, ok := pathID(r)
	if !ok {
		p.NotFound(w, r)
		return nil, false
	}
	t, err := p.Tips.ViewTip(r.Context(), id, jigsaw.UserFromContext(r.Context()), auth.ClientIP(r))
	if err != nil {
		p.Error(w, r, err)
		return nil, false
	}
	return t, true
}

// HandleTipAction records an editor's action on a tip. Making a draft goes
// on to the form of a new danger or dispute filled in from the tip.
func (p *Pages) HandleTipAction(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		p.NotFound(w, r)
		return
	}
	action := jigsaw.TipAction(r.PathValue("action"))
	if err := p.Tips.ActOnTip(r.Context(), id, action, jigsaw.UserFromContext(r.Context()), auth.ClientIP(r)); err != nil {
		p.Error(w, r, err)
		return
	}
	to := "/tips/" + itoa(id) + "?done=" + string(action)
	switch action {
	case jigsaw.TipDraftDanger:
		to = "/tips/" + itoa(id) + "/draft/danger"
	case jigsaw.TipDraftDispute:
		to = "/tips/" + itoa(id) + "/draft/dispute"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// HandleTipDraft serves the form of a new danger or dispute filled in from
// the tip: its text, place, organisation and source, never its sender.
// The editor checks it, completes it and saves it as usual; a danger is
// saved as a draft unless they publish it.
func (p *Pages) HandleTipDraft(w http.ResponseWriter, r *http.Request) {
	t, ok := p.viewTip(w, r)
	if !ok {
		return
	}
	title := excerpt(strings.SplitN(t.What, "\n", 2)[0], 120)
	switch r.PathValue("kind") {
	case "danger":
		d := &jigsaw.TrackerItem{Title: title, Summary: t.What, District: t.District, Area: t.Area,
			History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed}}}
		if t.Organisation != "" {
			d.Organisations = []jigsaw.TrackerOrg{{Name: t.Organisation}}
		}
		if t.SourceURL != "" {
			d.Sources = []jigsaw.Source{{URL: t.SourceURL}}
		}
		renderEdit(p, p.dangers(), w, r, http.StatusOK, newForm(trackerValues(d)), nil)
	case "dispute":
		summary := t.What
		if t.SourceURL != "" { // a dispute has no list of sources
			summary += "\n\n" + t.SourceURL
		}
		d := &jigsaw.Dispute{Title: title, Summary: summary, District: t.District, Area: t.Area, Status: jigsaw.DisputeBalloting}
		if t.Organisation != "" {
			d.Parties = []jigsaw.DisputeParty{{Name: t.Organisation, Role: jigsaw.PartyEmployer}}
		}
		form := newForm(disputeValues(d))
		form.Extra = 1
		renderEdit(p, p.disputes(), w, r, http.StatusOK, form, nil)
	default:
		p.NotFound(w, r)
	}
}
