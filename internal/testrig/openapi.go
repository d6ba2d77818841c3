package testrig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"jigsaw/internal/api"
	"jigsaw/internal/server/respond"
)

// The validator of the API's document is built once for all tests of a
// package: reading the document and compiling its schemas is the slow part.
var apiDoc struct {
	once sync.Once
	mu   sync.Mutex // the validator keeps caches that are not safe to share
	v    validator.Validator
	err  error
}

// APIValidator returns the validator of api.Document (OpenAPI 3.1), or the
// reasons the document is not valid.
func APIValidator() (validator.Validator, error) {
	apiDoc.once.Do(func() {
		doc, err := libopenapi.NewDocument(api.Document)
		if err != nil {
			apiDoc.err = err
			return
		}
		v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
		if len(errs) > 0 {
			apiDoc.err = fmt.Errorf("%v", errs)
			return
		}
		if ok, verrs := v.ValidateDocument(); !ok {
			var msgs []string
			for _, e := range verrs {
				msgs = append(msgs, e.Message+": "+e.Reason)
			}
			apiDoc.err = fmt.Errorf("the OpenAPI document is not valid: %s", strings.Join(msgs, "; "))
			return
		}
		apiDoc.v = v
	})
	return apiDoc.v, apiDoc.err
}

// checkingTransport checks every answer under /api/v1 against the API's
// document as it passes: its status, content type and body. A mismatch
// fails the test that made the request. Requests are not checked: tests
// send bad ones on purpose, and their answers (problem details) are
// checked like any other.
type checkingTransport struct {
	tb   testing.TB
	next http.RoundTripper
}

// CheckAPI makes c check every API answer it receives against the API's
// document, failing tb on a mismatch. StartApp's client and the clients
// of AsUser do so already.
func CheckAPI(tb testing.TB, c *http.Client) {
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	if _, ok := next.(checkingTransport); ok {
		return
	}
	c.Transport = checkingTransport{tb, next}
}

func (c checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil || !strings.HasPrefix(req.URL.Path, "/api/") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return resp, err
	}
	if msg := checkAPIAnswer(req, resp, body); msg != "" {
		c.tb.Errorf("%s %s answered %d, which the OpenAPI document does not allow: %s\n%.500s", req.Method, req.URL.RequestURI(), resp.StatusCode, msg, body)
	}
	return resp, nil
}

// checkAPIAnswer returns what is wrong with an answer to req, "" if
// nothing is.
func checkAPIAnswer(req *http.Request, resp *http.Response, body []byte) string {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode >= 400 {
		// Every error is problem details, on a route of the document or not.
		var p respond.Problem
		if ct != respond.ProblemContentType {
			return "an error must be " + respond.ProblemContentType + ", not " + ct
		}
		if err := json.Unmarshal(body, &p); err != nil || p.Status != resp.StatusCode || p.Type != respond.ProblemType(p.Code) || p.Title == "" || p.Detail == "" {
			return "an error must be problem details with its status, type, title and detail"
		}
	}
	v, err := APIValidator()
	if err != nil {
		return err.Error()
	}
	// A copy of the request for the validator, which reads its path and
	// method only; its body has been sent.
	r := req.Clone(req.Context())
	r.Body = http.NoBody
	rc := *resp
	rc.Body = io.NopCloser(bytes.NewReader(body))
	apiDoc.mu.Lock()
	ok, errs := v.ValidateHttpResponse(r, &rc)
	apiDoc.mu.Unlock()
	if ok {
		return ""
	}
	var msgs []string
	for _, e := range errs {
		// A path that is not in the document (/api/v1/nothing, or an id
		// that is not a number) is answered 404 with problem details,
		// checked above.
		if resp.StatusCode == http.StatusNotFound && e.ValidationType == "path" {
			return ""
		}
		m := e.Message
		if e.Reason != "" {
			m += ": " + e.Reason
		}
		for _, s := range e.SchemaValidationErrors {
			m += " [" + s.FieldPath + ": " + s.Reason + "]"
		}
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, "; ")
}
