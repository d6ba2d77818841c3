package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"jigsaw"
	"jigsaw/internal/server/respond"
)

// ActorURL is the instance actor's id at baseURL.
func ActorURL(baseURL string) string { return strings.TrimSuffix(baseURL, "/") + "/actor" }

// ActorUsername is the instance actor's preferredUsername: it is
// acct:instance@HOST to WebFinger.
const ActorUsername = "instance"

// DocumentStore is what the documents read (*store.DB): the site's name
// and public items through the public queries only.
type DocumentStore interface {
	SiteSettings(ctx context.Context) (jigsaw.SiteSettings, error)
	FindPublicStoryByID(ctx context.Context, id int64) (*jigsaw.PublicStory, error)
	FindPublicTrackerItemByID(ctx context.Context, id int64) (*jigsaw.TrackerItem, error)
	FindDisputeByID(ctx context.Context, id int64) (*jigsaw.Dispute, error)
	FindPublicEventByID(ctx context.Context, id int64) (*jigsaw.Event, error)
	PublicItems(ctx context.Context, before *jigsaw.PublicItemRef, limit int) ([]jigsaw.PublicItemRef, error)
	CountPublicItems(ctx context.Context) (map[string]int, error)
}

// Documents answers what other servers read of this one: WebFinger,
// NodeInfo, the instance actor, its outbox and the objects of public items.
type Documents struct {
	Store   DocumentStore
	Keys    *InstanceKeys
	Objects *Builder
	BaseURL string
	Version string // the software's version, for NodeInfo
	// Name and Description stand for the site until an admin sets its own.
	Name, Description string
	Log               *slog.Logger

	mu       sync.Mutex
	counts   map[string]int
	countsAt time.Time
}

// outboxPage is how many activities a page of the outbox holds.
const outboxPage = 20

// countsFor is how long NodeInfo's and the outbox's counts are kept: they
// count every public item, which is not worth doing on every request.
const countsFor = 10 * time.Minute

const (
	// activityJSON is the content type of ActivityPub documents.
	activityJSON = "application/activity+json; charset=utf-8"
	jrdJSON      = "application/jrd+json; charset=utf-8"
	nodeInfo21   = "http://nodeinfo.diaspora.software/ns/schema/2.1"
)

func (d *Documents) base() string  { return strings.TrimSuffix(d.BaseURL, "/") }
func (d *Documents) actor() string { return ActorURL(d.BaseURL) }

func (d *Documents) fail(w http.ResponseWriter, r *http.Request, err error) {
	respond.JSONError(w, r, d.Log, err)
}

func writeJSON(w http.ResponseWriter, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// wantsHTML reports whether r comes from a browser rather than a server:
// it asks for HTML and not for any JSON.
func wantsHTML(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "text/html") && !strings.Contains(a, "json")
}

// HandleWebFinger answers GET /.well-known/webfinger?resource=…: the
// instance actor, named acct:instance@HOST or by its URL.
func (d *Documents) HandleWebFinger(w http.ResponseWriter, r *http.Request) {
	res := r.URL.Query().Get("resource")
	if res == "" {
		d.fail(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Bad query parameter: resource is missing.",
			Fields: map[string]string{"resource": "is missing: give acct:user@host or a URL."}})
		return
	}
	host := hostOf(d.BaseURL)
	subject := "acct:" + ActorUsername + "@" + host
	switch {
	case strings.HasPrefix(strings.ToLower(res), "acct:"):
		user, h, ok := strings.Cut(res[len("acct:"):], "@")
		if !ok || user == "" || h == "" {
			d.fail(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Bad query parameter: resource is not acct:user@host.",
				Fields: map[string]string{"resource": "is not acct:user@host."}})
			return
		}
		if !strings.EqualFold(user, ActorUsername) || !strings.EqualFold(h, host) {
			d.fail(w, r, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no %s here.", res))
			return
		}
	case hostOf(res) != "":
		if strings.TrimSuffix(res, "/") != d.actor() {
			d.fail(w, r, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no %s here.", res))
			return
		}
	default:
		d.fail(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Bad query parameter: resource is neither acct:user@host nor a URL.",
			Fields: map[string]string{"resource": "is neither acct:user@host nor an http(s) URL."}})
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, jrdJSON, map[string]any{
		"subject": subject,
		"aliases": []string{d.actor()},
		"links": []map[string]string{
			{"rel": "self", "type": "application/activity+json", "href": d.actor()},
			{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": d.base() + "/about"},
		},
	})
}

