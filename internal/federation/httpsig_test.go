package federation

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"jigsaw"
)

var (
	testKeysOnce sync.Once
	testKeyA     *rsa.PrivateKey
	testKeyB     *rsa.PrivateKey
)

// testKeys returns two RSA keys: Mastodon's test key and one made once per
// test binary (making keys is the slow part of these tests).
func testKeys(tb testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	tb.Helper()
	testKeysOnce.Do(func() {
		testKeyA = mastodonTestKey(tb)
		var err error
		if testKeyB, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return testKeyA, testKeyB
}

// mastodonTestKey is the key of testdata/mastodon-signatures.json.
func mastodonTestKey(tb testing.TB) *rsa.PrivateKey {
	var data struct{ PrivateKeyPem string }
	readJSON(tb, "testdata/mastodon-signatures.json", &data)
	block, _ := pem.Decode([]byte(data.PrivateKeyPem))
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return key
}

// fixedKey is a KeyLookup that knows one key.
func fixedKey(keyID string, key crypto.PublicKey) KeyLookup {
	return func(_ context.Context, id string, _ bool) (crypto.PublicKey, error) {
		if id != keyID {
			return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "no key %s", id)
		}
		return key, nil
	}
}

// received turns a request made by a client into the request a server
// sees: the same method, target, headers and body.
func received(tb testing.TB, out *http.Request, body []byte) *http.Request {
	tb.Helper()
	in := httptest.NewRequest(out.Method, out.URL.RequestURI(), bytes.NewReader(body))
	in.Host = out.Host
	for k, v := range out.Header {
		in.Header[k] = append([]string(nil), v...)
	}
	return in
}

const testKeyID = "https://a.example/actor#main-key"

func signedPost(tb testing.TB, key crypto.Signer, body []byte, at time.Time) *http.Request {
	tb.Helper()
	r, _ := http.NewRequest("POST", "https://b.example/actor/inbox", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/activity+json")
	r.Header.Set("Date", at.UTC().Format(http.TimeFormat))
	if err := Sign(r, body, testKeyID, key); err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestSignVerifyRoundTrip(t *testing.T) {
	a, _ := testKeys(t)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Now()
	body := []byte(`{"type":"Create"}`)
	for _, tt := range []struct {
		name string
		key  crypto.Signer
		alg  string
	}{
		{"rsa", a, `algorithm="rsa-sha256"`},
		{"ed25519", ed, `algorithm="hs2019"`},
	} {
		t.Run(tt.name+" POST", func(t *testing.T) {
			out := signedPost(t, tt.key, body, now)
			sig := out.Header.Get("Signature")
			for _, want := range []string{`keyId="` + testKeyID + `"`, tt.alg, `headers="(request-target) host date digest content-type"`} {
				if !strings.Contains(sig, want) {
					t.Errorf("Signature %s lacks %s", sig, want)
				}
			}
			if got, want := out.Header.Get("Digest"), "SHA-256="+base64.StdEncoding.EncodeToString(sha256sum(body)); got != want {
				t.Errorf("Digest = %q, want %q", got, want)
			}
			keyID, err := Verify(received(t, out, body), body, fixedKey(testKeyID, tt.key.Public()), now)
			if err != nil || keyID != testKeyID {
				t.Fatalf("Verify = %q, %v; want %q, nil", keyID, err, testKeyID)
			}
			// hs2019 leaves the algorithm to the key, as some servers sign.
			in := received(t, out, body)
			in.Header.Set("Signature", strings.Replace(sig, tt.alg, `algorithm="hs2019"`, 1))
			if _, err := Verify(in, body, fixedKey(testKeyID, tt.key.Public()), now); err != nil {
				t.Errorf("Verify as hs2019: %v", err)
			}
		})
		t.Run(tt.name+" GET", func(t *testing.T) {
			out, _ := http.NewRequest("GET", "https://b.example/actor?x=1", nil)
			if err := Sign(out, nil, testKeyID, tt.key); err != nil {
				t.Fatal(err)
			}
			if sig := out.Header.Get("Signature"); !strings.Contains(sig, `headers="(request-target) host date"`) {
				t.Errorf("GET Signature %s: want headers (request-target) host date", sig)
			}
			if out.Header.Get("Digest") != "" {
				t.Error("a GET got a Digest")
			}
			if _, err := Verify(received(t, out, nil), nil, fixedKey(testKeyID, tt.key.Public()), time.Now()); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func sha256sum(b []byte) []byte { h := sha256.Sum256(b); return h[:] }

func TestVerifyRefuses(t *testing.T) {
	a, b := testKeys(t)
	now := time.Now()
	body := []byte(`{"type":"Create","object":{"content":"hello"}}`)
	for _, tt := range []struct {
		name   string
		change func(r *http.Request) []byte // returns the body the server reads
		keys   KeyLookup
		now    time.Time
		want   error
	}{
		{name: "body changed after signing", change: func(r *http.Request) []byte {
			return []byte(`{"type":"Create","object":{"content":"HELLO"}}`)
		}, want: ErrDigestMismatch},
		{name: "body and Digest changed", change: func(r *http.Request) []byte {
			other := []byte(`{"type":"Delete"}`)
			r.Header.Set("Digest", Digest(other))
			return other
		}, want: ErrBadSignature},
		{name: "Content-Type changed", change: func(r *http.Request) []byte {
			r.Header.Set("Content-Type", "text/plain")
			return body
		}, want: ErrBadSignature},
		{name: "Host changed", change: func(r *http.Request) []byte {
			r.Host = "c.example"
			return body
		}, want: ErrBadSignature},
		{name: "sent to another inbox", change: func(r *http.Request) []byte {
			r.URL.Path = "/inbox"
			return body
		}, want: ErrBadSignature},
		{name: "Date changed", change: func(r *http.Request) []byte {
			r.Header.Set("Date", now.Add(time.Minute).UTC().Format(http.TimeFormat))
			return body
		}, want: ErrBadSignature},
		{name: "stale", now: now.Add(MaxClockSkew + time.Minute), want: ErrStaleDate},
		{name: "from the future", now: now.Add(-MaxClockSkew - time.Minute), want: ErrStaleDate},
		{name: "unsigned", change: func(r *http.Request) []byte {
			r.Header.Del("Signature")
			return body
		}, want: ErrNoSignature},
		{name: "digest left out of the signed headers", change: func(r *http.Request) []byte {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), " digest", "", 1))
			return body
		}, want: ErrUnsigned},
		{name: "unknown key", keys: fixedKey("https://other.example/actor#main-key", a.Public()), want: ErrUnknownKey},
		{name: "forged: right key id, other key", keys: fixedKey(testKeyID, b.Public()), want: ErrBadSignature},
		{name: "an algorithm not accepted", change: func(r *http.Request) []byte {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "rsa-sha256", "hmac-sha256", 1))
			return body
		}, want: ErrBadSignature},
		{name: "garbage header", change: func(r *http.Request) []byte {
			r.Header.Set("Signature", `keyId="x",signature="%%%"`)
			return body
		}, want: ErrBadSignature},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := received(t, signedPost(t, a, body, now), body)
			got := body
			if tt.change != nil {
				got = tt.change(in)
			}
			keys := tt.keys
			if keys == nil {
				keys = fixedKey(testKeyID, a.Public())
			}
			at := tt.now
			if at.IsZero() {
				at = now
			}
			_, err := Verify(in, got, keys, at)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify: %v, want %v", err, tt.want)
			}
			if code := jigsaw.ErrorCode(err); code != jigsaw.EUNAUTHORIZED {
				t.Errorf("code %q, want %q", code, jigsaw.EUNAUTHORIZED)
			}
		})
	}
}

