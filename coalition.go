package jigsaw

import (
	"net"
	"net/url"
	"strings"
	"time"
)

// Follower is an actor on another server (a Jigsaw instance, a Mastodon
// account) that follows this instance and receives its public changes.
type Follower struct {
	ID          int64
	Actor       string // the actor's URL
	Inbox       string
	SharedInbox string // "" when the server has none
	Domain      string // the actor's host
	FollowID    string // the id of the Follow activity we accepted
	AcceptedAt  time.Time
}

// DeliveryInbox is where the follower's deliveries go: the shared inbox
// when the server has one, so that one delivery serves all its followers.
func (f *Follower) DeliveryInbox() string {
	if f.SharedInbox != "" {
		return f.SharedInbox
	}
	return f.Inbox
}

// FollowState is what became of a Follow this instance sent.
type FollowState string

// The states of a Follow sent.
const (
	FollowPending  FollowState = "pending"
	FollowAccepted FollowState = "accepted"
	FollowRejected FollowState = "rejected"
)

// Following is an instance this one follows (or asked to).
type Following struct {
	ID        int64
	Actor     string // the followed actor's URL
	Inbox     string
	Domain    string
	State     FollowState
	FollowID  string // the id of our Follow activity
	CreatedAt time.Time
	UpdatedAt time.Time
}

// RemoteItem is a public item an instance we follow sent us: shown "from
// the coalition", marked with its origin, never mixed with local records.
type RemoteItem struct {
	ID       int64
	ObjectID string // the object's id on its origin (unique)
	Actor    string // the actor that sent it
	Domain   string // the origin's host
	// Kind is the Jigsaw kind ("story", "danger", "dispute", "event") when
	// the origin is a Jigsaw instance that says so; "" otherwise.
	Kind       string
	Type       string // the ActivityStreams type: Note, Article, Event
	Name       string
	Summary    string
	Content    string // sanitised HTML
	Plain      string // Content's text, which the search indexes
	URL        string // the item's page on its origin
	Published  time.Time
	Updated    time.Time // zero when never updated
	ReceivedAt time.Time
}

// RemoteItemFilter selects remote items. Query searches names and text
// with the site search's rules; Domain keeps one origin's.
type RemoteItemFilter struct {
	Query  string
	Domain string
	Limit  int
	Offset int
}

// RemoteDomain is an origin of remote items and how many it sent.
type RemoteDomain struct {
	Domain string
	Items  int
}

// DomainBlock is a domain an admin refused: its followers and items are
// removed and its inbox posts refused, its subdomains' with it.
type DomainBlock struct {
	Domain    string
	Reason    string
	BlockedBy string // the admin's email
	BlockedAt time.Time
}

// NormalizeDomain returns a host as blocks and origins are compared: lower
// case, without a trailing dot, with its port when it has one (as Mastodon
// keeps domains). It returns "" for something that is not a host.
func NormalizeDomain(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	u, err := url.Parse("//" + s)
	if err != nil || u.Host != s || u.Hostname() == "" || len(s) > 253 {
		return ""
	}
	if h := u.Hostname(); strings.HasSuffix(h, ".") {
		return strings.Replace(s, h, strings.TrimSuffix(h, "."), 1)
	}
	return s
}

// DomainAndParents returns the domains whose block covers host: itself,
// its host name without the port, and each parent domain of that
// ("a.example.org:8080", "a.example.org", "example.org", "org").
func DomainAndParents(host string) []string {
	host = NormalizeDomain(host)
	if host == "" {
		return nil
	}
	out := []string{host}
	name := host
	if u, err := url.Parse("//" + host); err == nil && u.Port() != "" {
		name = u.Hostname()
		out = append(out, name)
	}
	if strings.HasPrefix(name, "[") || net.ParseIP(name) != nil {
		return out
	}
	for i := strings.IndexByte(name, '.'); i >= 0; i = strings.IndexByte(name, '.') {
		name = name[i+1:]
		out = append(out, name)
	}
	return out
}

// Validate checks a block before it is stored.
func (b *DomainBlock) Validate() error {
	fields := map[string]string{}
	if d := NormalizeDomain(b.Domain); d == "" {
		fields["domain"] = "must be a host name, e.g. social.example.org."
	} else {
		b.Domain = d
	}
	if len(b.Reason) > 500 {
		fields["reason"] = "must be at most 500 characters."
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "The block is not valid.", Fields: fields}
	}
	return nil
}
