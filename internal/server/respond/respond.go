// Package respond writes HTTP answers: JSON bodies and errors (RFC 9457
// problem details). Error codes
// become HTTP statuses here and nowhere else.
package respond

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"jigsaw"
)

// StatusClientClosed is the status recorded when the caller went away
// before the answer was ready (nginx's 499): not a fault of ours.
const StatusClientClosed = 499

// Status returns the HTTP status for err's jigsaw code.
func Status(err error) int {
	if errors.Is(err, context.Canceled) {
		return StatusClientClosed
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	switch jigsaw.ErrorCode(err) {
	case jigsaw.EINVALID:
		return http.StatusBadRequest
	case jigsaw.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case jigsaw.EFORBIDDEN:
		return http.StatusForbidden
	case jigsaw.ENOTFOUND:
		return http.StatusNotFound
	case jigsaw.ECONFLICT:
		return http.StatusConflict
	case jigsaw.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	case jigsaw.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case jigsaw.ETOOMANY:
		return http.StatusTooManyRequests
	case jigsaw.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Message returns what a person may be told about err.
func Message(err error) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return "The request body is too large."
	}
	return jigsaw.ErrorMessage(err)
}

// LogError logs err if it is a fault of ours (a 5xx). Mistakes of the
// caller are not logged as errors: they are in the access log already.
func LogError(r *http.Request, log *slog.Logger, err error) {
	if Status(err) >= 500 {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path,
			"request_id", RequestID(r), "error", err)
	}
}

// Problem is the JSON shape of every API error: an RFC 9457 problem
// details object, sent as application/problem+json. Code, Fields and
// RequestID are its extension members.
type Problem struct {
	// Type names the kind of problem, one per code: ProblemType(code), a
	// reference to where the readable API page explains it.
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance,omitempty"`
	Code     string `json:"code"`
	// Fields maps each bad field, by its JSON path ("steps[2].turnout") or
	// query parameter, to what is wrong with it.
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// ProblemContentType is the media type of a Problem (RFC 9457).
const ProblemContentType = "application/problem+json"

// ProblemTypePrefix starts every problem's type: the section of the
// readable API page (/api) that explains the code that follows it.
const ProblemTypePrefix = "/api#problem-"

// ProblemType returns the type URI of the problems of code.
func ProblemType(code string) string { return ProblemTypePrefix + code }

// ProblemTitles is the short, fixed title of each code's problems.
var ProblemTitles = map[string]string{
	jigsaw.ECONFLICT:      "Conflict",
	jigsaw.EFORBIDDEN:     "Not allowed",
	jigsaw.EINTERNAL:      "Internal error",
	jigsaw.EINVALID:       "Invalid input",
	jigsaw.ENOTFOUND:      "Not found",
	jigsaw.ETOOLARGE:      "Too large",
	jigsaw.ETOOMANY:       "Too many requests",
	jigsaw.EUNPROCESSABLE: "Unprocessable",
	jigsaw.EUNAUTHORIZED:  "Sign-in required",
	jigsaw.EUNAVAILABLE:   "Unavailable",
}

// NewProblem returns the problem details of err, as answered to r.
func NewProblem(r *http.Request, err error) Problem {
	status := Status(err)
	code := jigsaw.ErrorCode(err)
	if status == http.StatusRequestEntityTooLarge {
		code = jigsaw.ETOOLARGE
	}
	detail := Message(err)
	if status == http.StatusInternalServerError {
		code, detail = jigsaw.EINTERNAL, "Internal error."
	}
	return Problem{Type: ProblemType(code), Title: ProblemTitles[code], Status: status, Detail: detail,
		Instance: r.URL.Path, Code: code, Fields: jigsaw.FieldErrors(err), RequestID: RequestID(r)}
}

// SetErrorHeaders adds the headers an error calls for, such as Retry-After
// on a rate limit.
func SetErrorHeaders(w http.ResponseWriter, err error) {
	var ra interface{ RetryAfterSeconds() int }
	if errors.As(err, &ra) {
		w.Header().Set("Retry-After", strconv.Itoa(ra.RetryAfterSeconds()))
	}
}

// JSONError writes err as problem details with the status of its code.
func JSONError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	LogError(r, log, err)
	SetErrorHeaders(w, err)
	p := NewProblem(r, err)
	write(w, p.Status, ProblemContentType, p)
}

// JSON writes v as JSON with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	write(w, status, "application/json; charset=utf-8", v)
}

func write(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

type requestIDKey struct{}

// WithRequestID returns r carrying id.
func WithRequestID(r *http.Request, id string) *http.Request {
	return r.WithContext(contextWithRequestID(r, id))
}

// RequestID returns the ID the server gave the request, or "".
func RequestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}