func TestVerifyRotatedKey(t *testing.T) {
	a, b := testKeys(t)
	body := []byte(`{"type":"Update"}`)
	now := time.Now()
	var calls []bool
	// The cache still holds the peer's old key a; asked to refresh, the
	// lookup finds its new key b.
	keys := func(_ context.Context, id string, refresh bool) (crypto.PublicKey, error) {
		calls = append(calls, refresh)
		if refresh {
			return b.Public(), nil
		}
		return a.Public(), nil
	}
	if _, err := Verify(received(t, signedPost(t, b, body, now), body), body, keys, now); err != nil {
		t.Fatalf("Verify with a rotated key: %v", err)
	}
	if fmt.Sprint(calls) != "[false true]" {
		t.Errorf("lookups %v, want [false true]", calls)
	}
	calls = nil
	if _, err := Verify(received(t, signedPost(t, a, body, now), body), body, keys, now); err != nil || len(calls) != 1 {
		t.Errorf("Verify with the cached key: %v after %d lookups, want nil after 1", err, len(calls))
	}
	// A signature no key verifies asks once more and no further.
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	calls = nil
	if _, err := Verify(received(t, signedPost(t, ed, body, now), body), body, keys, now); !errors.Is(err, ErrBadSignature) || len(calls) != 2 {
		t.Errorf("Verify of a forgery: %v after %d lookups, want ErrBadSignature after 2", err, len(calls))
	}
}

