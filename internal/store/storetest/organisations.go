package storetest

import (
	"context"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
)

// mustCreateOrg stores o or fails the test.
func mustCreateOrg(tb testing.TB, db *store.DB, o *jigsaw.Organisation) *jigsaw.Organisation {
	tb.Helper()
	if err := db.CreateOrganisation(context.Background(), o); err != nil {
		tb.Fatalf("create organisation %q: %v", o.Name, err)
	}
	return o
}

func (s *suite) testOrganisationCreateFind(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	trust := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "  Airedale NHS  Foundation Trust ", Kind: jigsaw.OrgFoundationTrust,
		ODSCode: "rcf", Region: "North East and Yorkshire", Website: "https://www.airedale-trust.nhs.uk"})
	if trust.ID == 0 || trust.Slug != "airedale-nhs-foundation-trust" || trust.Name != "Airedale NHS Foundation Trust" || trust.ODSCode != "RCF" {
		t.Fatalf("created %+v: want an ID, normalised name, slug and ODS code", trust)
	}
	sub := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "AGH Solutions Ltd", Kind: jigsaw.OrgSubsidiary,
		CompanyNumber: "10 660 279", ParentID: trust.ID})
	got, err := db.FindOrganisationByID(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ParentID != trust.ID || got.CompanyNumber != "10660279" || got.Kind != jigsaw.OrgSubsidiary || got.CreatedAt.IsZero() {
		t.Fatalf("FindOrganisationByID: got %+v", got)
	}
	bySlug, err := db.FindOrganisationBySlug(ctx, "airedale-nhs-foundation-trust")
	if err != nil || bySlug.ID != trust.ID || !bySlug.CreatedAt.Equal(trust.CreatedAt) {
		t.Fatalf("FindOrganisationBySlug: got %+v, %v; want %+v", bySlug, err, trust)
	}
	if _, err := db.FindOrganisationByID(ctx, 999999); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("missing organisation: got %v, want ENOTFOUND", err)
	}

	trust.CoalitionMember = true
	trust.Website = "https://airedale.example"
	trust.OpenedOn, trust.ClosedOn = "1/4/1992", "2031-03-31"
	if err := db.UpdateOrganisation(ctx, trust); err != nil {
		t.Fatal(err)
	}
	got, _ = db.FindOrganisationByID(ctx, trust.ID)
	if got.OpenedOn != "1992-04-01" || got.ClosedOn != "2031-03-31" || got.Closed("2030-12-31") || !got.Closed("2031-03-31") {
		t.Fatalf("opening and closing days: got %+v", got)
	}
	if !got.CoalitionMember || got.Website != "https://airedale.example" || !got.UpdatedAt.After(got.CreatedAt) && !got.UpdatedAt.Equal(got.CreatedAt) {
		t.Fatalf("after update: got %+v", got)
	}
	if err := db.UpdateOrganisation(ctx, &jigsaw.Organisation{ID: 424242, Name: "Nobody", Kind: jigsaw.OrgCompany}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("update of a missing organisation: got %v, want ENOTFOUND", err)
	}
}

func (s *suite) testOrganisationValidation(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	for _, tt := range []struct {
		name  string
		org   jigsaw.Organisation
		field string
	}{
		{"no name", jigsaw.Organisation{Kind: jigsaw.OrgCompany}, "name"},
		{"unknown kind", jigsaw.Organisation{Name: "X", Kind: "bank"}, "kind"},
		{"bad ODS code", jigsaw.Organisation{Name: "X", Kind: jigsaw.OrgNHSTrust, ODSCode: "R!"}, "ods_code"},
		{"bad company number", jigsaw.Organisation{Name: "X", Kind: jigsaw.OrgCompany, CompanyNumber: "123"}, "company_number"},
		{"bad website", jigsaw.Organisation{Name: "X", Kind: jigsaw.OrgCompany, Website: "javascript:alert(1)"}, "website"},
		{"missing parent", jigsaw.Organisation{Name: "X", Kind: jigsaw.OrgSubsidiary, ParentID: 987654}, "parent_id"},
		{"bad close date", jigsaw.Organisation{Name: "X", Kind: jigsaw.OrgWalkInCentre, ClosedOn: "2024-02-30"}, "closed_on"},
		{"closed before it opened", jigsaw.Organisation{Name: "X", Kind: jigsaw.OrgNHSTrust, OpenedOn: "2011-04-01", ClosedOn: "2010-04-01"}, "closed_on"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.org
			err := db.CreateOrganisation(ctx, &o)
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)[tt.field] == "" {
				t.Fatalf("got %v, want EINVALID naming field %q", err, tt.field)
			}
		})
	}
	if _, n, _ := db.FindOrganisations(ctx, jigsaw.OrganisationFilter{}); n != 0 {
		t.Fatalf("refused organisations were stored: %d rows", n)
	}
}

