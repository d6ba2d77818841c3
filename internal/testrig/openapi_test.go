package testrig

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The check of API answers passes what the document allows and reports
// what it does not.
func TestCheckAPIAnswer(t *testing.T) {
	page := `{"stories": [], "total": 0, "limit": 20, "offset": 0, "next": null}`
	problem := `{"type": "/api#problem-invalid", "title": "Invalid input", "status": 400, "detail": "Bad.", "code": "invalid", "fields": {"kind": "bad"}}`
	for _, tt := range []struct {
		name, method, path string
		status             int
		contentType, body  string
		bad                bool
	}{
		{"a page", "GET", "/api/v1/stories", 200, "application/json; charset=utf-8", page, false},
		{"problem details", "GET", "/api/v1/stories?kind=x", 400, "application/problem+json", problem, false},
		{"a page without next", "GET", "/api/v1/stories", 200, "application/json", `{"stories": [], "total": 0, "limit": 20, "offset": 0}`, true},
		{"an item of the wrong shape", "GET", "/api/v1/stories", 200, "application/json", strings.Replace(page, "[]", `[{"id": "one"}]`, 1), true},
		{"the old error shape", "GET", "/api/v1/stories?kind=x", 400, "application/json", `{"error": {"code": "invalid", "message": "Bad."}}`, true},
		{"a status not documented", "GET", "/api/v1/stories/1", 409, "application/problem+json", strings.ReplaceAll(problem, "400", "409"), true},
		{"not found off the document", "GET", "/api/v1/nothing", 404, "application/problem+json",
			`{"type": "/api#problem-not_found", "title": "Not found", "status": 404, "detail": "No.", "code": "not_found"}`, false},
		{"a wrong type", "GET", "/api/v1/nothing", 404, "application/problem+json",
			`{"type": "about:blank", "title": "Not found", "status": 404, "detail": "No.", "code": "not_found"}`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://127.0.0.1"+tt.path, nil)
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{"Content-Type": {tt.contentType}}, Request: req}
			msg := checkAPIAnswer(req, resp, []byte(tt.body))
			if (msg != "") != tt.bad {
				t.Errorf("got %q, want bad %v", msg, tt.bad)
			}
		})
	}
}
