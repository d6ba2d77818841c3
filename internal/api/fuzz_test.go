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
	for _, s := range []string{`{"title": "x"}`, `{"title": 1}`, `{"organisations": [1, "a"]}`, `{`, `[]`, `{"a":1}{}`, `null`, "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/v1/stories", strings.NewReader(body))
		var in StoryIn
		err := decode(r, &in)
		if err == nil {
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
