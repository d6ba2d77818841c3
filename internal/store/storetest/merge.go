package storetest

import (
	"context"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
)

func (s *suite) testOrganisationLookups(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	if o, err := db.FindOrganisationByODSCode(ctx, " rcf "); err != nil || o.ID != f.trust.ID {
		t.Fatalf("by ODS code: %+v %v", o, err)
	}
	if o, err := db.FindOrganisationByCompanyNumber(ctx, "1066 0279"); err != nil || o.ID != f.sub.ID {
		t.Fatalf("by company number: %+v %v", o, err)
	}
	for _, find := range []func(context.Context, string) (*jigsaw.Organisation, error){db.FindOrganisationByODSCode, db.FindOrganisationByCompanyNumber} {
		for _, key := range []string{"", "ZZZ", "00000000"} {
			if _, err := find(ctx, key); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
				t.Errorf("lookup of %q: got %v, want ENOTFOUND", key, err)
			}
		}
	}
	children, n, _ := db.FindOrganisations(ctx, jigsaw.OrganisationFilter{ParentID: f.trust.ID})
	if n != 1 || children[0].ID != f.sub.ID {
		t.Fatalf("children of the trust: %d", n)
	}
	members, n, _ := db.FindOrganisations(ctx, jigsaw.OrganisationFilter{Members: true})
	if n != 1 || members[0].ID != f.union.ID {
		t.Fatalf("coalition members: %d", n)
	}
}

