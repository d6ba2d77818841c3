package auth

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestWithClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	for _, tt := range []struct {
		name, peer, xff string
		proxies         []netip.Prefix
		want            string
	}{
		{"no proxies: the peer", "203.0.113.9:5000", "198.51.100.1", nil, "203.0.113.9"},
		{"an untrusted peer's header is ignored", "203.0.113.9:5000", "198.51.100.1", proxies, "203.0.113.9"},
		{"behind a trusted proxy", "10.0.0.2:5000", "198.51.100.1", proxies, "198.51.100.1"},
		{"what the client wrote first is not believed", "10.0.0.2:5000", "1.2.3.4, 198.51.100.1", proxies, "198.51.100.1"},
		{"through two trusted proxies", "10.0.0.2:5000", "198.51.100.1, 10.0.0.3", proxies, "198.51.100.1"},
		{"all trusted: the first", "10.0.0.2:5000", "10.0.0.5, 10.0.0.3", proxies, "10.0.0.5"},
		{"a malformed entry stops the walk", "10.0.0.2:5000", "198.51.100.1, not-an-address", proxies, "10.0.0.2"},
		{"no header", "10.0.0.2:5000", "", proxies, "10.0.0.2"},
		{"IPv6", "[2001:db8::1]:5000", "2001:db8:ffff::2, 2001:db8::7", []netip.Prefix{netip.MustParsePrefix("2001:db8::/48")}, "2001:db8:ffff::2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := ClientIP(WithClientIP(r, tt.proxies)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}
