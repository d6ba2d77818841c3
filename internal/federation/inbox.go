package federation

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/server/respond"
)

// MaxInboxBody is the largest activity the inbox reads: Mastodon's own
// limit is far above any real activity, and ours need not be.
const MaxInboxBody = 256 << 10

// SocialStore is what the social layer keeps in the database.
type SocialStore interface {
	AddFollower(ctx context.Context, f *jigsaw.Follower) error
	RemoveFollower(ctx context.Context, actor string) (bool, error)
	FindFollowers(ctx context.Context, limit, offset int) ([]*jigsaw.Follower, int, error)
	FollowerInboxes(ctx context.Context) ([]string, error)
	AddFollowing(ctx context.Context, f *jigsaw.Following, audit *jigsaw.AuditEntry) error
	SetFollowingState(ctx context.Context, actor, followID string, state jigsaw.FollowState) (bool, error)
	RemoveFollowing(ctx context.Context, actor string, audit *jigsaw.AuditEntry) (*jigsaw.Following, error)
	FindFollowing(ctx context.Context) ([]*jigsaw.Following, error)
	FollowingOf(ctx context.Context, actor string) (*jigsaw.Following, error)
	PutRemoteItem(ctx context.Context, it *jigsaw.RemoteItem) error
	DeleteRemoteItem(ctx context.Context, objectID, actor string) (bool, error)
	ForgetActor(ctx context.Context, actor string) (bool, error)
	KnowsActor(ctx context.Context, actor string) (bool, error)
	DomainBlocked(ctx context.Context, host string) (bool, error)
	SeeActivity(ctx context.Context, id string) (bool, error)
	ForgetActivity(ctx context.Context, id string) error
	EnqueueDeliveries(ctx context.Context, out ...jigsaw.Outgoing) error
	RecordAudit(ctx context.Context, e *jigsaw.AuditEntry) error
}

// RemoteActors is what the social layer asks of the cache of remote
// actors: keys to verify signatures with, and actors' documents.
type RemoteActors interface {
	Lookup(ctx context.Context, keyID string, refresh bool) (crypto.PublicKey, error)
	// ActorForKey returns the actor that owns a key.
	ActorForKey(ctx context.Context, keyID string, refresh bool) (*jigsaw.RemoteActor, error)
	// Actor returns an actor's document, cached or fetched.
	Actor(ctx context.Context, id string, refresh bool) (*jigsaw.RemoteActor, error)
}

// Social is the social side of federation: the inbox, followers, the
// instances followed and the fan-out of public changes to followers.
type Social struct {
	DB     SocialStore
	Actors RemoteActors
	// Base is the site's base URL without a trailing slash; the instance
	// actor is Base+"/actor".
	Base string
	// Sanitize cleans the HTML of remote items; Text takes its text.
	Sanitize func(html string) string
	Text     func(html string) string
	Log      *slog.Logger
	Now      func() time.Time
	// Wake tells the delivery runner that something was queued (may be nil).
	Wake func()
	// Documents reads public items as objects (and the actor's document)
	// and wraps them in activities; Keys signs what Client posts (and
	// Client.HTTP reads WebFinger documents).
	Documents *Documents
	Keys      *InstanceKeys
	Client    *Client
	// PlainHTTP looks accounts up over http rather than https (instances
	// on loopback in tests).
	PlainHTTP bool
}

// ActorID is the instance actor's id.
func (s *Social) ActorID() string { return s.Base + "/actor" }

// asPublic is the audience that makes an object public, in its three
// spellings.
var asPublic = map[string]bool{"https://www.w3.org/ns/activitystreams#Public": true, "as:Public": true, "Public": true}

