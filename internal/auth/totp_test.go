package auth

import (
	"encoding/base32"
	"testing"
	"time"
)

// TestTOTPVectors checks the RFC 6238 appendix B test vectors (SHA-1,
// last six digits).
func TestTOTPVectors(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	for _, tt := range []struct {
		unix int64
		code string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		step, ok := CheckTOTP(secret, tt.code, time.Unix(tt.unix, 0), 0)
		if !ok || step != tt.unix/30 {
			t.Errorf("at %d: code %s not accepted (step %d)", tt.unix, tt.code, step)
		}
		if _, ok := CheckTOTP(secret, tt.code, time.Unix(tt.unix, 0), tt.unix/30); ok {
			t.Errorf("at %d: a code was accepted twice", tt.unix)
		}
	}
	if _, ok := CheckTOTP(secret, "287082", time.Unix(59+120, 0), 0); ok {
		t.Error("a code four steps old was accepted")
	}
	if _, ok := CheckTOTP(secret, "12345", time.Unix(59, 0), 0); ok {
		t.Error("a five-digit code was accepted")
	}
}
