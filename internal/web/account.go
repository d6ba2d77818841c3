package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// PrivateStore is what the signed-in pages for admins may read and change.
// It is kept apart from Store, which public pages use.
type PrivateStore interface {
	FindUsers(ctx context.Context) ([]*jigsaw.User, error)
	FindUserByID(ctx context.Context, id int64) (*jigsaw.User, error)
	CreateUser(ctx context.Context, u *jigsaw.User) error
	SetUserRole(ctx context.Context, userID int64, role jigsaw.Role, audit *jigsaw.AuditEntry) error
	DeleteUserSessions(ctx context.Context, userID int64) error
	RecordAudit(ctx context.Context, e *jigsaw.AuditEntry) error
	FindAudit(ctx context.Context, f jigsaw.AuditFilter) ([]*jigsaw.AuditEntry, int, error)
	APITokens(ctx context.Context, userID int64) ([]jigsaw.APIToken, error)
	SaveSiteSettings(ctx context.Context, s jigsaw.SiteSettings, audit *jigsaw.AuditEntry) error
	SaveKeyIssue(ctx context.Context, k jigsaw.KeyIssue, audit *jigsaw.AuditEntry) error
	RevokeAPIToken(ctx context.Context, id int64) error
	OutboxStore
	AttachmentStore
}

// LoginView is the view of the sign-in page.
type LoginView struct {
	Page
	Form SimpleForm
	Next string
}

