package federation

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jigsaw"
)

// MaxClockSkew is how far a signed request's Date (or RFC 9421 created
// time) may lie from our clock, in the past or the future. Mastodon allows
// 12 hours; an hour is enough for clocks kept by NTP and narrows the window
// in which a captured request can be replayed.
const MaxClockSkew = time.Hour

// KeyLookup returns the public key of keyID. refresh asks for the key to be
// fetched again rather than read from a cache: Verify asks so once when a
// signature fails with the cached key, because the peer may have rotated it.
type KeyLookup func(ctx context.Context, keyID string, refresh bool) (crypto.PublicKey, error)

// The reasons a signature is refused. Verify's errors wrap one of them (test
// with errors.Is) and carry the code jigsaw.EUNAUTHORIZED, so the inbox
// answers 401 through the usual error mapping.
var (
	ErrNoSignature    = errors.New("request not signed")
	ErrBadSignature   = errors.New("signature does not verify")
	ErrDigestMismatch = errors.New("body does not match its digest")
	ErrStaleDate      = errors.New("signed date outside the accepted window")
	ErrUnknownKey     = errors.New("signing key not found")
	ErrUnsigned       = errors.New("required parts of the request not signed")
)

// SignatureError is why Verify refused a request: Reason is one of the Err…
// values above and Detail says what exactly, for the log and the answer.
type SignatureError struct {
	Reason error
	Detail string
}

func (e *SignatureError) Error() string { return e.Reason.Error() + ": " + e.Detail }

// Unwrap lets errors.Is find the reason and jigsaw.ErrorCode the code.
func (e *SignatureError) Unwrap() []error {
	return []error{e.Reason, &jigsaw.Error{Code: jigsaw.EUNAUTHORIZED, Message: "Bad HTTP signature: " + e.Detail + "."}}
}

func sigErr(reason error, format string, args ...any) error {
	return &SignatureError{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// Sign signs r with key under keyID as Mastodon does (draft-cavage-http-
// signatures-12): it sets Date (unless set), and for a body Digest, then a
// Signature header over "(request-target) host date", with "digest" and
// "content-type" (when set) for a body. body must be what r will send. RSA
// keys sign as rsa-sha256; Ed25519 keys as hs2019.
func Sign(r *http.Request, body []byte, keyID string, key crypto.Signer) error {
	if r.Header.Get("Date") == "" {
		r.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	}
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	headers := []string{"(request-target)", "host", "date"}
	if body != nil {
		r.Header.Set("Digest", Digest(body))
		headers = append(headers, "digest")
		if r.Header.Get("Content-Type") != "" {
			headers = append(headers, "content-type")
		}
	}
	base, err := cavageBase(r, headers, nil)
	if err != nil {
		return err
	}
	var sig []byte
	alg := "rsa-sha256"
	switch key.Public().(type) {
	case *rsa.PublicKey:
		h := sha256.Sum256([]byte(base))
		sig, err = key.Sign(rand.Reader, h[:], crypto.SHA256)
	case ed25519.PublicKey:
		alg = "hs2019"
		sig, err = key.Sign(rand.Reader, []byte(base), crypto.Hash(0))
	default:
		return fmt.Errorf("sign: unsupported key type %T", key.Public())
	}
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	r.Header.Set("Signature", fmt.Sprintf(`keyId=%q,algorithm=%q,headers=%q,signature=%q`,
		keyID, alg, strings.Join(headers, " "), base64.StdEncoding.EncodeToString(sig)))
	return nil
}

// Verify checks the signature of r, whose body has been read into body, and
// returns the id of the key that signed it. It accepts draft-cavage
// signatures (Signature or Authorization: Signature; rsa-sha256, and hs2019
// with RSA or Ed25519 keys) and RFC 9421 ones (Signature-Input and
// Signature, rsa-v1_5-sha256, rsa-pss-sha512 or ed25519). What must be
// signed: the method and target, the host, the date (a cavage Date header
// or (created), RFC 9421's created parameter), and for a request with a
// body its digest (Digest or Content-Digest, which must match body). The
// date must be within MaxClockSkew of now.
//
// For RFC 9421's @target-uri, r.URL's scheme and host are used when set; a
// server's request has neither, so the host is r.Host and the scheme https
// when r.TLS is set, and otherwise (behind a proxy that ends TLS) https or
// http, whichever the signature verifies with.
//
// When the key found does not verify the signature, the key is looked up
// once more with refresh set: the peer may have rotated it.
func Verify(r *http.Request, body []byte, keys KeyLookup, now time.Time) (keyID string, err error) {
	var m *signedMessage
	switch {
	case r.Header.Get("Signature-Input") != "":
		m, err = parseRFC9421(r)
	case r.Header.Get("Signature") != "":
		m, err = parseCavage(r, r.Header.Get("Signature"))
	case strings.HasPrefix(r.Header.Get("Authorization"), "Signature "):
		m, err = parseCavage(r, strings.TrimPrefix(r.Header.Get("Authorization"), "Signature "))
	default:
		return "", sigErr(ErrNoSignature, "no Signature header")
	}
	if err != nil {
		return "", err
	}
	if err := m.checkPolicy(r, body, now); err != nil {
		return m.keyID, err
	}
	return m.keyID, m.verifyWith(r.Context(), keys)
}

// signedMessage is a parsed signature: what was signed (base), by which
// key, with which algorithm, and which parts of the request it covers.
type signedMessage struct {
	keyID     string
	algorithm string // as named by the signer; "" when not named
	base      string
	altBase   string // the base with the other scheme, when r does not say which
	signature []byte
	rfc9421   bool
	covers    map[string]bool // signed header and component names
	created   time.Time       // the (created) or created parameter, if any
	expires   time.Time       // the (expires) or expires parameter, if any
}

// verifyWith looks up the key and checks the signature, looking the key up
// afresh once if the cached one does not verify it.
func (m *signedMessage) verifyWith(ctx context.Context, keys KeyLookup) error {
	key, err := keys(ctx, m.keyID, false)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return sigErr(ErrUnknownKey, "key %q: %v", m.keyID, err)
	}
	if m.verifyKey(key) == nil {
		return nil
	}
	fresh, err := keys(ctx, m.keyID, true)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return sigErr(ErrBadSignature, "key %q does not verify it and could not be fetched again: %v", m.keyID, err)
	}
	return m.verifyKey(fresh)
}

