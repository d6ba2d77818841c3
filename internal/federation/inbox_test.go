package federation

import (
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/markdown"
)

func TestIsActivityJSON(t *testing.T) {
	for _, tt := range []struct {
		ct   string
		want bool
	}{
		{"application/activity+json", true},
		{"application/activity+json; charset=utf-8", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{"application/ld+json", true},
		{`application/ld+json; profile="https://example.org/other"`, false},
		{"application/json", false},
		{"text/html", false},
		{"", false},
	} {
		if got := isActivityJSON(tt.ct); got != tt.want {
			t.Errorf("isActivityJSON(%q) = %v, want %v", tt.ct, got, tt.want)
		}
	}
}

// A malformed activity is refused naming where it is wrong.
func TestParseActivityNamesThePath(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		field      string
	}{
		{"not JSON", `{"id": `, "$"},
		{"an array", `[1]`, "$"},
		{"no id", `{"type": "Follow", "actor": "https://a.example/actor", "object": "https://b.example/actor"}`, "id"},
		{"a relative actor", `{"id": "https://a.example/1", "type": "Follow", "actor": "/actor"}`, "actor"},
		{"a number for a type", `{"id": "https://a.example/1", "type": 7, "actor": "https://a.example/actor"}`, "type"},
		{"an object without an id", `{"id": "https://a.example/1", "type": "Create", "actor": "https://a.example/actor", "object": {"type": "Note"}}`, "object.id"},
		{"a javascript URL", `{"id": "javascript:alert(1)", "type": "Delete", "actor": "https://a.example/actor"}`, "id"},
	} {
		_, err := parseActivity([]byte(tt.body))
		if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)[tt.field] == "" {
			t.Errorf("%s: %v (fields %v), want %s naming %q", tt.name, err, jigsaw.FieldErrors(err), jigsaw.EINVALID, tt.field)
		}
	}
	a, err := parseActivity([]byte(`{"id": "https://a.example/1", "type": "Undo", "actor": {"id": "https://a.example/actor"},
		"object": {"id": "https://a.example/f/1", "type": "Follow", "object": "https://b.example/actor"}}`))
	if err != nil || a.Actor != "https://a.example/actor" || a.Object.ID != "https://a.example/f/1" || a.Object.Type != "Follow" {
		t.Fatalf("parse: %+v %v", a, err)
	}
}

// A remote object becomes an item with sanitised HTML, its text, its kind
// when a Jigsaw instance names it, and its HTML page.
func TestRemoteItem(t *testing.T) {
	md := markdown.New()
	s := &Social{Sanitize: md.Sanitize, Text: markdown.Text}
	it := s.remoteItem("https://b.example/actor", object{ID: "https://b.example/ap/danger/12", Type: "Article", Fields: map[string]any{
		"name":      "Ward <b>closure</b>",
		"content":   `<p>The ward &amp; the unit close.</p><script>alert(1)</script><p><a href="javascript:x()">x</a><img src="https://t.example/p.gif"></p>`,
		"url":       []any{map[string]any{"type": "Link", "href": "https://b.example/tracker/12.json", "mediaType": "application/json"}, map[string]any{"type": "Link", "href": "https://b.example/tracker/12", "mediaType": "text/html"}},
		"published": "2025-06-01T09:00:00Z",
		"updated":   "not a time",
	}})
	if it.Kind != "danger" || it.Name != "Ward closure" || it.URL != "https://b.example/tracker/12" || !it.Published.Equal(time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)) ||
		!it.Updated.IsZero() || it.Domain != "b.example" {
		t.Fatalf("item: %+v", it)
	}
	for _, bad := range []string{"<script", "javascript:", "<img"} {
		if strings.Contains(it.Content, bad) {
			t.Errorf("content keeps %q: %s", bad, it.Content)
		}
	}
	if it.Plain != "The ward & the unit close. x" {
		t.Errorf("plain = %q", it.Plain)
	}
	note := s.remoteItem("https://m.example/users/ann", object{ID: "https://m.example/users/ann/statuses/1", Type: "Note", Fields: map[string]any{"content": "<p>hi</p>"}})
	if note.Kind != "" || note.URL != note.ObjectID {
		t.Fatalf("a Mastodon note: %+v", note)
	}
}
