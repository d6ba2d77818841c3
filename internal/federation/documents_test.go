package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"jigsaw"
	"jigsaw/internal/federation"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// get fetches path from the app with the Accept header given and returns
// the answer, its body read.
func get(t *testing.T, a *testrig.TestApp, path, accept string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", a.URL+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := a.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func getJSON(t *testing.T, a *testrig.TestApp, path string, wantType string) map[string]any {
	t.Helper()
	resp, b := get(t, a, path, "application/activity+json")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), wantType) {
		t.Fatalf("GET %s: %d %s, want 200 %s: %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), wantType, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return m
}

const activityJSON = "application/activity+json"

// TestDocuments reads the instance's documents as a peer does, from a
// running server: WebFinger, NodeInfo, the actor, the outbox and objects.
func TestDocuments(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, store.SQLite, nil)
	base := a.Config.BaseURL
	host := strings.TrimPrefix(base, "http://")
	actor := base + "/actor"

	// 23 published stories, one awaiting review, one withdrawn.
	newStory := func(i int, status jigsaw.StoryStatus) int64 {
		s := &jigsaw.Story{Title: fmt.Sprintf("Story %d", i), Body: "b", PublicBody: "The text.", Kind: jigsaw.StoryPatient,
			Status: status, Byline: "A patient", PublishedAt: time.Date(2026, 4, 1, 9, i, 0, 0, time.UTC)}
		if status != jigsaw.StoryPublished {
			s.PublishedAt = time.Time{}
		}
		if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	var published []int64
	for i := range 23 {
		published = append(published, newStory(i, jigsaw.StoryPublished))
	}
	pending := newStory(30, jigsaw.StoryAwaitingReview)
	withdrawn := newStory(31, jigsaw.StoryWithdrawn)

	t.Run("WebFinger", func(t *testing.T) {
		for _, res := range []string{"acct:instance@" + host, "acct:INSTANCE@" + strings.ToUpper(host), actor} {
			j := getJSON(t, a, "/.well-known/webfinger?resource="+url.QueryEscape(res), "application/jrd+json")
			links, _ := j["links"].([]any)
			self := map[string]any{}
			for _, l := range links {
				if l.(map[string]any)["rel"] == "self" {
					self = l.(map[string]any)
				}
			}
			if j["subject"] != "acct:instance@"+host || self["type"] != activityJSON || self["href"] != actor {
				t.Errorf("%s: %v", res, j)
			}
		}
		for _, tt := range []struct {
			query string
			want  int
			field string
		}{
			{"", 400, "resource"},
			{"?resource=", 400, "resource"},
			{"?resource=instance", 400, "resource"},
			{"?resource=acct:instance", 400, "resource"},
			{"?resource=acct:bob@" + url.QueryEscape(host), 404, ""},
			{"?resource=acct:instance@other.example", 404, ""},
			{"?resource=" + url.QueryEscape(base+"/users/bob"), 404, ""},
		} {
			resp, b := get(t, a, "/.well-known/webfinger"+tt.query, "")
			if resp.StatusCode != tt.want || !strings.Contains(string(b), tt.field) {
				t.Errorf("webfinger%s: %d %s, want %d naming %q", tt.query, resp.StatusCode, b, tt.want, tt.field)
			}
		}
	})

	t.Run("NodeInfo", func(t *testing.T) {
		links := getJSON(t, a, "/.well-known/nodeinfo", "application/json")
		l := links["links"].([]any)[0].(map[string]any)
		if l["rel"] != "http://nodeinfo.diaspora.software/ns/schema/2.1" || l["href"] != base+"/nodeinfo/2.1" {
			t.Fatalf("nodeinfo links: %v", links)
		}
		resp, b := get(t, a, "/nodeinfo/2.1", "")
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.Contains(ct, "nodeinfo.diaspora.software/ns/schema/2.1") {
			t.Fatalf("nodeinfo: %d %s", resp.StatusCode, ct)
		}
		c := jsonschema.NewCompiler()
		schemaDoc, err := os.ReadFile("testdata/nodeinfo-2.1.schema.json")
		if err != nil {
			t.Fatal(err)
		}
		sd, _ := jsonschema.UnmarshalJSON(bytes.NewReader(schemaDoc))
		if err := c.AddResource("nodeinfo-2.1.json", sd); err != nil {
			t.Fatal(err)
		}
		schema, err := c.Compile("nodeinfo-2.1.json")
		if err != nil {
			t.Fatal(err)
		}
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err := schema.Validate(inst); err != nil {
			t.Errorf("NodeInfo does not meet its schema: %v\n%s", err, b)
		}
		var ni struct {
			Software struct{ Name string }
			Usage    struct{ LocalPosts int }
			Metadata struct{ NodeName string }
		}
		json.Unmarshal(b, &ni)
		if ni.Software.Name != "jigsaw" || ni.Usage.LocalPosts != 23 || ni.Metadata.NodeName != "Jigsaw" {
			t.Errorf("nodeinfo: %s", b)
		}
	})

	t.Run("Actor", func(t *testing.T) {
		for _, accept := range []string{activityJSON, `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, ""} {
			resp, b := get(t, a, "/actor", accept)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), activityJSON) {
				t.Fatalf("actor for %q: %d %s", accept, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var doc struct {
				ID, Type, PreferredUsername, Name, Inbox, Outbox, Followers, Following, URL string
				Endpoints                                                                   struct{ SharedInbox string }
				PublicKey                                                                   struct{ ID, Owner, PublicKeyPem string }
				ManuallyApprovesFollowers                                                   *bool
				Discoverable                                                                *bool
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			pem, _ := a.FedKeys.PublicKeyPEM(ctx)
			if doc.ID != actor || doc.Type != "Application" || doc.PreferredUsername != "instance" || doc.Name == "" ||
				doc.Inbox != actor+"/inbox" || doc.Outbox != actor+"/outbox" || doc.Followers != actor+"/followers" ||
				doc.Following != actor+"/following" || doc.Endpoints.SharedInbox != base+"/inbox" || doc.URL != base+"/" ||
				doc.PublicKey.ID != actor+"#main-key" || doc.PublicKey.Owner != actor || doc.PublicKey.PublicKeyPem != pem ||
				doc.ManuallyApprovesFollowers == nil || *doc.ManuallyApprovesFollowers || doc.Discoverable == nil || !*doc.Discoverable {
				t.Errorf("actor: %s", b)
			}
			if _, err := federation.ParsePublicKey(doc.PublicKey.PublicKeyPem); err != nil {
				t.Errorf("the actor's key: %v", err)
			}
		}
		resp, _ := get(t, a, "/actor", "text/html,application/xhtml+xml,*/*;q=0.8")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"/about" {
			t.Errorf("a browser's /actor: %d to %q, want 303 to /about", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	t.Run("Outbox", func(t *testing.T) {
		col := getJSON(t, a, "/actor/outbox", activityJSON)
		if col["type"] != "OrderedCollection" || col["totalItems"] != 23.0 || col["first"] != actor+"/outbox?page=true" {
			t.Fatalf("outbox: %v", col)
		}
		var ids []string
		next := "/actor/outbox?page=true"
		for pages := 0; next != ""; pages++ {
			if pages > 3 {
				t.Fatal("the outbox does not end")
			}
			page := getJSON(t, a, next, activityJSON)
			if page["type"] != "OrderedCollectionPage" || page["partOf"] != actor+"/outbox" {
				t.Fatalf("page: %v", page)
			}
			for _, it := range page["orderedItems"].([]any) {
				act := it.(map[string]any)
				if act["type"] != "Create" || act["actor"] != actor {
					t.Errorf("outbox item %v", act)
				}
				ids = append(ids, act["object"].(map[string]any)["id"].(string))
			}
			next, _ = page["next"].(string)
			next = strings.TrimPrefix(next, base)
		}
		var want []string
		for i := len(published) - 1; i >= 0; i-- {
			want = append(want, fmt.Sprintf("%s/ap/story/%d", base, published[i]))
		}
		if fmt.Sprint(ids) != fmt.Sprint(want) {
			t.Errorf("outbox objects\n%v\nwant, newest first,\n%v", ids, want)
		}
		resp, b := get(t, a, "/actor/outbox?page=true&max_id=story-x", "")
		if resp.StatusCode != 400 || !strings.Contains(string(b), "max_id") {
			t.Errorf("a bad max_id: %d %s, want 400 naming max_id", resp.StatusCode, b)
		}
	})

	t.Run("Objects", func(t *testing.T) {
		obj := getJSON(t, a, fmt.Sprintf("/ap/story/%d", published[0]), activityJSON)
		if obj["type"] != "Article" || obj["name"] != "Story 0" || obj["url"] != fmt.Sprintf("%s/stories/%d", base, published[0]) {
			t.Errorf("object: %v", obj)
		}
		for _, path := range []string{fmt.Sprintf("/ap/story/%d", pending), fmt.Sprintf("/ap/story/%d", withdrawn),
			"/ap/story/999999", "/ap/story/abc", "/ap/story/-1", "/ap/person/1", "/ap/danger/1", "/ap/event/1"} {
			if resp, b := get(t, a, path, activityJSON); resp.StatusCode != 404 {
				t.Errorf("%s: %d %s, want 404", path, resp.StatusCode, b)
			}
		}
		resp, _ := get(t, a, fmt.Sprintf("/ap/story/%d", published[0]), "text/html")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("%s/stories/%d", base, published[0]) {
			t.Errorf("a browser's object: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}
