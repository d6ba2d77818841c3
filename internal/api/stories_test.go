package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

func callStory(t *testing.T, a *testrig.TestApp, method, path, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, a.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := a.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %s", method, path, b)
	}
	return resp.StatusCode, out
}

const goodStory = `{"title": "Cancelled three times", "body": "My operation was cancelled three times in one month.", "kind": "patient",
	"key_issues": ["safety"], "area": "Dorchester", "district": "DT1", "name": "Api Teller", "email": "api.teller@example.invalid",
	"publish_as": "without-name", "agree": true}`

func TestStoryAPI(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			code, out := callStory(t, a, "POST", "/api/v1/stories", goodStory, map[string]string{"Idempotency-Key": "k1"})
			if code != 201 || out["status"] != "awaiting-confirmation" {
				t.Fatalf("create: %d %v", code, out)
			}
			id := int64(out["id"].(float64))
			if code, again := callStory(t, a, "POST", "/api/v1/stories", goodStory, map[string]string{"Idempotency-Key": "k1"}); code != 201 || again["id"] != out["id"] {
				t.Fatalf("retry with the same key: %d %v, want the same story", code, again)
			}
			// The key is the teller's own: another teller's story sent
			// with the same key is a story of its own, and the same
			// teller's different story under the key is refused, not
			// answered with the first.
			other := strings.Replace(goodStory, `"email": "`, `"email": "other.`, 1)
			if code, again := callStory(t, a, "POST", "/api/v1/stories", other, map[string]string{"Idempotency-Key": "k1"}); code != 201 || again["id"] == out["id"] {
				t.Fatalf("another teller with the same key: %d %v, want a story of their own", code, again)
			}
			changed := strings.Replace(goodStory, `"title": "`, `"title": "Changed: `, 1)
			if code, again := callStory(t, a, "POST", "/api/v1/stories", changed, map[string]string{"Idempotency-Key": "k1"}); code != 422 || again["code"] != "unprocessable" {
				t.Fatalf("a different story under the same key: %d %v, want 422", code, again)
			}
			for _, tt := range []struct {
				name, body string
				status     int
				want       string
			}{
				{"syntax error", `{"title": "x",}`, 400, "not valid JSON (at byte"},
				{"unknown field", `{"title": "x", "secret_field": 1}`, 400, "secret_field"},
				{"wrong type", `{"title": 42}`, 400, "title must be a string"},
				{"empty body", ``, 400, "The body is empty"},
				{"trailing data", goodStory + `{}`, 400, "data after the JSON"},
				{"missing consent", strings.Replace(goodStory, `"agree": true`, `"agree": false`, 1), 400, "agree"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					code, out := callStory(t, a, "POST", "/api/v1/stories", tt.body, nil)
					b, _ := json.Marshal(out)
					if code != tt.status || !strings.Contains(string(b), tt.want) {
						t.Fatalf("got %d %s, want %d mentioning %q", code, b, tt.status, tt.want)
					}
				})
			}
			if _, n, _ := a.DB.ModerationQueue(ctx, "", 10, 0); n != 2 {
				t.Fatalf("%d stories stored, want 2 (one per teller)", n)
			}

			// Moderation through the API with a bearer token.
			if err := a.DB.ConfirmStory(ctx, id); err != nil {
				t.Fatal(err)
			}
			mod := &jigsaw.User{Email: "mod@example.org", Role: jigsaw.RoleModerator}
			a.DB.CreateUser(ctx, mod)
			token, _ := a.Server.Auth.CreateAPIToken(ctx, mod, "test")
			bearer := map[string]string{"Authorization": "Bearer " + token}
			path := "/api/v1/stories/" + strconv.FormatInt(id, 10)
			// The queue, through the API as on the pages: no personal data.
			code, queue := callStory(t, a, "GET", "/api/v1/moderation", "", bearer)
			if qb, _ := json.Marshal(queue); code != 200 || queue["total"] != 1.0 || strings.Contains(string(qb), "api.teller") {
				t.Fatalf("moderation queue: %d %s", code, qb)
			}
			if code, _ := callStory(t, a, "GET", "/api/v1/moderation?status=maybe", "", bearer); code != 400 {
				t.Fatalf("moderation queue with a bad status: %d, want 400", code)
			}
			if code, _ := callStory(t, a, "POST", path+"/publish", "", nil); code != 401 {
				t.Fatalf("publish without a token: %d", code)
			}
			if code, out := callStory(t, a, "POST", path+"/publish", "", bearer); code != 200 {
				t.Fatalf("publish: %d %v", code, out)
			}
			code, got := callStory(t, a, "GET", path, "", nil)
			if code != 200 || got["byline"] != "A patient in Dorchester" || got["title"] != "Cancelled three times" {
				t.Fatalf("published story: %d %v", code, got)
			}
			b, _ := json.Marshal(got)
			if strings.Contains(string(b), "api.teller") || strings.Contains(string(b), "Api Teller") {
				t.Fatalf("API answer carries personal data: %s", b)
			}
			if code, out := callStory(t, a, "POST", path+"/publish", "", bearer); code != 409 {
				t.Fatalf("publishing twice: %d %v, want 409", code, out)
			}
			if code, list := callStory(t, a, "GET", "/api/v1/stories?limit=0", "", nil); code != 400 || !strings.Contains(list["detail"].(string), "limit") {
				t.Fatalf("bad limit: %d %v", code, list)
			}

			// A total past CountCap is a lower bound, and the answer says so.
			if code, list := callStory(t, a, "GET", "/api/v1/stories", "", nil); code != 200 || list["total"] != 1.0 || list["total_is_lower_bound"] != nil {
				t.Fatalf("one story: %d total %v, lower bound %v", code, list["total"], list["total_is_lower_bound"])
			}
			if err := a.DB.ExecRaw(ctx, `INSERT INTO stories (title, body, public_body, kind, status, person_id, submitted_at, published_at, updated_at)
				WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
				SELECT 'bulk', 'b', 'b', 'patient', 'published', person_id, submitted_at, published_at, updated_at FROM seq, stories WHERE id = $2`,
				jigsaw.CountCap+10, id); err != nil {
				t.Fatal(err)
			}
			for _, tt := range []struct {
				query string
				total any
				bound any
			}{{"", float64(jigsaw.CountCap + 1), true}, {"?offset=1000", float64(jigsaw.CountCap + 11), nil}} {
				if code, list := callStory(t, a, "GET", "/api/v1/stories"+tt.query, "", nil); code != 200 || list["total"] != tt.total || list["total_is_lower_bound"] != tt.bound {
					t.Errorf("stories%s: %d total %v, lower bound %v; want %v, %v", tt.query, code, list["total"], list["total_is_lower_bound"], tt.total, tt.bound)
				}
			}
		})
	}
}

