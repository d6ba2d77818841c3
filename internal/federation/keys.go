package federation

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"jigsaw"
	"jigsaw/internal/deliver"
)

// KeyStore keeps the instance actor's key pairs (*store.DB).
type KeyStore interface {
	InstanceKey(ctx context.Context, newKey func() (privatePEM, publicPEM string, err error)) (*jigsaw.InstanceKey, error)
	RotateInstanceKey(ctx context.Context, privatePEM, publicPEM string, keep time.Duration) (*jigsaw.InstanceKey, error)
}

// RetiredKeyKept is how long a replaced key is kept after a rotation.
const RetiredKeyKept = 24 * time.Hour

// keyReread is how often the current key is read again from the database,
// so that a rotation by another process is followed within it.
const keyReread = time.Minute

// InstanceKeys is the instance actor's key pair: made (RSA-2048) on first
// use, kept in the database, read again each minute.
type InstanceKeys struct {
	Store KeyStore
	// KeyID is the key's id in the actor document: BASE/actor#main-key.
	KeyID string

	mu     sync.Mutex
	id     int64
	signer crypto.Signer
	pub    string
	readAt time.Time
}

// NewInstanceKeys returns the keys of the instance at baseURL.
func NewInstanceKeys(store KeyStore, baseURL string) *InstanceKeys {
	return &InstanceKeys{Store: store, KeyID: ActorURL(baseURL) + "#main-key"}
}

// Signer returns the key id and the private key to sign requests with.
func (k *InstanceKeys) Signer(ctx context.Context) (keyID string, key crypto.Signer, err error) {
	if err := k.load(ctx); err != nil {
		return "", nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.KeyID, k.signer, nil
}

// PublicKeyPEM returns the current public key, for the actor document.
func (k *InstanceKeys) PublicKeyPEM(ctx context.Context) (string, error) {
	if err := k.load(ctx); err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.pub, nil
}

func (k *InstanceKeys) load(ctx context.Context) error {
	k.mu.Lock()
	fresh := k.signer != nil && time.Since(k.readAt) < keyReread
	k.mu.Unlock()
	if fresh {
		return nil
	}
	ik, err := k.Store.InstanceKey(ctx, GenerateKey)
	if err != nil {
		return err
	}
	return k.use(ik)
}

// use makes ik the key in use, parsing it unless it already is.
func (k *InstanceKeys) use(ik *jigsaw.InstanceKey) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if ik.ID != k.id || k.signer == nil {
		signer, err := parsePrivateKey(ik.PrivateKeyPEM)
		if err != nil {
			return fmt.Errorf("instance key %d: %w", ik.ID, err)
		}
		k.id, k.signer, k.pub = ik.ID, signer, ik.PublicKeyPEM
	}
	k.readAt = time.Now()
	return nil
}

// RotateKey replaces the instance key with a new one. The old one is kept
// as retired for RetiredKeyKept; the actor document shows the new one at
// once, and peers that cached the old one fetch the new one when a
// signature fails them. Other processes follow within a minute.
func (k *InstanceKeys) RotateKey(ctx context.Context) error {
	priv, pub, err := GenerateKey()
	if err != nil {
		return err
	}
	ik, err := k.Store.RotateInstanceKey(ctx, priv, pub, RetiredKeyKept)
	if err != nil {
		return err
	}
	return k.use(ik)
}

// GenerateKey makes an RSA-2048 key pair, as Mastodon's, in PEM: PKCS #8
// for the private key, PKIX for the public one.
func GenerateKey() (privatePEM, publicPEM string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	priv, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})), nil
}

func parsePrivateKey(s string) (crypto.Signer, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, fmt.Errorf("unsupported private key %T", k)
	}
	return x509.ParsePKCS1PrivateKey(block.Bytes)
}

// ParsePublicKey reads a public key in PEM, as actors publish theirs: PKIX
// ("PUBLIC KEY", RSA or Ed25519) or PKCS #1 ("RSA PUBLIC KEY").
func ParsePublicKey(s string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("the public key is not PEM")
	}
	if block.Type == "RSA PUBLIC KEY" {
		return x509.ParsePKCS1PublicKey(block.Bytes)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	switch k := k.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("an RSA key of %d bits is too weak", k.N.BitLen())
		}
		return k, nil
	case ed25519.PublicKey:
		return k, nil
	}
	return nil, fmt.Errorf("unsupported public key %T", k)
}