// verifyKey checks the signature with key, by the algorithm the signer named
// or, when it named none (or hs2019, which leaves it to the key), the ones
// that fit the key.
func (m *signedMessage) verifyKey(key crypto.PublicKey) error {
	err := m.verifyBase(key, m.base)
	if err != nil && m.altBase != "" && m.verifyBase(key, m.altBase) == nil {
		return nil
	}
	return err
}

func (m *signedMessage) verifyBase(key crypto.PublicKey, signed string) error {
	alg := strings.ToLower(m.algorithm)
	base := []byte(signed)
	switch k := key.(type) {
	case *rsa.PublicKey:
		h256 := sha256.Sum256(base)
		h512 := sha512.Sum512(base)
		pkcs := func() error { return rsa.VerifyPKCS1v15(k, crypto.SHA256, h256[:], m.signature) }
		pss := func() error {
			return rsa.VerifyPSS(k, crypto.SHA512, h512[:], m.signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
		}
		var err error
		switch alg {
		case "rsa-sha256", "rsa-v1_5-sha256":
			err = pkcs()
		case "rsa-pss-sha512":
			err = pss()
		case "", "hs2019":
			if err = pkcs(); err != nil {
				err = pss()
			}
		default:
			return sigErr(ErrBadSignature, "algorithm %q is not accepted", m.algorithm)
		}
		if err != nil {
			return sigErr(ErrBadSignature, "the signature does not match key %q", m.keyID)
		}
		return nil
	case ed25519.PublicKey:
		if alg != "" && alg != "hs2019" && alg != "ed25519" {
			return sigErr(ErrBadSignature, "algorithm %q does not fit an Ed25519 key", m.algorithm)
		}
		if !ed25519.Verify(k, base, m.signature) {
			return sigErr(ErrBadSignature, "the signature does not match key %q", m.keyID)
		}
		return nil
	default:
		return sigErr(ErrUnknownKey, "key %q is of a kind we do not accept (%T)", m.keyID, key)
	}
}

// checkPolicy checks that the signature covers what it must, that the
// body matches its signed digest and that the date is recent.
func (m *signedMessage) checkPolicy(r *http.Request, body []byte, now time.Time) error {
	hasBody := len(body) > 0 || r.Method == http.MethodPost
	var when time.Time
	if m.rfc9421 {
		target := m.covers["@target-uri"] || m.covers["@authority"] && (m.covers["@request-target"] || m.covers["@path"] && m.covers["@query"])
		if !m.covers["@method"] || !target {
			return sigErr(ErrUnsigned, "the signature must cover @method and @target-uri")
		}
		if m.created.IsZero() {
			return sigErr(ErrUnsigned, "the signature has no created parameter")
		}
		when = m.created
		if hasBody {
			if !m.covers["content-digest"] {
				return sigErr(ErrUnsigned, "a request with a body must sign its Content-Digest")
			}
			if err := checkContentDigest(r.Header.Get("Content-Digest"), body); err != nil {
				return sigErr(ErrDigestMismatch, "%v", err)
			}
		}
	} else {
		if !m.covers["(request-target)"] || !m.covers["host"] {
			return sigErr(ErrUnsigned, "the signed headers must include (request-target) and host")
		}
		switch {
		case m.covers["date"]:
			t, err := http.ParseTime(r.Header.Get("Date"))
			if err != nil {
				return sigErr(ErrStaleDate, "the Date header %q is not an HTTP date", r.Header.Get("Date"))
			}
			when = t
		case m.covers["(created)"]:
			when = m.created
		default:
			return sigErr(ErrUnsigned, "the signed headers must include date")
		}
		if hasBody {
			if !m.covers["digest"] {
				return sigErr(ErrUnsigned, "a request with a body must sign its Digest")
			}
			if err := checkDigest(r.Header.Get("Digest"), body); err != nil {
				return sigErr(ErrDigestMismatch, "%v", err)
			}
		}
	}
	if !m.expires.IsZero() && now.After(m.expires) {
		return sigErr(ErrStaleDate, "the signature expired at %s", m.expires.UTC().Format(time.RFC3339))
	}
	if d := now.Sub(when); d > MaxClockSkew || d < -MaxClockSkew {
		return sigErr(ErrStaleDate, "signed at %s, more than %s from now", when.UTC().Format(time.RFC3339), MaxClockSkew)
	}
	return nil
}

// parseCavage reads a draft-cavage Signature header's parameters and builds
// the string that was signed.
func parseCavage(r *http.Request, header string) (*signedMessage, error) {
	params := map[string]string{}
	for rest := strings.TrimSpace(header); rest != ""; {
		name, after, ok := strings.Cut(rest, "=")
		if !ok {
			return nil, sigErr(ErrBadSignature, "malformed Signature header")
		}
		name = strings.TrimSpace(name)
		var value string
		if strings.HasPrefix(after, `"`) {
			end := strings.IndexByte(after[1:], '"')
			if end < 0 {
				return nil, sigErr(ErrBadSignature, "malformed Signature header: unterminated %s", name)
			}
			value, rest = after[1:1+end], after[2+end:]
		} else { // (created) and (expires) are bare integers
			value, rest, _ = strings.Cut(after, ",")
			rest = "," + rest
		}
		params[name] = value
		rest = strings.TrimSpace(rest)
		if rest != "" && !strings.HasPrefix(rest, ",") {
			return nil, sigErr(ErrBadSignature, "malformed Signature header after %s", name)
		}
		rest = strings.TrimSpace(strings.TrimPrefix(rest, ","))
	}
	m := &signedMessage{keyID: params["keyId"], algorithm: params["algorithm"], covers: map[string]bool{}}
	if m.keyID == "" || params["signature"] == "" {
		return nil, sigErr(ErrBadSignature, "the Signature header lacks keyId or signature")
	}
	sig, err := base64.StdEncoding.DecodeString(params["signature"])
	if err != nil {
		return nil, sigErr(ErrBadSignature, "the signature is not base64")
	}
	m.signature = sig
	headers := strings.Fields(strings.ToLower(params["headers"]))
	if len(headers) == 0 {
		headers = []string{"date"} // the draft's default
	}
	for _, h := range headers {
		m.covers[h] = true
	}
	for name, t := range map[string]*time.Time{"created": &m.created, "expires": &m.expires} {
		if c := params[name]; c != "" {
			n, err := strconv.ParseInt(c, 10, 64)
			if err != nil {
				return nil, sigErr(ErrBadSignature, "%s %q is not a number", name, c)
			}
			*t = time.Unix(n, 0)
		}
	}
	if m.base, err = cavageBase(r, headers, params); err != nil {
		return nil, err
	}
	return m, nil
}

// cavageBase builds draft-cavage's signing string: one "name: value" line
// per signed header, in the order given.
func cavageBase(r *http.Request, headers []string, params map[string]string) (string, error) {
	lines := make([]string, len(headers))
	for i, h := range headers {
		var v string
		switch h {
		case "(request-target)":
			v = strings.ToLower(r.Method) + " " + r.URL.RequestURI()
		case "(created)", "(expires)":
			v = params[strings.Trim(h, "()")]
			if v == "" {
				return "", sigErr(ErrBadSignature, "%s is signed but not given", h)
			}
		case "host":
			v = r.Host
			if v == "" {
				v = r.URL.Host
			}
		default:
			values := r.Header.Values(h)
			if len(values) == 0 {
				return "", sigErr(ErrBadSignature, "signed header %q is missing", h)
			}
			for j := range values {
				values[j] = strings.TrimSpace(values[j])
			}
			v = strings.Join(values, ", ")
		}
		lines[i] = h + ": " + v
	}
	return strings.Join(lines, "\n"), nil
}

// parseRFC9421 reads the first signature of Signature-Input and its value
// in Signature, and builds its signature base (RFC 9421 section 2.5).
func parseRFC9421(r *http.Request) (*signedMessage, error) {
	inputs, err := parseDictionary(strings.Join(r.Header.Values("Signature-Input"), ", "))
	if err != nil || len(inputs) == 0 {
		return nil, sigErr(ErrBadSignature, "malformed Signature-Input")
	}
	sigs, err := parseDictionary(strings.Join(r.Header.Values("Signature"), ", "))
	if err != nil {
		return nil, sigErr(ErrBadSignature, "malformed Signature")
	}
	input := inputs[0]
	if input.value.kind != sfInnerList {
		return nil, sigErr(ErrBadSignature, "Signature-Input %s is not a list of components", input.name)
	}
	m := &signedMessage{rfc9421: true, covers: map[string]bool{}}
	for _, s := range sigs {
		if s.name == input.name && s.value.kind == sfBytes {
			m.signature = s.value.bytes
		}
	}
	if m.signature == nil {
		return nil, sigErr(ErrBadSignature, "no Signature for %s", input.name)
	}
	for _, p := range input.value.params {
		switch p.name {
		case "keyid":
			m.keyID = p.value.str
		case "alg":
			m.algorithm = p.value.str
		case "created":
			m.created = time.Unix(p.value.integer, 0)
		case "expires":
			m.expires = time.Unix(p.value.integer, 0)
		}
	}
	if m.keyID == "" {
		return nil, sigErr(ErrBadSignature, "Signature-Input %s has no keyid", input.name)
	}
	// Behind a proxy that ends TLS, a server's request says neither its
	// scheme nor its host; the host is in r.Host, and the scheme the peer
	// signed is tried as https, then http.
	schemes := []string{requestScheme(r)}
	if r.URL.Scheme == "" && r.TLS == nil {
		schemes = []string{"https", "http"}
	}
	for i, scheme := range schemes {
		var b strings.Builder
		for _, c := range input.value.list {
			if c.kind != sfString || len(c.params) > 0 {
				return nil, sigErr(ErrBadSignature, "component %s is not supported", c.serialize())
			}
			v, err := componentValue(r, scheme, c.str)
			if err != nil {
				return nil, err
			}
			m.covers[c.str] = true
			fmt.Fprintf(&b, "%q: %s\n", c.str, v)
		}
		b.WriteString(`"@signature-params": ` + input.value.serialize())
		if i == 0 {
			m.base = b.String()
		} else if b.String() != m.base {
			m.altBase = b.String()
		}
	}
	return m, nil
}

// componentValue is the value of one covered component of r (RFC 9421
// section 2), sent with scheme.
func componentValue(r *http.Request, scheme, name string) (string, error) {
	switch name {
	case "@method":
		return r.Method, nil
	case "@authority":
		return strings.ToLower(requestHost(r)), nil
	case "@scheme":
		return scheme, nil
	case "@target-uri":
		return scheme + "://" + strings.ToLower(requestHost(r)) + r.URL.RequestURI(), nil
	case "@request-target":
		return r.URL.RequestURI(), nil
	case "@path":
		if p := r.URL.EscapedPath(); p != "" {
			return p, nil
		}
		return "/", nil
	case "@query":
		return "?" + r.URL.RawQuery, nil
	}
	if strings.HasPrefix(name, "@") {
		return "", sigErr(ErrBadSignature, "component %q is not supported", name)
	}
	values := r.Header.Values(name)
	if len(values) == 0 {
		return "", sigErr(ErrBadSignature, "signed header %q is missing", name)
	}
	for i := range values {
		values[i] = strings.TrimSpace(values[i])
	}
	return strings.Join(values, ", "), nil
}

func requestHost(r *http.Request) string {
	if r.URL.Host != "" {
		return r.URL.Host
	}
	return r.Host
}

func requestScheme(r *http.Request) string {
	switch {
	case r.URL.Scheme != "":
		return r.URL.Scheme
	case r.TLS != nil:
		return "https"
	}
	return "http"
}

// Structured fields (RFC 8941), as far as Signature-Input, Signature and
// Content-Digest use them: dictionaries whose members are inner lists of
// strings or byte sequences, with parameters.

type sfKind int

const (
	sfInteger sfKind = iota
	sfString
	sfToken
	sfBytes
	sfBool
	sfInnerList
)

type sfItem struct {
	kind    sfKind
	integer int64
	str     string // a string's or token's text
	bytes   []byte
	boolean bool
	list    []sfItem
	params  []sfParam
}

type sfParam struct {
	name  string
	value sfItem
}

type sfMember struct {
	name  string
	value sfItem
}

type sfParser struct {
	s string
	i int
}

func (p *sfParser) eof() bool { return p.i >= len(p.s) }
func (p *sfParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.i]
}
func (p *sfParser) skip(chars string) {
	for !p.eof() && strings.IndexByte(chars, p.s[p.i]) >= 0 {
		p.i++
	}
}

