package federation_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/federation"
	"jigsaw/internal/markdown"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

func newBuilder() *federation.Builder {
	return &federation.Builder{BaseURL: "https://jigsaw.example/", Markdown: markdown.New().Render}
}

// mastodonDocs is testdata/mastodon-activitypub.json.
type mastodonDocs struct {
	PropertiesUsed []string
	ConvertedTypes []string
	HashtagExample map[string]any
	CreateExample  map[string]any
}

func readMastodonDocs(t *testing.T) mastodonDocs {
	t.Helper()
	var d mastodonDocs
	b, err := os.ReadFile("testdata/mastodon-activitypub.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// roundTrip is v as a peer reads it: JSON.
func roundTrip(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestObjectShapes holds each kind's object to what Mastodon's
// documentation says it reads: a type it converts, the properties it uses,
// hashtags shaped as its example, and activities with its Create's
// properties.
func TestObjectShapes(t *testing.T) {
	docs := readMastodonDocs(t)
	b := newBuilder()
	published := time.Date(2026, 4, 2, 9, 30, 0, 0, time.UTC)
	start := time.Date(2026, 7, 9, 18, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		kind string
		item any
		typ  string
	}{
		{"story", &jigsaw.PublicStory{ID: 7, Title: "Waiting eleven hours", BodyHTML: "<p>We waited.</p>", Byline: "A patient in Keighley",
			KeyIssues: []string{"safety", "pay-and-conditions"}, PublishedAt: published}, "Article"},
		{"danger", &jigsaw.TrackerItem{ID: 8, Title: "Porters moved to a SubCo", Summary: "Staff **outsourced**.", Published: true,
			KeyIssues: []string{"outsourcing"}, PublishedAt: published, UpdatedAt: published.Add(time.Hour)}, "Article"},
		{"dispute", &jigsaw.Dispute{ID: 9, Title: "Parity for porters", Summary: "A strike for parity.", CreatedAt: published}, "Article"},
		{"event", &jigsaw.Event{ID: 10, Title: "Save our hospital", Description: "A public meeting.", Start: start, End: start.Add(2 * time.Hour),
			Venue: "Keighley Library", Postcode: "BD21 3SX", District: "BD21", CreatedAt: published}, "Event"},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			obj, err := b.Object(tt.item)
			if err != nil {
				t.Fatal(err)
			}
			o := roundTrip(t, obj)
			if o["type"] != tt.typ || !slices.Contains(docs.ConvertedTypes, tt.typ) {
				t.Errorf("type %v, want %s (one Mastodon converts: %v)", o["type"], tt.typ, docs.ConvertedTypes)
			}
			id := "https://jigsaw.example/ap/" + tt.kind + "/"
			if s, _ := o["id"].(string); !strings.HasPrefix(s, id) {
				t.Errorf("id %v, want %s…", o["id"], id)
			}
			for _, p := range []string{"content", "name", "published", "url", "attributedTo", "to", "cc"} {
				if !slices.Contains(docs.PropertiesUsed, p) {
					t.Fatalf("Mastodon's documentation does not list %q", p)
				}
				if o[p] == nil || o[p] == "" {
					t.Errorf("no %s: %v", p, keysOf(o))
				}
			}
			// Mastodon shows an Article or an Event by its name, summary and url.
			if s, _ := o["summary"].(string); !slices.Contains(docs.PropertiesUsed, "summary") || !strings.HasPrefix(s, "<p>") ||
				!strings.HasPrefix(o["content"].(string), s) {
				t.Errorf("summary %q, want the first paragraph of the content %q", o["summary"], o["content"])
			}
			if o["attributedTo"] != "https://jigsaw.example/actor" || !slices.Contains(o["to"].([]any), any(federation.Public)) ||
				!slices.Contains(o["cc"].([]any), any("https://jigsaw.example/actor/followers")) {
				t.Errorf("attributedTo %v, to %v, cc %v", o["attributedTo"], o["to"], o["cc"])
			}
			if u, _ := o["url"].(string); !strings.HasPrefix(u, "https://jigsaw.example/") {
				t.Errorf("url %q is no link back", u)
			}
			if tags, ok := o["tag"].([]any); ok {
				want := keysOf(docs.HashtagExample["tag"].([]any)[0].(map[string]any))
				for _, tag := range tags {
					tm := tag.(map[string]any)
					if got := keysOf(tm); !slices.Equal(got, want) || tm["type"] != "Hashtag" || !strings.HasPrefix(tm["name"].(string), "#") {
						t.Errorf("tag %v, want the shape of Mastodon's %v", tm, docs.HashtagExample["tag"])
					}
				}
				if got, want := roundTrip(t, map[string]any{"c": o["@context"]})["c"], docs.HashtagExample["@context"]; !jsonEqual(got, want) {
					t.Errorf("@context %v, want Mastodon's %v", got, want)
				}
			}
			for _, action := range []jigsaw.ChangeAction{jigsaw.ChangeCreate, jigsaw.ChangeUpdate} {
				a := roundTrip(t, b.Activity(action, obj, published.Add(48*time.Hour)))
				for _, k := range keysOf(docs.CreateExample) {
					if _, ok := a[k]; !ok {
						t.Errorf("%s lacks %q, which Mastodon's Create has", action, k)
					}
				}
				inner := a["object"].(map[string]any)
				if a["type"] != strings.ToUpper(string(action[:1]))+string(action[1:]) || a["actor"] != "https://jigsaw.example/actor" ||
					!strings.HasPrefix(a["id"].(string), o["id"].(string)+"#"+string(action)+"-") || inner["id"] != o["id"] || inner["@context"] != nil {
					t.Errorf("%s: %v", action, a)
				}
				if action == jigsaw.ChangeUpdate && inner["updated"] != "2026-04-04T09:30:00Z" {
					t.Errorf("an Update's object was updated %v, want the time of the update", inner["updated"])
				}
			}
			del := roundTrip(t, b.Activity(jigsaw.ChangeDelete, b.Tombstone(tt.kind, 1), published))
			if tomb := del["object"].(map[string]any); del["type"] != "Delete" || tomb["type"] != "Tombstone" || tomb["formerType"] != tt.typ ||
				tomb["id"] != "https://jigsaw.example/ap/"+tt.kind+"/1" {
				t.Errorf("delete: %v", del)
			}
		})
	}
	ev, _ := b.Object(&jigsaw.Event{ID: 10, Title: "Save our hospital", Start: start, End: start.Add(2 * time.Hour),
		Venue: "Keighley Library", Postcode: "BD21 3SX", District: "BD21"})
	e := roundTrip(t, ev)
	loc, _ := e["location"].(map[string]any)
	if e["startTime"] != "2026-07-09T18:00:00Z" || e["endTime"] != "2026-07-09T20:00:00Z" || loc["type"] != "Place" || loc["name"] != "Keighley Library" {
		t.Errorf("event: startTime %v, endTime %v, location %v", e["startTime"], e["endTime"], loc)
	}
	if b, _ := json.Marshal(ev); strings.Contains(string(b), "3SX") {
		t.Errorf("the event's full postcode went out: %s", b)
	}
	if _, err := b.Object(&jigsaw.Event{ID: 11, Title: "Branch meeting", MembersOnly: true}); err == nil {
		t.Error("a members-only event got an object")
	}
	if _, err := b.Object(&jigsaw.TrackerItem{ID: 12, Title: "A draft"}); err == nil {
		t.Error("a draft danger got an object")
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestObjectsCarryNoPersonalData builds the objects and activities of
// stories read back from the database through the public query: the
// submitter's name (unless they chose to be named), email, phone and
// postcode, and the unredacted text, are in none of them.
func TestObjectsCarryNoPersonalData(t *testing.T) {
	ctx := context.Background()
	db := testrig.MustOpenDB(t, store.SQLite)
	b := newBuilder()
	person := func() *jigsaw.Person {
		return &jigsaw.Person{Name: "Zebedee Quistorp-Vane", Email: "zebedee.qv@example.invalid", Phone: "07700 900123", Postcode: "BD20 6TD"}
	}
	secrets := []string{"zebedee.qv@example.invalid", "07700 900123", "BD20 6TD", "6TD", "Original text"}
	for _, tt := range []struct {
		byline string
		named  bool
	}{{"A patient in Keighley", false}, {"Zebedee Quistorp-Vane", true}} {
		s := &jigsaw.Story{Title: "Waiting eleven hours", Body: "Original text naming Zebedee Quistorp-Vane.",
			PublicBody: "We waited eleven hours in the corridor.", Kind: jigsaw.StoryPatient, District: "BD20", Area: "Keighley",
			Status: jigsaw.StoryPublished, Byline: tt.byline, PublishedAt: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC),
			KeyIssues: []string{"safety"}}
		if err := db.CreateStory(ctx, s, person()); err != nil {
			t.Fatal(err)
		}
		ps, err := db.FindPublicStoryByID(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := b.Object(ps)
		if err != nil {
			t.Fatal(err)
		}
		var out []byte
		for _, v := range []any{obj, b.Activity(jigsaw.ChangeCreate, obj, time.Now()), b.Activity(jigsaw.ChangeUpdate, obj, time.Now()),
			b.Activity(jigsaw.ChangeDelete, b.Tombstone("story", s.ID), time.Now())} {
			j, _ := json.Marshal(v)
			out = append(out, j...)
		}
		check := secrets
		if !tt.named {
			check = append(check, "Zebedee", "Quistorp")
		}
		for _, secret := range check {
			if strings.Contains(string(out), secret) {
				t.Errorf("byline %q: %q went out: %s", tt.byline, secret, out)
			}
		}
		if !strings.Contains(string(out), "We waited eleven hours") || !strings.Contains(string(out), tt.byline) {
			t.Errorf("the public text or the byline is missing: %s", out)
		}
	}
}
