package api

import (
	_ "embed"
	"net/http"
)

// Document is the OpenAPI 3.1 document of the API, kept by hand beside the
// handlers it describes. Tests check it against the routes and every
// answer of the test suite against it (internal/testrig).
//
//go:embed openapi.json
var Document []byte

// HandleOpenAPI answers GET /api/v1/openapi.json with Document.
func (a *API) HandleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(Document)
}