func (s *suite) testOrganisationConflicts(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Dorset County Hospital NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RBD"})
	err := db.CreateOrganisation(ctx, &jigsaw.Organisation{Name: "Another", Kind: jigsaw.OrgNHSTrust, ODSCode: "RBD"})
	if jigsaw.ErrorCode(err) != jigsaw.ECONFLICT || jigsaw.FieldErrors(err)["ods_code"] == "" {
		t.Fatalf("duplicate ODS code: got %v, want ECONFLICT on ods_code", err)
	}
	err = db.CreateOrganisation(ctx, &jigsaw.Organisation{Name: "Dorset County Hospital NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust})
	if jigsaw.ErrorCode(err) != jigsaw.ECONFLICT || jigsaw.FieldErrors(err)["slug"] == "" {
		t.Fatalf("duplicate slug: got %v, want ECONFLICT on slug", err)
	}
	// Organisations without ODS codes do not clash with each other.
	mustCreateOrg(t, db, &jigsaw.Organisation{Name: "GMB", Kind: jigsaw.OrgUnion})
	mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Unite", Kind: jigsaw.OrgUnion})
}

func (s *suite) testOrganisationParentCycle(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	a := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Group", Kind: jigsaw.OrgCompany})
	b := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Middle", Kind: jigsaw.OrgCompany, ParentID: a.ID})
	c := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Leaf", Kind: jigsaw.OrgCompany, ParentID: b.ID})
	for _, tt := range []struct {
		name   string
		org    *jigsaw.Organisation
		parent int64
	}{
		{"own parent", a, a.ID},
		{"grandchild as parent", a, c.ID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := *tt.org
			o.ParentID = tt.parent
			err := db.UpdateOrganisation(ctx, &o)
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)["parent_id"] == "" {
				t.Fatalf("got %v, want EINVALID on parent_id", err)
			}
		})
	}
	got, _ := db.FindOrganisationByID(ctx, a.ID)
	if got.ParentID != 0 {
		t.Fatalf("refused update was stored: parent %d", got.ParentID)
	}
}

func (s *suite) testOrganisationFilter(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	for _, o := range []*jigsaw.Organisation{
		{Name: "UNISON", Kind: jigsaw.OrgUnion},
		{Name: "Unite the Union", Kind: jigsaw.OrgUnion},
		{Name: "University Hospitals Dorset NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, Region: "South West"},
		{Name: "100% Profit_Ltd", Kind: jigsaw.OrgCompany},
	} {
		mustCreateOrg(t, db, o)
	}
	for _, tt := range []struct {
		name  string
		f     jigsaw.OrganisationFilter
		total int
		first string
	}{
		{"all, by name", jigsaw.OrganisationFilter{}, 4, "100% Profit_Ltd"},
		{"kind", jigsaw.OrganisationFilter{Kind: jigsaw.OrgUnion}, 2, "UNISON"},
		{"region", jigsaw.OrganisationFilter{Region: "South West"}, 1, "University Hospitals Dorset NHS Foundation Trust"},
		{"query is case-insensitive", jigsaw.OrganisationFilter{Query: "uni"}, 3, "UNISON"},
		{"wildcards are literal", jigsaw.OrganisationFilter{Query: "0%"}, 1, "100% Profit_Ltd"},
		{"underscore is literal", jigsaw.OrganisationFilter{Query: "t_l"}, 1, "100% Profit_Ltd"},
		{"paged", jigsaw.OrganisationFilter{Limit: 1, Offset: 1}, 4, "UNISON"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.FindOrganisations(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if total != tt.total || len(got) == 0 || got[0].Name != tt.first {
				t.Fatalf("got total %d, first %v; want %d, %q", total, got, tt.total, tt.first)
			}
		})
	}
}
