package web_test

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// Two editors open the same organisation's form; the first saves, and the
// second is told the record changed since they opened it, with what they
// typed kept, instead of overwriting the first editor's change.
func TestEditFormRefusesAStaleSave(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", nil)
	first, _ := a.AsUser(t, jigsaw.RoleEditor)
	second, _ := a.AsUser(t, jigsaw.RoleEditor)
	org := &jigsaw.Organisation{Name: "Unison", Kind: jigsaw.OrgUnion}
	if err := a.DB.CreateOrganisation(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	u := a.URL + "/organisations/unison/edit"
	version := regexp.MustCompile(`name="version" value="(\d+)"`)
	opened := func(c page) string {
		t.Helper()
		m := version.FindStringSubmatch(c.body)
		if m == nil {
			t.Fatalf("the form carries no version: %.400s", c.body)
		}
		return m[1]
	}
	v1 := opened(get(t, first, u))
	v2 := opened(get(t, second, u))
	if v1 != v2 {
		t.Fatalf("one record opened twice has versions %s and %s", v1, v2)
	}
	post(t, first, u, url.Values{"name": {"Unison"}, "kind": {"union"}, "region": {"London"}, "version": {v1}}).expect(t, 303)
	p := post(t, second, u, url.Values{"name": {"Unison"}, "kind": {"union"}, "region": {"Yorkshire"}, "version": {v2}})
	p.expect(t, 409, "changed by someone else since you opened it", `value="Yorkshire"`)
	got, err := a.DB.FindOrganisationByID(context.Background(), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Region != "London" {
		t.Fatalf("region %q after the refused save, want the first editor's London", got.Region)
	}
}
