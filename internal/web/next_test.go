package web

import "testing"

// After signing in, only a path of this site is followed, as a browser
// reads it: tabs and newlines it drops and backslashes it reads as slashes
// cannot make another site's address.
func TestSafeNext(t *testing.T) {
	for _, tt := range []struct{ next, want string }{
		{"/moderation", "/moderation"},
		{"/stories?kind=staff&page=2", "/stories?kind=staff&page=2"},
		{"/organisations/gmb/edit#name", "/organisations/gmb/edit#name"},
		{"", "/"},
		{"//evil.example/", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"\t//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\/evil.example", "/"},
		{"/%09/evil.example", "/%09/evil.example"}, // stays encoded: a path of this site
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/\x7f/evil.example", "/"},
	} {
		if got := safeNext(tt.next); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
}