// TestMastodonSignatures checks requests signed by Mastodon's own test
// suite (see testdata/mastodon-signatures.json) against their key.
func TestMastodonSignatures(t *testing.T) {
	var data struct {
		Now           time.Time
		KeyID         string
		PrivateKeyPem string
		Requests      []struct {
			Name, Method, Target, Host, Date, Digest, Body, Signature, Want string
		}
	}
	readJSON(t, "testdata/mastodon-signatures.json", &data)
	key := mastodonTestKey(t)
	wants := map[string]error{"": nil, "bad signature": ErrBadSignature, "unsigned": ErrUnsigned,
		"stale": ErrStaleDate, "digest mismatch": ErrDigestMismatch}
	for _, rq := range data.Requests {
		t.Run(rq.Name, func(t *testing.T) {
			r := httptest.NewRequest(rq.Method, rq.Target, strings.NewReader(rq.Body))
			r.Host = rq.Host
			r.Header.Set("Date", rq.Date)
			r.Header.Set("Signature", rq.Signature)
			if rq.Digest != "" {
				r.Header.Set("Digest", rq.Digest)
			}
			keyID, err := Verify(r, []byte(rq.Body), fixedKey(data.KeyID, key.Public()), data.Now)
			want, ok := wants[rq.Want]
			if !ok {
				t.Fatalf("unknown want %q", rq.Want)
			}
			if want == nil && (err != nil || keyID != data.KeyID) {
				t.Fatalf("Verify = %q, %v; want %q, nil", keyID, err, data.KeyID)
			}
			if !errors.Is(err, want) {
				t.Fatalf("Verify: %v, want %v", err, want)
			}
		})
	}
}

// TestMastodonDocsSigningString builds the signing string of the example
// in Mastodon's documentation (docs/spec/security.md, "Creating HTTP
// signatures", in the repository mastodon/documentation).
func TestMastodonDocsSigningString(t *testing.T) {
	r := httptest.NewRequest("GET", "/users/username/outbox", nil)
	r.Host = "mastodon.example"
	r.Header.Set("Date", "18 Dec 2019 10:08:46 GMT")
	got, err := cavageBase(r, []string{"(request-target)", "host", "date"}, nil)
	want := "(request-target): get /users/username/outbox\nhost: mastodon.example\ndate: 18 Dec 2019 10:08:46 GMT"
	if err != nil || got != want {
		t.Errorf("signing string %q, %v; want %q", got, err, want)
	}
}

type rfc9421Data struct {
	Keys    map[string]string
	Request struct {
		Method, Target, Host, Body string
		Headers                    map[string]string
	}
	Signatures []struct{ Name, SignatureInput, Signature, Base, Policy string }
}

func (d *rfc9421Data) request(sigInput, sig string) *http.Request {
	r := httptest.NewRequest(d.Request.Method, d.Request.Target, strings.NewReader(d.Request.Body))
	r.Host = d.Request.Host
	for k, v := range d.Request.Headers {
		r.Header.Set(k, v)
	}
	r.Header.Set("Signature-Input", sigInput)
	r.Header.Set("Signature", sig)
	return r
}