// ActorStore caches other servers' actors (*store.DB).
type ActorStore interface {
	FindRemoteActor(ctx context.Context, id string) (*jigsaw.RemoteActor, error)
	FindRemoteActorByKeyID(ctx context.Context, keyID string) (*jigsaw.RemoteActor, error)
	SaveRemoteActor(ctx context.Context, a *jigsaw.RemoteActor) error
}

// ActorMaxAge is how long a cached actor is used before it is fetched again.
const ActorMaxAge = 24 * time.Hour

// FetchInterval is the least time between two fetches of one actor: a flood
// of requests with bad signatures cannot make us fetch in a loop.
const FetchInterval = time.Minute

// ActorKeys finds other servers' actors and keys: from the cache in the
// database, fetched (with a signed GET) when missing, older than
// ActorMaxAge or when a refresh is asked for — at most once per
// FetchInterval per actor. Its Lookup method is a KeyLookup.
type ActorKeys struct {
	Store  ActorStore
	Client *Client
	Keys   *InstanceKeys // signs the fetches
	// Now returns the time; nil means time.Now.
	Now func() time.Time

	mu    sync.Mutex
	tried map[string]time.Time // fetch URL → last fetch
}

func (k *ActorKeys) now() time.Time {
	if k.Now != nil {
		return k.Now()
	}
	return time.Now()
}

// Lookup returns the public key keyID names (see KeyLookup).
func (k *ActorKeys) Lookup(ctx context.Context, keyID string, refresh bool) (crypto.PublicKey, error) {
	a, err := k.ActorForKey(ctx, keyID, refresh)
	if err != nil {
		return nil, err
	}
	return ParsePublicKey(a.PublicKeyPEM)
}

// ActorForKey returns the actor whose key keyID is: after Verify, the actor
// that signed the request, which must be the activity's actor.
func (k *ActorKeys) ActorForKey(ctx context.Context, keyID string, refresh bool) (*jigsaw.RemoteActor, error) {
	cached, err := k.Store.FindRemoteActorByKeyID(ctx, keyID)
	if err != nil && jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		return nil, err
	}
	fetchURL := withoutFragment(keyID)
	if cached != nil {
		if !refresh && k.now().Sub(cached.FetchedAt) < ActorMaxAge {
			return cached, nil
		}
		fetchURL = cached.ID
	}
	return k.fetch(ctx, fetchURL, keyID, cached)
}

// Actor returns the actor at actorURL, from the cache or fetched.
func (k *ActorKeys) Actor(ctx context.Context, actorURL string, refresh bool) (*jigsaw.RemoteActor, error) {
	cached, err := k.Store.FindRemoteActor(ctx, actorURL)
	if err != nil && jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		return nil, err
	}
	if cached != nil && !refresh && k.now().Sub(cached.FetchedAt) < ActorMaxAge {
		return cached, nil
	}
	return k.fetch(ctx, actorURL, "", cached)
}

