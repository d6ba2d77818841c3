package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"jigsaw"
)

// Session lifetimes (OWASP ASVS 3.3: idle and absolute timeouts).
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// touchEvery limits writes: last-seen is refreshed at most this often.
	touchEvery = time.Minute
)

// Store is what signing in needs from the database: accounts, sessions,
// API tokens, rate-limit counters and the audit log.
type Store interface {
	PasswordHash(ctx context.Context, email string) (*jigsaw.User, string, error)
	RecordAudit(ctx context.Context, e *jigsaw.AuditEntry) error
	CreateSession(ctx context.Context, idHash string, userID int64, ip, userAgent string) error
	DeleteSession(ctx context.Context, idHash string) error
	Session(ctx context.Context, idHash string) (u *jigsaw.User, created, lastSeen time.Time, err error)
	TouchSession(ctx context.Context, idHash string) error
	APITokenUser(ctx context.Context, tokenHash string) (*jigsaw.User, error)
	CreateAPIToken(ctx context.Context, userID int64, name, tokenHash string) (int64, error)
	Hit(ctx context.Context, key string, window time.Duration) (count int, windowEnd time.Time, err error)
	TOTP(ctx context.Context, userID int64) (secret string, enabled bool, lastStep int64, err error)
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	CreatePasswordReset(ctx context.Context, userID int64, tokenHash string, expires time.Time) error
}

// Service signs users in and out and recognises their requests.
type Service struct {
	DB Store
	// Secure marks cookies Secure and gives them the __Host- prefix; set
	// when the instance is served over https.
	Secure bool
}

// CookieName is the session cookie's name.
func (s *Service) CookieName() string {
	if s.Secure {
		return "__Host-jigsaw_session"
	}
	return "jigsaw_session"
}

// NewToken returns a random 256-bit token and the hash stored for it.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken returns the hex SHA-256 of a token. Tokens carry 256 random
// bits, so a fast hash is enough: there is nothing to brute-force.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ClientIP returns the address of the client: the one the server found for
// the request (WithClientIP, from a trusted proxy's X-Forwarded-For), or
// else the connection's peer.
func ClientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientIPKey{}).(string); ok {
		return ip
	}
	return peerIP(r)
}

func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type clientIPKey struct{}

// WithClientIP finds the client's address and keeps it in the request:
// the connection's peer, unless the peer is one of proxies, whose
// X-Forwarded-For is then read from its end, each address added by a
// trusted proxy passed over, to the first added by one that is not: the
// client as the last trusted proxy saw it. Addresses an untrusted client
// wrote at the start of the header are never believed.
func WithClientIP(r *http.Request, proxies []netip.Prefix) *http.Request {
	if len(proxies) == 0 {
		return r // the peer, which ClientIP reads without help
	}
	ip := peerIP(r)
	trusted := func(s string) bool {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, p := range proxies {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if trusted(ip) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop := strings.TrimSpace(hops[i])
			if _, err := netip.ParseAddr(hop); err != nil {
				break // a malformed entry: believe nothing before it
			}
			ip = hop
			if !trusted(hop) {
				break
			}
		}
	}
	return r.WithContext(context.WithValue(r.Context(), clientIPKey{}, ip))
}

// ErrBadCredentials is the one answer to a wrong password, an unknown
// account and a wrong two-factor code alike.
var ErrBadCredentials = jigsaw.Errorf(jigsaw.EUNAUTHORIZED, "The email address, password or code is not right.")

// Login checks the credentials and, if they are right, starts a new
// session (a fresh token on every sign-in, so a token planted before
// sign-in is worthless) and returns its token. Every attempt is audited.
//
// For users with two-factor sign-in on, code must be a current TOTP code
// not used before.
func (s *Service) Login(ctx context.Context, email, password, code, ip, userAgent string) (string, *jigsaw.User, error) {
	u, hash, err := s.DB.PasswordHash(ctx, email)
	if err != nil && jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		return "", nil, err
	}
	// CheckPassword does the full work even for an unknown user, so both
	// failures take the same time.
	ok := CheckPassword(hash, password) && u != nil && u.DisabledAt.IsZero()
	if ok {
		ok, err = s.checkSecondFactor(ctx, u, code)
		if err != nil {
			return "", nil, err
		}
	}
	if !ok {
		e := &jigsaw.AuditEntry{Actor: "public", Action: "sign-in-failed", Detail: "email: " + truncate(email, 200), IP: ip}
		if u != nil {
			e.UserID, e.ObjectType, e.ObjectID = u.ID, "user", u.ID
		}
		s.DB.RecordAudit(ctx, e)
		return "", nil, ErrBadCredentials
	}
	token, tokenHash := NewToken()
	if err := s.DB.CreateSession(ctx, tokenHash, u.ID, ip, userAgent); err != nil {
		return "", nil, err
	}
	s.DB.RecordAudit(ctx, &jigsaw.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "sign-in", ObjectType: "user", ObjectID: u.ID, IP: ip})
	return token, u, nil
}

// SetCookie sends the session cookie.
func (s *Service) SetCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.CookieName(), Value: token, Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(AbsoluteTimeout.Seconds())})
}

