package federation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"jigsaw"
)

// activityStreams is the JSON-LD context of what we send.
const activityStreams = "https://www.w3.org/ns/activitystreams"

// ChannelActivityPub is the delivery channel of everything federation
// sends, and the name of its consumer of changes.
const ChannelActivityPub = "activitypub"

// newActivityID returns a fresh id for an activity of ours that is not a
// change of an item (a Follow, an Accept): the actor's URL with a random
// fragment, which no one needs to fetch.
func (s *Social) newActivityID(what string) string {
	b := make([]byte, 12)
	rand.Read(b)
	return s.ActorID() + "#" + what + "-" + hex.EncodeToString(b)
}

// send queues an activity of ours to inboxes.
func (s *Social) send(ctx context.Context, summary string, inboxes []string, activity map[string]any) error {
	if _, ok := activity["@context"]; !ok {
		activity["@context"] = activityStreams
	}
	body, err := json.Marshal(activity)
	if err != nil {
		return err
	}
	if err := s.DB.EnqueueDeliveries(ctx, jigsaw.Outgoing{Channel: ChannelActivityPub, ContentType: ContentType,
		Body: body, Summary: summary, Targets: inboxes}); err != nil {
		return err
	}
	if s.Wake != nil {
		s.Wake()
	}
	return nil
}

// onFollow takes a Follow of our actor: the follower is stored and an
// Accept queued to its inbox. Follows of anything else are ignored.
func (s *Social) onFollow(ctx context.Context, a *activity) error {
	if a.Object.ID != s.ActorID() {
		return nil
	}
	actor, err := s.Actors.Actor(ctx, a.Actor, false)
	if err != nil {
		return err
	}
	inbox := actor.Inbox
	f := &jigsaw.Follower{Actor: a.Actor, Inbox: inbox, SharedInbox: actor.SharedInbox, Domain: hostOf(a.Actor), FollowID: a.ID}
	if err := s.DB.AddFollower(ctx, f); err != nil {
		return err
	}
	return s.send(ctx, "Accept Follow of "+a.Actor, []string{inbox}, map[string]any{
		"id": s.newActivityID("accept"), "type": "Accept", "actor": s.ActorID(),
		"object": map[string]any{"id": a.ID, "type": "Follow", "actor": a.Actor, "object": s.ActorID()},
	})
}

// onUndo takes an Undo of a Follow of our actor: the follower goes. Only
// an Undo that carries the Follow is understood (Mastodon's do); other
// Undos (of likes, boosts) are ignored.
func (s *Social) onUndo(ctx context.Context, a *activity) error {
	if a.Object.Type != "Follow" {
		return nil
	}
	p := jigsaw.Problems{}
	if target := parseObject(a.Object.Fields["object"], "object.object", p); target.ID != s.ActorID() {
		return nil
	}
	_, err := s.DB.RemoveFollower(ctx, a.Actor)
	return err
}

// RotateKey replaces the instance key, recording audit (if not nil), and
// tells the followers with an Update of the actor: signed with the new
// key, which their servers fetch on finding that their copy fails.
func (s *Social) RotateKey(ctx context.Context, audit *jigsaw.AuditEntry) error {
	if err := s.Keys.RotateKey(ctx); err != nil {
		return err
	}
	if audit != nil {
		if err := s.DB.RecordAudit(ctx, audit); err != nil {
			return err
		}
	}
	inboxes, err := s.DB.FollowerInboxes(ctx)
	if err != nil || len(inboxes) == 0 {
		return err
	}
	doc, err := s.Documents.ActorDocument(ctx)
	if err != nil {
		return err
	}
	return s.send(ctx, "Update the actor's key", inboxes, map[string]any{
		"@context": doc["@context"], "id": s.newActivityID("update"), "type": "Update", "actor": s.ActorID(),
		"to": []string{Public}, "object": doc,
	})
}

// HandleFollowers answers GET /actor/followers, which the actor names: an
// OrderedCollection that says how many follow this instance but not who,
// as Mastodon answers for an account that hides its network.
func (s *Social) HandleFollowers(w http.ResponseWriter, r *http.Request) {
	_, total, err := s.DB.FindFollowers(r.Context(), 1, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, activityJSON, map[string]any{"@context": activityStreams, "id": s.ActorID() + "/followers",
		"type": "OrderedCollection", "totalItems": total})
}

// HandleFollowing answers GET /actor/following: the instances this one
// follows (they accepted), which are public, as the view from the
// coalition shows their items.
func (s *Social) HandleFollowing(w http.ResponseWriter, r *http.Request) {
	fs, err := s.DB.FindFollowing(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := []string{}
	for _, f := range fs {
		if f.State == jigsaw.FollowAccepted {
			items = append(items, f.Actor)
		}
	}
	writeJSON(w, activityJSON, map[string]any{"@context": activityStreams, "id": s.ActorID() + "/following",
		"type": "OrderedCollection", "totalItems": len(items), "orderedItems": items})
}