// testOrganisationMerge merges a duplicate of the subsidiary, linked from
// everywhere, into it.
func (s *suite) testOrganisationMerge(t *testing.T) {
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	ctx, u := mustUserContext(t, db, "merger@example.org")
	dup := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "AGH Solutions", Kind: jigsaw.OrgCompany, ODSCode: "RCF01",
		Website: "https://agh.example", ParentID: f.company.ID})
	child := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "AGH Facilities", Kind: jigsaw.OrgCompany, ParentID: dup.ID})
	// A story naming both, one naming only the duplicate.
	both := mustCreateLinkedStory(t, db, "About both", jigsaw.StoryPublished, f.sub.ID, dup.ID)
	onlyDup := mustCreateLinkedStory(t, db, "About the duplicate", jigsaw.StoryPublished, dup.ID)
	item := &jigsaw.TrackerItem{Kind: jigsaw.TrackerSubCoTransfer, Title: "SubCo", History: []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: "2023"}},
		Organisations: []jigsaw.TrackerOrg{{OrgID: f.sub.ID, Role: jigsaw.RoleEmployer}, {OrgID: dup.ID, Role: jigsaw.RoleEmployer}, {OrgID: dup.ID, Role: jigsaw.RoleSupplier}}}
	if err := db.CreateTrackerItem(ctx, item); err != nil {
		t.Fatal(err)
	}
	d := &jigsaw.Dispute{Title: "Strike", Status: jigsaw.DisputeAction,
		Parties: []jigsaw.DisputeParty{{OrgID: dup.ID, Role: jigsaw.PartyEmployer}, {OrgID: f.union.ID, Role: jigsaw.PartyUnion}}}
	if err := db.CreateDispute(ctx, d); err != nil {
		t.Fatal(err)
	}
	dup.Region = "Yorkshire"
	if err := db.UpdateOrganisation(ctx, dup); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name          string
		survivor, dup int64
		code          string
		field         string
	}{
		{"into itself", dup.ID, dup.ID, jigsaw.EINVALID, "into"},
		{"into nothing", 987654, dup.ID, jigsaw.EINVALID, "into"},
		{"nothing into it", f.sub.ID, 987654, jigsaw.ENOTFOUND, ""},
	} {
		err := db.MergeOrganisations(ctx, tt.survivor, tt.dup)
		if jigsaw.ErrorCode(err) != tt.code || (tt.field != "" && jigsaw.FieldErrors(err)[tt.field] == "") {
			t.Errorf("%s: got %v, want %s on %q", tt.name, err, tt.code, tt.field)
		}
	}

	if err := db.MergeOrganisations(ctx, f.sub.ID, dup.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindOrganisationByID(ctx, dup.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("duplicate still there: %v", err)
	}
	sub, _ := db.FindOrganisationByID(ctx, f.sub.ID)
	if sub.ODSCode != "RCF01" || sub.Website != "https://agh.example" || sub.Region != "Yorkshire" || sub.ParentID != f.trust.ID || sub.CompanyNumber != "10660279" {
		t.Fatalf("survivor: got %+v, want the duplicate's missing identifiers and its own parent", sub)
	}
	if c, _ := db.FindOrganisationByID(ctx, child.ID); c.ParentID != f.sub.ID {
		t.Fatalf("child's parent: got %d, want the survivor %d", c.ParentID, f.sub.ID)
	}
	for _, st := range []*jigsaw.Story{both, onlyDup} {
		got, err := db.FindPublicStoryByID(ctx, st.ID)
		if err != nil || len(got.Organisations) != 1 || got.Organisations[0].ID != f.sub.ID {
			t.Fatalf("story %q organisations: %+v %v", st.Title, got.Organisations, err)
		}
	}
	gotItem, _ := db.FindTrackerItemByID(ctx, item.ID)
	var roles []string
	for _, o := range gotItem.Organisations {
		if o.OrgID != f.sub.ID {
			t.Fatalf("danger still names %d", o.OrgID)
		}
		roles = append(roles, string(o.Role))
	}
	sort.Strings(roles)
	if strings.Join(roles, ",") != "employer,supplier" {
		t.Fatalf("danger roles: got %v, want employer and supplier once each", roles)
	}
	gotDispute, _ := db.FindDisputeByID(ctx, d.ID)
	if e := gotDispute.PartiesInRole(jigsaw.PartyEmployer); len(e) != 1 || e[0].OrgID != f.sub.ID {
		t.Fatalf("dispute employer: %+v", e)
	}
	for _, key := range []string{dup.Slug, itoa(dup.ID)} {
		if o, err := db.FindMergedOrganisation(ctx, key); err != nil || o.ID != f.sub.ID {
			t.Fatalf("FindMergedOrganisation(%q): %+v %v", key, o, err)
		}
	}
	if _, err := db.FindMergedOrganisation(ctx, "never-merged"); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("never merged: got %v", err)
	}
	// The duplicate's history moved to the survivor, after a merge entry.
	revs, _ := db.FindRevisions(ctx, jigsaw.ObjectOrganisation, f.sub.ID)
	var actions []string
	for _, r := range revs {
		actions = append(actions, r.Action)
	}
	if strings.Join(actions, ",") != "merge,update,create,create" || revs[0].Actor != u.Email || revs[0].Changes[0].Field != "merged" ||
		!strings.Contains(revs[0].Changes[0].New, "AGH Solutions (agh-solutions") {
		t.Fatalf("survivor's revisions: %v %+v", actions, revs[0])
	}
	audit, n, _ := db.FindAudit(ctx, jigsaw.AuditFilter{Action: "organisation-merge"})
	if n != 1 || audit[0].ObjectID != f.sub.ID || audit[0].UserID != u.ID {
		t.Fatalf("audit: %+v", audit)
	}

	// A parent merged into its own child leaves the child where the parent
	// was: here at the top.
	if err := db.MergeOrganisations(ctx, f.sub.ID, f.trust.ID); err != nil {
		t.Fatal(err)
	}
	if o, _ := db.FindOrganisationByID(ctx, f.sub.ID); o.ParentID != 0 {
		t.Fatalf("survivor merged with its parent: parent %d, want none", o.ParentID)
	}
	// Merged again, old names follow to the latest survivor.
	if err := db.MergeOrganisations(ctx, child.ID, f.sub.ID); err != nil {
		t.Fatal(err)
	}
	if o, err := db.FindMergedOrganisation(ctx, dup.Slug); err != nil || o.ID != child.ID {
		t.Fatalf("after a second merge the first duplicate leads to %+v, %v; want %d", o, err, child.ID)
	}
}

// testOrganisationReferences guards MergeOrganisations: every foreign key
// to organisations must be one it re-points.
func (s *suite) testOrganisationReferences(t *testing.T) {
	db := s.mustOpen(t)
	got, err := db.ForeignKeysTo(context.Background(), "organisations")
	if err != nil {
		t.Fatal(err)
	}
	want := store.OrganisationReferences()
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("foreign keys to organisations: %v\nMergeOrganisations handles: %v\nadd the new table to orgLinks in internal/store/merge.go", got, want)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