// fetch fetches the actor at fetchURL (or the actor that owns the key
// found there) and caches it; wantKey, if set, must be its key. When the
// actor was fetched less than FetchInterval ago, or the fetch fails, the
// cached copy is returned if there is one.
func (k *ActorKeys) fetch(ctx context.Context, fetchURL, wantKey string, cached *jigsaw.RemoteActor) (*jigsaw.RemoteActor, error) {
	now := k.now()
	k.mu.Lock()
	if k.tried == nil || len(k.tried) > 10000 {
		k.tried = map[string]time.Time{}
	}
	last, seen := k.tried[fetchURL]
	recent := seen && now.Sub(last) < FetchInterval
	if !recent {
		k.tried[fetchURL] = now
	}
	k.mu.Unlock()
	if recent {
		if cached != nil {
			return cached, nil
		}
		return nil, fmt.Errorf("%s was fetched less than %s ago", fetchURL, FetchInterval)
	}
	a, err := k.fetchActor(ctx, fetchURL, wantKey)
	if err != nil {
		if cached != nil && ctx.Err() == nil {
			return cached, nil
		}
		return nil, err
	}
	a.FetchedAt = now
	if err := k.Store.SaveRemoteActor(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// actorDocument is what we read of an actor (or of a key document, which
// some servers serve at a key's id).
type actorDocument struct {
	ID                string          `json:"id"`
	Type              string          `json:"type"`
	Inbox             string          `json:"inbox"`
	PreferredUsername string          `json:"preferredUsername"`
	Endpoints         json.RawMessage `json:"endpoints"`
	PublicKey         json.RawMessage `json:"publicKey"`
	// A key document's fields.
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

type publicKeyDocument struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

func (k *ActorKeys) getDocument(ctx context.Context, u string) (*actorDocument, error) {
	keyID, key, err := k.Keys.Signer(ctx)
	if err != nil {
		return nil, err
	}
	body, err := k.Client.GetSigned(ctx, u, keyID, key)
	if err != nil {
		return nil, err
	}
	var d actorDocument
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, deliver.Permanent(fmt.Errorf("the document at %s is not JSON: %w", u, err))
	}
	if d.ID == "" || !sameHost(d.ID, u) {
		return nil, deliver.Permanent(fmt.Errorf("the document at %s has the id %q, of another server", u, d.ID))
	}
	return &d, nil
}

func (k *ActorKeys) fetchActor(ctx context.Context, fetchURL, wantKey string) (*jigsaw.RemoteActor, error) {
	d, err := k.getDocument(ctx, fetchURL)
	if err != nil {
		return nil, err
	}
	if d.PublicKeyPem != "" && d.Owner != "" && d.Inbox == "" { // a key, not an actor
		if !sameHost(d.Owner, fetchURL) {
			return nil, deliver.Permanent(fmt.Errorf("the key at %s has an owner on another server", fetchURL))
		}
		if d, err = k.getDocument(ctx, d.Owner); err != nil {
			return nil, err
		}
	}
	var keys []publicKeyDocument
	if len(d.PublicKey) > 0 && d.PublicKey[0] == '[' {
		err = json.Unmarshal(d.PublicKey, &keys)
	} else if len(d.PublicKey) > 0 {
		keys = make([]publicKeyDocument, 1)
		err = json.Unmarshal(d.PublicKey, &keys[0])
	}
	if err != nil {
		return nil, deliver.Permanent(fmt.Errorf("the actor %s has a malformed publicKey: %w", d.ID, err))
	}
	var pk *publicKeyDocument
	for i := range keys {
		if wantKey == "" || keys[i].ID == wantKey {
			pk = &keys[i]
			break
		}
	}
	switch {
	case pk == nil && wantKey != "":
		return nil, deliver.Permanent(fmt.Errorf("the actor %s has no key %s", d.ID, wantKey))
	case pk == nil:
		return nil, deliver.Permanent(fmt.Errorf("the actor %s has no public key", d.ID))
	case pk.Owner != "" && pk.Owner != d.ID:
		return nil, deliver.Permanent(fmt.Errorf("the key %s of %s is owned by %s", pk.ID, d.ID, pk.Owner))
	case !sameHost(pk.ID, d.ID):
		// Else an actor could claim another server's key id, and the
		// cache would answer for that server with its key.
		return nil, deliver.Permanent(fmt.Errorf("the key %s of %s is on another server", pk.ID, d.ID))
	case d.Inbox == "" || !sameHost(d.Inbox, d.ID):
		return nil, deliver.Permanent(fmt.Errorf("the actor %s has no inbox on its server", d.ID))
	}
	if _, err := ParsePublicKey(pk.PublicKeyPem); err != nil {
		return nil, deliver.Permanent(fmt.Errorf("the key %s of %s: %w", pk.ID, d.ID, err))
	}
	a := &jigsaw.RemoteActor{ID: d.ID, KeyID: pk.ID, PublicKeyPEM: pk.PublicKeyPem, Inbox: d.Inbox,
		PreferredUsername: d.PreferredUsername, Domain: hostOf(d.ID)}
	var ep struct {
		SharedInbox string `json:"sharedInbox"`
	}
	if len(d.Endpoints) > 0 && json.Unmarshal(d.Endpoints, &ep) == nil && sameHost(ep.SharedInbox, d.ID) {
		a.SharedInbox = ep.SharedInbox
	}
	return a, nil
}

func withoutFragment(u string) string {
	before, _, _ := strings.Cut(u, "#")
	return before
}

// hostOf returns the host (with its port, if any) of u in lower case, ""
// if u is not an http(s) URL.
func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") {
		return ""
	}
	return strings.ToLower(p.Host)
}

func sameHost(a, b string) bool {
	h := hostOf(a)
	return h != "" && h == hostOf(b)
}
