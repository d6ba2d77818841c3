package federation

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"
)

// digestAlgorithms are the digest algorithms whose values are checked, by
// their lower-case names in Digest (RFC 3230) and Content-Digest (RFC 9530)
// alike. Weaker ones (MD5, SHA-1) are not accepted as proof of a body.
var digestAlgorithms = map[string]func() hash.Hash{
	"sha-256": sha256.New,
	"sha-512": sha512.New,
}

func digestOf(alg string, body []byte) []byte {
	h := digestAlgorithms[alg]()
	h.Write(body)
	return h.Sum(nil)
}

// Digest returns the value of a Digest header for body, as Mastodon sends
// it: "SHA-256=" and the base64 of the body's SHA-256.
func Digest(body []byte) string {
	return "SHA-256=" + base64.StdEncoding.EncodeToString(digestOf("sha-256", body))
}

// ContentDigest returns the value of a Content-Digest header (RFC 9530) for
// body: "sha-256=:…:".
func ContentDigest(body []byte) string {
	return "sha-256=:" + base64.StdEncoding.EncodeToString(digestOf("sha-256", body)) + ":"
}

// checkDigest checks a Digest header's value against body: every algorithm
// it names that we know must match, and at least one must be known.
func checkDigest(header string, body []byte) error {
	known := 0
	for _, part := range strings.Split(header, ",") {
		alg, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return fmt.Errorf("malformed Digest %q", header)
		}
		alg = strings.ToLower(alg)
		if _, ok := digestAlgorithms[alg]; !ok {
			continue
		}
		known++
		got, err := base64.StdEncoding.DecodeString(value)
		if err != nil || subtle.ConstantTimeCompare(got, digestOf(alg, body)) != 1 {
			return fmt.Errorf("the body does not match its Digest %s", alg)
		}
	}
	if known == 0 {
		return fmt.Errorf("Digest names no algorithm we check (SHA-256, SHA-512): %q", header)
	}
	return nil
}

// checkContentDigest checks a Content-Digest header (a structured-field
// dictionary of byte sequences) against body, as checkDigest does.
func checkContentDigest(header string, body []byte) error {
	dict, err := parseDictionary(header)
	if err != nil {
		return fmt.Errorf("malformed Content-Digest: %w", err)
	}
	known := 0
	for _, m := range dict {
		alg := strings.ToLower(m.name)
		if _, ok := digestAlgorithms[alg]; !ok {
			continue
		}
		known++
		if m.value.kind != sfBytes || subtle.ConstantTimeCompare(m.value.bytes, digestOf(alg, body)) != 1 {
			return fmt.Errorf("the body does not match its Content-Digest %s", alg)
		}
	}
	if known == 0 {
		return fmt.Errorf("Content-Digest names no algorithm we check (sha-256, sha-512): %q", header)
	}
	return nil
}