// ClearCookie removes the session cookie.
func (s *Service) ClearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.CookieName(), Value: "", Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// Logout ends the session the request carries.
func (s *Service) Logout(w http.ResponseWriter, r *http.Request) error {
	s.ClearCookie(w)
	if c, err := r.Cookie(s.CookieName()); err == nil && c.Value != "" {
		return s.DB.DeleteSession(r.Context(), HashToken(c.Value))
	}
	return nil
}

// Authenticate returns the user of a request: from an "Authorization:
// Bearer" API token, or from the session cookie. A request without either
// is anonymous (nil, nil); a bad bearer token is an error, while an expired
// or unknown cookie only makes the request anonymous.
func (s *Service) Authenticate(r *http.Request) (*jigsaw.User, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" && !strings.HasPrefix(h, "Signature ") {
		// "Signature …" is an HTTP signature of another server (the
		// draft-cavage scheme's other header): its routes check it.
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			return nil, jigsaw.Errorf(jigsaw.EUNAUTHORIZED, "Authorization must be \"Bearer TOKEN\".")
		}
		return s.DB.APITokenUser(ctx, HashToken(strings.TrimSpace(token)))
	}
	c, err := r.Cookie(s.CookieName())
	if err != nil || c.Value == "" {
		return nil, nil
	}
	hash := HashToken(c.Value)
	u, created, lastSeen, err := s.DB.Session(ctx, hash)
	if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	now := time.Now()
	if now.Sub(lastSeen) > IdleTimeout || now.Sub(created) > AbsoluteTimeout {
		s.DB.DeleteSession(ctx, hash)
		return nil, nil
	}
	if now.Sub(lastSeen) > touchEvery {
		if err := s.DB.TouchSession(ctx, hash); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// CreateAPIToken makes a new bearer token for the user and returns it; only
// its hash is kept, so it can be shown once.
func (s *Service) CreateAPIToken(ctx context.Context, u *jigsaw.User, name string) (string, error) {
	raw, _ := NewToken()
	// The prefix lets secret scanners recognise a leaked token.
	token := "jgs_" + raw
	id, err := s.DB.CreateAPIToken(ctx, u.ID, name, HashToken(token))
	if err != nil {
		return "", err
	}
	s.DB.RecordAudit(ctx, &jigsaw.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "token-create", ObjectType: "api-token", ObjectID: id, Detail: name})
	return token, nil
}

// The limits on the actions that invite abuse.
var (
	LoginPerIP      = jigsaw.Limit{Max: 20, Window: 15 * time.Minute}
	LoginPerAccount = jigsaw.Limit{Max: 10, Window: 15 * time.Minute}
	ResetPerIP      = jigsaw.Limit{Max: 10, Window: time.Hour}
	ResetPerAccount = jigsaw.Limit{Max: 5, Window: time.Hour}
	// TwoFactorPerAccount bounds the codes tried to turn two-factor
	// sign-in on or off: six digits fall to guessing without it.
	TwoFactorPerAccount = jigsaw.Limit{Max: 10, Window: 15 * time.Minute}
)

// Allow counts one event for key under limit and returns ETOOMANY (a
// *jigsaw.RateLimitError, carrying how long to wait) once the limit is
// passed.
func (s *Service) Allow(ctx context.Context, key string, l jigsaw.Limit) error {
	n, end, err := s.DB.Hit(ctx, key, l.Window)
	if err != nil {
		return err
	}
	return l.Check(n, end, time.Now())
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// checkSecondFactor accepts users without two-factor sign-in, and users
// with it whose code is current and unused.
func (s *Service) checkSecondFactor(ctx context.Context, u *jigsaw.User, code string) (bool, error) {
	secret, enabled, last, err := s.DB.TOTP(ctx, u.ID)
	if err != nil || !enabled {
		return err == nil, err
	}
	step, ok := CheckTOTP(secret, code, time.Now(), last)
	if !ok {
		return false, nil
	}
	return s.DB.UseTOTPStep(ctx, u.ID, step)
}

// ResetFor is how long a password reset link works.
const ResetFor = time.Hour

// NewPasswordReset makes a single-use reset token for the user, valid for
// ttl, and returns it; only its hash is stored.
func (s *Service) NewPasswordReset(ctx context.Context, u *jigsaw.User, ttl time.Duration) (string, error) {
	token, hash := NewToken()
	if err := s.DB.CreatePasswordReset(ctx, u.ID, hash, time.Now().Add(ttl)); err != nil {
		return "", err
	}
	return token, nil
}

// CheckNewPassword refuses passwords that are too short or too long.
func CheckNewPassword(password, again string) error {
	p := jigsaw.Problems{}
	n := len([]rune(password))
	if n < MinPasswordLength {
		p.Add("password", "Use at least 12 characters; a few words make a good password.")
	} else if len(password) > 1024 {
		p.Add("password", "Use at most 1,024 bytes.")
	}
	if password != again {
		p.Add("password_again", "The two passwords differ.")
	}
	return p.Err()
}
