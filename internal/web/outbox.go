package web

import (
	"context"
	"net/http"
	"strconv"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/listparams"
)

// OutboxStore is what the admins' view of the outbox reads. Mail holds
// personal data (addresses, names, links that act for their recipients),
// so every view of it is written to the audit log.
type OutboxStore interface {
	// FindMail lists the outbox, newest first; to filters by recipient
	// when not empty.
	FindMail(ctx context.Context, to string, limit, offset int) ([]*jigsaw.Mail, int, error)
	// FindMailByID returns one mail; ENOTFOUND if there is none.
	FindMailByID(ctx context.Context, id int64) (*jigsaw.Mail, error)
	// AlertCounts says how many alerts by email follow each list.
	AlertCounts(ctx context.Context) ([]jigsaw.AlertCount, error)
}

// OutboxMail is a mail as the outbox page lists it, with where it is on
// its way.
type OutboxMail struct {
	*jigsaw.Mail
	Status string // "sent", "failed" (tried, and to be tried again) or "queued"
}

func outboxMail(m *jigsaw.Mail) OutboxMail {
	switch {
	case !m.SentAt.IsZero():
		return OutboxMail{m, "sent"}
	case m.LastError != "":
		return OutboxMail{m, "failed"}
	}
	return OutboxMail{m, "queued"}
}

// OutboxView is the view of the outbox page.
type OutboxView struct {
	Page
	Mails []OutboxMail
	To    string
	Pager Pager
	// Alerts are the numbers of alerts by email by list: the mail they
	// will cause.
	Alerts []AlertCountLine
}

// AlertCountLine is how many alerts follow a list, named in the reader's
// language.
type AlertCountLine struct {
	List                   string
	Confirmed, Unconfirmed int
}

const outboxPerPage = 50

// HandleOutbox lists queued, sent and failed mail, newest first, filtered
// by recipient. Without --smtp mail is kept here rather than sent, and
// this page is how an admin reads it. The view is audited; the audit entry
// does not repeat the address looked for, which the log would keep after
// its owner's details were erased.
func (p *Pages) HandleOutbox(w http.ResponseWriter, r *http.Request) {
	to, list, err := listparams.Outbox(r.Context(), r.URL.Query(), outboxPerPage)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	mails, total, err := p.Private.FindMail(r.Context(), to, list.Limit, list.Offset)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	detail := "page " + strconv.Itoa(list.Page)
	if to != "" {
		detail += ", one recipient"
	}
	if !p.auditView(w, r, &jigsaw.AuditEntry{Action: "outbox-view", ObjectType: "outbox", Detail: detail}) {
		return
	}
	alerts, err := p.Private.AlertCounts(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view := OutboxView{Page: p.page(r, "Outbox"), To: to, Pager: newPager(list, total, r.URL.Query())}
	for _, c := range alerts {
		view.Alerts = append(view.Alerts, AlertCountLine{tr(r).Text(jigsaw.LabelOf(jigsaw.AlertLists, c.List)), c.Confirmed, c.Unconfirmed})
	}
	for _, m := range mails {
		view.Mails = append(view.Mails, outboxMail(m))
	}
	p.Render(w, r, http.StatusOK, "admin_outbox", view)
}

// MailView is the view of one mail of the outbox.
type MailView struct {
	Page
	Mail OutboxMail
}

// HandleOutboxMail shows one mail with its body; the view is audited.
func (p *Pages) HandleOutboxMail(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		p.NotFound(w, r)
		return
	}
	m, err := p.Private.FindMailByID(r.Context(), id)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	if !p.auditView(w, r, &jigsaw.AuditEntry{Action: "mail-view", ObjectType: "mail", ObjectID: id, Detail: m.Kind}) {
		return
	}
	p.Render(w, r, http.StatusOK, "admin_outbox_mail", MailView{Page: p.page(r, "Mail: "+m.Subject), Mail: outboxMail(m)})
}

// auditView records that the signed-in user views personal data, and
// reports whether the page may be shown: a view that could not be recorded
// is not shown. Such pages are never kept by browsers or proxies.
func (p *Pages) auditView(w http.ResponseWriter, r *http.Request, e *jigsaw.AuditEntry) bool {
	u := jigsaw.UserFromContext(r.Context())
	e.UserID, e.Actor, e.IP = u.ID, u.Email, auth.ClientIP(r)
	if err := p.Private.RecordAudit(r.Context(), e); err != nil {
		p.Error(w, r, err)
		return false
	}
	w.Header().Set("Cache-Control", "no-store")
	return true
}
