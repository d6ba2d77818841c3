package federation

import (
	"context"
	"net/url"
	"strings"
	"time"

	"jigsaw"
)

// remoteTypes are the object types kept as remote items.
var remoteTypes = map[string]bool{"Note": true, "Article": true, "Event": true, "Page": true}

// jigsawKinds are the kinds a Jigsaw instance's object ids name
// (BASE/ap/{kind}/{id}).
var jigsawKinds = map[string]bool{jigsaw.ChangeStory: true, jigsaw.ChangeDanger: true, jigsaw.ChangeDispute: true, jigsaw.ChangeEvent: true}

// onObject takes a Create or Update of an object from an actor we follow
// (or asked to: its Accept may still be on its way): a public Note,
// Article, Event or Page of its own server becomes a remote item. Anything
// else — from an actor we do not follow, an object given by id only, one
// not public, one of another server — is ignored.
func (s *Social) onObject(ctx context.Context, a *activity) error {
	if a.Object.Fields == nil || !remoteTypes[a.Object.Type] || hostOf(a.Object.ID) != hostOf(a.Actor) || !isPublic(a.Object.Fields) {
		return nil
	}
	f, err := s.DB.FollowingOf(ctx, a.Actor)
	if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND || err == nil && f.State == jigsaw.FollowRejected {
		return nil
	} else if err != nil {
		return err
	}
	return s.DB.PutRemoteItem(ctx, s.remoteItem(a.Actor, a.Object))
}

// onDelete takes a Delete: of an actor, everything of it goes; of an
// object, the remote item goes if that actor sent it.
func (s *Social) onDelete(ctx context.Context, a *activity) error {
	if a.Object.ID == a.Actor {
		_, err := s.DB.ForgetActor(ctx, a.Actor)
		return err
	}
	_, err := s.DB.DeleteRemoteItem(ctx, a.Object.ID, a.Actor)
	return err
}

// remoteItem makes a remote item of an object: its HTML sanitised, its
// name and summary as text.
func (s *Social) remoteItem(actor string, o object) *jigsaw.RemoteItem {
	m := o.Fields
	str := func(k string) string { v, _ := m[k].(string); return v }
	content := s.Sanitize(str("content"))
	it := &jigsaw.RemoteItem{
		ObjectID: o.ID, Actor: actor, Domain: hostOf(actor), Type: o.Type,
		Name:      clip(s.Text(str("name")), 300),
		Summary:   clip(s.Text(str("summary")), 1000),
		Content:   content,
		Plain:     s.Text(content),
		URL:       linkOf(m["url"]),
		Published: timeOf(str("published")),
		Updated:   timeOf(str("updated")),
	}
	if u, err := url.Parse(o.ID); err == nil {
		if parts := strings.Split(strings.Trim(u.Path, "/"), "/"); len(parts) >= 3 && parts[len(parts)-3] == "ap" && jigsawKinds[parts[len(parts)-2]] {
			it.Kind = parts[len(parts)-2]
		}
	}
	if it.URL == "" {
		it.URL = o.ID
	}
	return it
}

// linkOf reads an object's url: a string, a Link, or a list of them (an
// HTML page's first, else the first http(s) one).
func linkOf(v any) string {
	type link struct{ href, mediaType string }
	var links []link
	add := func(v any) {
		switch v := v.(type) {
		case string:
			links = append(links, link{v, ""})
		case map[string]any:
			href, _ := v["href"].(string)
			mt, _ := v["mediaType"].(string)
			links = append(links, link{href, mt})
		}
	}
	if list, ok := v.([]any); ok {
		for _, x := range list {
			add(x)
		}
	} else {
		add(v)
	}
	first := ""
	for _, l := range links {
		if u, err := url.Parse(l.href); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			continue
		}
		if l.mediaType == "text/html" {
			return l.href
		}
		if first == "" {
			first = l.href
		}
	}
	return first
}

// timeOf reads an xsd:dateTime; zero if it is not one.
func timeOf(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}