// safeNext keeps post-login redirects on this site: next must be a path
// of this site as browsers read it. Browsers drop tabs and newlines from a
// URL and read a backslash as a slash, so "/\t/evil.example" and
// "/\\evil.example" are both "//evil.example", another site; such
// characters are refused before the URL is parsed, and what is left must
// parse to a path with no scheme or host.
func safeNext(next string) string {
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

// HandleLogin serves the sign-in form.
func (p *Pages) HandleLogin(w http.ResponseWriter, r *http.Request) {
	p.Render(w, r, http.StatusOK, "login", LoginView{Page: p.page(r, tr(r).Sprintf("Sign in")), Next: safeNext(r.URL.Query().Get("next"))})
}

// HandleLoginPost signs in, rate-limited per address and per account.
func (p *Pages) HandleLoginPost(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	next := safeNext(r.PostForm.Get("next"))
	view := LoginView{Page: p.page(r, tr(r).Sprintf("Sign in")), Next: next, Form: SimpleForm{Values: url.Values{"email": {email}}}}
	ip := auth.ClientIP(r)
	err := p.Auth.Allow(r.Context(), "login-ip:"+ip, auth.LoginPerIP)
	if err == nil {
		err = p.Auth.Allow(r.Context(), "login-account:"+strings.ToLower(email), auth.LoginPerAccount)
	}
	var token string
	if err == nil {
		token, _, err = p.Auth.Login(r.Context(), email, r.PostForm.Get("password"), r.PostForm.Get("code"), ip, r.UserAgent())
	}
	if err != nil {
		respond.LogError(r, p.Log, err)
		respond.SetErrorHeaders(w, err)
		view.Form.Message = respond.Message(err)
		p.Render(w, r, respond.Status(err), "login", view)
		return
	}
	p.Auth.SetCookie(w, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// HandleLogout ends the session.
func (p *Pages) HandleLogout(w http.ResponseWriter, r *http.Request) {
	if err := p.Auth.Logout(w, r); err != nil {
		p.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// UsersView is the view of the admin users page.
type UsersView struct {
	Page
	Users []*jigsaw.User
	Roles []jigsaw.Choice[jigsaw.Role]
	Form  SimpleForm
	Done  string
}

// HandleUsers lists users and offers to add one.
func (p *Pages) HandleUsers(w http.ResponseWriter, r *http.Request) {
	p.renderUsers(w, r, http.StatusOK, SimpleForm{}, r.URL.Query().Get("done"))
}

func (p *Pages) renderUsers(w http.ResponseWriter, r *http.Request, status int, f SimpleForm, done string) {
	users, err := p.Private.FindUsers(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, status, "admin_users", UsersView{Page: p.page(r, "Users"), Users: users, Roles: jigsaw.Roles, Form: f, Done: done})
}

// HandleUserCreate adds a user (who then sets a password through
// `jigsaw user` or a reset link) and audits it.
func (p *Pages) HandleUserCreate(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	admin := jigsaw.UserFromContext(r.Context())
	u := &jigsaw.User{Email: r.PostForm.Get("email"), Name: strings.TrimSpace(r.PostForm.Get("name")), Role: jigsaw.Role(r.PostForm.Get("role"))}
	if err := p.Private.CreateUser(r.Context(), u); err != nil {
		p.renderUsers(w, r, refusalStatus(err), formFromError(r, r.PostForm, err), "")
		return
	}
	p.Private.RecordAudit(r.Context(), &jigsaw.AuditEntry{UserID: admin.ID, Actor: admin.Email, Action: "user-create",
		ObjectType: "user", ObjectID: u.ID, Detail: u.Email + " as " + string(u.Role), IP: auth.ClientIP(r)})
	http.Redirect(w, r, "/admin/users?done="+url.QueryEscape(u.Email), http.StatusSeeOther)
}

// HandleUserRole changes a user's role; their sessions end so the new role
// applies at once.
func (p *Pages) HandleUserRole(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		p.NotFound(w, r)
		return
	}
	admin := jigsaw.UserFromContext(r.Context())
	u, err := p.Private.FindUserByID(r.Context(), id)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	role := jigsaw.Role(r.PostForm.Get("role"))
	if err := p.Private.SetUserRole(r.Context(), id, role, &jigsaw.AuditEntry{UserID: admin.ID, Actor: admin.Email, Action: "role-change",
		ObjectType: "user", ObjectID: id, Detail: u.Email + ": " + string(u.Role) + " → " + string(role), IP: auth.ClientIP(r)}); err != nil {
		p.renderUsers(w, r, refusalStatus(err), formFromError(r, r.PostForm, err), "")
		return
	}
	if err := p.Private.DeleteUserSessions(r.Context(), id); err != nil {
		p.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?done="+url.QueryEscape(u.Email), http.StatusSeeOther)
}

// AuditView is the view of the audit log page.
type AuditView struct {
	Page
	Entries []*jigsaw.AuditEntry
	Filter  jigsaw.AuditFilter
	Pager   Pager
}

const auditPerPage = 100

// HandleAudit shows the audit log, filtered by action, user or object.
func (p *Pages) HandleAudit(w http.ResponseWriter, r *http.Request) {
	f, list, err := listparams.Audit(r.Context(), r.URL.Query(), auditPerPage)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	entries, total, err := p.Private.FindAudit(r.Context(), f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, http.StatusOK, "admin_audit", AuditView{Page: p.page(r, "Audit log"), Entries: entries, Filter: f,
		Pager: newPager(list, total, r.URL.Query())})
}

// TokensView is the view of the API tokens page.
type TokensView struct {
	Page
	Tokens   []jigsaw.APIToken
	NewToken string
}

// HandleTokens lists the signed-in user's API tokens (every token, for
// admins).
func (p *Pages) HandleTokens(w http.ResponseWriter, r *http.Request) {
	p.renderTokens(w, r, "")
}

func (p *Pages) renderTokens(w http.ResponseWriter, r *http.Request, fresh string) {
	u := jigsaw.UserFromContext(r.Context())
	owner := u.ID
	if u.Role == jigsaw.RoleAdmin {
		owner = 0
	}
	tokens, err := p.Private.APITokens(r.Context(), owner)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, http.StatusOK, "tokens", TokensView{Page: p.page(r, "API tokens"), Tokens: tokens, NewToken: fresh})
}

// HandleTokenCreate makes a token and shows it once.
func (p *Pages) HandleTokenCreate(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if len(name) > 100 {
		p.Error(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "The name must be at most 100 characters.", Fields: map[string]string{"name": "Too long."}})
		return
	}
	token, err := p.Auth.CreateAPIToken(r.Context(), jigsaw.UserFromContext(r.Context()), name)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderTokens(w, r, token)
}

// HandleTokenRevoke revokes a token: one's own, or any for admins.
func (p *Pages) HandleTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		p.NotFound(w, r)
		return
	}
	u := jigsaw.UserFromContext(r.Context())
	tokens, err := p.Private.APITokens(r.Context(), 0)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	for _, t := range tokens {
		if t.ID == id && (t.UserID == u.ID || u.Role == jigsaw.RoleAdmin) {
			if err := p.Private.RevokeAPIToken(r.Context(), id); err != nil {
				p.Error(w, r, err)
				return
			}
			p.Private.RecordAudit(r.Context(), &jigsaw.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "token-revoke", ObjectType: "api-token", ObjectID: id, IP: auth.ClientIP(r)})
			http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
			return
		}
	}
	p.NotFound(w, r)
}

