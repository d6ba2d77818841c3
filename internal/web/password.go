package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/server/respond"
)

// AccountStore is what the password and two-factor pages need.
type AccountStore interface {
	FindUserByEmail(ctx context.Context, email string) (*jigsaw.User, error)
	EnqueueMail(ctx context.Context, m *jigsaw.Mail) error
	UsePasswordReset(ctx context.Context, tokenHash, passwordHash, ip string) (*jigsaw.User, error)
	TOTP(ctx context.Context, userID int64) (string, bool, int64, error)
	SetTOTP(ctx context.Context, userID int64, secret string, enabled bool, audit *jigsaw.AuditEntry) error
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	RecordAudit(ctx context.Context, e *jigsaw.AuditEntry) error
}

// PasswordView is the view of the password pages.
type PasswordView struct {
	Page
	Form  SimpleForm
	Token string
	Sent  bool
}

// HandleForgot serves the form asking for a reset link.
func (p *Pages) HandleForgot(w http.ResponseWriter, r *http.Request) {
	p.Render(w, r, http.StatusOK, "password_forgot", PasswordView{Page: p.page(r, "Forgotten password")})
}

// HandleForgotPost mails a reset link if the account exists, and answers
// the same either way, so the page cannot be used to find accounts.
func (p *Pages) HandleForgotPost(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	view := PasswordView{Page: p.page(r, "Forgotten password"), Form: SimpleForm{Values: url.Values{"email": {email}}}}
	err := p.Auth.Allow(r.Context(), "reset-ip:"+auth.ClientIP(r), auth.ResetPerIP)
	if err == nil {
		err = p.Auth.Allow(r.Context(), "reset-account:"+strings.ToLower(email), auth.ResetPerAccount)
	}
	if err != nil {
		respond.SetErrorHeaders(w, err)
		view.Form.Message = respond.Message(err)
		p.Render(w, r, respond.Status(err), "password_forgot", view)
		return
	}
	// Whether the account exists is found out after the answer is sent:
	// looking it up, making a link and queueing its mail took ten
	// milliseconds more for a known address than for an unknown one, so
	// the time of the answer told which addresses have accounts.
	ctx, ip := context.WithoutCancel(r.Context()), auth.ClientIP(r)
	later := p.Later
	if later == nil {
		later = func(f func()) { go f() }
	}
	later(func() { p.sendResetLink(ctx, email, ip) })
	view.Sent = true
	p.Render(w, r, http.StatusOK, "password_forgot", view)
}

// sendResetLink mails a reset link to the account of email, if there is
// one and it is not disabled.
func (p *Pages) sendResetLink(ctx context.Context, email, ip string) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	u, err := p.Account.FindUserByEmail(ctx, email)
	if err != nil || !u.DisabledAt.IsZero() {
		if err != nil && jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
			p.Log.ErrorContext(ctx, "password reset", "error", err)
		}
		return
	}
	token, err := p.Auth.NewPasswordReset(ctx, u, auth.ResetFor)
	if err == nil {
		err = p.Account.EnqueueMail(ctx, &jigsaw.Mail{Kind: "password-reset", To: u.Email, Subject: "Set a new password for " + p.Site.Name,
			Body: "Someone asked to set a new password for your account on " + p.Site.Name + ".\n\nTo do so, open this link within an hour:\n\n" +
				p.Site.BaseURL + "/password/reset?t=" + token + "\n\nIf it was not you, ignore this email: your password stays as it is.\n"})
	}
	if err != nil {
		p.Log.ErrorContext(ctx, "password reset", "error", err)
		return
	}
	p.Account.RecordAudit(ctx, &jigsaw.AuditEntry{UserID: u.ID, Actor: "public", Action: "password-reset-request", ObjectType: "user", ObjectID: u.ID, IP: ip})
	if p.WakeMail != nil {
		p.WakeMail()
	}
}

// HandleReset serves the form for a new password.
func (p *Pages) HandleReset(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p.Render(w, r, http.StatusOK, "password_reset", PasswordView{Page: p.page(r, "New password"), Token: r.URL.Query().Get("t")})
}

