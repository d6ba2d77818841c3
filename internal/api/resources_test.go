package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

func TestResourcesAPI(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", func(c *config.Config) { c.MaxResourceBytes = 4096 })
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)
	org := &jigsaw.Organisation{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup}
	if err := a.DB.CreateOrganisation(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	status, m, h := call(t, editor, "POST", a.URL+"/api/v1/resources",
		fmt.Sprintf(`{"title": "Leaflet: save our A&E", "kind": "leaflet", "organisation": %d, "key_issues": ["hospital-closures"]}`, org.ID))
	if status != 201 || m["kind"] != "leaflet" || m["organisation_slug"] != org.Slug || h.Get("Location") == "" {
		t.Fatalf("create: %d %v", status, m)
	}
	res := a.URL + h.Get("Location")

	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\nleaflet\n%%EOF\n"))
	for _, tc := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"HTML named as a PDF", `{"file": {"name": "a.pdf", "content_base64": "` + base64.StdEncoding.EncodeToString([]byte("<html><script>x</script>")) + `"}}`, 400, "file"},
		{"not base64", `{"file": {"name": "a.pdf", "content_base64": "%%%"}}`, 400, "file.content_base64"},
		{"over the limit", `{"file": {"name": "a.pdf", "content_base64": "` + base64.StdEncoding.EncodeToString([]byte("%PDF-"+strings.Repeat("x", 5000))) + `"}}`, 413, "file"},
		{"over the body limit", `{"file": {"name": "a.pdf", "content_base64": "` + strings.Repeat("QUFB", 300000) + `"}}`, 413, "file"},
		{"neither file nor link", `{"note": "x"}`, 400, "file"},
		{"unknown field", `{"url": "https://example.org"}`, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, m, _ := call(t, editor, "POST", res+"/versions", tc.body)
			if status != tc.status || (tc.field != "" && fieldsOf(m)[tc.field] == nil) {
				t.Fatalf("got %d %v, want %d naming %q", status, m, tc.status, tc.field)
			}
		})
	}
	status, m, _ = call(t, editor, "POST", res+"/versions", `{"note": "First print", "file": {"name": "leaflet.PDF", "content_base64": "`+pdf+`"}}`)
	file, _ := m["file"].(map[string]any)
	if status != 201 || m["number"] != float64(1) || file == nil || file["name"] != "leaflet.pdf" || file["content_type"] != "application/pdf" {
		t.Fatalf("add a file: %d %v", status, m)
	}
	if status, m, _ = call(t, editor, "POST", res+"/versions", `{"note": "Online", "link": "https://example.org/leaflet"}`); status != 201 || m["number"] != float64(2) {
		t.Fatalf("add a link: %d %v", status, m)
	}
	status, m, _ = call(t, a.Client, "GET", res, nil)
	versions, _ := m["versions"].([]any)
	if status != 200 || len(versions) != 2 || versions[0].(map[string]any)["link"] != "https://example.org/leaflet" {
		t.Fatalf("read: %d %v", status, m)
	}
	if status, m, _ = call(t, a.Client, "GET", a.URL+"/api/v1/resources?kind=leaflet&organisation="+org.Slug, nil); status != 200 || len(m["resources"].([]any)) != 1 {
		t.Fatalf("list: %d %v", status, m)
	}
	if status, m, _ = call(t, a.Client, "GET", a.URL+"/api/v1/resources?kind=poster", nil); status != 400 || fieldsOf(m)["kind"] == nil {
		t.Fatalf("bad filter: %d %v", status, m)
	}
	if status, _, _ = call(t, a.Client, "POST", res+"/versions", `{"link": "https://example.org"}`); status != 401 {
		t.Fatalf("anonymous upload: %d, want 401", status)
	}
}
