package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/server/respond"
)

// FuzzDecode feeds arbitrary bodies to the API's JSON reader: it must never
// panic, and must answer every bad body with a client error, never a 500.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"title": "x"}`, `{"title": 1}`, `{"organisations": [1, "a"]}`, `{`, `[]`, `{"a":1}{}`, `null`, "\xff",
		`{"title": "nul\u0000title"}`, `{"key_issues": ["a", "\u0000"]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/v1/stories", strings.NewReader(body))
		var in StoryIn
		err := decode(r, &in)
		if err == nil {
			// What is decoded holds no NUL character: PostgreSQL could
			// not store it.
			for _, v := range append([]string{in.Title, in.Body, in.Kind, in.District, in.Area, in.HappenedOn, in.Name, in.Email,
				in.Phone, in.Postcode, in.PublishAs, in.PublishName}, in.KeyIssues...) {
				if strings.ContainsRune(v, 0) {
					t.Fatalf("decode(%q) let a NUL character through", body)
				}
			}
			return
		}
		if jigsaw.ErrorCode(err) != jigsaw.EINVALID {
			t.Fatalf("decode(%q): %v is not EINVALID", body, err)
		}
		if st := respond.Status(err); st != 400 {
			t.Fatalf("decode(%q): status %d", body, st)
		}
	})
}
