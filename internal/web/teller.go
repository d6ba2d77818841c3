package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/server/respond"
)

// TellerView is the view of a teller's own page, /me, reached through the
// link in every mail sent to them.
type TellerView struct {
	Page
	Token     string
	Data      *jigsaw.TellerData
	PublishAs []jigsaw.Choice[jigsaw.PublishAs]
	Form      SimpleForm
	FormStory int64 // the story whose form Form is
	Done      string
}

// tellerPage sets what every answer of the teller's pages needs: they hold
// personal data, reached through a secret link.
func tellerPage(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// HandleTeller shows the teller their stories, how each is named, and what
// they may do: change the naming, withdraw, download their data, ask for
// erasure.
func (p *Pages) HandleTeller(w http.ResponseWriter, r *http.Request) {
	p.renderTeller(w, r, http.StatusOK, r.URL.Query().Get("t"), SimpleForm{}, 0, r.URL.Query().Get("done"))
}

func (p *Pages) renderTeller(w http.ResponseWriter, r *http.Request, status int, token string, f SimpleForm, formStory int64, done string) {
	d, err := p.Stories.Teller(r.Context(), token)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	tellerPage(w)
	pr := tr(r)
	p.Render(w, r, status, "teller", TellerView{Page: p.page(r, pr.Sprintf("Your stories")), Token: token, Data: d,
		PublishAs: translateChoices(pr, jigsaw.PublishAsChoices), Form: f, FormStory: formStory, Done: done})
}

// HandleTellerAction carries out what the teller asked on their page:
// naming, withdraw or erase, the last part of the path.
func (p *Pages) HandleTellerAction(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	f := r.PostForm
	token := f.Get("t")
	storyID, _ := strconv.ParseInt(f.Get("story"), 10, 64)
	ctx, ip := r.Context(), auth.ClientIP(r)
	var err error
	action := r.PathValue("action")
	switch action {
	case "naming":
		err = p.Stories.SetNaming(ctx, token, storyID, jigsaw.PublishAs(f.Get("publish_as")), f.Get("publish_name"), ip)
	case "withdraw":
		err = p.Stories.WithdrawMine(ctx, token, storyID, ip)
	case "erase":
		err = p.Stories.RequestErasureMine(ctx, token, ip)
	default:
		p.NotFound(w, r)
		return
	}
	if err != nil {
		if jigsaw.ErrorCode(err) == jigsaw.EINVALID && action == "naming" {
			respond.SetErrorHeaders(w, err)
			p.renderTeller(w, r, refusalStatus(err), token, formFromError(r, f, err), storyID, "")
			return
		}
		p.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/me?"+url.Values{"t": {token}, "done": {action}}.Encode(), http.StatusSeeOther)
}

// HandleTellerDataJSON answers with everything held about the teller, as
// JSON to keep or take elsewhere.
func (p *Pages) HandleTellerDataJSON(w http.ResponseWriter, r *http.Request) {
	d, err := p.Stories.Teller(r.Context(), r.URL.Query().Get("t"))
	if err != nil {
		p.Error(w, r, err)
		return
	}
	tellerPage(w)
	w.Header().Set("Content-Disposition", `attachment; filename="my-data.json"`)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(tellerJSON(d, time.Now()))
}

// HandleTellerData shows everything held about the teller as a page to
// read or print.
func (p *Pages) HandleTellerData(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("t")
	d, err := p.Stories.Teller(r.Context(), token)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	tellerPage(w)
	p.Render(w, r, http.StatusOK, "teller_data", TellerView{Page: p.page(r, tr(r).Sprintf("Everything we hold about you")), Token: token, Data: d})
}

// tellerJSON is the teller's data in the shape of their download: plain
// names, every field, nothing of anyone else.
func tellerJSON(d *jigsaw.TellerData, now time.Time) any {
	type revision struct {
		At         time.Time `json:"at"`
		Action     string    `json:"action"`
		Title      string    `json:"title"`
		Text       string    `json:"text"`
		PublicText string    `json:"public_text"`
	}
	type story struct {
		ID           int64      `json:"id"`
		Title        string     `json:"title"`
		Text         string     `json:"text"`
		PublicText   string     `json:"public_text"`
		Kind         string     `json:"kind"`
		District     string     `json:"district,omitempty"`
		Area         string     `json:"area,omitempty"`
		HappenedOn   string     `json:"happened_on,omitempty"`
		Status       string     `json:"status"`
		Byline       string     `json:"byline,omitempty"`
		PublishAs    string     `json:"publish_as"`
		PublishName  string     `json:"publish_name,omitempty"`
		RejectReason string     `json:"reject_reason,omitempty"`
		SubmittedAt  time.Time  `json:"submitted_at"`
		PublishedAt  *time.Time `json:"published_at,omitempty"`
		Revisions    []revision `json:"revisions"`
	}
	type person struct {
		Name      string     `json:"name"`
		Email     string     `json:"email"`
		Phone     string     `json:"phone,omitempty"`
		Postcode  string     `json:"postcode,omitempty"`
		Confirmed *time.Time `json:"email_confirmed_at,omitempty"`
		CreatedAt time.Time  `json:"created_at"`
	}
	type consent struct {
		Story   int64     `json:"story"`
		Kind    string    `json:"kind"`
		Value   string    `json:"value"`
		Wording string    `json:"wording"`
		GivenAt time.Time `json:"given_at"`
	}
	type mail struct {
		Subject string     `json:"subject"`
		Body    string     `json:"body"`
		Queued  time.Time  `json:"queued_at"`
		Sent    *time.Time `json:"sent_at,omitempty"`
	}
	type attachment struct {
		Story       int64     `json:"story"`
		Filename    string    `json:"filename"`
		ContentType string    `json:"content_type"`
		Size        int64     `json:"size"`
		ReceivedAt  time.Time `json:"received_at"`
	}
	type alert struct {
		List        string     `json:"list"`
		Filter      string     `json:"filter"`
		Frequency   string     `json:"frequency"`
		CreatedAt   time.Time  `json:"created_at"`
		ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
		LastSentAt  *time.Time `json:"last_sent_at,omitempty"`
	}
	type view struct {
		By string    `json:"by"`
		At time.Time `json:"at"`
	}
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	out := struct {
		Made     time.Time `json:"made_at"`
		Email    string    `json:"email"`
		People   []person  `json:"details_given"`
		Stories  []story   `json:"stories"`
		Consents []consent `json:"consents"`
		Mails    []mail    `json:"mails_sent"`
		// The files of stories sent by email, without their bytes (the
		// teller sent them); the alerts their address holds.
		Attachments []attachment `json:"attachments"`
		Alerts      []alert      `json:"alerts"`
		Views       []view       `json:"viewed_by_moderators"`
	}{Made: now.UTC(), Email: d.Email, People: []person{}, Stories: []story{}, Consents: []consent{}, Mails: []mail{},
		Attachments: []attachment{}, Alerts: []alert{}, Views: []view{}}
	for _, p := range d.People {
		out.People = append(out.People, person{p.Name, p.Email, p.Phone, p.Postcode, opt(p.EmailConfirmedAt), p.CreatedAt})
	}
	for _, s := range d.Stories {
		st := story{ID: s.ID, Title: s.Title, Text: s.Body, PublicText: s.PublicBody, Kind: string(s.Kind), District: s.District, Area: s.Area,
			HappenedOn: s.HappenedOn, Status: string(s.Status), Byline: s.Byline, PublishAs: string(s.PublishAs), PublishName: s.PublishName,
			RejectReason: s.RejectReason, SubmittedAt: s.SubmittedAt, PublishedAt: opt(s.PublishedAt), Revisions: []revision{}}
		for _, r := range s.Revisions {
			st.Revisions = append(st.Revisions, revision{r.At, r.Action, r.Title, r.Body, r.PublicBody})
		}
		out.Stories = append(out.Stories, st)
	}
	for _, c := range d.Consents {
		out.Consents = append(out.Consents, consent{c.StoryID, c.Kind, c.Value, c.Wording, c.GivenAt})
	}
	for _, m := range d.Mails {
		out.Mails = append(out.Mails, mail{m.Subject, m.Body, m.CreatedAt, opt(m.SentAt)})
	}
	for _, a := range d.Attachments {
		out.Attachments = append(out.Attachments, attachment{a.StoryID, a.Filename, a.ContentType, a.Size, a.CreatedAt})
	}
	for _, a := range d.Alerts {
		out.Alerts = append(out.Alerts, alert{string(a.List), a.Filter, string(a.Frequency), a.CreatedAt, opt(a.ConfirmedAt), opt(a.LastSentAt)})
	}
	for _, v := range d.Views {
		out.Views = append(out.Views, view{v.Actor, v.At})
	}
	return out
}
