package federation_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"jigsaw/internal/federation"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

func TestInstanceKeys(t *testing.T) {
	ctx := context.Background()
	db := testrig.MustOpenDB(t, store.SQLite)
	keys := federation.NewInstanceKeys(db, "https://a.example/")
	keyID, signer, err := keys.Signer(ctx)
	if err != nil || keyID != "https://a.example/actor#main-key" {
		t.Fatalf("Signer = %q, %v", keyID, err)
	}
	pemText, err := keys.PublicKeyPEM(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := federation.ParsePublicKey(pemText)
	if err != nil || !pub.(*rsa.PublicKey).Equal(signer.Public()) || pub.(*rsa.PublicKey).N.BitLen() != 2048 {
		t.Fatalf("the public key %v (%v) is not the signer's RSA-2048 one", pub, err)
	}
	// Another process on the same database uses the same key.
	if _, other, err := federation.NewInstanceKeys(db, "https://a.example").Signer(ctx); err != nil || !other.Public().(*rsa.PublicKey).Equal(signer.Public()) {
		t.Fatalf("a second process has another key (%v)", err)
	}
	if err := keys.RotateKey(ctx); err != nil {
		t.Fatal(err)
	}
	_, rotated, _ := keys.Signer(ctx)
	newPEM, _ := keys.PublicKeyPEM(ctx)
	if rotated.Public().(*rsa.PublicKey).Equal(signer.Public()) || newPEM == pemText {
		t.Fatal("RotateKey kept the key")
	}
	all, err := db.InstanceKeys(ctx)
	if err != nil || len(all) != 2 || all[0].PublicKeyPEM != newPEM || all[1].PublicKeyPEM != pemText || all[1].RetiredAt.IsZero() {
		t.Fatalf("stored keys %d (%v): want the new one, then the old one retired", len(all), err)
	}
}

// peer is another server on loopback with one actor whose key can change.
type peer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	key     *rsa.PrivateKey
	fetches int
	signed  int // fetches that came signed by the instance key
	verify  federation.KeyLookup
}

func (p *peer) actorURL() string { return p.srv.URL + "/users/bob" }
func (p *peer) keyID() string    { return p.actorURL() + "#main-key" }