// TestRFC9421Vectors verifies RFC 9421's own examples: the signature base
// is built as the RFC builds it and the signature checks with its key.
// Verify itself also demands that the target and the digest be covered,
// which only the example of full coverage does.
func TestRFC9421Vectors(t *testing.T) {
	var d rfc9421Data
	readJSON(t, "testdata/rfc9421.json", &d)
	keys := map[string]crypto.PublicKey{}
	for id, p := range d.Keys {
		block, _ := pem.Decode([]byte(p))
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			t.Fatal(id, err)
		}
		keys[id] = k
	}
	lookup := func(_ context.Context, id string, _ bool) (crypto.PublicKey, error) {
		if k, ok := keys[id]; ok {
			return k, nil
		}
		return nil, errors.New("no such key")
	}
	for _, s := range d.Signatures {
		t.Run(s.Name, func(t *testing.T) {
			r := d.request(s.SignatureInput, s.Signature)
			m, err := parseRFC9421(r)
			if err != nil {
				t.Fatal(err)
			}
			if s.Base != "" && m.base != s.Base {
				t.Errorf("signature base\n%s\nwant\n%s", m.base, s.Base)
			}
			if err := m.verifyWith(context.Background(), lookup); err != nil {
				t.Errorf("signature: %v", err)
			}
			r.Header.Set("Content-Type", "text/plain")
			if m, err := parseRFC9421(r); err == nil && m.verifyWith(context.Background(), lookup) == nil && m.covers["content-type"] {
				t.Error("a changed Content-Type still verifies")
			}
			_, err = Verify(d.request(s.SignatureInput, s.Signature), []byte(d.Request.Body), lookup, time.Unix(1618884473, 0))
			if s.Policy == "accepted" && err != nil || s.Policy != "accepted" && !errors.Is(err, ErrUnsigned) {
				t.Errorf("Verify: %v, want it %s", err, s.Policy)
			}
		})
	}
}

// sign9421 signs r as Mastodon 4.5 does under RFC 9421: @method,
// @target-uri and content-digest, rsa-v1_5-sha256, created now.
func sign9421(tb testing.TB, r *http.Request, body []byte, key *rsa.PrivateKey, created, expires time.Time) {
	tb.Helper()
	r.Header.Set("Content-Digest", ContentDigest(body))
	params := fmt.Sprintf(`("@method" "@target-uri" "content-digest");created=%d;keyid=%q;alg="rsa-v1_5-sha256"`, created.Unix(), testKeyID)
	if !expires.IsZero() {
		params += fmt.Sprintf(";expires=%d", expires.Unix())
	}
	base := fmt.Sprintf("\"@method\": %s\n\"@target-uri\": %s\n\"content-digest\": %s\n\"@signature-params\": %s",
		r.Method, r.URL.String(), r.Header.Get("Content-Digest"), params)
	h := sha256.Sum256([]byte(base))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	if err != nil {
		tb.Fatal(err)
	}
	r.Header.Set("Signature-Input", "sig1="+params)
	r.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
}

func TestVerifyRFC9421(t *testing.T) {
	a, b := testKeys(t)
	body := []byte(`{"type":"Follow"}`)
	now := time.Now()
	for _, tt := range []struct {
		name    string
		target  string // where the peer sent it; https://b.example/inbox if ""
		host    string // the Host the server saw, if not the target's
		created time.Time
		expires time.Time
		body    []byte
		key     *rsa.PublicKey
		want    error
	}{
		{name: "good", created: now, body: body, key: &a.PublicKey},
		{name: "over plain http", target: "http://b.example/inbox", created: now, body: body, key: &a.PublicKey},
		{name: "body changed", created: now, body: []byte(`{"type":"Undo"}`), key: &a.PublicKey, want: ErrDigestMismatch},
		{name: "stale", created: now.Add(-2 * time.Hour), body: body, key: &a.PublicKey, want: ErrStaleDate},
		{name: "forged", created: now, body: body, key: &b.PublicKey, want: ErrBadSignature},
		{name: "sent to another server", host: "c.example", created: now, body: body, key: &a.PublicKey, want: ErrBadSignature},
		{name: "expired", expires: now.Add(-time.Minute), created: now.Add(-2 * time.Minute), body: body, key: &a.PublicKey, want: ErrStaleDate},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target
			if target == "" {
				target = "https://b.example/inbox"
			}
			out, _ := http.NewRequest("POST", target, bytes.NewReader(body))
			sign9421(t, out, body, a, tt.created, tt.expires)
			in := received(t, out, tt.body) // as a server behind a TLS proxy sees it: no scheme, no TLS
			if tt.host != "" {
				in.Host = tt.host
			}
			keyID, err := Verify(in, tt.body, fixedKey(testKeyID, tt.key), now)
			if tt.want == nil && (err != nil || keyID != testKeyID) {
				t.Fatalf("Verify = %q, %v", keyID, err)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify: %v, want %v", err, tt.want)
			}
		})
	}
}

func readJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatal(path, err)
	}
}
