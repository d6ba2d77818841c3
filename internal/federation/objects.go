package federation

import (
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jigsaw"
)

// Public is the audience of everything that goes out: the public.
const Public = "https://www.w3.org/ns/activitystreams#Public"

// The kinds of item that go out, as in their object ids (/ap/{kind}/{id}):
// the change log's.
const (
	KindStory   = jigsaw.ChangeStory
	KindDanger  = jigsaw.ChangeDanger
	KindDispute = jigsaw.ChangeDispute
	KindEvent   = jigsaw.ChangeEvent
)

// kinds maps each kind to its ActivityStreams type and the path of its
// public pages.
var kinds = map[string]struct{ asType, path string }{
	KindStory:   {"Article", "/stories"},
	KindDanger:  {"Article", "/tracker"},
	KindDispute: {"Article", "/disputes"},
	KindEvent:   {"Event", "/events"},
}

// activityContext is the JSON-LD context of what we send: ActivityStreams,
// with the Hashtag term Mastodon uses.
var activityContext = []any{"https://www.w3.org/ns/activitystreams", map[string]string{"Hashtag": "https://www.w3.org/ns/activitystreams#Hashtag"}}

// Builder builds the ActivityStreams objects and activities of public
// items. It reads public views only (jigsaw.PublicStory, and the dangers,
// disputes and events public queries return): a submitter's name, email,
// phone or postcode cannot reach what it builds, and a story carries only
// the byline its public page shows.
type Builder struct {
	BaseURL string
	// Markdown renders Markdown to sanitised HTML (markdown.New().Render).
	Markdown func(string) string
}

func (b *Builder) base() string { return strings.TrimSuffix(b.BaseURL, "/") }

// ObjectID is the id of an item's object: BASE/ap/{kind}/{id}.
func (b *Builder) ObjectID(kind string, id int64) string {
	return b.base() + "/ap/" + kind + "/" + strconv.FormatInt(id, 10)
}

// PageURL is the item's public page, which its object links back to.
func (b *Builder) PageURL(kind string, id int64) string {
	return b.base() + kinds[kind].path + "/" + strconv.FormatInt(id, 10)
}

// Object returns the object of a public item: item is a
// *jigsaw.PublicStory (an Article), a published *jigsaw.TrackerItem (a
// danger: an Article), a *jigsaw.Dispute (an Article) or a public
// *jigsaw.Event (an Event). A members-only event or a draft danger is
// refused, as a bug of the caller's.
//
// An object's summary is the first paragraph of its content: Mastodon shows
// an Article or an Event as its name, summary and url, not its content.
func (b *Builder) Object(item any) (map[string]any, error) {
	var o map[string]any
	switch v := item.(type) {
	case *jigsaw.PublicStory:
		text := v.BodyHTML
		if text == "" {
			text = b.Markdown(v.Body)
		}
		if v.Byline != "" {
			text += "<p>— " + html.EscapeString(v.Byline) + "</p>"
		}
		o = b.object(KindStory, v.ID, v.Title, text, v.PublishedAt, time.Time{}, v.KeyIssues)
	case *jigsaw.TrackerItem:
		if !v.Published {
			return nil, fmt.Errorf("danger %d is not published", v.ID)
		}
		o = b.object(KindDanger, v.ID, v.Title, b.Markdown(v.Summary), v.PublishedAt, v.UpdatedAt, v.KeyIssues)
	case *jigsaw.Dispute:
		text := b.Markdown(v.Summary)
		if v.Outcome != "" {
			text += b.Markdown(v.Outcome)
		}
		o = b.object(KindDispute, v.ID, v.Title, text, v.CreatedAt, v.UpdatedAt, v.KeyIssues)
	case *jigsaw.Event:
		if v.MembersOnly {
			return nil, fmt.Errorf("event %d is for members only", v.ID)
		}
		o = b.object(KindEvent, v.ID, v.Title, b.Markdown(v.Description), v.CreatedAt, v.UpdatedAt, nil)
		o["startTime"] = v.Start.UTC().Format(time.RFC3339)
		if !v.End.IsZero() {
			o["endTime"] = v.End.UTC().Format(time.RFC3339)
		}
		if v.Venue != "" || v.District != "" {
			place := map[string]any{"type": "Place", "name": v.Venue}
			if v.Venue == "" {
				place["name"] = v.District
			}
			if v.District != "" {
				place["address"] = map[string]any{"type": "PostalAddress", "postalCode": v.District}
			}
			o["location"] = place
		}
	default:
		return nil, fmt.Errorf("no ActivityPub object for %T", item)
	}
	return o, nil
}