// mastodonTestKey is the key of testdata/mastodon-signatures.json: a key
// ready made, where making one takes a good part of a second.
func mastodonTestKey(t *testing.T) *rsa.PrivateKey {
	var data struct{ PrivateKeyPem string }
	b, err := os.ReadFile("testdata/mastodon-signatures.json")
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(b, &data)
	block, _ := pem.Decode([]byte(data.PrivateKeyPem))
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func newPeer(t *testing.T, instanceKey func() crypto.PublicKey) *peer {
	p := &peer{key: mastodonTestKey(t)}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.fetches++
		if _, err := federation.Verify(r, nil, func(context.Context, string, bool) (crypto.PublicKey, error) {
			return instanceKey(), nil
		}, time.Now()); err == nil {
			p.signed++
		}
		der, _ := x509.MarshalPKIXPublicKey(&p.key.PublicKey)
		pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
		w.Header().Set("Content-Type", "application/activity+json")
		switch r.URL.Path {
		case "/users/bob":
			json.NewEncoder(w).Encode(map[string]any{
				"@context": []string{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
				"id":       p.actorURL(), "type": "Person", "preferredUsername": "bob",
				"inbox":     p.actorURL() + "/inbox",
				"endpoints": map[string]string{"sharedInbox": p.srv.URL + "/inbox"},
				"publicKey": map[string]string{"id": p.keyID(), "owner": p.actorURL(), "publicKeyPem": pemText},
			})
		case "/users/bob/main-key": // a key document of another id than bob's key
			json.NewEncoder(w).Encode(map[string]any{"id": p.srv.URL + "/users/bob/main-key", "owner": p.actorURL(), "publicKeyPem": pemText})
		case "/users/carol": // keys with their own documents, as GoToSocial's
			carol := p.srv.URL + "/users/carol"
			json.NewEncoder(w).Encode(map[string]any{"id": carol, "type": "Person", "inbox": carol + "/inbox",
				"publicKey": map[string]string{"id": carol + "/main-key", "owner": carol, "publicKeyPem": pemText}})
		case "/users/carol/main-key":
			carol := p.srv.URL + "/users/carol"
			json.NewEncoder(w).Encode(map[string]any{"id": carol + "/main-key", "owner": carol, "publicKeyPem": pemText})
		case "/users/eve": // claims another server's key
			eve := p.srv.URL + "/users/eve"
			json.NewEncoder(w).Encode(map[string]any{"id": eve, "type": "Person", "inbox": eve + "/inbox",
				"publicKey": map[string]string{"id": "https://victim.example/actor#main-key", "owner": eve, "publicKeyPem": pemText}})
		case "/users/mallory": // claims to be someone elsewhere
			json.NewEncoder(w).Encode(map[string]any{"id": "https://elsewhere.example/users/mallory", "inbox": "https://elsewhere.example/inbox"})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *peer) signedPost(t *testing.T, key *rsa.PrivateKey, keyID string, at time.Time) (*http.Request, []byte) {
	body := []byte(`{"type":"Follow"}`)
	out, _ := http.NewRequest("POST", "https://a.example/inbox", bytes.NewReader(body))
	out.Header.Set("Content-Type", "application/activity+json")
	out.Header.Set("Date", at.UTC().Format(http.TimeFormat))
	if err := federation.Sign(out, body, keyID, key); err != nil {
		t.Fatal(err)
	}
	in := httptest.NewRequest("POST", "/inbox", bytes.NewReader(body))
	in.Host = "a.example"
	in.Header = out.Header.Clone()
	return in, body
}

func TestActorKeys(t *testing.T) {
	ctx := context.Background()
	db := testrig.MustOpenDB(t, store.SQLite)
	instance := federation.NewInstanceKeys(db, "https://a.example")
	_, ours, err := instance.Signer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := newPeer(t, ours.Public)
	now := time.Now()
	keys := &federation.ActorKeys{Store: db, Keys: instance, Now: func() time.Time { return now },
		Client: &federation.Client{HTTP: p.srv.Client(), UserAgent: "Jigsaw/test"}}
	verify := func(key *rsa.PrivateKey, keyID string) error {
		r, body := p.signedPost(t, key, keyID, now)
		_, err := federation.Verify(r, body, keys.Lookup, now)
		return err
	}
	fetches := func() int { p.mu.Lock(); defer p.mu.Unlock(); return p.fetches }

	if err := verify(p.key, p.keyID()); err != nil {
		t.Fatalf("first request: %v", err)
	}
	a, err := db.FindRemoteActor(ctx, p.actorURL())
	if err != nil || a.Inbox != p.actorURL()+"/inbox" || a.SharedInbox != p.srv.URL+"/inbox" || a.PreferredUsername != "bob" || a.KeyID != p.keyID() {
		t.Fatalf("cached actor %+v, %v", a, err)
	}
	if p.signed != 1 {
		t.Errorf("%d of %d fetches were signed with the instance key", p.signed, fetches())
	}
	if err := verify(p.key, p.keyID()); err != nil || fetches() != 1 {
		t.Fatalf("second request: %v after %d fetches, want nil after 1 (the cache)", err, fetches())
	}

	// The peer rotates its key: the cached one fails, the refetch finds it.
	now = now.Add(2 * federation.FetchInterval)
	p.mu.Lock()
	p.key, _ = rsa.GenerateKey(rand.Reader, 2048)
	p.mu.Unlock()
	if err := verify(p.key, p.keyID()); err != nil || fetches() != 2 {
		t.Fatalf("after the peer's rotation: %v after %d fetches, want nil after 2", err, fetches())
	}
	// Forgeries with its key id do not make us fetch again within the minute.
	forger, _ := rsa.GenerateKey(rand.Reader, 1024) // never looked up, so small and quick to make
	for range 5 {
		if err := verify(forger, p.keyID()); !errors.Is(err, federation.ErrBadSignature) {
			t.Fatalf("forged: %v, want ErrBadSignature", err)
		}
	}
	if fetches() != 2 {
		t.Errorf("%d fetches after five forgeries, want still 2", fetches())
	}
	// A day later the cached actor is fetched again.
	now = now.Add(federation.ActorMaxAge)
	if err := verify(p.key, p.keyID()); err != nil || fetches() != 3 {
		t.Fatalf("a day later: %v after %d fetches, want nil after 3", err, fetches())
	}

	// Key ids that are documents of their own, owned by the actor.
	keys2 := &federation.ActorKeys{Store: db, Keys: instance, Client: keys.Client}
	if a, err := keys2.ActorForKey(ctx, p.srv.URL+"/users/carol/main-key", false); err != nil || a.ID != p.srv.URL+"/users/carol" {
		t.Errorf("ActorForKey of a key document = %+v, %v; want carol", a, err)
	}
	if a, err := keys2.ActorForKey(ctx, p.actorURL()+"/main-key", false); err == nil {
		t.Errorf("a key its owner does not list was taken: %+v", a)
	}
	if _, err := keys2.Actor(ctx, p.srv.URL+"/users/eve", false); err == nil {
		t.Error("an actor claiming another server's key was taken")
	}
	if _, err := keys2.Actor(ctx, p.srv.URL+"/users/mallory", false); err == nil {
		t.Error("an actor document claiming another server's id was taken")
	}
	if _, err := keys2.Actor(ctx, p.srv.URL+"/users/nobody", false); err == nil {
		t.Error("a missing actor was found")
	}
	if a, err := keys2.Actor(ctx, p.actorURL(), false); err != nil || a.ID != p.actorURL() {
		t.Errorf("Actor = %+v, %v", a, err)
	}
}
