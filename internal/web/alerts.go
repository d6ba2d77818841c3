package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// Alerts: anyone may ask for a daily or weekly email of what is new in a
// filtered public list. The address is confirmed first (double opt-in);
// every mail links to a page of the address's alerts and to unsubscribe.
// The pages after the form carry signed links: never cached, never sent
// on as a referrer.

// AlertView is the view of every alert page: the form (Done ""), then
// "sent", "confirm" (a button, reached from the mail), "confirmed",
// "manage", "unsubscribe" (a button) and "unsubscribed".
type AlertView struct {
	Page
	Form    *Form
	Message string // a refusal that is not a field's (a rate limit)
	// What the alert follows, for the form: its list, the filter as hidden
	// fields, and the filter in words.
	List        jigsaw.AlertList
	ListName    string
	Filter      url.Values
	Terms       []AlertTerm
	Frequencies []jigsaw.Choice[jigsaw.AlertFrequency]
	Done        string
	Token       string
	Alerts      []AlertLine // the address's alerts, for "manage"
	Count       int64       // how many were unsubscribed
}

// AlertTerm is one term of a filter, in the reader's language.
type AlertTerm struct{ Label, Value string }

// AlertLine is one alert of an address, for its page.
type AlertLine struct {
	ID        int64
	ListName  string
	Terms     []AlertTerm
	Frequency string
	Confirmed bool
	URL       string // the filtered list
}

func (p *Pages) renderAlert(w http.ResponseWriter, r *http.Request, status int, view AlertView) {
	pr := tr(r)
	view.Page = p.page(r, pr.Sprintf("Alerts by email"))
	view.Frequencies = translateChoices(pr, jigsaw.AlertFrequencies)
	if view.Form == nil {
		view.Form = newForm(nil)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p.Render(w, r, status, "alert", view)
}

// alertTerms reads the filter of list from v as its page does, for the
// form: the canonical filter and its terms in pr's language.
func (p *Pages) alertTerms(r *http.Request, list jigsaw.AlertList, v url.Values) (url.Values, []AlertTerm, error) {
	a, err := listparams.AlertFilter(r.Context(), p.Store, list, v, time.Now())
	if err != nil {
		return nil, nil, err
	}
	q, _ := url.ParseQuery(a.Query)
	return q, translateTerms(tr(r), a.Terms), nil
}

func translateTerms(pr *i18n.Printer, terms []listparams.AlertTerm) []AlertTerm {
	out := make([]AlertTerm, len(terms))
	for i, t := range terms {
		out[i] = AlertTerm{Label: pr.Text(jigsaw.AlertTermLabel(t.Name)), Value: pr.Text(t.Value)}
	}
	return out
}

// alertFilterRefused shows what is wrong with a filter that the form
// cannot take, naming each parameter, at status 400.
func (p *Pages) alertFilterRefused(w http.ResponseWriter, r *http.Request, err error) {
	if jigsaw.ErrorCode(err) != jigsaw.EINVALID {
		p.Error(w, r, err)
		return
	}
	form := newForm(nil)
	pr := tr(r)
	for name, msg := range jigsaw.FieldErrors(err) {
		form.Errors[name] = pr.Text(jigsaw.AlertTermLabel(name)) + " (" + name + ") " + pr.Text(msg)
	}
	p.renderAlert(w, r, http.StatusBadRequest, AlertView{Form: form, Done: "refused"})
}

// HandleAlertNew shows the form for an alert of the list and filter in
// the query (list=tracker&district=DT1…), the link under each list's
// filters.
func (p *Pages) HandleAlertNew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	list := jigsaw.AlertList(q.Get("list"))
	q.Del("list")
	filter, terms, err := p.alertTerms(r, list, q)
	if err != nil {
		p.alertFilterRefused(w, r, err)
		return
	}
	form := newForm(url.Values{"frequency": {string(jigsaw.AlertWeekly)}})
	p.renderAlert(w, r, http.StatusOK, AlertView{Form: form, List: list, ListName: tr(r).Text(jigsaw.LabelOf(jigsaw.AlertLists, list)),
		Filter: filter, Terms: terms})
}

