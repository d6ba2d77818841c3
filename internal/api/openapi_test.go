package api_test

import (
	"encoding/json"
	"io"
	"slices"
	"sort"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/api"
	"jigsaw/internal/server/respond"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

func choices[T ~string](c []jigsaw.Choice[T]) []string {
	var out []string
	for _, x := range c {
		out = append(out, string(x.Value))
	}
	return out
}

// The document is valid OpenAPI 3.1, names every /api/v1 route of the
// server with the role it needs and no other, and agrees with the code on
// enums and problem types.
func TestOpenAPIDocument(t *testing.T) {
	if err := testrig.APIDocumentProblems(); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI  string                                `json:"openapi"`
		Paths    map[string]map[string]json.RawMessage `json:"paths"`
		Problems []struct {
			Code, Title string
			Status      int
		} `json:"x-jigsaw-problems"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum  []string `json:"enum"`
					Items *struct {
						Enum []string `json:"enum"`
					} `json:"items"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(api.Document, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}

	a := testrig.StartApp(t, store.SQLite, nil)
	t.Run("routes", func(t *testing.T) {
		documented := map[string]string{} // "GET /api/v1/x" → role
		for path, item := range doc.Paths {
			for method, raw := range item {
				if method == "parameters" {
					continue
				}
				var op struct {
					Role string `json:"x-jigsaw-role"`
				}
				json.Unmarshal(raw, &op)
				documented[strings.ToUpper(method)+" "+path] = op.Role
			}
		}
		var missing []string
		for _, r := range a.Server.Routes() {
			method, path, _ := strings.Cut(r.Pattern, " ")
			if !strings.HasPrefix(path, "/api/v1/") {
				continue
			}
			role, ok := documented[r.Pattern]
			if !ok {
				missing = append(missing, r.Pattern)
				continue
			}
			delete(documented, r.Pattern)
			if want := r.Access.String(); role != want && !(role == "" && want == "public") {
				t.Errorf("%s %s: the document says role %q, the route %q", method, path, role, want)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("routes missing from internal/api/openapi.json: %s", strings.Join(missing, ", "))
		}
		if len(documented) > 0 {
			t.Errorf("the document names routes the server does not have: %v", documented)
		}
	})

	t.Run("enums", func(t *testing.T) {
		for _, tt := range []struct {
			schema, property string
			want             []string
		}{
			{"Story", "kind", choices(jigsaw.StoryKinds)},
			{"StoryIn", "publish_as", choices(jigsaw.PublishAsChoices)},
			{"QueueItem", "status", choices(jigsaw.StoryStatuses)},
			{"TrackerItem", "kind", choices(jigsaw.TrackerKinds)},
			{"TrackerItemIn", "kind", choices(jigsaw.TrackerKinds)},
			{"StatusChangeIn", "status", choices(jigsaw.TrackerStatuses)},
			{"OrgRoleIn", "role", choices(jigsaw.OrgRoles)},
			{"Dispute", "status", choices(jigsaw.DisputeStatuses)},
			{"PartyIn", "role", choices(jigsaw.PartyRoles)},
			{"StepIn", "kind", choices(jigsaw.StepKinds)},
			{"Organisation", "kind", choices(jigsaw.OrgKinds)},
		} {
			if got := doc.Components.Schemas[tt.schema].Properties[tt.property].Enum; !slices.Equal(got, tt.want) {
				t.Errorf("%s.%s: enum %v, want %v", tt.schema, tt.property, got, tt.want)
			}
		}
	})

	t.Run("problem types", func(t *testing.T) {
		seen := map[string]bool{}
		for _, p := range doc.Problems {
			seen[p.Code] = true
			if want := respond.ProblemTitles[p.Code]; p.Title != want {
				t.Errorf("%s: title %q, want %q", p.Code, p.Title, want)
			}
			if want := respond.Status(jigsaw.Errorf(p.Code, "x")); p.Status != want {
				t.Errorf("%s: status %d, want %d", p.Code, p.Status, want)
			}
		}
		for code := range respond.ProblemTitles {
			if !seen[code] {
				t.Errorf("the problem type %s is not explained", code)
			}
		}
	})

	t.Run("served", func(t *testing.T) {
		resp, err := a.Client.Get(a.URL + "/api/v1/openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || string(b) != string(api.Document) {
			t.Errorf("openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		// /api lists every route and the errors; each group's page
		// describes its routes and the shapes they use.
		code, page := a.Get(t, "/api")
		for _, want := range []string{`id="problem-invalid"`, `href="/api?group=stories#listStories"`, `href="/api/v1/openapi.json"`, `href="/api?group=pledges"`} {
			if code != 200 || !strings.Contains(page, want) {
				t.Errorf("/api: %d, want %s on the page", code, want)
			}
		}
		code, page = a.Get(t, "/api?group=representatives")
		for _, want := range []string{`id="listRepresentatives"`, `id="schema-Representative"`, "Unknown fields are refused."} {
			if code != 200 || !strings.Contains(page, want) {
				t.Errorf("/api?group=representatives: %d, want %s on the page", code, want)
			}
		}
		if strings.Contains(page, `id="listStories"`) || strings.Contains(page, `id="schema-Story"`) {
			t.Error("/api?group=representatives describes the stories' routes too")
		}
		if code, page := a.Get(t, "/api?group=nothing"); code != 400 || !strings.Contains(page, "must be one of") {
			t.Errorf("/api?group=nothing: %d, want 400 naming the groups", code)
		}
		if code, home := a.Get(t, "/"); code != 200 || !strings.Contains(home, `<a href="/api">`) {
			t.Errorf("the footer does not link to /api")
		}
	})

	t.Run("problem details", func(t *testing.T) {
		status, m, h := call(t, a.Client, "GET", a.URL+"/api/v1/stories?kind=saga", nil)
		if status != 400 || h.Get("Content-Type") != "application/problem+json" || m["type"] != "/api#problem-invalid" ||
			m["status"] != float64(400) || m["instance"] != "/api/v1/stories" || m["code"] != "invalid" || fieldsOf(m)["kind"] == nil ||
			!strings.Contains(m["detail"].(string), "kind") || m["request_id"] == "" {
			t.Fatalf("a bad filter: %d %s %v", status, h.Get("Content-Type"), m)
		}
	})
}
