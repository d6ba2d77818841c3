package storetest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"jigsaw"
)

func (s *suite) testMigrate(t *testing.T) {
	ctx := context.Background()
	dsn := s.newDSN(t)
	db := s.mustOpenDSN(t, dsn)
	if err := db.CheckSchema(ctx); jigsaw.ErrorCode(err) != jigsaw.EUNAVAILABLE {
		t.Fatalf("CheckSchema before migrating: got %v, want EUNAVAILABLE", err)
	}
	applied, err := db.Migrate(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	cur, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != latest || cur != latest || latest < 1 {
		t.Fatalf("applied %d steps, at version %d of %d; want all", len(applied), cur, latest)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatalf("CheckSchema after migrating: %v", err)
	}
	// A second run, and a second process, find nothing to do.
	again, err := db.Migrate(ctx, nil)
	if err != nil || len(again) != 0 {
		t.Fatalf("second Migrate: applied %v, err %v; want nothing", again, err)
	}
	db2 := s.mustOpenDSN(t, dsn)
	if again, err := db2.Migrate(ctx, nil); err != nil || len(again) != 0 {
		t.Fatalf("Migrate from another handle: applied %v, err %v; want nothing", again, err)
	}
}

func (s *suite) testMigrateRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	_, latest, _ := db.SchemaVersion(ctx)
	if err := db.ExecRaw(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from_the_future', '2099-01-01T00:00:00Z')`, latest+1); err != nil {
		t.Fatal(err)
	}
	_, err := db.Migrate(ctx, nil)
	if err == nil || !strings.Contains(jigsaw.ErrorMessage(err), "newer than this jigsaw") {
		t.Fatalf("Migrate on a newer schema: got %v, want a refusal naming the newer schema", err)
	}
	if err := db.CheckSchema(ctx); err == nil {
		t.Fatal("CheckSchema on a newer schema: got nil, want an error")
	}
}

func (s *suite) testMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	dsn := s.newDSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		db := s.mustOpenDSN(t, dsn)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.Migrate(ctx, nil)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	db := s.mustOpenDSN(t, dsn)
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatalf("after concurrent migrations: %v", err)
	}
}