// HandleAlertCreate takes an alert and sends the mail that confirms it.
// The page after it is the same whether or not the address had the alert
// already, so that no one learns another's alerts.
func (p *Pages) HandleAlertCreate(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	v := r.PostForm
	req := &jigsaw.AlertRequest{Email: v.Get("email"), List: jigsaw.AlertList(v.Get("list")),
		Frequency: jigsaw.AlertFrequency(v.Get("frequency")), Language: i18n.FromContext(r.Context()).Code()}
	filter := url.Values{}
	for k, vs := range v {
		if k != "email" && k != "list" && k != "frequency" {
			filter[k] = vs
		}
	}
	err := p.Alerts.Subscribe(r.Context(), req, filter, auth.ClientIP(r))
	if err == nil {
		http.Redirect(w, r, "/alerts/sent", http.StatusSeeOther)
		return
	}
	if !formError(err) && jigsaw.ErrorCode(err) != jigsaw.ETOOMANY {
		p.Error(w, r, err)
		return
	}
	canonical, terms, ferr := p.alertTerms(r, req.List, filter)
	if ferr != nil {
		p.alertFilterRefused(w, r, ferr)
		return
	}
	respond.SetErrorHeaders(w, err)
	form := newForm(v)
	form.addErrors(translateErrors(tr(r), jigsaw.FieldErrors(err)))
	view := AlertView{Form: form, List: req.List, ListName: tr(r).Text(jigsaw.LabelOf(jigsaw.AlertLists, req.List)),
		Filter: canonical, Terms: terms}
	if len(form.Errors) == 0 {
		view.Message = tr(r).Text(respond.Message(err))
	}
	p.renderAlert(w, r, refusalStatus(err), view)
}

// HandleAlertSent asks to look for the confirmation mail.
func (p *Pages) HandleAlertSent(w http.ResponseWriter, r *http.Request) {
	p.renderAlert(w, r, http.StatusOK, AlertView{Done: "sent"})
}

// HandleAlertConfirmPage shows a button to confirm an alert. Confirming
// needs a POST: mail scanners open links, and must not confirm for the
// address's holder.
func (p *Pages) HandleAlertConfirmPage(w http.ResponseWriter, r *http.Request) {
	p.renderAlert(w, r, http.StatusOK, AlertView{Done: "confirm", Token: r.PathValue("token")})
}

// HandleAlertConfirm confirms an alert through the link of its mail.
func (p *Pages) HandleAlertConfirm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if _, err := p.Alerts.Confirm(r.Context(), token); err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderAlert(w, r, http.StatusOK, AlertView{Done: "confirmed", Token: token})
}

// HandleAlertManage lists the alerts of the address a link's alert is
// sent to, each with a button to unsubscribe.
func (p *Pages) HandleAlertManage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	subs, err := p.Alerts.Alerts(r.Context(), token)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	pr := tr(r)
	lines := make([]AlertLine, 0, len(subs))
	for _, s := range subs {
		v, _ := url.ParseQuery(s.Filter)
		_, terms, err := p.alertTerms(r, s.List, v)
		if err != nil { // a key issue or an organisation gone since
			terms = []AlertTerm{{Label: pr.Text("Filter"), Value: s.Filter}}
		}
		u := "/" + string(s.List)
		if s.Filter != "" {
			u += "?" + s.Filter
		}
		lines = append(lines, AlertLine{ID: s.ID, ListName: pr.Text(jigsaw.LabelOf(jigsaw.AlertLists, s.List)), Terms: terms,
			Frequency: pr.Text(jigsaw.LabelOf(jigsaw.AlertFrequencies, s.Frequency)), Confirmed: s.Confirmed(), URL: u})
	}
	p.renderAlert(w, r, http.StatusOK, AlertView{Done: "manage", Token: token, Alerts: lines})
}

// HandleAlertUnsubscribePage shows buttons to unsubscribe: from this
// alert, or from every alert of the address.
func (p *Pages) HandleAlertUnsubscribePage(w http.ResponseWriter, r *http.Request) {
	p.renderAlert(w, r, http.StatusOK, AlertView{Done: "unsubscribe", Token: r.PathValue("token")})
}

// HandleAlertUnsubscribe unsubscribes at once: the alert of the link, one
// other alert of its address (id=N, from its page), or all of them
// (all=1). A mail program's one-click button (RFC 8058) POSTs
// List-Unsubscribe=One-Click here, with no cookie and no form of ours: the
// route is exempt from the cross-origin check (see server.crossOrigin),
// which is safe as the signed link is what unsubscribes.
func (p *Pages) HandleAlertUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	var id int64
	if s := r.PostForm.Get("id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			p.Error(w, r, jigsaw.Errorf(jigsaw.EINVALID, "The alert's number is not valid."))
			return
		}
		id = n
	}
	n, err := p.Alerts.Unsubscribe(r.Context(), r.PathValue("token"), id, r.PostForm.Get("all") != "")
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderAlert(w, r, http.StatusOK, AlertView{Done: "unsubscribed", Count: n})
}