// HandleInbox serves POST /actor/inbox and the shared POST /inbox. It
// answers 202 to what it took or chose to ignore; 415 to a body that is not
// an activity, 413 to one over MaxInboxBody, 400 to malformed JSON (naming
// where), 403 to a blocked domain, 401 to a missing, forged or stale
// signature or one by another actor than the activity's, and 409 to an
// activity id it accepted within the day. A replay is refused rather than
// ignored so that it shows in the sender's log as refused; a server
// that redelivers an activity we took gets a 4xx, which Mastodon and Jigsaw
// both take as final, and stops, which is what it should do.
func (s *Social) HandleInbox(w http.ResponseWriter, r *http.Request) {
	if err := s.inbox(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// inboxStatus is an answer with a status no jigsaw code has.
type inboxStatus struct {
	status int
	msg    string
}

func (e *inboxStatus) Error() string { return e.msg }

func (s *Social) fail(w http.ResponseWriter, r *http.Request, err error) {
	var se *inboxStatus
	if !errors.As(err, &se) {
		respond.JSONError(w, r, s.Log, err)
		return
	}
	p := respond.NewProblem(r, jigsaw.Errorf(jigsaw.EINVALID, "%s", se.msg))
	p.Status = se.status
	w.Header().Set("Content-Type", respond.ProblemContentType)
	w.WriteHeader(se.status)
	json.NewEncoder(w).Encode(p)
}

// isActivityJSON reports whether a Content-Type names an activity:
// application/activity+json, or application/ld+json (whose profile is
// the ActivityStreams one when given).
func isActivityJSON(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case "application/activity+json":
		return true
	case "application/ld+json":
		p, ok := params["profile"]
		return !ok || strings.Contains(p, "https://www.w3.org/ns/activitystreams")
	}
	return false
}

func (s *Social) inbox(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !isActivityJSON(r.Header.Get("Content-Type")) {
		return &inboxStatus{http.StatusUnsupportedMediaType, "An inbox takes application/activity+json or application/ld+json only."}
	}
	if r.ContentLength > MaxInboxBody {
		return jigsaw.Errorf(jigsaw.ETOOLARGE, "An activity may be at most %d bytes.", MaxInboxBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxInboxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return jigsaw.Errorf(jigsaw.ETOOLARGE, "An activity may be at most %d bytes.", MaxInboxBody)
	} else if err != nil {
		return err
	}
	a, err := parseActivity(body)
	if err != nil {
		return err
	}
	host := hostOf(a.Actor)
	if blocked, err := s.DB.DomainBlocked(ctx, host); err != nil {
		return err
	} else if blocked {
		return jigsaw.Errorf(jigsaw.EFORBIDDEN, "This instance does not take activities from %s.", host)
	}
	// Mastodon tells every server it ever met of each account deleted on
	// it; verifying would fetch a key that is gone. Of an actor we know
	// nothing of there is nothing to forget.
	if a.Type == "Delete" && a.Object.ID == a.Actor {
		if known, err := s.DB.KnowsActor(ctx, a.Actor); err != nil || !known {
			return err
		}
	}
	keyID, err := Verify(r, body, s.Actors.Lookup, s.now())
	if err != nil {
		return err
	}
	owner, err := s.Actors.ActorForKey(ctx, keyID, false)
	if err != nil {
		return jigsaw.Errorf(jigsaw.EUNAUTHORIZED, "The signature's key %s has no known owner.", keyID)
	}
	if owner.ID != a.Actor {
		return jigsaw.Errorf(jigsaw.EUNAUTHORIZED, "The activity is signed by %s, not by its actor %s.", owner.ID, a.Actor)
	}
	if fresh, err := s.DB.SeeActivity(ctx, a.ID); err != nil {
		return err
	} else if !fresh {
		return jigsaw.Errorf(jigsaw.ECONFLICT, "The activity %s was received already.", a.ID)
	}
	if err := s.handle(ctx, a); err != nil {
		if c := jigsaw.ErrorCode(err); c == jigsaw.EINTERNAL || c == jigsaw.EUNAVAILABLE || respond.Status(err) >= 500 {
			// Our fault: the sender will retry, which must not be a replay.
			if ferr := s.DB.ForgetActivity(context.WithoutCancel(ctx), a.ID); ferr != nil {
				s.Log.ErrorContext(ctx, "inbox: forget activity", "id", a.ID, "error", ferr)
			}
		}
		return err
	}
	return nil
}

// handle does what an activity asks; what it does not understand or does
// not take from its actor is ignored.
func (s *Social) handle(ctx context.Context, a *activity) error {
	switch a.Type {
	case "Follow":
		return s.onFollow(ctx, a)
	case "Undo":
		return s.onUndo(ctx, a)
	case "Accept", "Reject":
		return s.onAnswer(ctx, a)
	case "Create", "Update":
		return s.onObject(ctx, a)
	case "Delete":
		return s.onDelete(ctx, a)
	}
	return nil
}

// activity is the part of an incoming activity the inbox reads.
type activity struct {
	ID, Type, Actor string
	Object          object
	raw             map[string]any
}

// object is an activity's object, given whole or by its id only.
type object struct {
	ID, Type string
	// Fields is the object's own members; nil when given by id only.
	Fields map[string]any
}

// parseActivity reads an activity, refusing with EINVALID, naming the
// JSON path, what lacks what the inbox needs.
func parseActivity(body []byte) (*activity, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		var se *json.SyntaxError
		msg := "is not a JSON object."
		if errors.As(err, &se) {
			msg = fmt.Sprintf("is not JSON (at byte %d).", se.Offset)
		}
		return nil, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "The activity is malformed: the body " + msg, Fields: map[string]string{"$": msg}}
	}
	a := &activity{raw: m}
	p := jigsaw.Problems{}
	a.ID = absoluteID(m["id"], "id", p)
	if t, ok := m["type"].(string); ok && t != "" {
		a.Type = t
	} else {
		p.Add("type", "must be a string.")
	}
	a.Actor = absoluteID(m["actor"], "actor", p)
	if o, ok := m["object"]; ok {
		a.Object = parseObject(o, "object", p)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return a, nil
}

// parseObject reads an object given whole or by id.
func parseObject(v any, path string, p jigsaw.Problems) object {
	if m, ok := v.(map[string]any); ok {
		o := object{ID: absoluteID(m["id"], path+".id", p), Fields: m}
		if t, ok := m["type"].(string); ok {
			o.Type = t
		}
		return o
	}
	return object{ID: absoluteID(v, path, p)}
}

// absoluteID reads an id (a string, or an object with an id) that must be
// an http(s) URL.
func absoluteID(v any, path string, p jigsaw.Problems) string {
	if m, ok := v.(map[string]any); ok {
		v, path = m["id"], path+".id"
	}
	s, ok := v.(string)
	if !ok {
		p.Add(path, "must be a URL.")
		return ""
	}
	if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.Add(path, "must be an http or https URL.")
		return ""
	}
	return s
}

// audience reads to and cc, each a string or a list.
func audience(m map[string]any) []string {
	var out []string
	for _, k := range []string{"to", "cc"} {
		switch v := m[k].(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func isPublic(m map[string]any) bool {
	for _, a := range audience(m) {
		if asPublic[a] {
			return true
		}
	}
	return false
}

func (s *Social) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