// TestStorySubmitLimit submits stories from one address past its hourly
// limit: the one past it gets 429 with Retry-After and stores nothing, a
// refused (invalid) story does not count, and a retry of a story already
// received still answers with it.
func TestStorySubmitLimit(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.SubmitPerHour = 2 })
			if code, _ := callStory(t, a, "POST", "/api/v1/stories", `{"title": 42}`, nil); code != 400 {
				t.Fatalf("invalid story: %d, want 400", code)
			}
			first := ""
			for i := range 2 {
				code, out := callStory(t, a, "POST", "/api/v1/stories", goodStory, map[string]string{"Idempotency-Key": "limit-" + strconv.Itoa(i)})
				if code != 201 {
					t.Fatalf("story %d within the limit: %d %v", i, code, out)
				}
				if i == 0 {
					first = fmt.Sprint(out["id"])
				}
			}
			req, _ := http.NewRequest("POST", a.URL+"/api/v1/stories", strings.NewReader(goodStory))
			req.Header.Set("Content-Type", "application/json")
			resp, err := a.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if ra, _ := strconv.Atoi(resp.Header.Get("Retry-After")); resp.StatusCode != 429 || ra < 1 || ra > 3600 || !strings.Contains(string(body), `"too_many"`) {
				t.Fatalf("story past the limit: %d, Retry-After %q, %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
			}
			if code, out := callStory(t, a, "POST", "/api/v1/stories", goodStory, map[string]string{"Idempotency-Key": "limit-0"}); code != 201 || fmt.Sprint(out["id"]) != first {
				t.Fatalf("retry of the first story past the limit: %d %v, want 201 with id %s", code, out, first)
			}
			if _, n, _ := a.DB.ModerationQueue(context.Background(), "", 10, 0); n != 2 {
				t.Fatalf("%d stories stored, want 2", n)
			}
		})
	}
}

// Behind a proxy all clients reach Jigsaw from one address: with the proxy
// trusted, each client's own address (from X-Forwarded-For) has its own
// submission limit, and what a client writes into the header itself is not
// believed.
func TestStorySubmitLimitBehindAProxy(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", func(c *config.Config) { c.SubmitPerHour = 1; c.TrustedProxies = "127.0.0.1" })
	submit := func(xff, key string) int {
		code, _ := callStory(t, a, "POST", "/api/v1/stories", goodStory, map[string]string{"Idempotency-Key": key, "X-Forwarded-For": xff})
		return code
	}
	if code := submit("198.51.100.1", "a1"); code != 201 {
		t.Fatalf("first client: %d", code)
	}
	if code := submit("198.51.100.2", "b1"); code != 201 {
		t.Fatalf("second client behind the same proxy: %d, want 201", code)
	}
	if code := submit("198.51.100.1", "a2"); code != 429 {
		t.Fatalf("first client again: %d, want 429", code)
	}
	if code := submit("203.0.113.66, 198.51.100.1", "a3"); code != 429 {
		t.Fatalf("first client naming another address first: %d, want 429", code)
	}
}
