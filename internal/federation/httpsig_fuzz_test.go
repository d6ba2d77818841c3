package federation

import (
	"bytes"
	"context"
	"crypto"
	"net/http/httptest"
	"testing"
	"time"

	"jigsaw"
)

// FuzzVerify sends arbitrary signature headers and bodies to Verify: it
// never panics, and whatever it refuses it refuses as EUNAUTHORIZED (401).
func FuzzVerify(f *testing.F) {
	a, _ := testKeys(f)
	body := []byte(`{"type":"Create"}`)
	now := time.Now()
	good := signedPost(f, a, body, now)
	f.Add(good.Header.Get("Signature"), "", "", good.Header.Get("Digest"), body)
	f.Add(`keyId="k",headers="(request-target) host date (created)",signature="AAAA",created=12`, "", "", "", body)
	f.Add("sig", `sig1=("@method" "@target-uri" "content-digest");created=1618884473;keyid="k"`, "sig1=:AAAA:", "sha-256=:AAAA:", body)
	f.Add("", `sig1=();keyid="k";alg="ed25519"`, "sig1=:AAAA:, sig2=?1", "", []byte{})
	f.Add("", `sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`, `sig-b21=:d2pm:`, "", []byte{})
	f.Add("", `a=("x";sf "y";key="z");created=-1`, `a=:@@:`, "sha-512=:=:, sha-256", []byte("x"))
	lookup := func(_ context.Context, id string, _ bool) (crypto.PublicKey, error) {
		if id != testKeyID {
			return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "no key")
		}
		return a.Public(), nil
	}
	f.Fuzz(func(t *testing.T, signature, input, rfcSignature, digest string, body []byte) {
		r := httptest.NewRequest("POST", "/inbox", bytes.NewReader(body))
		r.Host = "b.example"
		r.Header.Set("Date", now.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT"))
		r.Header.Set("Content-Type", "application/activity+json")
		if signature != "" {
			r.Header.Set("Signature", signature)
		}
		if input != "" {
			r.Header.Set("Signature-Input", input)
			r.Header.Set("Signature", rfcSignature)
			r.Header.Set("Content-Digest", digest)
		} else {
			r.Header.Set("Digest", digest)
		}
		_, err := Verify(r, body, lookup, now)
		if err != nil && jigsaw.ErrorCode(err) != jigsaw.EUNAUTHORIZED {
			t.Fatalf("Verify refused with %v (code %q), want EUNAUTHORIZED", err, jigsaw.ErrorCode(err))
		}
	})
}