// SettingsView is the view of the instance settings page.
type SettingsView struct {
	Page
	// Settings are the settings as kept, or as typed when they were
	// refused; their notices are the default texts where none is kept.
	Settings  jigsaw.SiteSettings
	KeyIssues []jigsaw.KeyIssue
	Form      SimpleForm
	Saved     bool
}

// HandleSettings shows the instance settings and key issues.
func (p *Pages) HandleSettings(w http.ResponseWriter, r *http.Request) {
	p.renderSettings(w, r, http.StatusOK, SimpleForm{}, nil, r.URL.Query().Get("saved") != "")
}

// renderSettings shows the settings page; typed, if not nil, are settings
// that were refused, shown again as typed so that no edit is lost.
func (p *Pages) renderSettings(w http.ResponseWriter, r *http.Request, status int, f SimpleForm, typed *jigsaw.SiteSettings, saved bool) {
	set, err := p.Store.SiteSettings(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	if typed != nil {
		set = *typed
	}
	set.About, set.Privacy = noticeOrDefault(set.About, defaultAbout), noticeOrDefault(set.Privacy, defaultPrivacy)
	issues, err := p.Store.KeyIssues(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, status, "admin_settings", SettingsView{Page: p.page(r, "Settings"), Settings: set, KeyIssues: issues, Form: f, Saved: saved})
}

// HandleSettingsPost saves the instance's name, description, contact and
// notices (the about page and the privacy notice). A notice left as the
// default text is kept as no text, so that it follows the default.
func (p *Pages) HandleSettingsPost(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	u := jigsaw.UserFromContext(r.Context())
	f := r.PostForm
	s := jigsaw.SiteSettings{Name: strings.TrimSpace(f.Get("name")), Description: strings.TrimSpace(f.Get("description")),
		Contact: strings.TrimSpace(f.Get("contact")), About: noticeSetting(f.Get("about"), defaultAbout), Privacy: noticeSetting(f.Get("privacy"), defaultPrivacy)}
	err := checkSettings(s)
	if err == nil {
		err = p.Private.SaveSiteSettings(r.Context(), s, &jigsaw.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "settings-change", IP: auth.ClientIP(r)})
	}
	if err != nil {
		p.renderSettings(w, r, refusalStatus(err), formFromError(r, f, err), &s, false)
		return
	}
	http.Redirect(w, r, "/admin/settings?saved=1", http.StatusSeeOther)
}

// HandleKeyIssuePost adds a key issue, or renames one given its slug.
func (p *Pages) HandleKeyIssuePost(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	u := jigsaw.UserFromContext(r.Context())
	k := jigsaw.KeyIssue{Slug: r.PostForm.Get("slug"), Name: r.PostForm.Get("name")}
	if err := p.Private.SaveKeyIssue(r.Context(), k, &jigsaw.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "key-issue-save", Detail: k.Name, IP: auth.ClientIP(r)}); err != nil {
		p.renderSettings(w, r, refusalStatus(err), formFromError(r, r.PostForm, err), nil, false)
		return
	}
	http.Redirect(w, r, "/admin/settings?saved=1", http.StatusSeeOther)
}
