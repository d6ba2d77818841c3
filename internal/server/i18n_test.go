package server_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// The page cache keeps a page once per language: a Welsh page is never the
// answer to a reader of English, nor the other way round, and every answer,
// fresh or cached, says its language and what chose it.
func TestPageCacheLanguage(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, store.SQLite, nil)
	st := &jigsaw.Story{Title: "Cached story", Body: "b", PublicBody: "b", Kind: jigsaw.StoryPatient, Status: jigsaw.StoryPublished, PublishedAt: time.Now()}
	if err := a.DB.CreateStory(ctx, st, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
		t.Fatal(err)
	}
	path := "/stories/" + strconv.FormatInt(st.ID, 10)
	type answer struct {
		hit, lang, cookie, body string
	}
	fetch := func(path string, header ...string) answer {
		t.Helper()
		req, _ := http.NewRequest("GET", a.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s %v: status %d", path, header, resp.StatusCode)
		}
		if v := resp.Header.Get("Vary"); !strings.Contains(v, "Accept-Language") || !strings.Contains(v, "Cookie") {
			t.Errorf("GET %s %v: Vary %q, want Accept-Language and Cookie", path, header, v)
		}
		ans := answer{resp.Header.Get("X-Cache"), resp.Header.Get("Content-Language"), resp.Header.Get("Set-Cookie"), string(b)}
		if !strings.Contains(ans.body, `<html lang="`+ans.lang+`">`) {
			t.Errorf("GET %s %v: Content-Language %q but the page is not <html lang=%q>", path, header, ans.lang, ans.lang)
		}
		return ans
	}
	steps := []struct {
		name     string
		path     string
		header   []string
		hit      string
		lang     string
		setsLang string
	}{
		{"English, first", path, nil, "", "en-GB", ""},
		{"Welsh by Accept-Language: not the English page", path, []string{"Accept-Language", "cy-GB,cy;q=0.9,en;q=0.5"}, "", "cy", ""},
		{"Welsh again: from the cache", path, []string{"Accept-Language", "cy"}, "hit", "cy", ""},
		{"English again: from the cache, still English", path, []string{"Accept-Language", "en-GB"}, "hit", "en-GB", ""},
		{"the cookie chooses Welsh", path, []string{"Cookie", "lang=cy"}, "hit", "cy", ""},
		{"the cookie wins over Accept-Language", path, []string{"Cookie", "lang=en", "Accept-Language", "cy"}, "hit", "en-GB", ""},
		{"?lang=cy sets the cookie", path + "?lang=cy", []string{"Accept-Language", "en"}, "", "cy", "lang=cy"},
		{"?lang=en wins over the cookie", path + "?lang=en", []string{"Cookie", "lang=cy"}, "", "en-GB", "lang=en"},
	}
	for _, s := range steps {
		got := fetch(s.path, s.header...)
		if got.hit != s.hit || got.lang != s.lang {
			t.Errorf("%s: X-Cache %q Content-Language %q, want %q %q", s.name, got.hit, got.lang, s.hit, s.lang)
		}
		if s.setsLang == "" && strings.Contains(got.cookie, "lang=") || s.setsLang != "" && !strings.HasPrefix(got.cookie, s.setsLang+";") {
			t.Errorf("%s: Set-Cookie %q, want %q", s.name, got.cookie, s.setsLang)
		}
		if s.setsLang != "" && (!strings.Contains(got.cookie, "Path=/") || !strings.Contains(got.cookie, "SameSite=Lax") || !strings.Contains(got.cookie, "Max-Age=31536000")) {
			t.Errorf("%s: Set-Cookie %q, want Path=/, SameSite=Lax and a year", s.name, got.cookie)
		}
	}
}
