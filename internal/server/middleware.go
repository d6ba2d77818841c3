package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/server/respond"
)

// routeInfo travels in the request context so the outer middleware learns
// which route pattern answered (set by the route's own wrapper).
type routeInfo struct{ pattern string }

type routeInfoKey struct{}

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestIDs makes request IDs: a random prefix per process, so that the
// IDs of several processes do not collide, and a counter, which costs less
// per request than reading random bytes and is as good for finding a log
// line.
var requestIDs = struct {
	prefix string
	n      atomic.Uint64
}{prefix: randomHex(4)}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// withRequestID gives every request an ID: the caller's X-Request-ID when it
// is sane (so IDs follow a request through a proxy), otherwise a new one.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The header's canonical spelling, looked up and set directly:
		// Get and Set would make a new string of "X-Request-ID" to find it
		// under, twice a request.
		var id string
		if v := r.Header["X-Request-Id"]; len(v) > 0 {
			id = v[0]
		}
		if id == "" || !requestIDRE.MatchString(id) {
			id = requestIDs.prefix + "-" + strconv.FormatUint(requestIDs.n.Add(1), 16)
		}
		w.Header()["X-Request-Id"] = []string{id}
		next.ServeHTTP(w, auth.WithClientIP(respond.WithRequestID(r, id), s.Config.Proxies))
	})
}

// statusWriter remembers the status and size of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// WriteString passes a string on without copying it into a new slice: the
// page cache writes the layout its pages share as one.
func (w *statusWriter) WriteString(s string) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.WriteString(w.ResponseWriter, s)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe writes the access log line and the request metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &routeInfo{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeInfoKey{}, info)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.Metrics.Observe(info.pattern, r.Method, sw.status, d)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.Log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", info.pattern),
			slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes), slog.Duration("duration", d),
			slog.String("request_id", respond.RequestID(r)), slog.String("remote", auth.ClientIP(r)))
	})
}

// recoverPanics turns a panic into a plain 500 page and logs the detail.
// The page is static text: the template engine may be what panicked.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.Log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path,
				"request_id", w.Header().Get("X-Request-ID"), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "<!doctype html><title>Internal error</title><h1>Internal error</h1><p>Something went wrong on our side. It has been logged; reference <code>%s</code>.</p>",
				strings.TrimSpace(w.Header().Get("X-Request-ID")))
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody caps every request body; reading past the cap fails with
// *http.MaxBytesError, which respond maps to 413. Uploads to the admin's
// import page have a cap of their own: the handler checks the user's role
// before it reads a byte.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.Config.MaxBodyBytes
		if r.Method == http.MethodPost && r.URL.Path == "/admin/imports" {
			limit = s.Config.MaxImportBytes
		}
		upload := r.Method == http.MethodPost && resourceUpload(r.URL.Path)
		if upload {
			limit = max(limit, ResourceUploadLimit(s.Config.MaxResourceBytes))
		}
		if upload && r.ContentLength > limit {
			msg := "The file is larger than " + jigsaw.FormatBytes(s.Config.MaxResourceBytes) + ", the most a file may be."
			s.fail(w, r, &jigsaw.Error{Code: jigsaw.ETOOLARGE, Message: msg, Fields: map[string]string{"file": msg}})
			return
		}
		if r.ContentLength > limit {
			s.fail(w, r, jigsaw.Errorf(jigsaw.ETOOLARGE, "The request body is larger than %d bytes.", limit))
			return
		}
		if r.Body != http.NoBody { // a request without a body (most GETs) has nothing to cap
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// resourceUpload reports whether path is where a file is added to the
// library (a resource's new version), on the pages or the API: the only
// routes whose body may be as large as such a file.
func resourceUpload(path string) bool {
	rest, ok := strings.CutPrefix(path, "/api/v1")
	if !ok {
		rest = path
	}
	id, ok := strings.CutPrefix(rest, "/resources/")
	id, ok2 := strings.CutSuffix(id, "/versions")
	return ok && ok2 && id != "" && strings.Trim(id, "0123456789") == ""
}

// ResourceUploadLimit is the body limit of an upload to the library: the
// largest file, base64-encoded as the API may send it, and room for the
// form's other fields. The handler checks the file itself against the
// file limit, naming it.
func ResourceUploadLimit(maxFile int64) int64 {
	return maxFile/3*4 + 4 + 64<<10
}

// refuseNUL refuses a query parameter holding a NUL character, naming it:
// no text of ours holds one, and PostgreSQL cannot store one, so it is
// refused here alike on both engines rather than failing deep in a query.
// Form fields and JSON bodies are checked where they are read.
func (s *Server) refuseNUL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.RawQuery, "%00") {
			p := jigsaw.Problems{}
			for name, vals := range r.URL.Query() {
				for _, v := range vals {
					if strings.ContainsRune(name+v, 0) {
						p.Add(strings.ReplaceAll(name, "\x00", "\\0"), "must not contain a NUL character.")
					}
				}
			}
			var e *jigsaw.Error
			if errors.As(p.Err(), &e) {
				e.Message = "Bad query parameter: " + e.FieldSummary()
				s.fail(w, r, e)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows nothing inline and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// securityHeaderValues are set on every answer. The value slices are
// shared, not copied per request: net/http and Header.Set and Add replace a
// slice rather than write into it.
var securityHeaderValues = http.Header{
	"Content-Security-Policy":    {contentSecurityPolicy},
	"X-Content-Type-Options":     {"nosniff"},
	"X-Frame-Options":            {"DENY"},
	"Referrer-Policy":            {"strict-origin-when-cross-origin"},
	"Permissions-Policy":         {"camera=(), microphone=(), geolocation=(), interest-cohort=()"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
}

// embedSecurityHeaderValues are securityHeaderValues for the embedded
// cards under /embed/, the only pages other sites may frame: any site may
// frame them (frame-ancestors *) and X-Frame-Options, which cannot say so,
// is left out. The rest of the policy is the same.
var embedSecurityHeaderValues = func() http.Header {
	h := http.Header{}
	for k, v := range securityHeaderValues {
		if k != "X-Frame-Options" {
			h[k] = v
		}
	}
	h["Content-Security-Policy"] = []string{strings.Replace(contentSecurityPolicy, "frame-ancestors 'none'", "frame-ancestors *", 1)}
	return h
}()

var hstsValue = []string{"max-age=31536000; includeSubDomains"}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	https := strings.HasPrefix(s.Config.BaseURL, "https://")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, values := w.Header(), securityHeaderValues
		if strings.HasPrefix(r.URL.Path, "/embed/") {
			values = embedSecurityHeaderValues
		}
		for k, v := range values {
			h[k] = v
		}
		if https {
			h["Strict-Transport-Security"] = hstsValue
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate puts the signed-in user, if any, in the request context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.Authenticate(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if u != nil {
			r = r.WithContext(jigsaw.NewContextWithUser(r.Context(), u))
		}
		next.ServeHTTP(w, r)
	})
}

// fail answers err as JSON for API and machine routes, as a page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if wantsJSON(r) {
		respond.JSONError(w, r, s.Log, err)
		return
	}
	s.Pages.Error(w, r, err)
}

func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.HasSuffix(r.URL.Path, ".json") ||
		strings.Contains(r.Header.Get("Accept"), "application/json") && !strings.Contains(r.Header.Get("Accept"), "text/html")
}
