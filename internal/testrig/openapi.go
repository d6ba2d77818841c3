package testrig

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"jigsaw/internal/api"
	"jigsaw/internal/server/respond"
)

// oasSchema is the OpenAPI Initiative's JSON Schema of OpenAPI 3.1
// documents (testdata/oas/README.md says where it comes from).
//
//go:embed testdata/oas/schema-3.1.json
var oasSchema []byte

const (
	oasSchemaURL = "https://spec.openapis.org/oas/3.1/schema/2022-02-27"
	apiDocURL    = "https://jigsaw.invalid/api/v1/openapi.json"
)

// apiDoc is the API's document, read and checked once for all tests of a
// package, and the schemas of its answers, compiled as they are first met.
var apiDoc struct {
	once     sync.Once
	err      error
	doc      map[string]any
	compiler *jsonschema.Compiler

	mu      sync.Mutex // the compiler and the compiled schemas
	schemas map[string]*jsonschema.Schema
}

// APIDocumentProblems says what is wrong with the API's document
// (internal/api/openapi.json): nil if it is an OpenAPI 3.1 document by the
// OpenAPI Initiative's schema and every schema in it compiles as JSON
// Schema 2020-12, the dialect of OpenAPI 3.1.
func APIDocumentProblems() error {
	apiDoc.once.Do(func() { apiDoc.err = loadAPIDocument() })
	return apiDoc.err
}

func loadAPIDocument() error {
	meta, err := jsonschema.UnmarshalJSON(bytes.NewReader(oasSchema))
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(api.Document))
	if err != nil {
		return fmt.Errorf("the OpenAPI document is not JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(oasSchemaURL, meta); err != nil {
		return err
	}
	oas, err := c.Compile(oasSchemaURL)
	if err != nil {
		return err
	}
	if err := oas.Validate(doc); err != nil {
		return fmt.Errorf("the OpenAPI document is not valid OpenAPI 3.1: %w", err)
	}
	// The answers' schemas: JSON Schema 2020-12, formats asserted.
	apiDoc.compiler = jsonschema.NewCompiler()
	apiDoc.compiler.DefaultDraft(jsonschema.Draft2020)
	apiDoc.compiler.AssertFormat()
	if err := apiDoc.compiler.AddResource(apiDocURL, doc); err != nil {
		return err
	}
	apiDoc.doc = doc.(map[string]any)
	apiDoc.schemas = map[string]*jsonschema.Schema{}
	schemas, _ := dig(apiDoc.doc, "components", "schemas").(map[string]any)
	for name := range schemas {
		if _, err := answerSchema("/components/schemas/" + pointerToken(name)); err != nil {
			return fmt.Errorf("schema %s: %w", name, err)
		}
	}
	return nil
}

// answerSchema compiles the schema at the JSON pointer ptr of the
// document, once.
func answerSchema(ptr string) (*jsonschema.Schema, error) {
	apiDoc.mu.Lock()
	defer apiDoc.mu.Unlock()
	if s, ok := apiDoc.schemas[ptr]; ok {
		return s, nil
	}
	s, err := apiDoc.compiler.Compile(apiDocURL + "#" + ptr)
	if err != nil {
		return nil, err
	}
	apiDoc.schemas[ptr] = s
	return s, nil
}

// pointerToken escapes a name as a token of a JSON pointer in a URL's
// fragment (RFC 6901).
func pointerToken(s string) string {
	s = strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
	return url.PathEscape(s)
}

// dig follows keys down nested JSON objects; nil where one is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// checkingTransport checks every answer under /api/ against the API's
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
	if err := APIDocumentProblems(); err != nil {
		return err.Error()
	}
	path, ok := documentedPath(req.URL.Path)
	if !ok {
		// A path that is not in the document (/api/v1/nothing, or an id
		// that is not a number) is answered 404 with problem details,
		// checked above.
		if resp.StatusCode == http.StatusNotFound {
			return ""
		}
		return "the path is not in the document"
	}
	method := strings.ToLower(req.Method)
	at := "/paths/" + pointerToken(path) + "/" + method
	op, ok := dig(apiDoc.doc, "paths", path, method).(map[string]any)
	if !ok {
		return "the document has no " + req.Method + " " + path
	}
	code := strconv.Itoa(resp.StatusCode)
	r, ok := dig(op, "responses", code).(map[string]any)
	at += "/responses/" + code
	if !ok {
		class := code[:1] + "XX"
		if r, ok = dig(op, "responses", class).(map[string]any); !ok {
			if r, ok = dig(op, "responses", "default").(map[string]any); !ok {
				return "status " + code + " is not among the operation's responses"
			}
			class = "default"
		}
		at = at[:len(at)-len(code)] + class
	}
	if ref, ok := r["$ref"].(string); ok {
		at = strings.TrimPrefix(ref, "#")
		name := strings.TrimPrefix(ref, "#/components/responses/")
		if r, ok = dig(apiDoc.doc, "components", "responses", name).(map[string]any); !ok {
			return "the response " + ref + " is not in the document"
		}
	}
	content, _ := r["content"].(map[string]any)
	if len(content) == 0 {
		if len(bytes.TrimSpace(body)) > 0 {
			return "the document gives this answer no body"
		}
		return ""
	}
	if _, ok := content[ct]; !ok {
		return "content type " + ct + " is not the document's for this answer"
	}
	if dig(content, ct, "schema") == nil {
		return ""
	}
	schema, err := answerSchema(at + "/content/" + pointerToken(ct) + "/schema")
	if err != nil {
		return err.Error()
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return "the body is not JSON: " + err.Error()
	}
	if err := schema.Validate(inst); err != nil {
		return err.Error()
	}
	return ""
}

// documentedPath is the path of the document that p is an instance of:
// "/api/v1/stories/{id}" for "/api/v1/stories/12". Where two match, the
// one with more fixed segments wins, as the server's router chooses.
func documentedPath(p string) (string, bool) {
	segs := strings.Split(p, "/")
	best, bestFixed := "", -1
	paths, _ := apiDoc.doc["paths"].(map[string]any)
	for tmpl := range paths {
		t := strings.Split(tmpl, "/")
		if len(t) != len(segs) {
			continue
		}
		fixed := 0
		for i := range t {
			switch {
			case strings.HasPrefix(t[i], "{") && strings.HasSuffix(t[i], "}"):
				if segs[i] == "" {
					fixed = -1
				}
			case t[i] == segs[i]:
				fixed++
			default:
				fixed = -1
			}
			if fixed < 0 {
				break
			}
		}
		if fixed > bestFixed {
			best, bestFixed = tmpl, fixed
		}
	}
	return best, bestFixed >= 0
}
