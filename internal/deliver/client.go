package deliver

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Timeout bounds one delivery or fetch, from dialling to the last byte of
// the answer's headers; a body is read within it too when the caller uses
// the client's context.
const Timeout = 10 * time.Second

// ErrPrivateAddress is returned for a connection to an address of this
// machine or its private network when those are not allowed.
var ErrPrivateAddress = errors.New("the address is private or local, and peers there are not allowed (--allow-private-peers)")

// Client returns the HTTP client for talking to peers and webhooks. Unless
// allowPrivate is set it refuses to connect to loopback, private,
// link-local and other non-public addresses — checked on the address
// actually dialled, after DNS, so that neither a peer's name nor a redirect
// can point it at the server's own network.
func Client(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = refusePrivate
	}
	return &http.Client{
		Timeout: Timeout,
		Transport: &http.Transport{
			Proxy:                 nil, // a proxy would dial for us, past the check
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          256,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: Timeout,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return fmt.Errorf("more than 3 redirects, the last to %s", req.URL.Redacted())
			}
			return nil
		},
	}
}

func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	if !Public(ap.Addr()) {
		return fmt.Errorf("dial %s: %w", address, ErrPrivateAddress)
	}
	return nil
}

// Public reports whether a is an address on the public internet.
func Public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsLinkLocalUnicast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// nonPublic are ranges the netip predicates leave out: shared address
// space (carrier NAT), benchmarking, documentation, and the like.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// StatusError is the error of an answer that is not 2xx: Permanent for a
// 4xx, which a peer would give again — but for 408 (timeout), 429 (too many
// requests) and 401: a peer that has our old key cached refuses our
// signature until it fetches the new one, which it does when it next may.
func StatusError(status int, what string) error {
	if status >= 200 && status < 300 {
		return nil
	}
	err := fmt.Errorf("%s: HTTP %d %s", what, status, http.StatusText(status))
	if status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests &&
		status != http.StatusUnauthorized {
		return Permanent(err)
	}
	return err
}
