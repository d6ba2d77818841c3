package storetest

import (
	"context"
	"testing"

	"jigsaw"
)

func (s *suite) testRepresentatives(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	edCtx, _ := mustUserContext(t, db, "people-editor@example.invalid")

	director := &jigsaw.Representative{Name: "  Jane   Example ", Role: jigsaw.OfficeDirector, OrgID: f.sub.ID,
		District: "bd20", FromOn: "1/4/2023", OfficeEmail: "board@example.invalid", Website: "https://example.invalid/board"}
	if err := db.CreateRepresentative(edCtx, director); err != nil {
		t.Fatal(err)
	}
	mp := &jigsaw.Representative{Name: "Alan Aardvark", Role: jigsaw.OfficeMP, Party: "Conservative", Area: "Keighley", District: "BD21"}
	cllr := &jigsaw.Representative{Name: "Zoe Zebra", Role: jigsaw.OfficeCouncillor, Party: "Liberal Democrat", Area: "Keighley", District: "BD21"}
	for _, r := range []*jigsaw.Representative{mp, cllr} {
		if err := db.CreateRepresentative(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.FindRepresentativeByID(ctx, director.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Jane Example" || got.District != "BD20" || got.FromOn != "2023-04-01" || got.OrgName != "AGH Solutions Ltd" ||
		got.OrgSlug != "agh-solutions-ltd" || got.Version != 1 || len(got.Interests) != 0 {
		t.Fatalf("read back: %+v", got)
	}

	// A danger, first a draft: its title stays off the person's page.
	item := subCoItem(f)
	if err := db.CreateTrackerItem(ctx, item); err != nil {
		t.Fatal(err)
	}
	in := &jigsaw.Interest{RepresentativeID: director.ID, Kind: jigsaw.InterestDirectorship, Description: " Director of the supplier ",
		DeclaredOn: "2024-05-01", SourceURL: "https://example.invalid/register", OrgID: f.company.ID, TrackerID: item.ID}
	if err := db.AddInterest(edCtx, in); err != nil {
		t.Fatal(err)
	}
	got, _ = db.FindRepresentativeByID(ctx, director.ID)
	if len(got.Interests) != 1 || got.Interests[0].Description != "Director of the supplier" || got.Interests[0].OrgName != "DHL" ||
		got.Interests[0].TrackerID != item.ID || got.Interests[0].TrackerTitle != "" || got.Version != 2 {
		t.Fatalf("interest of a draft danger: %+v", got.Interests)
	}
	item.Published = true
	item.Sources = []jigsaw.Source{{URL: "https://example.invalid/news"}}
	if err := db.UpdateTrackerItem(ctx, item); err != nil {
		t.Fatal(err)
	}
	touching, err := db.FindInterestsByTracker(ctx, item.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(touching) != 1 || touching[0].RepresentativeName != "Jane Example" || touching[0].RepresentativeRole != jigsaw.OfficeDirector ||
		touching[0].TrackerTitle == "" {
		t.Fatalf("interests touching the danger: %+v", touching)
	}

	// Interests: update, refusals, delete.
	in.Kind = jigsaw.InterestShareholding
	if err := db.UpdateInterest(edCtx, in); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		in    jigsaw.Interest
		field string
	}{
		{"no kind", jigsaw.Interest{RepresentativeID: director.ID, Description: "x"}, "kind"},
		{"no description", jigsaw.Interest{RepresentativeID: director.ID, Kind: jigsaw.InterestGift}, "description"},
		{"bad date", jigsaw.Interest{RepresentativeID: director.ID, Kind: jigsaw.InterestGift, Description: "x", DeclaredOn: "2024-13-01"}, "declared_on"},
		{"bad source", jigsaw.Interest{RepresentativeID: director.ID, Kind: jigsaw.InterestGift, Description: "x", SourceURL: "javascript:alert(1)"}, "source_url"},
		{"unknown danger", jigsaw.Interest{RepresentativeID: director.ID, Kind: jigsaw.InterestGift, Description: "x", TrackerID: 987654}, "tracker"},
		{"unknown organisation", jigsaw.Interest{RepresentativeID: director.ID, Kind: jigsaw.InterestGift, Description: "x", OrgID: 987654}, "organisation"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := db.AddInterest(ctx, &tt.in)
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)[tt.field] == "" {
				t.Fatalf("got %v (%v), want EINVALID on %s", err, jigsaw.FieldErrors(err), tt.field)
			}
		})
	}
	if err := db.AddInterest(ctx, &jigsaw.Interest{RepresentativeID: 987654, Kind: jigsaw.InterestGift, Description: "x"}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("interest of no one: got %v, want ENOTFOUND", err)
	}
	if err := db.DeleteInterest(ctx, mp.ID, in.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("deleting another's interest: got %v, want ENOTFOUND", err)
	}
	if err := db.DeleteInterest(edCtx, director.ID, in.ID); err != nil {
		t.Fatal(err)
	}
	if touching, _ := db.FindInterestsByTracker(ctx, item.ID); len(touching) != 0 {
		t.Fatalf("deleted interest still listed: %+v", touching)
	}

	// Revisions: created, interests added, changed and removed.
	revs, err := db.FindRevisions(ctx, jigsaw.ObjectRepresentative, director.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range revs {
		actions = append(actions, r.Action)
	}
	if len(revs) != 4 || revs[0].Action != "interest-delete" || revs[3].Action != "create" || revs[0].Actor != "people-editor@example.invalid" {
		t.Fatalf("revisions: %v", actions)
	}

	// Update with versions.
	got, _ = db.FindRepresentativeByID(ctx, director.ID)
	stale := *got
	got.ToOn = "2025-03"
	if err := db.UpdateRepresentative(ctx, got); err != nil {
		t.Fatal(err)
	}
	stale.Party = "Independent"
	if err := db.UpdateRepresentative(ctx, &stale); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("stale update: got %v, want ECONFLICT", err)
	}
	if err := db.UpdateRepresentative(ctx, &jigsaw.Representative{ID: 987654, Name: "x", Role: jigsaw.OfficeMP}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("update of no one: got %v, want ENOTFOUND", err)
	}

	// Filters and paging.
	for _, tt := range []struct {
		name string
		f    jigsaw.RepresentativeFilter
		want []int64
	}{
		{"all by name", jigsaw.RepresentativeFilter{}, []int64{mp.ID, director.ID, cllr.ID}},
		{"role", jigsaw.RepresentativeFilter{Role: jigsaw.OfficeMP}, []int64{mp.ID}},
		{"party any case", jigsaw.RepresentativeFilter{Party: "liberal democrat"}, []int64{cllr.ID}},
		{"organisation", jigsaw.RepresentativeFilter{OrgID: f.sub.ID}, []int64{director.ID}},
		{"district", jigsaw.RepresentativeFilter{District: "bd21"}, []int64{mp.ID, cllr.ID}},
		{"area", jigsaw.RepresentativeFilter{Area: "KEIGHLEY", Role: jigsaw.OfficeCouncillor}, []int64{cllr.ID}},
		{"after", jigsaw.RepresentativeFilter{After: &jigsaw.After{Key: "Alan Aardvark", ID: mp.ID}}, []int64{director.ID, cllr.ID}},
		{"page", jigsaw.RepresentativeFilter{Limit: 1, Offset: 1}, []int64{director.ID}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list, total, err := db.FindRepresentatives(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, r := range list {
				ids = append(ids, r.ID)
			}
			if len(ids) != len(tt.want) || (tt.f.After == nil && tt.f.Limit == 0 && total != len(tt.want)) {
				t.Fatalf("got %v (total %d), want %v", ids, total, tt.want)
			}
			for i := range ids {
				if ids[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", ids, tt.want)
				}
			}
		})
	}

	// A merged organisation's people follow it to the survivor.
	if err := db.MergeOrganisations(ctx, f.trust.ID, f.sub.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindRepresentativeByID(ctx, director.ID); got.OrgID != f.trust.ID {
		t.Fatalf("after merge: organisation %d, want %d", got.OrgID, f.trust.ID)
	}
}

func (s *suite) testRepresentativeValidation(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	for _, tt := range []struct {
		name  string
		r     jigsaw.Representative
		field string
	}{
		{"no name", jigsaw.Representative{Role: jigsaw.OfficeMP}, "name"},
		{"unknown role", jigsaw.Representative{Name: "A", Role: "king"}, "role"},
		{"bad district", jigsaw.Representative{Name: "A", Role: jigsaw.OfficeMP, District: "Keighley"}, "district"},
		{"ends before it began", jigsaw.Representative{Name: "A", Role: jigsaw.OfficeMP, FromOn: "2024-05-01", ToOn: "2019-12-12"}, "to_on"},
		{"bad date", jigsaw.Representative{Name: "A", Role: jigsaw.OfficeMP, FromOn: "31/02/2024"}, "from_on"},
		{"bad email", jigsaw.Representative{Name: "A", Role: jigsaw.OfficeMP, OfficeEmail: "not an address"}, "office_email"},
		{"bad phone", jigsaw.Representative{Name: "A", Role: jigsaw.OfficeMP, OfficePhone: "call me"}, "office_phone"},
		{"bad website", jigsaw.Representative{Name: "A", Role: jigsaw.OfficeMP, Website: "ftp://example.invalid"}, "website"},
		{"unknown organisation", jigsaw.Representative{Name: "A", Role: jigsaw.OfficeMP, OrgID: 987654}, "organisation"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := db.CreateRepresentative(ctx, &tt.r)
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)[tt.field] == "" {
				t.Fatalf("got %v (%v), want EINVALID on %s", err, jigsaw.FieldErrors(err), tt.field)
			}
		})
	}
	if list, _, _ := db.FindRepresentatives(ctx, jigsaw.RepresentativeFilter{}); len(list) != 0 {
		t.Fatalf("refused people were stored: %+v", list)
	}
}
