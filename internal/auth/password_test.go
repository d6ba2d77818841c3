package auth

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not PHC argon2id with the chosen parameters", h)
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for _, tt := range []struct {
		name, hash, password string
		want                 bool
	}{
		{"right", h, "correct horse battery staple", true},
		{"wrong", h, "correct horse battery stapler", false},
		{"empty hash (no password set)", "", "anything", false},
		{"malformed hash", "$argon2id$v=19$m=x$y$z", "anything", false},
		{"other algorithm", "$2a$10$abcdefghijklmnopqrstuv", "anything", false},
		{"absurd memory", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5", "x", false},
	} {
		if got := CheckPassword(tt.hash, tt.password); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