// HandleNodeInfoLinks answers GET /.well-known/nodeinfo: where NodeInfo is.
func (d *Documents) HandleNodeInfoLinks(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, "application/json; charset=utf-8", map[string]any{
		"links": []map[string]string{{"rel": nodeInfo21, "href": d.base() + "/nodeinfo/2.1"}},
	})
}

// HandleNodeInfo answers GET /nodeinfo/2.1. Its one user is the instance
// actor: editors' accounts are not on the fediverse, and organisations are
// records rather than accounts. Its local posts are the public items that
// go out: published stories and dangers, disputes, public events.
func (d *Documents) HandleNodeInfo(w http.ResponseWriter, r *http.Request) {
	counts, err := d.publicCounts(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	name, desc, err := d.site(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	posts := 0
	for _, n := range counts {
		posts += n
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, `application/json; profile="`+nodeInfo21+`#"`, map[string]any{
		"version":           "2.1",
		"software":          map[string]string{"name": "jigsaw", "version": d.Version},
		"protocols":         []string{"activitypub"},
		"services":          map[string][]string{"inbound": {}, "outbound": {"atom1.0", "rss2.0"}},
		"openRegistrations": false,
		"usage": map[string]any{
			"users":      map[string]int{"total": 1, "activeMonth": 1, "activeHalfyear": 1},
			"localPosts": posts,
		},
		"metadata": map[string]any{"nodeName": name, "nodeDescription": desc},
	})
}

// publicCounts counts the public items of each kind, at most once per
// countsFor.
func (d *Documents) publicCounts(ctx context.Context) (map[string]int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.counts != nil && time.Since(d.countsAt) < countsFor {
		return d.counts, nil
	}
	counts, err := d.Store.CountPublicItems(ctx)
	if err != nil {
		return nil, err
	}
	d.counts, d.countsAt = counts, time.Now()
	return counts, nil
}

func (d *Documents) site(ctx context.Context) (name, description string, err error) {
	set, err := d.Store.SiteSettings(ctx)
	if err != nil {
		return "", "", err
	}
	name, description = d.Name, d.Description
	if set.Name != "" {
		name = set.Name
	}
	if set.Description != "" {
		description = set.Description
	}
	return name, description, nil
}

// HandleActor answers GET /actor: the instance actor, an Application. A
// browser is sent to the about page.
func (d *Documents) HandleActor(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Vary", "Accept")
	if wantsHTML(r) {
		http.Redirect(w, r, d.base()+"/about", http.StatusSeeOther)
		return
	}
	name, desc, err := d.site(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	pub, err := d.Keys.PublicKeyPEM(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	actor := d.actor()
	writeJSON(w, activityJSON, map[string]any{
		"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1", map[string]string{
			"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
			"toot":                      "http://joinmastodon.org/ns#",
			"discoverable":              "toot:discoverable",
		}},
		"id":                        actor,
		"type":                      "Application",
		"preferredUsername":         ActorUsername,
		"name":                      name,
		"summary":                   "<p>" + html.EscapeString(desc) + "</p>",
		"url":                       d.base() + "/",
		"inbox":                     actor + "/inbox",
		"outbox":                    actor + "/outbox",
		"followers":                 actor + "/followers",
		"following":                 actor + "/following",
		"endpoints":                 map[string]string{"sharedInbox": d.base() + "/inbox"},
		"publicKey":                 map[string]string{"id": d.Keys.KeyID, "owner": actor, "publicKeyPem": pub},
		"manuallyApprovesFollowers": false,
		"discoverable":              true,
	})
}

// HandleOutbox answers GET /actor/outbox: an OrderedCollection of the
// Create activities of public items, newest first, in pages (?page=true,
// then ?page=true&max_id=… as each page's next link gives).
func (d *Documents) HandleOutbox(w http.ResponseWriter, r *http.Request) {
	outbox := d.actor() + "/outbox"
	q := r.URL.Query()
	if q.Get("page") == "" && q.Get("max_id") == "" {
		counts, err := d.publicCounts(r.Context())
		if err != nil {
			d.fail(w, r, err)
			return
		}
		total := 0
		for _, n := range counts {
			total += n
		}
		writeJSON(w, activityJSON, map[string]any{
			"@context":   "https://www.w3.org/ns/activitystreams",
			"id":         outbox,
			"type":       "OrderedCollection",
			"totalItems": total,
			"first":      outbox + "?page=true",
		})
		return
	}
	var before *jigsaw.PublicItemRef
	if v := q.Get("max_id"); v != "" {
		ref, ok := parseOutboxCursor(v)
		if !ok {
			d.fail(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Bad query parameter: max_id is not a position in the outbox.",
				Fields: map[string]string{"max_id": "is not a position in the outbox."}})
			return
		}
		before = &ref
	}
	refs, err := d.Store.PublicItems(r.Context(), before, outboxPage)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	items := make([]any, 0, len(refs))
	for _, ref := range refs {
		obj, err := d.object(r.Context(), ref.Kind, ref.ID)
		if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
			continue // withdrawn since it was listed
		} else if err != nil {
			d.fail(w, r, err)
			return
		}
		items = append(items, d.Objects.Activity(jigsaw.ChangeCreate, obj, ref.At))
	}
	self := outbox + "?page=true"
	if before != nil {
		self += "&max_id=" + url.QueryEscape(q.Get("max_id"))
	}
	page := map[string]any{
		"@context":     "https://www.w3.org/ns/activitystreams",
		"id":           self,
		"type":         "OrderedCollectionPage",
		"partOf":       outbox,
		"orderedItems": items,
	}
	if len(refs) == outboxPage {
		page["next"] = outbox + "?page=true&max_id=" + url.QueryEscape(outboxCursor(refs[len(refs)-1]))
	}
	writeJSON(w, activityJSON, page)
}

// outboxCursor writes a position in the outbox: kind, id and the time in
// nanoseconds, "story-12-1712134800000000000".
func outboxCursor(ref jigsaw.PublicItemRef) string {
	return fmt.Sprintf("%s-%d-%d", ref.Kind, ref.ID, ref.At.UnixNano())
}

func parseOutboxCursor(s string) (jigsaw.PublicItemRef, bool) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return jigsaw.PublicItemRef{}, false
	}
	if _, ok := kinds[parts[0]]; !ok {
		return jigsaw.PublicItemRef{}, false
	}
	id, err1 := strconv.ParseInt(parts[1], 10, 64)
	ns, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return jigsaw.PublicItemRef{}, false
	}
	return jigsaw.PublicItemRef{Kind: parts[0], ID: id, At: time.Unix(0, ns).UTC()}, true
}

