package testrig

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"jigsaw"
)

// testUserHeader carries the ID of the user a test client acts as.
const testUserHeader = "X-Testrig-User"

var installOnce sync.Map // *TestApp → struct{}

// AsUser creates a user with the given role and returns a client whose
// requests are signed in as that user, and the user.
//
// The client names its user in a header that only a TestApp understands:
// AsUser wraps the app's Authenticate so that the header is honoured and
// every other request is authenticated as usual.
func (a *TestApp) AsUser(tb testing.TB, role jigsaw.Role) (*http.Client, *jigsaw.User) {
	tb.Helper()
	u := &jigsaw.User{Email: string(role) + "-" + randomHex(4) + "@test.invalid", Name: "Test " + string(role), Role: role}
	if err := a.DB.CreateUser(context.Background(), u); err != nil {
		tb.Fatal(err)
	}
	c := *a.Client
	name, value := a.UserHeader(u)
	c.Transport = headerTransport{header: name, value: value}
	return &c, u
}

// UserHeader returns the header name and value that sign a request in as
// u, for clients that cannot be wrapped as AsUser wraps one: a browser
// sends it with chromedp's network.SetExtraHTTPHeaders.
func (a *TestApp) UserHeader(u *jigsaw.User) (name, value string) {
	if _, loaded := installOnce.LoadOrStore(a, struct{}{}); !loaded {
		next := a.Server.Authenticate
		a.Server.Authenticate = func(r *http.Request) (*jigsaw.User, error) {
			if id, err := strconv.ParseInt(r.Header.Get(testUserHeader), 10, 64); err == nil {
				return a.DB.FindUserByID(r.Context(), id)
			}
			return next(r)
		}
	}
	return testUserHeader, strconv.FormatInt(u.ID, 10)
}

type headerTransport struct{ header, value string }

func (t headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(t.header, t.value)
	return http.DefaultTransport.RoundTrip(r)
}
