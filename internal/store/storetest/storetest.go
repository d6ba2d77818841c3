// Package storetest is the suite every database engine must pass. It is
// called, unchanged, from the store's SQLite and PostgreSQL tests.
package storetest

import (
	"context"
	"testing"

	"jigsaw/internal/store"
)

// Run runs the whole suite. newDSN returns the address of a new, empty
// database each time it is called.
func Run(t *testing.T, newDSN func(testing.TB) string) {
	s := &suite{newDSN: newDSN}
	for _, tt := range []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"Migrate", s.testMigrate},
		{"MigrateRefusesNewerSchema", s.testMigrateRefusesNewerSchema},
		{"MigrateConcurrently", s.testMigrateConcurrently},
		{"OrganisationCreateFind", s.testOrganisationCreateFind},
		{"OrganisationValidation", s.testOrganisationValidation},
		{"OrganisationConflicts", s.testOrganisationConflicts},
		{"OrganisationParentCycle", s.testOrganisationParentCycle},
		{"OrganisationFilter", s.testOrganisationFilter},
		{"StoryPublicViews", s.testStoryPublicViews},
		{"StoryFilters", s.testStoryFilters},
		{"StoryCreateIsAtomic", s.testStoryCreateIsAtomic},
		{"StoryCountCap", s.testStoryCountCap},
		{"StoryLinksFollow", s.testStoryLinksFollow},
		{"StoryLinksMigrate", s.testStoryLinksMigrate},
		{"KeyIssues", s.testKeyIssues},
		{"FullTextIndex", s.testFullTextIndex},
		{"Settings", s.testSettings},
		{"Users", s.testUsers},
		{"Audit", s.testAudit},
		{"GroupCommit", s.testGroupCommit},
		{"TrackerCreateFind", s.testTrackerCreateFind},
		{"TrackerLongLists", s.testTrackerLongLists},
		{"TrackerValidation", s.testTrackerValidation},
		{"TrackerFilters", s.testTrackerFilters},
		{"TrackerRevisions", s.testTrackerRevisions},
		{"DisputeCreateFind", s.testDisputeCreateFind},
		{"DisputeValidation", s.testDisputeValidation},
		{"DisputeSteps", s.testDisputeSteps},
		{"OrganisationLookups", s.testOrganisationLookups},
		{"OrganisationMerge", s.testOrganisationMerge},
		{"OrganisationReferences", s.testOrganisationReferences},
		{"Timeline", s.testTimeline},
	} {
		t.Run(tt.name, tt.fn)
	}
}

type suite struct {
	newDSN func(testing.TB) string
}

// mustOpen returns a fresh migrated database.
func (s *suite) mustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	db := s.mustOpenDSN(tb, s.newDSN(tb))
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

func (s *suite) mustOpenDSN(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func (s *suite) testSettings(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	if _, ok, err := db.GetSetting(ctx, "site.name"); ok || err != nil {
		t.Fatalf("missing setting: ok %v err %v", ok, err)
	}
	for _, v := range []string{"Defend Our NHS", "Renamed"} {
		if err := db.SetSetting(ctx, "site.name", v); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := db.GetSetting(ctx, "site.name"); got != v || !ok || err != nil {
			t.Fatalf("GetSetting: %q %v %v, want %q", got, ok, err, v)
		}
	}
}