// object reads a public item through the public queries and builds its
// object; ENOTFOUND for anything not public.
func (d *Documents) object(ctx context.Context, kind string, id int64) (map[string]any, error) {
	var item any
	var err error
	switch kind {
	case KindStory:
		item, err = d.Store.FindPublicStoryByID(ctx, id)
	case KindDanger:
		item, err = d.Store.FindPublicTrackerItemByID(ctx, id)
	case KindDispute:
		item, err = d.Store.FindDisputeByID(ctx, id)
	case KindEvent:
		item, err = d.Store.FindPublicEventByID(ctx, id)
	default:
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no %q here.", kind)
	}
	if err != nil {
		return nil, err
	}
	return d.Objects.Object(item)
}

// HandleObject answers GET /ap/{kind}/{id}: the object of a public story,
// danger, dispute or event; 404 for anything not public. A browser is sent
// to the item's page.
func (d *Documents) HandleObject(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, ok := kinds[kind]; !ok || err != nil || id <= 0 {
		d.fail(w, r, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no such object here."))
		return
	}
	w.Header().Set("Vary", "Accept")
	if wantsHTML(r) {
		http.Redirect(w, r, d.Objects.PageURL(kind, id), http.StatusSeeOther)
		return
	}
	obj, err := d.object(r.Context(), kind, id)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	writeJSON(w, activityJSON, obj)
}
