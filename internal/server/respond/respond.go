// Package respond writes HTTP answers: JSON bodies and errors. Error codes
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

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
	RequestID string `json:"request_id,omitempty"`
}

// SetErrorHeaders adds the headers an error calls for, such as Retry-After
// on a rate limit.
func SetErrorHeaders(w http.ResponseWriter, err error) {
	var ra interface{ RetryAfterSeconds() int }
	if errors.As(err, &ra) {
		w.Header().Set("Retry-After", strconv.Itoa(ra.RetryAfterSeconds()))
	}
}

// JSONError writes err as an ErrorBody with the status of its code.
func JSONError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	LogError(r, log, err)
	SetErrorHeaders(w, err)
	var body ErrorBody
	body.Error.Code = jigsaw.ErrorCode(err)
	if Status(err) == http.StatusRequestEntityTooLarge {
		body.Error.Code = jigsaw.ETOOLARGE
	}
	body.Error.Message = Message(err)
	body.Error.Fields = jigsaw.FieldErrors(err)
	body.RequestID = RequestID(r)
	JSON(w, Status(err), body)
}

// JSON writes v as JSON with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
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
