package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"jigsaw"
)

// onAnswer takes an Accept or Reject of a Follow we sent: only the actor
// we sent it to can answer it, and only that Follow.
func (s *Social) onAnswer(ctx context.Context, a *activity) error {
	if a.Object.Fields != nil && a.Object.Type != "Follow" {
		return nil
	}
	state := jigsaw.FollowAccepted
	if a.Type == "Reject" {
		state = jigsaw.FollowRejected
	}
	_, err := s.DB.SetFollowingState(ctx, a.Actor, a.Object.ID, state)
	return err
}

// Follow asks the instance target names to let this one follow it, and
// records the Follow as pending with audit (if not nil). target is an
// account (`@instance@host`, `instance@host`), a host (`host`: the Jigsaw
// instance there) or an actor's URL.
func (s *Social) Follow(ctx context.Context, target string, audit *jigsaw.AuditEntry) (*jigsaw.Following, error) {
	actor, err := s.resolve(ctx, target)
	if err != nil {
		return nil, err
	}
	if actor == s.ActorID() {
		return nil, followError("is this instance itself.")
	}
	host := hostOf(actor)
	if blocked, err := s.DB.DomainBlocked(ctx, host); err != nil {
		return nil, err
	} else if blocked {
		return nil, followError(host + " is blocked: unblock it first.")
	}
	doc, err := s.Actors.Actor(ctx, actor, false)
	if err != nil {
		return nil, followError(fmt.Sprintf("names %s, whose actor could not be read: %v", actor, jigsaw.ErrorMessage(err)))
	}
	inbox := doc.Inbox
	f := &jigsaw.Following{Actor: actor, Inbox: inbox, Domain: host, FollowID: s.newActivityID("follow")}
	if audit != nil {
		audit.Detail = actor
	}
	if err := s.DB.AddFollowing(ctx, f, audit); err != nil {
		return nil, err
	}
	return f, s.send(ctx, "Follow "+actor, []string{inbox}, map[string]any{
		"id": f.FollowID, "type": "Follow", "actor": s.ActorID(), "object": actor,
	})
}

// Unfollow stops following actor: the follow is forgotten, with audit (if
// not nil), and an Undo of our Follow queued to it. The items it sent stay.
func (s *Social) Unfollow(ctx context.Context, actor string, audit *jigsaw.AuditEntry) error {
	if audit != nil {
		audit.Detail = actor
	}
	f, err := s.DB.RemoveFollowing(ctx, actor, audit)
	if err != nil {
		return err
	}
	return s.send(ctx, "Undo Follow of "+actor, []string{f.Inbox}, map[string]any{
		"id": s.newActivityID("undo"), "type": "Undo", "actor": s.ActorID(),
		"object": map[string]any{"id": f.FollowID, "type": "Follow", "actor": s.ActorID(), "object": actor},
	})
}

func followError(msg string) error {
	return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "The instance to follow " + msg, Fields: map[string]string{"target": msg}}
}

// resolve turns what an admin typed into an actor's URL: an URL is taken
// as it is; an account is looked up with WebFinger on its host; a bare
// host is the Jigsaw instance there, found as the account instance@host.
func (s *Social) resolve(ctx context.Context, target string) (string, error) {
	target = strings.TrimSpace(target)
	if strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "http://") {
		p := jigsaw.Problems{}
		if id := absoluteID(target, "target", p); id != "" {
			return id, nil
		}
		return "", followError("is not a valid URL.")
	}
	user, host, ok := strings.Cut(strings.TrimPrefix(target, "@"), "@")
	if !ok {
		user, host = "instance", target
	}
	if user == "" || jigsaw.NormalizeDomain(host) == "" {
		return "", followError("must be @account@host, a host name or an actor's URL.")
	}
	return s.webFinger(ctx, user+"@"+jigsaw.NormalizeDomain(host))
}

// webFinger finds the actor of an account (user@host) through the host's
// WebFinger document (RFC 7033).
func (s *Social) webFinger(ctx context.Context, account string) (string, error) {
	_, host, _ := strings.Cut(account, "@")
	scheme := "https"
	if s.PlainHTTP {
		scheme = "http"
	}
	u := scheme + "://" + host + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:"+account)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", followError("must be @account@host, a host name or an actor's URL.")
	}
	req.Header.Set("Accept", "application/jrd+json, application/json")
	resp, err := s.Client.HTTP.Do(req)
	if err != nil {
		return "", followError(fmt.Sprintf("could not be reached: %v", err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", followError(fmt.Sprintf("does not know %s (WebFinger answered %d).", account, resp.StatusCode))
	}
	var jrd struct {
		Links []struct{ Rel, Type, Href string }
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&jrd); err != nil {
		return "", followError("answered WebFinger with something that is not JSON.")
	}
	for _, l := range jrd.Links {
		mt := strings.TrimSpace(strings.Split(l.Type, ";")[0])
		if l.Rel == "self" && (mt == "application/activity+json" || mt == "application/ld+json") {
			p := jigsaw.Problems{}
			if id := absoluteID(l.Href, "href", p); id != "" {
				return id, nil
			}
		}
	}
	return "", followError(fmt.Sprintf("has no ActivityPub actor for %s.", account))
}
