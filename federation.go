package jigsaw

import "time"

// RemoteActor is an ActivityPub actor of another server (a Jigsaw instance,
// a Mastodon account…) as last fetched: what is needed to check its
// signatures and to deliver to it. Only public data of the peer's.
type RemoteActor struct {
	ID                string // the actor's URL
	KeyID             string // its publicKey's id
	PublicKeyPEM      string
	Inbox             string
	SharedInbox       string // "" when it has none
	PreferredUsername string
	Domain            string // the host of ID, lower case
	FetchedAt         time.Time
}

// DeliveryInbox is where to deliver to the actor: its shared inbox when it
// has one, so that one post reaches every follower on its server.
func (a *RemoteActor) DeliveryInbox() string {
	if a.SharedInbox != "" {
		return a.SharedInbox
	}
	return a.Inbox
}

// InstanceKey is a key pair of the instance actor. The private key never
// leaves the server: no page, export or API answer carries it.
type InstanceKey struct {
	ID            int64
	PrivateKeyPEM string // PKCS #8
	PublicKeyPEM  string // PKIX
	CreatedAt     time.Time
	// RetiredAt is when a newer key replaced this one (zero for the
	// current key). A retired key is kept a day, then deleted.
	RetiredAt time.Time
}

// PublicItemRef names a public item (a published story or danger, a
// dispute, a public event) by its kind ("story", "danger", "dispute",
// "event") and id, with when it was first public: an entry of the instance
// actor's outbox.
type PublicItemRef struct {
	Kind string
	ID   int64
	At   time.Time
}