func parseDictionary(s string) ([]sfMember, error) {
	p := &sfParser{s: s}
	p.skip(" \t")
	var out []sfMember
	for !p.eof() {
		name, err := p.key()
		if err != nil {
			return nil, err
		}
		m := sfMember{name: name, value: sfItem{kind: sfBool, boolean: true}}
		if p.peek() == '=' {
			p.i++
			if m.value, err = p.member(); err != nil {
				return nil, err
			}
		} else if m.value.params, err = p.params(); err != nil {
			return nil, err
		}
		out = append(out, m)
		p.skip(" \t")
		if p.eof() {
			break
		}
		if p.peek() != ',' {
			return nil, fmt.Errorf("expected a comma at %d", p.i)
		}
		p.i++
		p.skip(" \t")
		if p.eof() {
			return nil, errors.New("trailing comma")
		}
	}
	return out, nil
}

func (p *sfParser) key() (string, error) {
	start := p.i
	c := p.peek()
	if !(c >= 'a' && c <= 'z' || c == '*') {
		return "", fmt.Errorf("expected a key at %d", p.i)
	}
	for !p.eof() {
		c := p.s[p.i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("_-.*", c) >= 0 {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i], nil
}

func (p *sfParser) member() (sfItem, error) {
	var it sfItem
	var err error
	if p.peek() == '(' {
		p.i++
		it.kind = sfInnerList
		for {
			p.skip(" ")
			if p.peek() == ')' {
				p.i++
				break
			}
			if p.eof() {
				return it, errors.New("unterminated inner list")
			}
			e, err := p.bare()
			if err != nil {
				return it, err
			}
			if e.params, err = p.params(); err != nil {
				return it, err
			}
			it.list = append(it.list, e)
			if c := p.peek(); c != ' ' && c != ')' {
				return it, fmt.Errorf("expected a space or ) at %d", p.i)
			}
		}
	} else if it, err = p.bare(); err != nil {
		return it, err
	}
	it.params, err = p.params()
	return it, err
}

func (p *sfParser) params() ([]sfParam, error) {
	var out []sfParam
	for p.peek() == ';' {
		p.i++
		p.skip(" ")
		name, err := p.key()
		if err != nil {
			return nil, err
		}
		v := sfItem{kind: sfBool, boolean: true}
		if p.peek() == '=' {
			p.i++
			if v, err = p.bare(); err != nil {
				return nil, err
			}
		}
		out = append(out, sfParam{name, v})
	}
	return out, nil
}

func (p *sfParser) bare() (sfItem, error) {
	c := p.peek()
	switch {
	case c == '"':
		var b strings.Builder
		for p.i++; ; p.i++ {
			if p.eof() {
				return sfItem{}, errors.New("unterminated string")
			}
			c := p.s[p.i]
			if c == '\\' && p.i+1 < len(p.s) {
				p.i++
				b.WriteByte(p.s[p.i])
				continue
			}
			if c == '"' {
				p.i++
				return sfItem{kind: sfString, str: b.String()}, nil
			}
			if c < 0x20 || c > 0x7e {
				return sfItem{}, errors.New("invalid character in string")
			}
			b.WriteByte(c)
		}
	case c == ':':
		end := strings.IndexByte(p.s[p.i+1:], ':')
		if end < 0 {
			return sfItem{}, errors.New("unterminated byte sequence")
		}
		b, err := base64.StdEncoding.DecodeString(p.s[p.i+1 : p.i+1+end])
		if err != nil {
			return sfItem{}, fmt.Errorf("byte sequence: %w", err)
		}
		p.i += end + 2
		return sfItem{kind: sfBytes, bytes: b}, nil
	case c == '?':
		if p.i+1 < len(p.s) && (p.s[p.i+1] == '0' || p.s[p.i+1] == '1') {
			p.i += 2
			return sfItem{kind: sfBool, boolean: p.s[p.i-1] == '1'}, nil
		}
		return sfItem{}, errors.New("bad boolean")
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		p.i++
		p.skip("0123456789")
		n, err := strconv.ParseInt(p.s[start:p.i], 10, 64)
		if err != nil || p.i-start > 16 {
			return sfItem{}, fmt.Errorf("bad integer %q", p.s[start:p.i])
		}
		return sfItem{kind: sfInteger, integer: n}, nil
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '*':
		start := p.i
		for !p.eof() && strings.IndexByte(" ,;()=\"", p.s[p.i]) < 0 {
			p.i++
		}
		return sfItem{kind: sfToken, str: p.s[start:p.i]}, nil
	}
	return sfItem{}, fmt.Errorf("unexpected %q at %d", c, p.i)
}

// serialize writes an item back in its canonical form, as the signature
// base's @signature-params line needs it.
func (it sfItem) serialize() string {
	var b strings.Builder
	switch it.kind {
	case sfInteger:
		b.WriteString(strconv.FormatInt(it.integer, 10))
	case sfString:
		b.WriteString(`"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(it.str) + `"`)
	case sfToken:
		b.WriteString(it.str)
	case sfBytes:
		b.WriteString(":" + base64.StdEncoding.EncodeToString(it.bytes) + ":")
	case sfBool:
		if it.boolean {
			b.WriteString("?1")
		} else {
			b.WriteString("?0")
		}
	case sfInnerList:
		b.WriteByte('(')
		for i, e := range it.list {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(e.serialize())
		}
		b.WriteByte(')')
	}
	for _, p := range it.params {
		b.WriteString(";" + p.name)
		if !(p.value.kind == sfBool && p.value.boolean) {
			b.WriteString("=" + p.value.serialize())
		}
	}
	return b.String()
}
