package testrig

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"

	"jigsaw"
	"jigsaw/internal/auth"
)

// AsUser creates a user with the given role and returns a client signed in
// as that user through a real server-side session (the login form itself
// is tested on its own, and going through it here would spend the login
// rate limit), and the user.
func (a *TestApp) AsUser(tb testing.TB, role jigsaw.Role) (*http.Client, *jigsaw.User) {
	tb.Helper()
	ctx := context.Background()
	u := &jigsaw.User{Email: string(role) + "-" + randomHex(4) + "@test.invalid", Name: "Test " + string(role), Role: role}
	if err := a.DB.CreateUser(ctx, u); err != nil {
		tb.Fatal(err)
	}
	token, hash := auth.NewToken()
	if err := a.DB.CreateSession(ctx, hash, u.ID, "127.0.0.1", "testrig"); err != nil {
		tb.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(a.URL)
	jar.SetCookies(base, []*http.Cookie{{Name: a.Server.Auth.CookieName(), Value: token, Path: "/"}})
	c := *a.Client
	c.Jar = jar
	return &c, u
}

// SessionCookie returns the cookie a browser needs to act as the user of
// client (made by AsUser).
func (a *TestApp) SessionCookie(tb testing.TB, client *http.Client) *http.Cookie {
	tb.Helper()
	base, _ := url.Parse(a.URL)
	for _, c := range client.Jar.Cookies(base) {
		if c.Name == a.Server.Auth.CookieName() {
			return c
		}
	}
	tb.Fatal("client has no session cookie")
	return nil
}
