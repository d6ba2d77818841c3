package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

// addUser creates a user with a password.
func addUser(t *testing.T, a *testrig.TestApp, email string, role jigsaw.Role, password string) *jigsaw.User {
	t.Helper()
	u := &jigsaw.User{Email: email, Role: role}
	if err := a.DB.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	h, _ := auth.HashPassword(password)
	if err := a.DB.SetPasswordHash(context.Background(), u.ID, h); err != nil {
		t.Fatal(err)
	}
	return u
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestLogin(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			addUser(t, a, "mod@example.org", jigsaw.RoleModerator, "a long enough password")

			// Wrong password and unknown account answer alike.
			var bodies []string
			for _, email := range []string{"mod@example.org", "nobody@example.org"} {
				resp, body := postForm(t, a.Client, a.URL+"/login", url.Values{"email": {email}, "password": {"wrong password!"}}, nil)
				if resp.StatusCode != 401 || resp.Header.Get("Set-Cookie") != "" {
					t.Fatalf("bad credentials for %s: %d, cookie %q", email, resp.StatusCode, resp.Header.Get("Set-Cookie"))
				}
				bodies = append(bodies, strings.ReplaceAll(body, email, "EMAIL"))
			}
			if !strings.Contains(bodies[0], "The email address, password or code is not right.") || stripRequestID(bodies[0]) != stripRequestID(bodies[1]) {
				t.Fatalf("wrong password and unknown user answer differently")
			}

			// A planted cookie is replaced by a fresh session on sign-in.
			base, _ := url.Parse(a.URL)
			a.Client.Jar.SetCookies(base, []*http.Cookie{{Name: "jigsaw_session", Value: "planted-by-attacker"}})
			resp, _ := postForm(t, a.Client, a.URL+"/login", url.Values{"email": {"MOD@example.org"}, "password": {"a long enough password"}, "next": {"/admin/audit"}}, nil)
			if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/audit" {
				t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			set := resp.Header.Get("Set-Cookie")
			for _, want := range []string{"jigsaw_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(set, want) {
					t.Errorf("session cookie %q lacks %s", set, want)
				}
			}
			if strings.Contains(set, "planted-by-attacker") {
				t.Fatal("sign-in kept the planted session ID")
			}
			code, body := a.Get(t, "/account/tokens")
			if code != 200 || !strings.Contains(body, "mod@example.org") {
				t.Fatalf("signed-in page: %d", code)
			}
			entries, _, _ := a.DB.FindAudit(context.Background(), jigsaw.AuditFilter{})
			var actions []string
			for _, e := range entries {
				actions = append(actions, e.Action+"@"+e.IP)
			}
			if got := strings.Join(actions, ","); got != "sign-in@127.0.0.1,sign-in-failed@127.0.0.1,sign-in-failed@127.0.0.1" {
				t.Fatalf("audit log: %s", got)
			}

			// Open redirects are refused, in every spelling a browser reads
			// as another site.
			for _, next := range []string{"//evil.example/", "/\t/evil.example", "/\\evil.example"} {
				resp, _ = postForm(t, a.Client, a.URL+"/login", url.Values{"email": {"mod@example.org"}, "password": {"a long enough password"}, "next": {next}}, nil)
				if resp.Header.Get("Location") != "/" {
					t.Fatalf("next=%q redirected to %q", next, resp.Header.Get("Location"))
				}
			}
			if _, page := a.Get(t, "/login?next=/%09/evil.example"); strings.Contains(page, "evil.example") {
				t.Fatal("the sign-in form carries a next address of another site")
			}

			// Sign out ends the session on the server, not just the cookie.
			cookie := a.SessionCookie(t, a.Client)
			postForm(t, a.Client, a.URL+"/logout", nil, nil)
			req, _ := http.NewRequest("GET", a.URL+"/account/tokens", nil)
			req.AddCookie(cookie)
			resp2, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp2.Body.Close()
			if resp2.StatusCode != 303 {
				t.Fatalf("old session after sign-out: %d, want a redirect to sign in", resp2.StatusCode)
			}
		})
	}
}

func stripRequestID(s string) string {
	if i := strings.Index(s, "Reference:"); i >= 0 {
		return s[:i]
	}
	return s
}

