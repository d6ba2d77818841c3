// Package auth signs people in: argon2id password hashes, server-side
// sessions, API bearer tokens and the rate limits that guard them.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommendation for argon2id (19 MiB, two
// passes, one lane), which keeps a sign-in near 30 ms on a small machine.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLength follows NIST SP 800-63B: length, not composition rules.
const MinPasswordLength = 12

// HashPassword returns the PHC-format argon2id hash of password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash. An empty
// or malformed hash matches nothing, after the same work as a real check so
// that timing does not reveal which accounts exist or have a password.
func CheckPassword(encoded, password string) bool {
	salt, key, m, t, p, ok := parseHash(encoded)
	if !ok {
		salt, key, m, t, p = dummySalt, dummyKey, argonMemory, argonTime, argonThreads
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1 && ok
}

var (
	dummySalt = make([]byte, saltLen)
	dummyKey  = make([]byte, argonKeyLen)
)

func parseHash(encoded string) (salt, key []byte, m, t uint32, p uint8, ok bool) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 10 || p == 0 {
		return
	}
	var err error
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return
	}
	return salt, key, m, t, p, true
}
