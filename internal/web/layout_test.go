package web_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
	"jigsaw/internal/web"
)

// A page is cut where its own title and content begin and end: what lies
// between is the layout, the same for every story page, and nothing of a
// story is in it.
func TestLayoutParts(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, store.SQLite, nil)
	var layouts [][][]byte
	for _, title := range []string{"Eleven hours on a trolley", "The ward that closed </main> at night"} {
		body := "Two nurses for thirty beds on the night of " + title + "."
		s := &jigsaw.Story{Title: title, Body: body, PublicBody: body, Kind: jigsaw.StoryPatient, Status: jigsaw.StoryPublished,
			Byline: "A patient", PublishedAt: time.Now()}
		if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
			t.Fatal(err)
		}
		code, page := a.Get(t, "/stories/"+itoa(s.ID))
		if code != 200 {
			t.Fatalf("story %d: status %d", s.ID, code)
		}
		parts := web.LayoutParts([]byte(page))
		if len(parts) != 5 {
			t.Fatalf("%q: %d parts, want 5 (layout, title, layout, content, layout)", title, len(parts))
		}
		if got := bytes.Join(parts, nil); string(got) != page {
			t.Fatalf("%q: the parts joined are not the page", title)
		}
		escaped := strings.ReplaceAll(title, "<", "&lt;")
		escaped = strings.ReplaceAll(escaped, ">", "&gt;")
		if !bytes.Contains(parts[1], []byte(escaped)) || !bytes.Contains(parts[3], []byte(escaped)) || !bytes.Contains(parts[3], []byte("Two nurses")) {
			t.Fatalf("%q: the page's own parts lack its title or text: %q, %.200q", title, parts[1], parts[3])
		}
		var layout [][]byte
		for i := 0; i < len(parts); i += 2 {
			if bytes.Contains(parts[i], []byte("nurses")) || bytes.Contains(parts[i], []byte("trolley")) || bytes.Contains(parts[i], []byte("ward")) {
				t.Fatalf("%q: layout part %d holds the story's text: %q", title, i, parts[i])
			}
			layout = append(layout, parts[i])
		}
		if !bytes.Contains(layout[1], []byte(`<nav aria-label="Main">`)) || !bytes.Contains(layout[2], []byte(`<footer class="site">`)) {
			t.Fatalf("%q: the layout parts lack the navigation or the footer: %q", title, layout)
		}
		layouts = append(layouts, layout)
	}
	for i := range layouts[0] {
		if !bytes.Equal(layouts[0][i], layouts[1][i]) {
			t.Fatalf("layout part %d differs between two story pages:\n%q\n%q", 2*i, layouts[0][i], layouts[1][i])
		}
	}
	// What is not a page of the layout is all the page's own.
	if parts := web.LayoutParts([]byte("<p>no layout</p>")); len(parts) != 2 || parts[0] != nil || string(parts[1]) != "<p>no layout</p>" {
		t.Fatalf("a page without the layout: %q", parts)
	}
}