func TestLoginRateLimit(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			addUser(t, a, "target@example.org", jigsaw.RoleAdmin, "a long enough password")
			var last *http.Response
			for i := 0; i <= auth.LoginPerAccount.Max; i++ {
				last, _ = postForm(t, a.Client, a.URL+"/login", url.Values{"email": {"target@example.org"}, "password": {"guess " + strconv.Itoa(i)}}, nil)
			}
			if last.StatusCode != 429 {
				t.Fatalf("attempt %d on one account: %d, want 429", auth.LoginPerAccount.Max+1, last.StatusCode)
			}
			ra, err := strconv.Atoi(last.Header.Get("Retry-After"))
			if err != nil || ra < 1 || ra > int(auth.LoginPerAccount.Window.Seconds()) {
				t.Fatalf("Retry-After %q", last.Header.Get("Retry-After"))
			}
			// Even the right password is refused while the account is limited.
			resp, _ := postForm(t, a.Client, a.URL+"/login", url.Values{"email": {"target@example.org"}, "password": {"a long enough password"}}, nil)
			if resp.StatusCode != 429 {
				t.Fatalf("right password during the limit: %d", resp.StatusCode)
			}
			// Per address: other accounts from the same address run into the
			// address limit too.
			for i := 0; i < auth.LoginPerIP.Max; i++ {
				resp, _ = postForm(t, a.Client, a.URL+"/login", url.Values{"email": {"other" + strconv.Itoa(i) + "@example.org"}, "password": {"x"}}, nil)
			}
			if resp.StatusCode != 429 {
				t.Fatalf("address limit: %d", resp.StatusCode)
			}
			// The window passes.
			a.DB.Now = func() time.Time { return time.Now().Add(auth.LoginPerIP.Window + time.Minute) }
			resp, _ = postForm(t, a.Client, a.URL+"/login", url.Values{"email": {"target@example.org"}, "password": {"a long enough password"}}, nil)
			if resp.StatusCode != 303 {
				t.Fatalf("after the window: %d", resp.StatusCode)
			}
		})
	}
}

func TestCrossSiteForms(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			admin, _ := a.AsUser(t, jigsaw.RoleAdmin)
			form := url.Values{"email": {"new@example.org"}, "role": {"editor"}}
			for _, tt := range []struct {
				name   string
				header map[string]string
				want   int
			}{
				{"from another site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
				{"old browser, foreign Origin", map[string]string{"Origin": "https://evil.example"}, 403},
				{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": a.URL}, 303},
			} {
				t.Run(tt.name, func(t *testing.T) {
					resp, _ := postForm(t, admin, a.URL+"/admin/users", form, tt.header)
					if resp.StatusCode != tt.want {
						t.Fatalf("got %d, want %d", resp.StatusCode, tt.want)
					}
				})
			}
			users, _ := a.DB.FindUsers(context.Background())
			if len(users) != 2 {
				t.Fatalf("%d users: a refused request created one", len(users))
			}
		})
	}
}

func TestAPIToken(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			c, u := a.AsUser(t, jigsaw.RoleEditor)
			_, body := postForm(t, c, a.URL+"/account/tokens", url.Values{"name": {"newsroom"}}, nil)
			i := strings.Index(body, "jgs_")
			if i < 0 {
				t.Fatal("new token not shown")
			}
			token := body[i : i+4+43]
			call := func(tok string) int {
				req, _ := http.NewRequest("GET", a.URL+"/account/tokens", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if got := call(token); got != 200 {
				t.Fatalf("with the token: %d", got)
			}
			if got := call("jgs_not-a-token"); got != 401 {
				t.Fatalf("with a bad token: %d, want 401", got)
			}
			tokens, _ := a.DB.APITokens(context.Background(), u.ID)
			if len(tokens) != 1 || tokens[0].Name != "newsroom" {
				t.Fatalf("tokens: %+v", tokens)
			}
			postForm(t, c, a.URL+"/account/tokens/"+strconv.FormatInt(tokens[0].ID, 10)+"/revoke", nil, nil)
			if got := call(token); got != 401 {
				t.Fatalf("revoked token: %d, want 401", got)
			}
		})
	}
}