func (b *Builder) object(kind string, id int64, name, content string, published, updated time.Time, keyIssues []string) map[string]any {
	actor := ActorURL(b.BaseURL)
	o := map[string]any{
		"@context":     activityContext,
		"id":           b.ObjectID(kind, id),
		"type":         kinds[kind].asType,
		"name":         name,
		"content":      content,
		"url":          b.PageURL(kind, id),
		"attributedTo": actor,
		"to":           []string{Public},
		"cc":           []string{actor + "/followers"},
		"mediaType":    "text/html",
	}
	if p := firstParagraph(content); p != "" {
		o["summary"] = p
	}
	if !published.IsZero() {
		o["published"] = published.UTC().Format(time.RFC3339)
	}
	if !updated.IsZero() && updated.After(published) {
		o["updated"] = updated.UTC().Format(time.RFC3339)
	}
	if len(keyIssues) > 0 {
		tags := make([]map[string]string, len(keyIssues))
		for i, slug := range keyIssues {
			tags[i] = map[string]string{"type": "Hashtag", "name": hashtag(slug),
				"href": b.base() + kinds[kind].path + "?issue=" + url.QueryEscape(slug)}
		}
		o["tag"] = tags
	}
	return o
}

// firstParagraph is the first paragraph of content, sanitised HTML, when
// that is how content begins; "" otherwise.
func firstParagraph(content string) string {
	content = strings.TrimSpace(content)
	if !strings.HasPrefix(content, "<p>") {
		return ""
	}
	end := strings.Index(content, "</p>")
	if end < 0 {
		return ""
	}
	return content[:end+len("</p>")]
}

// hashtag turns a key issue's slug into a hashtag: "pay-and-conditions"
// becomes "#PayAndConditions".
func hashtag(slug string) string {
	var b strings.Builder
	b.WriteByte('#')
	for _, w := range strings.FieldsFunc(slug, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// Tombstone is what stands for an item that is no longer public, in a
// Delete: its id and former type only.
func (b *Builder) Tombstone(kind string, id int64) map[string]any {
	return map[string]any{"id": b.ObjectID(kind, id), "type": "Tombstone", "formerType": kinds[kind].asType}
}

// Activity wraps obj (an Object, or a Tombstone for a delete) in a Create,
// Update or Delete by the instance actor at the time at. Its id is the
// object's with "#create-", "#update-" or "#delete-" and the time in
// nanoseconds since 1970, so each announcement has its own. An Update's
// object gets at as its updated time when it has none later: Mastodon
// applies an edit only when the object says when it was made.
func (b *Builder) Activity(action jigsaw.ChangeAction, obj map[string]any, at time.Time) map[string]any {
	actor := ActorURL(b.BaseURL)
	id, _ := obj["id"].(string)
	stamp := at.UTC().Format(time.RFC3339)
	// The object goes in without its own @context, which the activity's
	// covers.
	inner := make(map[string]any, len(obj)+1)
	for k, v := range obj {
		if k != "@context" {
			inner[k] = v
		}
	}
	if u, _ := inner["updated"].(string); action == jigsaw.ChangeUpdate && u < stamp {
		inner["updated"] = stamp
	}
	return map[string]any{
		"@context":  activityContext,
		"id":        id + "#" + string(action) + "-" + strconv.FormatInt(at.UnixNano(), 10),
		"type":      strings.ToUpper(string(action[:1])) + string(action[1:]),
		"actor":     actor,
		"published": stamp,
		"to":        []string{Public},
		"cc":        []string{actor + "/followers"},
		"object":    inner,
	}
}
