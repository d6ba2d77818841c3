package web_test

import (
	"net/http"
	"testing"

	"jigsaw/internal/testrig"
)

// A refused filter shows on its list's form at status 400, and the page
// cache, which keeps only 200 answers, does not keep it.
func TestListFilterErrorsNotCached(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", nil)
	cached := func(path string) bool {
		t.Helper()
		var hit bool
		for range 2 {
			resp, err := a.Client.Get(a.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			hit = resp.Header.Get("X-Cache") == "hit"
		}
		return hit
	}
	if !cached("/stories") {
		t.Fatal("/stories is not cached: the check below would prove nothing")
	}
	for _, path := range []string{"/stories?district=BD", "/tracker?kind=x", "/disputes?live=perhaps", "/organisations?kind=club"} {
		resp, err := a.Client.Get(a.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", path, resp.StatusCode)
		}
		if cached(path) {
			t.Errorf("%s: the 400 page was cached", path)
		}
	}
}