func TestPasswordReset(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			smtpd := testrig.StartSMTP(t)
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.SMTP = smtpd.URL() })
			addUser(t, a, "ed@example.org", jigsaw.RoleEditor, "the old password is long")

			// Known and unknown addresses get the same answer; only one mail.
			var pages []string
			for _, email := range []string{"nobody@example.org", "ed@example.org"} {
				resp, body := postForm(t, a.Client, a.URL+"/password/forgot", url.Values{"email": {email}}, nil)
				if resp.StatusCode != 200 {
					t.Fatalf("forgot %s: %d", email, resp.StatusCode)
				}
				pages = append(pages, stripRequestID(strings.ReplaceAll(body, email, "EMAIL")))
			}
			if pages[0] != pages[1] {
				t.Fatal("the forgotten-password page answers differently for unknown accounts")
			}
			msgs := smtpd.WaitFor(t, 1, 10*time.Second)
			time.Sleep(100 * time.Millisecond)
			if n := len(smtpd.Messages()); n != 1 || msgs[0].To != "ed@example.org" {
				t.Fatalf("%d mails, first to %s", n, msgs[0].To)
			}
			m := regexp.MustCompile(`/password/reset\?t=([A-Za-z0-9_-]+)`).FindStringSubmatch(msgs[0].Body)
			if m == nil {
				t.Fatalf("no link in %q", msgs[0].Body)
			}
			set := url.Values{"t": {m[1]}, "password": {"the new password is long"}, "password_again": {"the new password is long"}}
			short := url.Values{"t": {m[1]}, "password": {"short"}, "password_again": {"short"}}
			if resp, body := postForm(t, a.Client, a.URL+"/password/reset", short, nil); resp.StatusCode != 422 || !strings.Contains(body, "at least 12 characters") {
				t.Fatalf("short password: %d", resp.StatusCode)
			}
			if resp, _ := postForm(t, a.Client, a.URL+"/password/reset", set, nil); resp.StatusCode != 303 {
				t.Fatalf("reset: %d", resp.StatusCode)
			}
			if resp, body := postForm(t, a.Client, a.URL+"/password/reset", set, nil); resp.StatusCode != 422 || !strings.Contains(body, "used already") {
				t.Fatalf("second use of the link: %d", resp.StatusCode)
			}
			for pw, want := range map[string]int{"the old password is long": 401, "the new password is long": 303} {
				if resp, _ := postForm(t, a.Client, a.URL+"/login", url.Values{"email": {"ed@example.org"}, "password": {pw}}, nil); resp.StatusCode != want {
					t.Errorf("login with %q: %d, want %d", pw, resp.StatusCode, want)
				}
			}
		})
	}
}

func TestTwoFactor(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			u := addUser(t, a, "mod2@example.org", jigsaw.RoleModerator, "a long enough password")
			login := func(code string) int {
				jar, _ := cookiejar.New(nil)
				c := &http.Client{Jar: jar, CheckRedirect: a.Client.CheckRedirect}
				resp, _ := postForm(t, c, a.URL+"/login", url.Values{"email": {"mod2@example.org"}, "password": {"a long enough password"}, "code": {code}}, nil)
				return resp.StatusCode
			}
			// Turn it on for the user through the page, signed in as them.
			token, hash := auth.NewToken()
			a.DB.CreateSession(ctx, hash, u.ID, "127.0.0.1", "test")
			jar, _ := cookiejar.New(nil)
			base, _ := url.Parse(a.URL)
			jar.SetCookies(base, []*http.Cookie{{Name: a.Server.Auth.CookieName(), Value: token}})
			me := &http.Client{Jar: jar, CheckRedirect: a.Client.CheckRedirect}
			resp, err := me.Get(a.URL + "/account/2fa")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			secret, enabled, _, _ := a.DB.TOTP(ctx, u.ID)
			if enabled || secret == "" {
				t.Fatalf("before enrolling: enabled %v secret %q", enabled, secret)
			}
			if resp, _ := postForm(t, me, a.URL+"/account/2fa", url.Values{"code": {"000000"}}, nil); resp.StatusCode != 422 {
				t.Fatalf("wrong code: %d", resp.StatusCode)
			}
			code, _ := auth.TOTPCode(secret, time.Now())
			if resp, _ := postForm(t, me, a.URL+"/account/2fa", url.Values{"code": {code}}, nil); resp.StatusCode != 303 {
				t.Fatalf("enrol: %d", resp.StatusCode)
			}
			if _, enabled, _, _ := a.DB.TOTP(ctx, u.ID); !enabled {
				t.Fatal("two-factor not on after enrolling")
			}
			// The code used to enrol cannot sign in; no code cannot either.
			if got := login(code); got != 401 {
				t.Fatalf("reused code: %d, want 401", got)
			}
			if got := login(""); got != 401 {
				t.Fatalf("no code: %d, want 401", got)
			}
			next, _ := auth.TOTPCode(secret, time.Now().Add(30*time.Second))
			if got := login(next); got != 303 {
				t.Fatalf("fresh code: %d, want 303", got)
			}
			entries, _, _ := a.DB.FindAudit(ctx, jigsaw.AuditFilter{Action: "2fa-enable"})
			if len(entries) != 1 {
				t.Fatalf("enrolment not audited: %+v", entries)
			}
		})
	}
}

