// Package jigsaw holds the domain of Jigsaw: the objects a coalition records
// (stories, organisations, dangers, disputes…), the services that keep them and
// the error codes those services return. It imports nothing of the project's
// own, so every other package can depend on it.
package jigsaw

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. Services return errors carrying one of these; the HTTP layer
// maps each code to a status in one place (internal/server/respond).
const (
	ECONFLICT      = "conflict"      // the action conflicts with the current state
	EFORBIDDEN     = "forbidden"     // signed in, but not allowed
	EINTERNAL      = "internal"      // a fault of ours; the detail goes to the log only
	EINVALID       = "invalid"       // the input is wrong; Fields says where
	ENOTFOUND      = "not_found"     // no such object (or not visible to the caller)
	ETOOLARGE      = "too_large"     // a body or file over its limit
	ETOOMANY       = "too_many"      // rate limited
	EUNPROCESSABLE = "unprocessable" // well formed, but at odds with what was sent before under the same key
	EUNAUTHORIZED  = "unauthorized"  // not signed in, or bad credentials
	EUNAVAILABLE   = "unavailable"   // a dependency (database, mail) is down
)

// Error is a domain error: a code for programs, a message for people and, for
// EINVALID, the message for each field that was wrong. The message is safe to
// show to whoever made the request; internal detail belongs in a wrapped error
// that only the log sees.
type Error struct {
	Code    string
	Message string
	// Fields maps a field name (a form field, a JSON path, a CSV column) to
	// what was wrong with it.
	Fields map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("jigsaw error: code=%s message=%s", e.Code, e.Message)
	}
	return fmt.Sprintf("jigsaw error: code=%s message=%s fields=%s", e.Code, e.Message, e.FieldSummary())
}

// FieldSummary lists the field errors in a stable order, "a: msg; b: msg".
func (e *Error) FieldSummary() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return strings.Join(parts, "; ")
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the person-facing message of err: the message of its
// *Error, or "Internal error." for anything uncoded, so internal detail never
// reaches a page.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// FieldErrors returns the field messages of err's *Error, if any.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Problems collects field errors while input is checked, so that every
// mistake is reported at once rather than the first alone.
type Problems map[string]string

// Add records msg for field unless the field already has a message.
func (p Problems) Add(field, msg string) {
	if _, ok := p[field]; !ok {
		p[field] = msg
	}
}

// Err returns nil when nothing was recorded, otherwise an EINVALID *Error
// carrying every field message.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	msg := "Please correct the marked fields."
	if len(p) == 1 {
		for _, m := range p {
			msg = m
		}
	}
	return &Error{Code: EINVALID, Message: msg, Fields: map[string]string(p)}
}
