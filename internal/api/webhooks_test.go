package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// Editors keep webhooks through the API with a bearer token: the secret is
// in the answer to the creation alone, each mistake names its field, and
// the list takes no parameters.
func TestWebhooksAPI(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, store.SQLite, nil)
	ed := &jigsaw.User{Email: "hooks-editor@example.org", Role: jigsaw.RoleEditor}
	if err := a.DB.CreateUser(ctx, ed); err != nil {
		t.Fatal(err)
	}
	token, err := a.Server.Auth.CreateAPIToken(ctx, ed, "test")
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: bearer(token)}
	testrig.CheckAPI(t, c)

	if code, _, _ := call(t, a.Client, "GET", a.URL+"/api/v1/webhooks", nil); code != 401 {
		t.Errorf("the list without a token: %d, want 401", code)
	}
	code, m, _ := call(t, c, "POST", a.URL+"/api/v1/webhooks", `{"url": "https://bot:pw@hooks.test.invalid/", "kinds": ["story"], "actions": ["publish"]}`)
	if f := fieldsOf(m); code != 400 || f["url"] == nil || f["actions"] == nil {
		t.Fatalf("bad webhook: %d %v", code, m)
	}
	code, m, _ = call(t, c, "POST", a.URL+"/api/v1/webhooks", `{"name": "Chat bot", "url": "https://hooks.test.invalid/bot", "kinds": ["dispute", "story"], "actions": ["create"]}`)
	secret, _ := m["secret"].(string)
	if code != 201 || len(secret) != 64 || m["active"] != true || m["name"] != "Chat bot" || m["organisation"] != nil {
		t.Fatalf("create: %d %v", code, m)
	}
	path := "/api/v1/webhooks/" + itoaAny(m["id"])

	code, m, _ = call(t, c, "GET", a.URL+"/api/v1/webhooks", nil)
	if b, _ := json.Marshal(m); code != 200 || !strings.Contains(string(b), "hooks.test.invalid/bot") || strings.Contains(string(b), secret) {
		t.Fatalf("list: %d %s", code, b)
	}
	if code, m, _ = call(t, c, "GET", a.URL+"/api/v1/webhooks?page=2", nil); code != 400 || fieldsOf(m)["page"] == nil {
		t.Errorf("a page of the list: %d %v", code, m)
	}
	code, m, _ = call(t, c, "PATCH", a.URL+path, `{"active": false, "kinds": ["event"], "version": 1}`)
	if b, _ := json.Marshal(m); code != 200 || m["active"] != false || m["version"] != 2.0 || strings.Contains(string(b), secret) {
		t.Fatalf("update: %d %s", code, b)
	}
	if code, _, _ = call(t, c, "PATCH", a.URL+path, `{"name": "stale", "version": 1}`); code != 409 {
		t.Errorf("stale update: %d, want 409", code)
	}
	if code, m, _ = call(t, c, "PATCH", a.URL+path, `{"url": "javascript:alert(1)"}`); code != 400 || fieldsOf(m)["url"] == nil {
		t.Errorf("bad address: %d %v", code, m)
	}
	if code, m, _ = call(t, c, "GET", a.URL+path, nil); code != 200 || m["kinds"].([]any)[0] != "event" || m["secret"] != nil {
		t.Errorf("read: %d %v", code, m)
	}
	if code, _, _ = call(t, c, "DELETE", a.URL+path, nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
	if code, _, _ = call(t, c, "GET", a.URL+path, nil); code != 404 {
		t.Errorf("read after delete: %d", code)
	}
}

// bearer sends every request with the API token.
type bearer string

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}

func itoaAny(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