func TestInstanceSettings(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			admin, _ := a.AsUser(t, jigsaw.RoleAdmin)
			form := url.Values{"name": {"Defend Our NHS West Yorkshire"}, "description": {"Stories and dangers across West Yorkshire."}, "contact": {"info@defend.example"}}
			if resp, _ := postForm(t, admin, a.URL+"/admin/settings", form, nil); resp.StatusCode != 303 {
				t.Fatalf("save settings: %d", resp.StatusCode)
			}
			if resp, _ := postForm(t, admin, a.URL+"/admin/settings/key-issues", url.Values{"name": {"Mental health"}}, nil); resp.StatusCode != 303 {
				t.Fatalf("add key issue: %d", resp.StatusCode)
			}
			if resp, _ := postForm(t, admin, a.URL+"/admin/settings/key-issues", url.Values{"slug": {"cuts"}, "name": {"Cuts and efficiency savings"}}, nil); resp.StatusCode != 303 {
				t.Fatalf("rename key issue: %d", resp.StatusCode)
			}
			_, body := a.Get(t, "/stories")
			for _, want := range []string{"<title>Stories · Defend Our NHS West Yorkshire</title>", "Contact: info@defend.example", `value="mental-health"`, "Cuts and efficiency savings"} {
				if !strings.Contains(body, want) {
					t.Errorf("public page lacks %q", want)
				}
			}
			entries, _, _ := a.DB.FindAudit(context.Background(), jigsaw.AuditFilter{Action: "settings-change"})
			if len(entries) != 1 {
				t.Fatalf("settings change not audited")
			}
		})
	}
}

// TestSessionTimeouts: a session idle for longer than the idle timeout, or
// older than the absolute one, signs nobody in.
func TestSessionTimeouts(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			for _, tt := range []struct {
				name, column string
				ago          time.Duration
				want         int
			}{
				{"fresh", "last_seen_at", time.Minute, 200},
				{"idle too long", "last_seen_at", auth.IdleTimeout + time.Minute, 303},
				{"too old", "created_at", auth.AbsoluteTimeout + time.Minute, 303},
			} {
				t.Run(tt.name, func(t *testing.T) {
					c, u := a.AsUser(t, jigsaw.RoleEditor)
					if err := a.DB.ExecRaw(ctx, `UPDATE sessions SET `+tt.column+` = $1 WHERE user_id = $2`, time.Now().UTC().Add(-tt.ago), u.ID); err != nil {
						t.Fatal(err)
					}
					resp, err := c.Get(a.URL + "/account/tokens")
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != tt.want {
						t.Fatalf("got %d, want %d", resp.StatusCode, tt.want)
					}
				})
			}
		})
	}
}

// The forgotten-password answer does the same work for a known address as
// for an unknown one: the lookup, the link and its mail come after the
// answer is sent. A link used revokes the others still outstanding.
func TestPasswordResetAfterTheAnswer(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, "sqlite", nil)
	addUser(t, a, "ed@example.org", jigsaw.RoleEditor, "the old password is long")
	var later []func()
	a.Server.Pages.Later = func(f func()) { later = append(later, f) }
	for _, email := range []string{"nobody@example.org", "ed@example.org", "ed@example.org"} {
		if resp, _ := postForm(t, a.Client, a.URL+"/password/forgot", url.Values{"email": {email}}, nil); resp.StatusCode != 200 {
			t.Fatalf("forgot %s: %d", email, resp.StatusCode)
		}
	}
	if _, n, err := a.DB.FindMail(ctx, "", 10, 0); err != nil || n != 0 || len(later) != 3 {
		t.Fatalf("when the answers were sent: %d mails queued (%v), %d requests left for later; want none queued and 3 left", n, err, len(later))
	}
	for _, f := range later {
		f()
	}
	mails, n, err := a.DB.FindMail(ctx, "", 10, 0)
	if err != nil || n != 2 {
		t.Fatalf("after: %d mails (%v), want 2, both to ed", n, err)
	}
	var tokens []string
	for _, m := range mails {
		match := regexp.MustCompile(`/password/reset\?t=([A-Za-z0-9_-]+)`).FindStringSubmatch(m.Body)
		if m.To != "ed@example.org" || match == nil {
			t.Fatalf("mail to %s: %q", m.To, m.Body)
		}
		tokens = append(tokens, match[1])
	}
	set := func(token string) int {
		resp, _ := postForm(t, a.Client, a.URL+"/password/reset", url.Values{"t": {token}, "password": {"the new password is long"}, "password_again": {"the new password is long"}}, nil)
		return resp.StatusCode
	}
	if code := set(tokens[0]); code != 303 {
		t.Fatalf("the first link: %d, want 303", code)
	}
	if code := set(tokens[1]); code != 422 {
		t.Fatalf("the other link after one was used: %d, want 422", code)
	}
}

// Codes tried to turn two-factor sign-in on or off are limited, like
// sign-in's, so six digits cannot be guessed through a stolen session.
func TestTwoFactorCodesAreLimited(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", nil)
	c, _ := a.AsUser(t, jigsaw.RoleEditor)
	last := 0
	for range auth.TwoFactorPerAccount.Max + 1 {
		resp, _ := postForm(t, c, a.URL+"/account/2fa", url.Values{"code": {"000000"}}, nil)
		last = resp.StatusCode
		if last != 422 && last != 429 {
			t.Fatalf("a wrong code: %d", last)
		}
	}
	if last != 429 {
		t.Fatalf("after %d wrong codes: %d, want 429", auth.TwoFactorPerAccount.Max+1, last)
	}
}