// HandleResetPost sets the new password, using up the link.
func (p *Pages) HandleResetPost(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	token := r.PostForm.Get("t")
	view := PasswordView{Page: p.page(r, "New password"), Token: token}
	password := r.PostForm.Get("password")
	err := auth.CheckNewPassword(password, r.PostForm.Get("password_again"))
	var hash string
	if err == nil {
		hash, err = auth.HashPassword(password)
	}
	if err == nil {
		_, err = p.Account.UsePasswordReset(r.Context(), auth.HashToken(token), hash, auth.ClientIP(r))
	}
	if err != nil {
		view.Form = SimpleForm{Errors: jigsaw.FieldErrors(err), Message: respond.Message(err)}
		p.Render(w, r, refusalStatus(err), "password_reset", view)
		return
	}
	http.Redirect(w, r, "/login?reset=1", http.StatusSeeOther)
}

// TwoFactorView is the view of the two-factor page.
type TwoFactorView struct {
	Page
	Enabled bool
	Secret  string
	URI     string
	Form    SimpleForm
}

// HandleTwoFactor shows the two-factor state and, when it is off, a new
// secret to add to an authenticator app.
func (p *Pages) HandleTwoFactor(w http.ResponseWriter, r *http.Request) {
	p.renderTwoFactor(w, r, http.StatusOK, SimpleForm{})
}

func (p *Pages) renderTwoFactor(w http.ResponseWriter, r *http.Request, status int, f SimpleForm) {
	u := jigsaw.UserFromContext(r.Context())
	secret, enabled, _, err := p.Account.TOTP(r.Context(), u.ID)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	if !enabled && secret == "" {
		secret = auth.NewTOTPSecret()
		if err := p.Account.SetTOTP(r.Context(), u.ID, secret, false, nil); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	view := TwoFactorView{Page: p.page(r, "Two-factor sign-in"), Enabled: enabled, Form: f}
	if !enabled {
		view.Secret, view.URI = secret, auth.TOTPURI(p.Site.Name, u.Email, secret)
	}
	w.Header().Set("Cache-Control", "no-store")
	p.Render(w, r, status, "two_factor", view)
}

// HandleTwoFactorPost turns two-factor sign-in on or off; either needs a
// current code, proving the app holds the secret.
func (p *Pages) HandleTwoFactorPost(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r); err != nil {
		p.Error(w, r, err)
		return
	}
	u := jigsaw.UserFromContext(r.Context())
	if err := p.Auth.Allow(r.Context(), "2fa-account:"+strconv.FormatInt(u.ID, 10), auth.TwoFactorPerAccount); err != nil {
		respond.SetErrorHeaders(w, err)
		p.renderTwoFactor(w, r, respond.Status(err), formFromError(r, r.PostForm, err))
		return
	}
	secret, enabled, last, err := p.Account.TOTP(r.Context(), u.ID)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	step, ok := auth.CheckTOTP(secret, r.PostForm.Get("code"), time.Now(), last)
	if ok {
		ok, err = p.Account.UseTOTPStep(r.Context(), u.ID, step)
	}
	if err == nil && !ok {
		err = &jigsaw.Error{Code: jigsaw.EINVALID, Message: "That code is not right: enter the current six digits from your app.", Fields: map[string]string{"code": "Wrong or used code."}}
	}
	if err == nil {
		action, newSecret := "2fa-enable", secret
		if enabled {
			action, newSecret = "2fa-disable", ""
		}
		err = p.Account.SetTOTP(r.Context(), u.ID, newSecret, !enabled, &jigsaw.AuditEntry{UserID: u.ID, Actor: u.Email, Action: action,
			ObjectType: "user", ObjectID: u.ID, IP: auth.ClientIP(r)})
	}
	if err != nil {
		p.renderTwoFactor(w, r, refusalStatus(err), formFromError(r, r.PostForm, err))
		return
	}
	http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
}
