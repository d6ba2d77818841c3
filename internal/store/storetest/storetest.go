// Package storetest is the suite every database engine must pass. It is
// called, unchanged, from the store's SQLite and PostgreSQL tests.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// Run runs the whole suite. newDSN returns the address of a new, empty
// database each time it is called, newMigratedDSN one already at the newest
// schema (a copy of one migrated before: migrating each afresh took much of
// the suite's time).
func Run(t *testing.T, newDSN, newMigratedDSN func(testing.TB) string) {
	s := &suite{newDSN: newDSN, newMigratedDSN: newMigratedDSN}
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
		{"Pickers", s.testPickers},
		{"StoryPublicViews", s.testStoryPublicViews},
		{"StoryPagesAtOnce", s.testStoryPagesAtOnce},
		{"StoryFilters", s.testStoryFilters},
		{"StoryCreateIsAtomic", s.testStoryCreateIsAtomic},
		{"CountCaps", s.testCountCaps},
		{"StoryLinksFollow", s.testStoryLinksFollow},
		{"StoryLinksMigrate", s.testStoryLinksMigrate},
		{"KeyIssues", s.testKeyIssues},
		{"FullTextIndex", s.testFullTextIndex},
		{"SearchWindow", s.testSearchWindow},
		{"SearchPublic", s.testSearchPublic},
		{"SearchHits", s.testSearchHits},
		{"SearchHostileQueries", s.testSearchHostileQueries},
		{"SubmitStoryRecordsConsents", s.testSubmitStoryRecordsConsents},
		{"SubmitStoryOnce", s.testSubmitStoryOnce},
		{"SubmitStoryLimit", s.testSubmitStoryLimit},
		{"LazyTx", s.testLazyTx},
		{"ContentVersionFollowsWrites", s.testContentVersionFollowsWrites},
		{"Settings", s.testSettings},
		{"Optimize", s.testOptimize},
		{"Users", s.testUsers},
		{"Audit", s.testAudit},
		{"GroupCommit", s.testGroupCommit},
		{"TrackerCreateFind", s.testTrackerCreateFind},
		{"TrackerLongLists", s.testTrackerLongLists},
		{"TrackerValidation", s.testTrackerValidation},
		{"TrackerFilters", s.testTrackerFilters},
		{"TrackerRevisions", s.testTrackerRevisions},
		{"ImportBatch", s.testImportBatch},
		{"LinksToStory", s.testLinksToStory},
		{"DisputeCreateFind", s.testDisputeCreateFind},
		{"DisputeValidation", s.testDisputeValidation},
		{"DisputeSteps", s.testDisputeSteps},
		{"OrganisationLookups", s.testOrganisationLookups},
		{"OrganisationMerge", s.testOrganisationMerge},
		{"OrganisationReferences", s.testOrganisationReferences},
		{"Timeline", s.testTimeline},
		{"RecordVersions", s.testRecordVersions},
		{"RateLimitsExpire", s.testRateLimitsExpire},
		{"Retention", s.testRetention},
		{"WatchedSources", s.testWatchedSources},
		{"WatchClaimAndRuns", s.testWatchClaimAndRuns},
		{"WatchClaimRace", s.testWatchClaimRace},
		{"Places", s.testPlaces},
		{"Charts", s.testCharts},
		{"Tips", s.testTips},
		{"Alerts", s.testAlerts},
		{"Exports", s.testExports},
		{"CursorPaging", s.testCursorPaging},
		{"ChangeLog", s.testChangeLog},
		{"DeliveryQueue", s.testDeliveryQueue},
		{"ChangesOnce", s.testChangesOnce},
		{"CampaignCreateFind", s.testCampaignCreateFind},
		{"CampaignFilters", s.testCampaignFilters},
		{"TopicBoard", s.testTopicBoard},
		{"Representatives", s.testRepresentatives},
		{"RepresentativeValidation", s.testRepresentativeValidation},
		{"PlanAnchorMoves", s.testPlanAnchorMoves},
		{"PlanRefusals", s.testPlanRefusals},
		{"PlanCampaign", s.testPlanCampaign},
		{"Seats", s.testSeats},
		{"EventCreateFind", s.testEventCreateFind},
		{"EventValidation", s.testEventValidation},
		{"EventMembersOnly", s.testEventMembersOnly},
		{"EventFilters", s.testEventFilters},
		{"PledgeVersions", s.testPledgeVersions},
		{"PledgeTargetStates", s.testPledgeTargetStates},
		{"PledgeTableAndShares", s.testPledgeTableAndShares},
		{"Resources", s.testResources},
		{"FederationKeys", s.testFederationKeys},
		{"MailInStory", s.testMailInStory},
		{"MailInRetention", s.testMailInRetention},
		{"FederationFollows", s.testFederationFollows},
		{"FederationItems", s.testFederationItems},
		{"Webhooks", s.testWebhooks},
	} {
		t.Run(tt.name, tt.fn)
	}
}

type suite struct {
	newDSN, newMigratedDSN func(testing.TB) string
}

// mustOpen returns a fresh migrated database.
func (s *suite) mustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	db := s.mustOpenDSN(tb, s.newMigratedDSN(tb))
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

// testContentVersionFollowsWrites checks that a write of this process is
// seen by the next RecentContentVersion at once, however many requests are
// reading the version at the same moment (a read begun before the write
// must not be kept as fresh), and that those requests all get an answer.
func (s *suite) testContentVersionFollowsWrites(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for {
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
				// A short age, so that reads keep starting while the writes run.
				if _, err := db.RecentContentVersion(ctx, time.Microsecond); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 200 {
		if err := db.ExecRaw(ctx, `UPDATE settings SET value = value WHERE key = 'none'`); err != nil {
			t.Fatal(err)
		}
		want, err := db.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.RecentContentVersion(ctx, time.Hour); err != nil || got != want {
			t.Fatalf("write %d: RecentContentVersion %d, %v; want %d", i, got, err, want)
		}
	}
	close(stop)
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// testOptimize checks that SQLite's planner gets statistics for the tables
// the public lists read (on PostgreSQL autovacuum gathers them: Optimize
// must only succeed).
func (s *suite) testOptimize(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	for i := range 30 {
		f := newStory(fmt.Sprintf("Story %d", i), jigsaw.StoryPublished, time.Date(2025, 1, 1+i, 0, 0, 0, 0, time.UTC))
		mustCreateStory(t, db, &f)
	}
	statRows := func() (n int) {
		t.Helper()
		if db.Engine != store.SQLite {
			return 0
		}
		err := db.QuietTx(ctx, func(tx *sql.Tx) error {
			var tables int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&tables); err != nil || tables == 0 {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'stories'`).Scan(&n)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := statRows(); n != 0 {
		t.Fatalf("statistics of stories before Optimize: %d rows", n)
	}
	if err := db.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	if n := statRows(); db.Engine == store.SQLite && n == 0 {
		t.Error("no statistics of stories after Optimize")
	}
	// The planner's new statistics change no answer.
	got, total, err := db.FindPublicStories(ctx, jigsaw.StoryFilter{Kind: jigsaw.StoryPatient, Limit: 5})
	if err != nil || total != 30 || len(got) != 5 || got[0].Title != "Story 29" {
		t.Errorf("stories after Optimize: %d of %d, err %v", len(got), total, err)
	}
}
