package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// TestRepresentativesAPI writes people in public roles and their declared
// interests through the API, reads them back as the public, and checks
// that an answer carries the public type's fields and nothing else (the
// test rig also checks every answer against the OpenAPI document, whose
// Representative schema allows no other field).
func TestRepresentativesAPI(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testRepresentativesAPI(t, engine) })
	}
}

func testRepresentativesAPI(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)
	anon := a.Client
	u := func(path string) string { return a.URL + "/api/v1" + path }
	company := &jigsaw.Organisation{Name: "Example Pathology Ltd", Kind: jigsaw.OrgCompany}
	if err := a.DB.CreateOrganisation(ctx, company); err != nil {
		t.Fatal(err)
	}
	contract := &jigsaw.TrackerItem{Kind: jigsaw.TrackerContractAward, Title: "Pathology contract",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: "2025-01-10"}}}
	if err := a.DB.CreateTrackerItem(ctx, contract); err != nil { // a draft
		t.Fatal(err)
	}

	status, m, _ := call(t, anon, "POST", u("/representatives"), `{"name": "Pat Example", "role": "director"}`)
	if status != http.StatusUnauthorized {
		t.Fatalf("anonymous create: got %d, want 401", status)
	}
	for _, tt := range []struct{ name, body, field string }{
		{"bad role", `{"name": "Pat", "role": "king"}`, "role"},
		{"ends before it began", `{"name": "Pat", "role": "mp", "from_on": "2024-01-01", "to_on": "2020-01-01"}`, "to_on"},
		{"unknown organisation", `{"name": "Pat", "role": "mp", "organisation": 987654}`, "organisation"},
		{"private field", `{"name": "Pat", "role": "mp", "home_address": "1 Private Road"}`, "home_address"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, m, _ := call(t, editor, "POST", u("/representatives"), tt.body)
			if status != http.StatusBadRequest || fieldsOf(m)[tt.field] == nil {
				t.Fatalf("got %d %v, want 400 naming %s", status, m, tt.field)
			}
		})
	}
	status, m, hdr := call(t, editor, "POST", u("/representatives"), fmt.Sprintf(`{"name": "Pat Example", "role": "director",
		"organisation": %d, "district": "bd20", "office_email": "board@example.invalid"}`, company.ID))
	if status != http.StatusCreated || m["district"] != "BD20" || hdr.Get("Location") == "" {
		t.Fatalf("create: %d %v", status, m)
	}
	id := int64(m["id"].(float64))
	path := fmt.Sprintf("/representatives/%d", id)

	status, m, _ = call(t, editor, "POST", u(path+"/interests"), fmt.Sprintf(`{"kind": "directorship", "description": "Director of the supplier",
		"organisation": %d, "tracker_item": %d}`, company.ID, contract.ID))
	if status != http.StatusCreated || m["organisation"].(map[string]any)["slug"] != company.Slug {
		t.Fatalf("add interest: %d %v", status, m)
	}
	interest := int64(m["id"].(float64))
	if status, m, _ := call(t, editor, "POST", u(path+"/interests"), `{"kind": "gift"}`); status != http.StatusBadRequest || fieldsOf(m)["description"] == nil {
		t.Fatalf("interest without description: %d %v", status, m)
	}

	// The public answer: the draft danger by number only; the fields of
	// the public type, nothing else.
	status, m, _ = call(t, anon, "GET", u(path), nil)
	if status != http.StatusOK {
		t.Fatalf("read: %d %v", status, m)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"created_at", "district", "id", "interests", "name", "office_email", "organisation", "role", "updated_at", "url", "version"}
	if !slices.Equal(keys, want) {
		t.Fatalf("fields: got %v, want %v", keys, want)
	}
	in := m["interests"].([]any)[0].(map[string]any)
	if danger := in["tracker_item"].(map[string]any); danger["title"] != "" || int64(danger["id"].(float64)) != contract.ID {
		t.Fatalf("draft danger: %v", danger)
	}

	status, m, _ = call(t, anon, "GET", u("/representatives?role=director&organisation="+company.Slug), nil)
	if status != http.StatusOK || len(m["representatives"].([]any)) != 1 {
		t.Fatalf("list: %d %v", status, m)
	}
	if status, m, _ := call(t, anon, "GET", u("/representatives?role=king"), nil); status != http.StatusBadRequest || fieldsOf(m)["role"] == nil {
		t.Fatalf("bad filter: %d %v", status, m)
	}

	// PATCH keeps what is not sent; a stale version is refused.
	if status, m, _ := call(t, editor, "PATCH", u(path), `{"party": "Independent", "version": 2}`); status != http.StatusOK || m["office_email"] != "board@example.invalid" {
		t.Fatalf("patch: %d %v", status, m)
	}
	if status, _, _ := call(t, editor, "PATCH", u(path), `{"party": "Green", "version": 2}`); status != http.StatusConflict {
		t.Fatalf("stale patch: got %d, want 409", status)
	}
	if status, m, _ := call(t, editor, "PATCH", u(fmt.Sprintf("%s/interests/%d", path, interest)), `{"kind": "consultancy", "description": "Paid adviser"}`); status != http.StatusOK || m["kind"] != "consultancy" {
		t.Fatalf("patch interest: %d %v", status, m)
	}
	if status, _, _ := call(t, editor, "DELETE", u(fmt.Sprintf("%s/interests/%d", path, interest)), nil); status != http.StatusNoContent {
		t.Fatalf("delete interest: got %d", status)
	}
	if status, _, _ := call(t, editor, "DELETE", u(fmt.Sprintf("%s/interests/%d", path, interest)), nil); status != http.StatusNotFound {
		t.Fatalf("delete again: got %d, want 404", status)
	}
}
